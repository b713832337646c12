package net.sloop.http;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import net.sloop.fs.DirCursor;
import net.sloop.fs.FileSystem;
import net.sloop.fs.FsEntry;
import net.sloop.fs.FsException;
import net.sloop.fs.FsPath;
import net.sloop.fs.FsReader;
import net.sloop.mem.Category;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.TimerQueue;

/**
 * One connection slot of an {@link HttpServer}: made at start with every buffer it will use,
 * reused for every client, and the listener of its socket.
 *
 * <p>Input: bytes are read into the input buffer ({@code maxHeaderBytes} plus room to discard a
 * body behind a head). A request head is scanned as it arrives (RFC 9112 §2-5): every line must end
 * in CRLF (a bare CR or a bare LF is a 400), the request line is limited (414), the head in size and
 * field count (431). The head is then parsed in place; field positions go into a fixed index. A
 * request body (Content-Length or chunked) is read and discarded before the answer, so a malformed
 * chunk is a 400 and the next pipelined request is found where it starts.
 *
 * <p>Output: a response head is written into the output buffer, then the body follows through the
 * same buffer (a file a chunk at a time, a listing a line at a time, a handler's source) or
 * straight from a handler's array. A new request is read only once the answer before it is all
 * taken by the socket, so pipelined requests are answered in order and a client that does not
 * read stops itself; the send-rate rule then closes it.
 */
final class HttpConnection implements TcpSocket.Listener {
    /** Heap of this object, the request, response and entry objects, array headers and small strings. */
    static final int OBJECT_BYTES = 1280;
    /** Room behind a head for a request body being discarded. */
    static final int BODY_ROOM = 512;
    /** A handler's extra header fields. */
    static final int EXTRA_HEADER_BYTES = 512;
    /** Server-sent events held at once (and their bytes, {@code maxEventBytes}). */
    static final int EVENT_SLOTS = 16;
    /** Per held body or event: the array's header and the padding of its length, charged with it. */
    static final int ARRAY_OVERHEAD = 24;

    /**
     * CONTROL bytes per connection: its buffers, field index, decoding scratch, the decoded path
     * (UTF-16 at worst, at most a request line; the query is dropped with the request, before the
     * next is read), its objects.
     */
    static int chargeFor(HttpConfig c) {
        return OBJECT_BYTES + c.maxHeaderBytes() + BODY_ROOM + c.bufferBytes() + 16 * c.maxHeaders() + c.maxRequestLineBytes()
                + EXTRA_HEADER_BYTES + 8 * EVENT_SLOTS + 2 * c.maxRequestLineBytes();
    }

    // phases
    private static final int HEAD = 0, BODY = 1, RESPOND = 2;
    // bodies being sent
    private static final int B_NONE = 0, B_FILE = 1, B_LISTING = 2, B_BYTES = 3, B_SOURCE = 4, B_EVENTS = 5;

    final HttpServer server;
    final HttpConfig cfg;
    final HttpStats stats;
    final FileSystem fs;
    final int index;
    private final HttpRequest request = new HttpRequest(this);
    private final HttpResponse response = new HttpResponse(this, EXTRA_HEADER_BYTES);
    private final FsEntry entry = new FsEntry();

    TcpSocket socket;
    int peer;
    private boolean inPump;

    // ------------------------------------------------------------------ input
    final byte[] in;
    private final MemorySegment inSeg;
    private int inStart, inEnd, scan, lineStart, requestLineEnd, headEnd, lineCount;
    private boolean firstLine;
    /** Field index: name start, name end, value start, value end, per field. */
    final int[] fields;
    int fieldCount;
    private final byte[] decoded;

    // the request
    private int phase;
    boolean head, http11;
    private boolean get, closeAfter, keepAliveAsked, expectContinue;
    int targetStart, targetEnd;
    String path, query;
    private boolean trailingSlash;
    private int pathStart, pathEnd, queryStart;
    private int fHost, fCl, fTe, fInm, fIms, fRange, fIfRange;
    private int hosts;

    // body being discarded
    private long bodyLeft;
    private boolean chunked;
    private int chunkState, chunkDigits;
    private long chunkLeft, bodyTotal;

    // ------------------------------------------------------------------ output
    private final byte[] out;
    private final MemorySegment outSeg;
    private MemorySegment bytesSeg;
    private int outOff, outLen;
    private boolean overflow;
    private int body;
    private boolean chunkedOut;
    private int status;
    private FsReader reader;
    private long fileLeft;
    private DirCursor cursor;
    private String listingPath;
    private boolean listingHead;
    private byte[] bytes;
    private int bytesOff, bytesCharge;
    private HttpResponse.BodySource source;
    /** Events held: a byte[] each, or a {@link HttpResponse.BodySource} producing one (at most one such pending). */
    private final Object[] events = new Object[EVENT_SLOTS];
    private int evHead, evCount, evOff, evSources;
    int eventBytes;
    private int eventCharge;
    long eventGeneration;
    private HttpEventStream stream;
    private boolean eventsEnding;
    private final byte[] etag = new byte[40];
    private int etagLen;

    // ------------------------------------------------------------------ time
    private long headStart, idleSince, bodyStart;
    private boolean idle;
    private long rateCheckAt = TimerQueue.NONE;
    private long written, ackedAtCheck;
    /** For the access log: bytes written and the time when the request was dispatched. */
    private long writtenAtDispatch, dispatchedAt;

    HttpConnection(HttpServer server, int index) {
        this.server = server;
        this.cfg = server.cfg;
        this.stats = server.stats;
        this.fs = cfg.fs();
        this.index = index;
        this.in = new byte[cfg.maxHeaderBytes() + BODY_ROOM];
        this.fields = new int[cfg.maxHeaders() * 4];
        this.decoded = new byte[cfg.maxRequestLineBytes()];
        this.out = new byte[cfg.bufferBytes()];
        this.inSeg = MemorySegment.ofArray(in); // the socket calls take segments: wrapping an array per call would allocate
        this.outSeg = MemorySegment.ofArray(out);
    }

    // ------------------------------------------------------------------ life

    void open(TcpSocket s, long now) {
        socket = s;
        peer = s.remoteAddress();
        inStart = inEnd = 0;
        outOff = outLen = 0;
        written = ackedAtCheck = 0;
        rateCheckAt = TimerQueue.NONE;
        startRequest(now);
        idle = false; // a fresh connection must send its first request within the header timeout
        s.setListener(this);
        s.setNoDelay(true); // whole responses are written at once; Nagle would only hold a response's tail for the client's delayed ACK
        pump();
    }

    private long now() {
        return server.stack.time();
    }

    private void startRequest(long now) {
        phase = HEAD;
        requestLineEnd = -1;
        head = false;
        http11 = true;
        closeAfter = false;
        path = query = null;
        scan = lineStart = inStart;
        firstLine = true;
        lineCount = 0;
        headStart = idleSince = now;
        idle = true;
        body = B_NONE;
    }

    /** How long a connection closed after an error goes on reading (and dropping) what the client still sends. */
    static final long LINGER_NANOS = 2_000_000_000L;
    /** Bytes dropped at most while lingering; beyond, the connection is reset. */
    static final int LINGER_BYTES = 256 * 1024;
    private boolean lingering, lingerOnClose;
    private long lingerUntil, lingerBytes;

    /**
     * Closes after an error answer the way Apache's lingering close does: the FIN goes after the
     * answer, and input is read and dropped until the client's FIN (or {@link #LINGER_NANOS}), so
     * data the client was still sending cannot turn the close into a reset that destroys the answer
     * before the client has read it.
     */
    private void linger() {
        socket.shutdownOutput();
        lingering = true;
        lingerUntil = now() + LINGER_NANOS;
        lingerBytes = 0;
        server.want(lingerUntil);
    }

    private void lingerRead() throws TcpException {
        while (socket != null) {
            int n = socket.read(inSeg, 0, in.length);
            if (n == 0) return;
            if (n < 0) {
                end(false);
                return;
            }
            lingerBytes += n;
            if (lingerBytes > LINGER_BYTES) end(true);
        }
    }

    /** Ends the connection: gracefully (the FIN follows what was written) or reset; the slot is freed. */
    void end(boolean abort) {
        TcpSocket s = socket;
        if (s == null) return;
        socket = null;
        lingering = lingerOnClose = false;
        releaseBody();
        rateCheckAt = TimerQueue.NONE;
        if (abort) {
            s.abort();
        } else {
            s.shutdownInput(); // unread input would turn the close into a reset and lose the answer
            s.close();
        }
        server.released();
    }

    /** The server is closing: reset. */
    void kill() {
        end(true);
    }

    @Override
    public void onEvent(TcpSocket s, int events) {
        if (s != socket) return;
        try {
            pump();
            if (socket == s && (events & TcpSocket.CLOSED) != 0) {
                if (s.error() != TcpError.NONE) stats.errors++;
                end(s.error() != TcpError.NONE);
            }
        } catch (RuntimeException e) {
            stats.errors++;
            end(true);
            throw e;
        }
        server.want(deadline());
    }

    /** Sends what is pending and goes on with the response and the requests after it until it must wait. */
    void pump() {
        if (inPump || socket == null) return;
        inPump = true;
        try {
            while (socket != null) {
                if (lingering) {
                    lingerRead();
                    return;
                }
                if (!flush()) return;
                if (phase == RESPOND) {
                    if (produce()) continue;
                    if (body != B_NONE) return; // events to come
                    finishResponse();
                    continue;
                }
                if (phase == BODY) {
                    int r = discard();
                    if (r == 0) return;
                    if (r > 1) {
                        error(r, true);
                        continue;
                    }
                    dispatch();
                    continue;
                }
                int r = readHead();
                if (r == 1 && in.length - headEnd < BODY_ROOM) compact(); // room behind the head for a body to pass through
                if (r == 0) return;
                if (r < 0) { // the client closed its side between requests, or within one
                    end(false);
                    return;
                }
                if (r > 1) {
                    error(r, true);
                    continue;
                }
                stats.requests++;
                int st = parseHead();
                if (st != 0) {
                    error(st, true);
                    continue;
                }
                if (bodyLeft > 0 || chunked) {
                    if (expectContinue) put100Continue();
                    phase = BODY;
                    bodyStart = now();
                    chunkState = 0;
                    chunkLeft = bodyTotal = 0;
                    continue;
                }
                dispatch();
            }
        } catch (TcpException e) {
            stats.errors++;
            end(true);
        } finally {
            inPump = false;
        }
    }

    /** Writes pending output; true if all was taken. */
    private boolean flush() throws TcpException {
        while (outLen > 0) {
            int w = socket.write(outSeg, outOff, outLen);
            if (w == 0) {
                armRateCheck();
                return false;
            }
            outOff += w;
            outLen -= w;
            wrote(w);
        }
        outOff = 0;
        return true;
    }

    private void wrote(int n) {
        written += n;
        stats.bytesOut += n;
        armRateCheck();
    }

    private void armRateCheck() {
        if (rateCheckAt == TimerQueue.NONE && cfg.minSendRate() > 0) {
            rateCheckAt = now() + cfg.sendRateWindowNanos();
            ackedAtCheck = written - socket.unacknowledged();
            server.want(rateCheckAt);
        }
    }

    // ------------------------------------------------------------------ reading a head

    /** 1 when a head is complete in {@code in[inStart..headEnd)}, 0 if more is needed, -1 at end of stream, or an error status. */
    private int readHead() throws TcpException {
        while (true) {
            int r = scanHead();
            if (r != 0) return r;
            if (inEnd == in.length || (inStart > 0 && inEnd - inStart < in.length / 2 && in.length - inEnd < 256)) compact();
            int room = Math.min(in.length, inStart + cfg.maxHeaderBytes()) - inEnd;
            if (room <= 0) {
                compact();
                room = cfg.maxHeaderBytes() - inEnd;
            }
            int n = socket.read(inSeg, inEnd, room);
            if (n == 0) return 0;
            if (n < 0) return -1;
            if (idle) { // the first byte of a request: its header timeout starts now
                idle = false;
                headStart = now();
            }
            inEnd += n;
        }
    }

    private void compact() {
        if (inStart == 0) return;
        int shift = inStart;
        System.arraycopy(in, inStart, in, 0, inEnd - inStart);
        inEnd -= shift;
        inStart = 0;
        scan -= shift;
        lineStart -= shift;
        requestLineEnd -= shift;
        headEnd -= shift;
    }

    /** Scans new input for the end of the head; checks line ends and the limits as it goes. */
    private int scanHead() {
        if (firstLine && scan == inStart) { // empty lines before a request line are ignored (RFC 9112 §2.2)
            while (inEnd - inStart >= 2 && in[inStart] == '\r' && in[inStart + 1] == '\n') inStart += 2;
            scan = lineStart = inStart;
        }
        if (inEnd > inStart) idle = false;
        int i = scan;
        for (; i < inEnd; i++) {
            byte b = in[i];
            if (b == '\n') return bad(true); // a bare LF
            if (b != '\r') continue;
            if (i + 1 == inEnd) break; // the LF has not come yet
            if (in[i + 1] != '\n') return bad(true); // a bare CR
            if (firstLine) {
                if (i + 2 - inStart > cfg.maxRequestLineBytes()) return tooLong();
                requestLineEnd = i;
                firstLine = false;
            } else if (i == lineStart) {
                headEnd = i + 2;
                scan = headEnd;
                return 1;
            } else if (++lineCount > cfg.maxHeaders()) {
                stats.headersTooLarge++;
                return 431;
            }
            lineStart = i + 2;
            i++;
        }
        scan = i;
        if (firstLine && inEnd - inStart >= cfg.maxRequestLineBytes()) return tooLong();
        if (inEnd - inStart >= cfg.maxHeaderBytes()) {
            stats.headersTooLarge++;
            return 431;
        }
        return 0;
    }

    private int tooLong() {
        stats.lineTooLong++;
        return 414;
    }

    private int bad(boolean smuggling) {
        stats.badRequest++;
        if (smuggling) stats.smuggling++;
        return 400;
    }

    // ------------------------------------------------------------------ parsing a head

    private static final int M_GET = 1, M_HEAD = 2, M_OPTIONS = 3, M_OTHER_KNOWN = 4, M_UNKNOWN = 5;

    /** Parses the head in place; 0 if it is a request to answer, else the error status (400, 405, 413, 501, 505). */
    private int parseHead() {
        int p = inStart, e = requestLineEnd;
        // method: a token, then one SP
        int ms = p;
        while (p < e && isToken((char) (in[p] & 0xff))) p++;
        if (p == ms || p >= e || in[p] != ' ') return bad(false);
        int method = method(ms, p);
        p++;
        targetStart = p;
        while (p < e && in[p] > 0x20 && in[p] < 0x7f) p++;
        targetEnd = p;
        if (targetEnd == targetStart || p >= e || in[p] != ' ') return bad(false);
        p++;
        // HTTP-version = "HTTP/" DIGIT "." DIGIT
        if (e - p != 8 || in[p] != 'H' || in[p + 1] != 'T' || in[p + 2] != 'T' || in[p + 3] != 'P' || in[p + 4] != '/' || !digit(in[p + 5])
                || in[p + 6] != '.' || !digit(in[p + 7])) return bad(false);
        if (in[p + 5] != '1') {
            stats.badRequest++;
            return 505;
        }
        http11 = in[p + 7] != '0';
        head = method == M_HEAD;
        get = method == M_GET;
        closeAfter = false;
        keepAliveAsked = expectContinue = false;
        fHost = fCl = fTe = fInm = fIms = fRange = fIfRange = -1;
        hosts = 0;
        bodyLeft = 0;
        chunked = false;
        // fields
        fieldCount = 0;
        int q = requestLineEnd + 2;
        while (q < headEnd - 2) {
            int le = q;
            while (in[le] != '\r') le++;
            int st = field(q, le);
            if (st != 0) return st;
            q = le + 2;
        }
        // framing (RFC 9112 §6.3)
        if (fTe >= 0) {
            if (fCl >= 0) return bad(true); // both: the classic smuggling vector
            if (!http11) return bad(true); // Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1)
            int te = transferEncoding();
            if (te != 0) return te;
            chunked = true;
        } else if (fCl >= 0) {
            long n = number(fields[fCl * 4 + 2], fields[fCl * 4 + 3]);
            if (n < 0) return bad(true);
            bodyLeft = n;
        }
        if (http11 && hosts == 0) return bad(false); // RFC 9112 §3.2
        if (hosts > 1) return bad(false);
        if (fHost >= 0 && !validHost(fields[fHost * 4 + 2], fields[fHost * 4 + 3])) return bad(false);
        if (!http11 && !keepAliveAsked) closeAfter = true;
        if (bodyLeft > cfg.maxBodyBytes()) {
            stats.bodyTooLarge++;
            return 413;
        }
        // target (RFC 9112 §3.2): origin-form, absolute-form, asterisk-form for OPTIONS
        int ts = targetStart;
        if (in[ts] == '*' && targetEnd == ts + 1) {
            if (method != M_OPTIONS) return bad(false);
            pathStart = pathEnd = queryStart = -1;
        } else {
            if (in[ts] != '/') {
                int scheme = absoluteScheme(ts);
                if (scheme < 0) {
                    if (method == M_OTHER_KNOWN || method == M_UNKNOWN) return method == M_UNKNOWN ? notImplemented() : notAllowed(); // CONNECT's authority-form
                    return bad(false);
                }
                ts = scheme;
                while (ts < targetEnd && in[ts] != '/' && in[ts] != '?') ts++;
            }
            pathStart = ts;
            int qm = ts;
            while (qm < targetEnd && in[qm] != '?') qm++;
            pathEnd = qm;
            queryStart = qm < targetEnd ? qm + 1 : -1;
        }
        // A method not served: answered once the body (if any) is read, and the connection kept.
        deferred = method == M_UNKNOWN ? 501 : method == M_OTHER_KNOWN ? 405 : 0;
        return 0;
    }

    /** The answer decided at parsing, given after the body is discarded (405, 501), or 0. */
    private int deferred;

    private int notImplemented() {
        stats.notImplemented++;
        return 501;
    }

    private int notAllowed() {
        stats.methodNotAllowed++;
        return 405;
    }

    /** One field line {@code in[s..e)}: name, colon, OWS, value, OWS (RFC 9112 §5). */
    private int field(int s, int e) {
        if (in[s] == ' ' || in[s] == '\t') return bad(true); // obs-fold (RFC 9112 §5.2)
        int p = s;
        while (p < e && in[p] != ':') {
            byte b = in[p];
            if (b == ' ' || b == '\t') return bad(true); // whitespace between the name and the colon (§5.1)
            if (!isToken((char) (b & 0xff))) return bad(false);
            p++;
        }
        if (p == s || p == e) return bad(false);
        int ne = p++;
        while (p < e && (in[p] == ' ' || in[p] == '\t')) p++;
        int vs = p, ve = e;
        while (ve > vs && (in[ve - 1] == ' ' || in[ve - 1] == '\t')) ve--;
        for (int k = vs; k < ve; k++) {
            int b = in[k] & 0xff;
            if ((b < 0x20 && b != '\t') || b == 0x7f) return bad(true); // NUL and other controls
        }
        int i = fieldCount++;
        fields[i * 4] = s;
        fields[i * 4 + 1] = ne;
        fields[i * 4 + 2] = vs;
        fields[i * 4 + 3] = ve;
        int n = ne - s;
        if (n == 4 && equalsIgnoreCase(s, HOST)) {
            hosts++;
            fHost = i;
        } else if (n == 14 && equalsIgnoreCase(s, CONTENT_LENGTH)) {
            if (fCl >= 0) return bad(true); // a second Content-Length, equal or not
            fCl = i;
        } else if (n == 17 && equalsIgnoreCase(s, TRANSFER_ENCODING)) {
            if (fTe >= 0) return bad(true); // split across lines: refused rather than combined
            fTe = i;
        } else if (n == 10 && equalsIgnoreCase(s, CONNECTION)) {
            connection(vs, ve);
        } else if (n == 13 && equalsIgnoreCase(s, IF_NONE_MATCH)) {
            fInm = i;
        } else if (n == 17 && equalsIgnoreCase(s, IF_MODIFIED_SINCE)) {
            fIms = i;
        } else if (n == 5 && equalsIgnoreCase(s, RANGE)) {
            fRange = i;
        } else if (n == 8 && equalsIgnoreCase(s, IF_RANGE)) {
            fIfRange = i;
        } else if (n == 6 && equalsIgnoreCase(s, EXPECT)) {
            expectContinue = ve - vs == 12 && equalsIgnoreCase(vs, CONTINUE);
        }
        return 0;
    }

    private static final byte[] HOST = ascii("host"), CONTENT_LENGTH = ascii("content-length"), TRANSFER_ENCODING = ascii("transfer-encoding"),
            CONNECTION = ascii("connection"), IF_NONE_MATCH = ascii("if-none-match"), IF_MODIFIED_SINCE = ascii("if-modified-since"),
            RANGE = ascii("range"), IF_RANGE = ascii("if-range"), EXPECT = ascii("expect"), CONTINUE = ascii("100-continue"),
            CHUNKED = ascii("chunked"), CLOSE = ascii("close"), KEEP_ALIVE = ascii("keep-alive"), BYTES_EQ = ascii("bytes=");

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private boolean equalsIgnoreCase(int s, byte[] lower) {
        for (int k = 0; k < lower.length; k++) {
            int b = in[s + k];
            if (b >= 'A' && b <= 'Z') b += 32;
            if (b != lower[k]) return false;
        }
        return true;
    }

    /** The index of the first field named {@code name}, or -1. */
    int findField(String name) {
        outer:
        for (int i = 0; i < fieldCount; i++) {
            int s = fields[i * 4], e = fields[i * 4 + 1];
            if (e - s != name.length()) continue;
            for (int k = 0; k < name.length(); k++) {
                int b = in[s + k], c = name.charAt(k);
                if (b >= 'A' && b <= 'Z') b += 32;
                if (c >= 'A' && c <= 'Z') c += 32;
                if (b != c) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** Connection: a comma-separated list of tokens; "close" and "keep-alive" matter. */
    private void connection(int s, int e) {
        int p = s;
        while (p < e) {
            while (p < e && (in[p] == ' ' || in[p] == '\t' || in[p] == ',')) p++;
            int ts = p;
            while (p < e && in[p] != ',' && in[p] != ' ' && in[p] != '\t') p++;
            if (p - ts == 5 && equalsIgnoreCase(ts, CLOSE)) closeAfter = true;
            else if (p - ts == 10 && equalsIgnoreCase(ts, KEEP_ALIVE)) keepAliveAsked = true;
        }
    }

    /** Transfer-Encoding must end in chunked (else 400, RFC 9112 §6.3); only chunked alone is decoded (else 501). */
    private int transferEncoding() {
        int s = fields[fTe * 4 + 2], e = fields[fTe * 4 + 3];
        int last = e;
        while (last > s && in[last - 1] != ',' && in[last - 1] != ' ' && in[last - 1] != '\t') last--;
        if (e - last != 7 || !equalsIgnoreCase(last, CHUNKED)) return bad(true);
        if (last != s) return notImplemented(); // another coding before chunked
        return 0;
    }

    /** A decimal Content-Length of at most 18 digits, else -1 (a list such as "5, 5" included). */
    private long number(int s, int e) {
        if (e == s || e - s > 18) return -1;
        long v = 0;
        for (int k = s; k < e; k++) {
            if (!digit(in[k])) return -1;
            v = v * 10 + (in[k] - '0');
        }
        return v;
    }

    /** Host = uri-host [ ":" port ]: reg-name or IP-literal characters only. */
    private boolean validHost(int s, int e) {
        for (int k = s; k < e; k++) {
            int b = in[k] & 0xff;
            boolean ok = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || "-._~!$&'()*+,;=%:[]".indexOf(b) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    /** The position after "http://" or "https://" (any case) at {@code p}, or -1. */
    private int absoluteScheme(int p) {
        int n = targetEnd - p;
        if (n >= 7 && equalsIgnoreCase(p, HTTP_SCHEME)) return p + 7;
        if (n >= 8 && equalsIgnoreCase(p, HTTPS_SCHEME)) return p + 8;
        return -1;
    }

    private static final byte[] HTTP_SCHEME = ascii("http://"), HTTPS_SCHEME = ascii("https://");

    private int method(int s, int e) {
        int n = e - s;
        if (n == 3 && in[s] == 'G' && in[s + 1] == 'E' && in[s + 2] == 'T') return M_GET;
        if (n == 4 && in[s] == 'H' && in[s + 1] == 'E' && in[s + 2] == 'A' && in[s + 3] == 'D') return M_HEAD;
        String m = switch (n) {
            case 3 -> "PUT";
            case 4 -> "POST";
            case 5 -> in[s] == 'P' ? "PATCH" : "TRACE";
            case 6 -> "DELETE";
            case 7 -> in[s] == 'O' ? "OPTIONS" : "CONNECT";
            default -> null;
        };
        if (m == null) return M_UNKNOWN;
        for (int k = 0; k < n; k++) if (in[s + k] != m.charAt(k)) return M_UNKNOWN;
        return m.equals("OPTIONS") ? M_OPTIONS : M_OTHER_KNOWN;
    }

    static boolean isToken(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') return true;
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    // ------------------------------------------------------------------ discarding a body

    /** Reads and drops the request body: 1 when it is all gone, 0 if more is needed, or an error status. */
    private int discard() throws TcpException {
        while (true) {
            // the body's bytes in the buffer, behind the head (which stays for the answer)
            int p = headEnd;
            int r = chunked ? chunks(p) : fixed(p);
            if (r != 0) return r;
            inEnd = headEnd; // everything behind the head was body, and is gone
            int n = socket.read(inSeg, inEnd, in.length - inEnd);
            if (n == 0) return 0;
            if (n < 0) return bad(false); // the body ended early
            inEnd += n;
        }
    }

    private int fixed(int p) {
        int have = (int) Math.min(bodyLeft, inEnd - p);
        bodyLeft -= have;
        stats.bodyBytesDiscarded += have;
        if (bodyLeft > 0) return 0;
        removeBody(p + have);
        return 1;
    }

    /** Moves what follows the body (a pipelined request) to just behind the head. */
    private void removeBody(int end) {
        System.arraycopy(in, end, in, headEnd, inEnd - end);
        inEnd = headEnd + inEnd - end;
    }

    // chunk states (RFC 9112 §7.1)
    private static final int C_SIZE = 0, C_EXT = 1, C_SIZE_LF = 2, C_DATA = 3, C_DATA_CR = 4, C_DATA_LF = 5, C_TRAILER_START = 6, C_TRAILER = 7,
            C_TRAILER_LF = 8, C_END_LF = 9, C_BWS = 10;

    private int chunks(int p) {
        int i = p;
        while (i < inEnd) {
            int b = in[i] & 0xff;
            switch (chunkState) {
                case C_SIZE -> {
                    int h = hex(b);
                    if (h >= 0) {
                        if (++chunkDigits > 15) return bad(true); // would overflow
                        chunkLeft = chunkLeft * 16 + h;
                    } else if (chunkDigits == 0) {
                        return bad(true); // no size
                    } else if (b == ';') {
                        chunkState = C_EXT;
                    } else if (b == ' ' || b == '\t') {
                        chunkState = C_BWS;
                    } else if (b == '\r') {
                        chunkState = C_SIZE_LF;
                    } else {
                        return bad(true);
                    }
                }
                case C_BWS -> {
                    if (b == ';') chunkState = C_EXT;
                    else if (b != ' ' && b != '\t') return bad(true);
                }
                case C_EXT -> {
                    if (b == '\r') chunkState = C_SIZE_LF;
                    else if (b == '\n' || (b < 0x20 && b != '\t') || b == 0x7f) return bad(true);
                }
                case C_SIZE_LF -> {
                    if (b != '\n') return bad(true);
                    chunkDigits = 0;
                    if (chunkLeft == 0) {
                        chunkState = C_TRAILER_START;
                    } else {
                        bodyTotal += chunkLeft;
                        if (bodyTotal > cfg.maxBodyBytes()) {
                            stats.bodyTooLarge++;
                            return 413;
                        }
                        chunkState = C_DATA;
                    }
                }
                case C_DATA -> {
                    int take = (int) Math.min(chunkLeft, inEnd - i);
                    chunkLeft -= take;
                    stats.bodyBytesDiscarded += take;
                    i += take;
                    if (chunkLeft == 0) chunkState = C_DATA_CR;
                    continue;
                }
                case C_DATA_CR -> {
                    if (b != '\r') return bad(true);
                    chunkState = C_DATA_LF;
                }
                case C_DATA_LF -> {
                    if (b != '\n') return bad(true);
                    chunkState = C_SIZE;
                }
                case C_TRAILER_START -> {
                    if (b == '\r') chunkState = C_END_LF;
                    else if (b == ' ' || b == '\t' || b == '\n') return bad(true);
                    else chunkState = C_TRAILER;
                }
                case C_TRAILER -> {
                    if (b == '\r') chunkState = C_TRAILER_LF;
                    else if (b == '\n' || (b < 0x20 && b != '\t') || b == 0x7f) return bad(true);
                }
                case C_TRAILER_LF -> {
                    if (b != '\n') return bad(true);
                    chunkState = C_TRAILER_START;
                }
                default -> { // C_END_LF
                    if (b != '\n') return bad(true);
                    removeBody(i + 1);
                    return 1;
                }
            }
            i++;
        }
        // all consumed: a state machine needs nothing kept
        inEnd = p;
        return 0;
    }

    private static int hex(int b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'a' && b <= 'f') return b - 'a' + 10;
        if (b >= 'A' && b <= 'F') return b - 'A' + 10;
        return -1;
    }

    // ------------------------------------------------------------------ answering

    /** Answers the parsed request (its body, if any, is gone): a route's handler, a file, a directory, or an error. */
    private void dispatch() {
        phase = RESPOND;
        writtenAtDispatch = written;
        dispatchedAt = now();
        response.reset();
        if (deferred != 0) {
            if (deferred == 405) notAllowed();
            else notImplemented();
            error(deferred, false);
            return;
        }
        if (pathStart < 0) { // OPTIONS *
            options();
            return;
        }
        if (!decodePath()) {
            error(400, true);
            return;
        }
        query = queryStart < 0 ? "" : new String(in, queryStart, targetEnd - queryStart, StandardCharsets.ISO_8859_1);
        if (!get && !head) { // OPTIONS with a path
            options();
            return;
        }
        HttpHandler h = server.handlerFor(path);
        if (h != null) {
            handle(h);
            return;
        }
        if (fs == null) {
            notFound();
            return;
        }
        try {
            FsEntry e = fs.stat(path);
            if (e.isDirectory()) directory();
            else file(path, e);
        } catch (FsException ex) {
            fsError(ex);
        }
    }

    private void options() {
        begin(200, null);
        put(ALLOW);
        endHead(0);
    }

    private void notFound() {
        stats.notFound++;
        error(404, false);
    }

    private void fsError(FsException ex) {
        switch (ex.reason()) {
            case NOT_FOUND, NOT_DIRECTORY, IS_DIRECTORY -> notFound();
            case DENIED -> error(403, false);
            case INVALID_NAME -> {
                stats.badRequest++;
                error(400, true);
            }
            default -> error(500, false);
        }
    }

    /** Percent-decodes the path (strict UTF-8) and normalises it with FsPath; false if it is not acceptable. */
    private boolean decodePath() {
        int n = 0;
        boolean ascii = true;
        for (int k = pathStart; k < pathEnd; k++) {
            int b = in[k] & 0xff;
            if (b == '%') {
                if (k + 2 >= pathEnd) return false;
                int h = hex(in[k + 1] & 0xff), l = hex(in[k + 2] & 0xff);
                if (h < 0 || l < 0) return false;
                b = h * 16 + l;
                k += 2;
            }
            if (b >= 0x80) ascii = false;
            decoded[n++] = (byte) b;
        }
        String raw;
        if (n == 0) {
            raw = "/";
        } else if (ascii) {
            raw = new String(decoded, 0, n, StandardCharsets.ISO_8859_1);
        } else {
            try {
                raw = server.utf8.reset().decode(ByteBuffer.wrap(decoded, 0, n)).toString();
            } catch (CharacterCodingException e) {
                return false;
            }
        }
        trailingSlash = raw.endsWith("/");
        try {
            path = FsPath.resolve("/", raw, cfg.maxRequestLineBytes());
        } catch (FsException e) {
            return false;
        }
        return true;
    }

    private void handle(HttpHandler h) {
        stats.handled++;
        try {
            h.handle(request, response);
        } catch (Exception e) {
            stats.handlerErrors++;
            if (!response.committed()) error(500, false); // else the answer it gave stands
            return;
        }
        if (!response.committed()) {
            stats.handlerErrors++;
            error(500, false);
        }
    }

    // ------------------------------------------------------------------ files and directories

    private void directory() throws FsException {
        if (!trailingSlash) { // the listing's relative links need the slash (as every server does)
            begin(301, null);
            put(LOCATION);
            putTargetPathWithSlash();
            crlf();
            endHead(0);
            return;
        }
        String index = path.equals("/") ? "/index.html" : path + "/index.html";
        try {
            FsEntry e = fs.stat(index);
            if (!e.isDirectory()) {
                file(index, e);
                return;
            }
        } catch (FsException ex) {
            if (ex.reason() != FsException.Reason.NOT_FOUND) throw ex;
        }
        if (!cfg.listings()) {
            notFound();
            return;
        }
        cursor = fs.list(path);
        listingPath = path;
        listingDone = false;
        begin(200, MimeTypes.HTML);
        put(CACHE_NO);
        streamBody(B_LISTING);
        listingHead = true;
    }

    private void putTargetPathWithSlash() {
        int s = pathStart, e = pathEnd;
        if (e - s + 1 + (queryStart < 0 ? 0 : targetEnd - pathEnd) > out.length - outLen - 256) { // no room: the path alone
            put(path + "/");
            return;
        }
        if (s == e) put(SLASH);
        else putRaw(in, s, e - s);
        put(SLASH);
        if (queryStart >= 0) putRaw(in, pathEnd, targetEnd - pathEnd);
    }

    private void file(String p, FsEntry e) throws FsException {
        long size = e.size(), mtime = e.modifiedMillis();
        makeEtag(size, mtime);
        if (notModified(mtime)) {
            stats.notModified++;
            begin(304, null);
            validators(mtime);
            endHeadNoLength();
            return;
        }
        long first = 0, last = size - 1;
        boolean partial = false;
        if (fRange >= 0 && get && ifRangeHolds(mtime)) {
            long r = range(size);
            if (r == -2) {
                stats.rangeNotSatisfiable++;
                begin(416, MimeTypes.TEXT);
                put(CONTENT_RANGE_STAR);
                putLong(size);
                crlf();
                endHead(0);
                return;
            }
            if (r >= 0) {
                partial = true;
                first = rangeFirst;
                last = rangeLast;
            }
        }
        long length = size == 0 ? 0 : last - first + 1;
        if (!head && length > 0) reader = fs.openRead(p, first);
        if (partial) stats.partial++;
        begin(partial ? 206 : 200, MimeTypes.of(p));
        validators(mtime);
        put(ACCEPT_RANGES);
        if (partial) {
            put(CONTENT_RANGE);
            putLong(first);
            out[outOff + outLen++] = '-';
            putLong(last);
            out[outOff + outLen++] = '/';
            putLong(size);
            crlf();
        }
        endHead(length);
        if (!head && length > 0) {
            body = B_FILE;
            fileLeft = length;
        }
    }

    private void makeEtag(long size, long mtime) {
        int o = 0;
        etag[o++] = '"';
        o = hexInto(etag, o, size);
        etag[o++] = '-';
        o = hexInto(etag, o, mtime / 1000);
        etag[o++] = '"';
        etagLen = o;
    }

    private static int hexInto(byte[] b, int o, long v) {
        int digits = v == 0 ? 1 : (67 - Long.numberOfLeadingZeros(v)) / 4;
        for (int k = digits - 1; k >= 0; k--) b[o++] = (byte) "0123456789abcdef".charAt((int) (v >>> (4 * k)) & 15);
        return o;
    }

    private void validators(long mtime) {
        put(ETAG);
        putRaw(etag, 0, etagLen);
        crlf();
        put(LAST_MODIFIED);
        ensure(HttpDate.LENGTH);
        if (!overflow) outLen = HttpDate.format(mtime, out, outOff + outLen) - outOff;
        crlf();
    }

    /** RFC 9110 §13.2.2: If-None-Match (weak comparison) decides; without it, If-Modified-Since. Only for GET and HEAD. */
    private boolean notModified(long mtime) {
        if (fInm >= 0) return etagListMatches(fields[fInm * 4 + 2], fields[fInm * 4 + 3], false);
        if (fIms >= 0) {
            long since = HttpDate.parse(in, fields[fIms * 4 + 2], fields[fIms * 4 + 3]);
            return since != Long.MIN_VALUE && mtime / 1000 <= Math.floorDiv(since, 1000);
        }
        return false;
    }

    /** True if a list of entity tags in {@code in[s..e)} holds ours ("*" matches any); weak tags match weakly only unless {@code strong}. */
    private boolean etagListMatches(int s, int e, boolean strong) {
        int p = s;
        while (p < e) {
            while (p < e && (in[p] == ' ' || in[p] == '\t' || in[p] == ',')) p++;
            if (p >= e) break;
            if (in[p] == '*' && !strong) return true;
            boolean weak = false;
            if (p + 1 < e && in[p] == 'W' && in[p + 1] == '/') {
                weak = true;
                p += 2;
            }
            if (p >= e || in[p] != '"') return false;
            int ts = p++;
            while (p < e && in[p] != '"') p++;
            if (p >= e) return false;
            p++;
            if (!(strong && weak) && p - ts == etagLen) {
                boolean same = true;
                for (int k = 0; k < etagLen; k++) if (in[ts + k] != etag[k]) same = false;
                if (same) return true;
            }
        }
        return false;
    }

    /** If-Range (RFC 9110 §13.1.5): the range applies only if the validator (a strong ETag or the exact date) is current. */
    private boolean ifRangeHolds(long mtime) {
        if (fIfRange < 0) return true;
        int s = fields[fIfRange * 4 + 2], e = fields[fIfRange * 4 + 3];
        if (e > s && (in[s] == '"' || in[s] == 'W')) return etagListMatches(s, e, true);
        long d = HttpDate.parse(in, s, e);
        return d != Long.MIN_VALUE && Math.floorDiv(d, 1000) == mtime / 1000;
    }

    private long rangeFirst, rangeLast;

    /**
     * Range: bytes=a-b | a- | -n (RFC 9110 §14.1.2), one range. Returns 0 with {@link #rangeFirst}
     * and {@link #rangeLast} set, -1 to ignore the field (not bytes, malformed, several ranges: a
     * server may answer 200 with the whole file), -2 when unsatisfiable (416).
     */
    private long range(long size) {
        int s = fields[fRange * 4 + 2], e = fields[fRange * 4 + 3];
        if (e - s < 7 || !equalsIgnoreCase(s, BYTES_EQ)) return -1;
        int p = s + 6;
        while (p < e && (in[p] == ' ' || in[p] == '\t')) p++;
        for (int k = p; k < e; k++) if (in[k] == ',') return -1; // several ranges: served whole
        int dash = p;
        while (dash < e && in[dash] != '-') dash++;
        if (dash == e) return -1;
        int le = dash;
        while (le > p && (in[le - 1] == ' ')) le--;
        int rs = dash + 1;
        while (rs < e && in[rs] == ' ') rs++;
        long a = le == p ? -1 : number(p, le);
        long b = rs == e ? -1 : number(rs, e);
        if ((le != p && a < 0) || (rs != e && b < 0)) return -1;
        if (a < 0) { // suffix: the last b bytes
            if (b < 0) return -1;
            if (b == 0 || size == 0) return -2;
            rangeFirst = Math.max(0, size - b);
            rangeLast = size - 1;
            return 0;
        }
        if (b >= 0 && b < a) return -1;
        if (a >= size) return -2;
        rangeFirst = a;
        rangeLast = b < 0 || b >= size ? size - 1 : b;
        return 0;
    }

    // ------------------------------------------------------------------ handlers

    void handlerSend(String contentType, byte[] b) {
        begin(response.status, contentType == null ? null : ascii(contentType));
        putRaw(response.extra, 0, response.extraLen);
        endHead(b.length);
        if (head || b.length == 0) return;
        if (b.length <= out.length - outOff - outLen) { // a small body goes with the head, through the buffer
            putRaw(b, 0, b.length);
            return;
        }
        int charge = b.length + ARRAY_OVERHEAD;
        if (!server.m.charge(Category.CONTROL, server.owner, charge)) {
            stats.noMemory++;
            outLen = 0;
            error(503, false);
            return;
        }
        bytes = b;
        bytesSeg = MemorySegment.ofArray(b);
        bytesOff = 0;
        bytesCharge = charge;
        body = B_BYTES;
    }

    void handlerStream(String contentType, HttpResponse.BodySource s) {
        begin(response.status, contentType == null ? null : ascii(contentType));
        putRaw(response.extra, 0, response.extraLen);
        if (head) {
            if (http11) put(TE_CHUNKED);
            endHeadNoLength();
            s.close();
            return;
        }
        source = s;
        streamBody(B_SOURCE);
    }

    HttpEventStream handlerEvents() {
        begin(response.status, EVENT_STREAM);
        put(CACHE_NO);
        putRaw(response.extra, 0, response.extraLen);
        HttpEventStream es = new HttpEventStream(this, ++eventGeneration);
        if (head) {
            if (http11) put(TE_CHUNKED);
            endHeadNoLength();
            es.closed();
            eventGeneration++;
            return es;
        }
        stream = es;
        eventsEnding = false;
        evHead = evCount = evOff = eventBytes = evSources = 0;
        streamBody(B_EVENTS);
        return es;
    }

    /** Queues an event for the stream; false (counted) if it would pass the stream's limit or the budget. */
    boolean queueEvent(byte[] ev) {
        if (body != B_EVENTS || eventsEnding || socket == null) return false;
        int charge = ev.length + ARRAY_OVERHEAD;
        if (evCount == EVENT_SLOTS || eventBytes + ev.length > cfg.maxEventBytes()) {
            stats.eventsDropped++;
            return false;
        }
        if (!server.m.charge(Category.CONTROL, server.owner, charge)) {
            stats.eventsDropped++;
            stats.noMemory++;
            return false;
        }
        eventCharge += charge;
        events[(evHead + evCount++) % EVENT_SLOTS] = ev;
        eventBytes += ev.length;
        stats.events++;
        pump();
        server.want(deadline());
        return true;
    }

    /**
     * Queues an event produced by {@code src} as the connection drains, through the output buffer
     * (nothing copied, nothing charged); false (counted as dropped) if one is still pending, the
     * slots are full or the stream is closed: then the source is not used.
     */
    boolean queueEventSource(HttpResponse.BodySource src) {
        if (body != B_EVENTS || eventsEnding || socket == null) return false;
        if (evCount == EVENT_SLOTS || evSources > 0) {
            stats.eventsDropped++;
            return false;
        }
        events[(evHead + evCount++) % EVENT_SLOTS] = src;
        evSources++;
        stats.events++;
        pump();
        if (socket != null) server.want(deadline());
        return true;
    }

    /** The handler closed its event stream: the response ends after the events held. */
    void endEvents() {
        if (body != B_EVENTS) return;
        eventsEnding = true;
        pump();
        server.want(deadline());
    }

    // ------------------------------------------------------------------ producing a body

    /** Puts more of the body into the output (or writes it straight); true if anything happened. */
    private boolean produce() throws TcpException {
        switch (body) {
            case B_FILE -> {
                int room = out.length - outLen;
                int n;
                try {
                    n = reader.read(out, outLen, (int) Math.min(room, fileLeft));
                } catch (FsException e) {
                    n = -1;
                }
                if (n <= 0) { // the file shrank or failed under us: the framing cannot be kept
                    stats.errors++;
                    end(true);
                    return false;
                }
                outLen += n;
                fileLeft -= n;
                if (fileLeft == 0) {
                    reader.close();
                    reader = null;
                    body = B_NONE;
                }
                return true;
            }
            case B_BYTES -> {
                int w = socket.write(bytesSeg, bytesOff, bytes.length - bytesOff);
                if (w == 0) {
                    armRateCheck();
                    return false;
                }
                bytesOff += w;
                wrote(w);
                if (bytesOff == bytes.length) releaseBody();
                return true;
            }
            case B_LISTING -> {
                int s = chunkDataStart();
                return frame(s, listing(s, chunkRoom(s)));
            }
            case B_SOURCE -> {
                int s = chunkDataStart();
                int n;
                try {
                    n = source.fill(out, s, chunkRoom(s));
                } catch (Exception e) {
                    stats.handlerErrors++;
                    end(true);
                    return false;
                }
                if (n == 0 || n > chunkRoom(s)) { // a source must give at least a byte, and no more than asked
                    stats.handlerErrors++;
                    end(true);
                    return false;
                }
                return frame(s, n);
            }
            case B_EVENTS -> {
                if (evCount == 0) {
                    if (!eventsEnding) return false;
                    return frame(0, -1);
                }
                int s = chunkDataStart();
                int room = chunkRoom(s);
                if (events[evHead] instanceof HttpResponse.BodySource src) {
                    int n;
                    try {
                        n = src.fill(out, s, room);
                    } catch (Exception e) {
                        n = 0;
                    }
                    if (n < 0) { // the event is whole
                        events[evHead] = null;
                        evHead = (evHead + 1) % EVENT_SLOTS;
                        evCount--;
                        evSources--;
                        src.close();
                        return true;
                    }
                    if (n == 0 || n > room) { // a source must give at least a byte, and no more than asked
                        stats.handlerErrors++;
                        end(true);
                        return false;
                    }
                    return frame(s, n);
                }
                byte[] ev = (byte[]) events[evHead];
                int n = Math.min(room, ev.length - evOff);
                System.arraycopy(ev, evOff, out, s, n);
                evOff += n;
                if (evOff == ev.length) {
                    events[evHead] = null;
                    evHead = (evHead + 1) % EVENT_SLOTS;
                    evCount--;
                    eventBytes -= ev.length;
                    server.m.uncharge(Category.CONTROL, server.owner, ev.length + ARRAY_OVERHEAD);
                    eventCharge -= ev.length + ARRAY_OVERHEAD;
                    evOff = 0;
                }
                return frame(s, n);
            }
            default -> {
                return false;
            }
        }
    }

    /** Where a chunk's data goes: after what is pending and room for its size line ("ffffff\r\n"). */
    private int chunkDataStart() {
        return outLen + (chunkedOut ? 10 : 0);
    }

    private int chunkRoom(int start) {
        return out.length - start - (chunkedOut ? 2 + 5 + 2 : 0); // the data's CRLF, and room for the last chunk
    }

    /**
     * Frames the {@code n} bytes just put at {@code out[s..]} ({@link #chunkDataStart()}) as a
     * chunk after what is pending, or with {@code n < 0} ends the body (the last chunk on
     * HTTP/1.1, the close on HTTP/1.0). True if anything was added.
     */
    private boolean frame(int s, int n) {
        if (n < 0) {
            if (chunkedOut) {
                System.arraycopy(LAST_CHUNK, 0, out, outLen, LAST_CHUNK.length);
                outLen += LAST_CHUNK.length;
            }
            releaseBody();
            return true;
        }
        if (n == 0) return false;
        if (!chunkedOut) {
            outLen = s + n;
            return true;
        }
        int h = hexInto(out, outLen, n); // the size line, then the data moved up against it
        out[h++] = '\r';
        out[h++] = '\n';
        System.arraycopy(out, s, out, h, n);
        outLen = h + n;
        out[outLen++] = '\r';
        out[outLen++] = '\n';
        return true;
    }

    /** Listing lines into {@code out[s..s+room)}: the count of bytes put (0 if none fit now), or -1 once the listing is complete. */
    private int listing(int s, int room) {
        int o = s, limit = s + room;
        if (listingDone) return -1;
        if (listingHead) {
            String title = "Index of " + html(listingPath.equals("/") ? "/" : listingPath + "/");
            String top = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head>\n<body><h1>" + title
                    + "</h1>\n<ul>\n" + (listingPath.equals("/") ? "" : "<li><a href=\"../\">../</a></li>\n");
            byte[] t = top.getBytes(StandardCharsets.UTF_8);
            if (t.length > room) t = ascii("<!DOCTYPE html>\n<ul>\n");
            System.arraycopy(t, 0, out, o, t.length);
            o += t.length;
            listingHead = false;
        }
        try {
            while (true) {
                byte[] line = pendingLine;
                pendingLine = null;
                if (line == null) {
                    if (cursor == null) break;
                    if (cursor.next(entry)) {
                        line = listingLine(entry);
                    } else {
                        cursor.close();
                        cursor = null;
                        line = LISTING_END;
                    }
                }
                if (o + line.length > limit) {
                    if (o == s) continue; // longer than the whole buffer: left out
                    pendingLine = line;
                    break;
                }
                System.arraycopy(line, 0, out, o, line.length);
                o += line.length;
                if (line == LISTING_END) {
                    listingDone = true;
                    break;
                }
            }
        } catch (FsException e) {
            stats.errors++;
            end(true);
            return 0;
        }
        return o - s;
    }

    private boolean listingDone;
    private byte[] pendingLine;

    private static byte[] listingLine(FsEntry e) {
        String name = e.name() + (e.isDirectory() ? "/" : "");
        return ("<li><a href=\"" + href(name) + "\">" + html(name) + "</a>" + (e.isDirectory() ? "" : " " + e.size()) + "</li>\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static final byte[] LISTING_END = ascii("</ul>\n</body></html>\n");

    /** HTML text: &, <, >, " and ' escaped. */
    static String html(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A relative link: every byte but unreserved characters and '/' percent-encoded (UTF-8), so no name can become a scheme or a query. */
    static String href(String name) {
        byte[] u = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(u.length + 8);
        if (name.indexOf(':') >= 0 || name.startsWith("/")) b.append("./"); // "a:b" would read as a scheme
        for (byte x : u) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
                b.append((char) c);
            else b.append('%').append("0123456789ABCDEF".charAt(c >> 4)).append("0123456789ABCDEF".charAt(c & 15));
        }
        return b.toString();
    }

    private void streamBody(int kind) {
        chunkedOut = http11;
        if (chunkedOut) put(TE_CHUNKED);
        else closeAfter = true; // HTTP/1.0: the body ends with the connection
        endHeadNoLength();
        body = kind;
        if (head) releaseBody(); // HEAD: the head alone; what the body held (a cursor, a source) goes now
    }

    /** Frees what the body held: file, cursor, a handler's array (uncharged), its source, queued events (uncharged). */
    private void releaseBody() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
        pendingLine = null;
        listingPath = null;
        if (bytes != null) {
            bytes = null;
            bytesSeg = null;
            server.m.uncharge(Category.CONTROL, server.owner, bytesCharge);
            bytesCharge = 0;
        }
        if (source != null) {
            HttpResponse.BodySource s = source;
            source = null;
            s.close();
        }
        if (body == B_EVENTS || stream != null) {
            for (int k = 0; k < evCount; k++) {
                int at = (evHead + k) % EVENT_SLOTS;
                if (events[at] instanceof HttpResponse.BodySource src) src.close();
                events[at] = null;
            }
            evCount = evOff = eventBytes = evSources = 0;
            if (eventCharge > 0) server.m.uncharge(Category.CONTROL, server.owner, eventCharge);
            eventCharge = 0;
            eventGeneration++;
            HttpEventStream es = stream;
            stream = null;
            if (es != null) es.closed();
        }
        body = B_NONE;
    }

    /** The whole response is in the socket: the next request, or the close. */
    private void finishResponse() {
        if (socket == null) return;
        stats.status(status);
        HttpAccessLog log = server.access;
        if (log != null) {
            boolean line = requestLineEnd > inStart && requestLineEnd <= in.length;
            log.response(peer, line ? new String(in, inStart, requestLineEnd - inStart, StandardCharsets.ISO_8859_1).strip() : "-", status,
                    written - writtenAtDispatch, now() - dispatchedAt);
        }
        if (closeAfter) {
            if (lingerOnClose) linger();
            else end(false);
            return;
        }
        inStart = headEnd; // the request (and its body) is done with
        startRequest(now());
    }

    // ------------------------------------------------------------------ writing a head

    private static final byte[] HTTP11 = ascii("HTTP/1.1 "), DATE = ascii("\r\nDate: "), CONTENT_TYPE = ascii("Content-Type: "),
            CONTENT_LENGTH_H = ascii("Content-Length: "), TE_CHUNKED = ascii("Transfer-Encoding: chunked\r\n"),
            CONN_CLOSE = ascii("Connection: close\r\n"), CONN_KEEP = ascii("Connection: keep-alive\r\n"), ETAG = ascii("ETag: "),
            LAST_MODIFIED = ascii("Last-Modified: "), ACCEPT_RANGES = ascii("Accept-Ranges: bytes\r\n"), CONTENT_RANGE = ascii("Content-Range: bytes "),
            CONTENT_RANGE_STAR = ascii("Content-Range: bytes */"), LOCATION = ascii("Location: "), SLASH = ascii("/"),
            ALLOW = ascii("Allow: GET, HEAD, OPTIONS\r\n"), RETRY_AFTER = ascii("Retry-After: "),
            CACHE_NO = ascii("Cache-Control: no-cache\r\n"), EVENT_STREAM = ascii("text/event-stream"), LAST_CHUNK = ascii("0\r\n\r\n"),
            CONTINUE_100 = ascii("HTTP/1.1 100 Continue\r\n\r\n"), CRLF = ascii("\r\n");

    /** Starts a response head in the (empty) output buffer: status line, Date, Content-Type. */
    private void begin(int code, byte[] contentType) {
        status = code;
        overflow = false;
        put(HTTP11);
        putLong(code);
        out[outOff + outLen++] = ' ';
        put(reason(code));
        put(DATE);
        ensure(HttpDate.LENGTH);
        if (!overflow) outLen = server.date(out, outOff + outLen) - outOff;
        crlf();
        if (contentType != null) {
            put(CONTENT_TYPE);
            put(contentType);
            crlf();
        }
    }

    /** Ends the head with a Content-Length (for HEAD too: the length a GET would have). */
    private void endHead(long length) {
        put(CONTENT_LENGTH_H);
        putLong(length);
        crlf();
        endHeadNoLength();
    }

    private void endHeadNoLength() {
        if (closeAfter) put(CONN_CLOSE);
        else if (!http11) put(CONN_KEEP);
        crlf();
        if (overflow) { // a head that does not fit the buffer (a very long Location): a plain 500 instead
            outLen = 0;
            releaseBody();
            overflow = false;
            closeAfter = true;
            begin(500, null);
            endHead(0);
        }
    }

    private void put100Continue() {
        if (http11) put(CONTINUE_100);
    }

    /** An error response with a short text body; {@code close} ends the connection after it (every 400 and limit does). */
    private void error(int code, boolean close) {
        if (phase != RESPOND) { // refused before dispatch (a malformed request): the log counts from here
            writtenAtDispatch = written;
            dispatchedAt = now();
        }
        phase = RESPOND;
        releaseBody();
        outOff = outLen = 0; // nothing is pending when an error is answered: answers begin only once the one before is in the socket
        if (close) closeAfter = lingerOnClose = true;
        byte[] text = ascii(code + " " + new String(reason(code), StandardCharsets.US_ASCII) + "\n");
        begin(code, MimeTypes.TEXT);
        if (code == 405) put(ALLOW);
        if (code == 503) {
            put(RETRY_AFTER);
            putLong(cfg.retryAfterSeconds());
            crlf();
        }
        endHead(text.length);
        if (!head) putRaw(text, 0, text.length);
    }

    static byte[] reason(int code) {
        return switch (code) {
            case 200 -> R200;
            case 204 -> ascii("No Content");
            case 206 -> ascii("Partial Content");
            case 301 -> ascii("Moved Permanently");
            case 304 -> ascii("Not Modified");
            case 400 -> ascii("Bad Request");
            case 403 -> ascii("Forbidden");
            case 404 -> ascii("Not Found");
            case 405 -> ascii("Method Not Allowed");
            case 408 -> ascii("Request Timeout");
            case 413 -> ascii("Content Too Large");
            case 414 -> ascii("URI Too Long");
            case 416 -> ascii("Range Not Satisfiable");
            case 431 -> ascii("Request Header Fields Too Large");
            case 500 -> ascii("Internal Server Error");
            case 501 -> ascii("Not Implemented");
            case 503 -> ascii("Service Unavailable");
            case 505 -> ascii("HTTP Version Not Supported");
            default -> code < 300 ? R200 : code < 400 ? ascii("Redirect") : code < 500 ? ascii("Client Error") : ascii("Server Error");
        };
    }

    private static final byte[] R200 = ascii("OK");

    private void ensure(int n) {
        if (outOff + outLen + n > out.length) overflow = true;
    }

    private void put(byte[] b) {
        putRaw(b, 0, b.length);
    }

    private void put(String s) {
        ensure(s.length() * 3);
        if (overflow) return;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putRaw(b, 0, b.length);
    }

    private void putRaw(byte[] b, int off, int len) {
        ensure(len);
        if (overflow) return;
        System.arraycopy(b, off, out, outOff + outLen, len);
        outLen += len;
    }

    private void putLong(long v) {
        ensure(20);
        if (overflow) return;
        if (v == 0) {
            out[outOff + outLen++] = '0';
            return;
        }
        int digits = 0;
        for (long x = v; x > 0; x /= 10) digits++;
        int end = outOff + outLen + digits;
        for (long x = v; x > 0; x /= 10) out[--end] = (byte) ('0' + x % 10);
        outLen += digits;
    }

    private void crlf() {
        put(CRLF);
    }

    // ------------------------------------------------------------------ time

    /** True while it waits for a request (idle, or a head arriving) with nothing of its own left to send: it may be evicted. */
    boolean evictable() {
        return socket != null && phase == HEAD && !lingering && outLen == 0;
    }

    /** Since when it has waited for its request. */
    long waitingSince() {
        return idle ? idleSince : headStart;
    }

    /** Closes it for a new connection (an idle one gracefully, a request half-sent with a reset). */
    void evict() {
        stats.evicted++;
        end(!idle);
    }

    /** The earliest time this connection wants the timer. */
    long deadline() {
        if (socket == null) return TimerQueue.NONE;
        if (lingering) return lingerUntil;
        long d = rateCheckAt;
        if (phase == HEAD) d = Math.min(d, idle ? idleSince + cfg.idleTimeoutNanos() : headStart + cfg.headerTimeoutNanos());
        else if (phase == BODY) d = Math.min(d, bodyStart + cfg.headerTimeoutNanos());
        return d;
    }

    void tick(long now) {
        if (socket == null) return;
        if (lingering) {
            if (now >= lingerUntil) end(false);
            return;
        }
        if (rateCheckAt != TimerQueue.NONE && now >= rateCheckAt) {
            long acked = written - socket.unacknowledged();
            long pending = outLen + socket.unacknowledged() + (body != B_NONE && body != B_EVENTS ? 1 : 0) + eventBytes + evSources;
            rateCheckAt = TimerQueue.NONE;
            if (pending > 0) {
                long need = cfg.minSendRate() * cfg.sendRateWindowNanos() / 1_000_000_000L;
                if (acked - ackedAtCheck < need) {
                    stats.slowReaders++;
                    end(true);
                    return;
                }
                armRateCheck();
            }
        }
        if (phase == HEAD && idle && now - idleSince >= cfg.idleTimeoutNanos()) {
            if (outLen > 0 || socket.unacknowledged() > 0) { // still sending: the rate rule watches it
                idleSince = now;
                return;
            }
            stats.idleClosed++;
            end(false);
            return;
        }
        if ((phase == HEAD && !idle && now - headStart >= cfg.headerTimeoutNanos()) || (phase == BODY && now - bodyStart >= cfg.headerTimeoutNanos())) {
            stats.headerTimeouts++;
            if (outLen > 0) { // an answer still waits for the socket: no room for a 408
                end(true);
                return;
            }
            error(408, true);
            pump();
        }
    }
}
