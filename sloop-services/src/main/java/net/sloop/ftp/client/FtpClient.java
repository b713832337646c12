package net.sloop.ftp.client;

import java.lang.foreign.MemorySegment;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Timer;

/**
 * One FTP session (RFC 959) from a Sloop stack, on the stack's event-driven API and thread: no
 * thread of its own, no wall clock. Every call returns at once; each operation ends with a call
 * to its {@link Done}, on the stack's thread, which may start the next operation.
 *
 * <pre>{@code
 * FtpClient c = FtpClient.open(stack, server, 21, FtpClientConfig.defaults(), (cl, o) -> {
 *     if (o.ok()) cl.retr("/pub/file", sink, (cl2, o2) -> cl2.quit(null));
 * });
 * }</pre>
 *
 * <p><b>Rules.</b> One operation at a time: starting one while another is under way is a
 * programming error ({@link IllegalStateException}); {@link #isReady()} says when a new one may
 * start. {@link #open} connects, reads the greeting (220, after an optional 120), logs in (USER,
 * PASS; RFC 959 §5.4's sequences) and sets TYPE I, then calls its {@code Done}. Every transfer
 * (LIST, NLST, MLSD, RETR, STOR) asks for a fresh passive data connection first (PASV, or EPSV
 * with {@link FtpClientConfig#epsv()}), connects it, then sends the command once it is connected;
 * it is complete when both the data connection has ended (RETR, listings: the server's FIN; STOR:
 * ours, after the source's last byte) and the final reply (2yz) has come, in either order (RFC 959
 * §3.2 and §5.4). Replies are parsed per §4.2, multi-line replies included ({@link ReplyParser}).
 *
 * <p><b>Failures</b> are outcomes, never exceptions: a negative reply ({@link Outcome#REFUSED}),
 * a data connection refused or reset ({@link Outcome#DATA_FAILED}; the session goes on), no
 * reply within {@link FtpClientConfig#replyTimeoutNanos()} or no progress of a transfer within
 * {@link FtpClientConfig#dataTimeoutNanos()} ({@link Outcome#TIMEOUT}), the control connection
 * lost, a 421 or a reply that is not FTP ({@link Outcome#CONNECTION_LOST}), the budget refusing
 * a data connection ({@link Outcome#OUT_OF_MEMORY}; the session goes on). A timeout or a lost
 * connection ends the session, and so does any failure while opening (a 421 instead of the
 * greeting, a refused login).
 *
 * <p><b>Memory.</b> The session is charged {@link #chargeFor(FtpClientConfig)} bytes of CONTROL
 * to its own {@link Owner} when opened (its objects, the reply parser's bounded line and text,
 * the command and listing-line buffers, the scratch buffer data passes through; checked with JOL
 * in FtpClientChargeTest), and its sockets are the stack's, bounded by their buffers. Nothing is
 * kept of the data: a RETR's bytes go to the {@link DataSink}, a listing's lines to the {@link
 * LineSink}, as they arrive. One timer, under a slot reserved with {@link Stack#reserveTimer()},
 * keeps the timeouts. Everything is returned exactly once when the session ends: after QUIT's
 * reply, when the session fails, or at {@link #close()}, whichever comes first.
 *
 * <p>Not thread-safe: call it on the stack's thread (or under its runner's lock).
 */
public final class FtpClient implements AutoCloseable {
    /**
     * CONTROL bytes charged for a session apart from its scratch buffer: its objects, the reply
     * parser's line and text, the command and listing-line buffers, and the last PWD's path (at
     * most the reply text's length); see FtpClientChargeTest.
     */
    public static final int BASE_BYTES = 6656;

    /** What the session is doing. */
    public enum State {
        /** Connecting, reading the greeting, logging in. */
        OPENING,
        /** Logged in, no operation under way. */
        READY,
        /** An operation is under way. */
        BUSY,
        /** Ended (QUIT, failure or {@link #close()}): everything is returned. */
        CLOSED
    }

    private enum Step { NONE, GREETING, USER, PASS, TYPE, SIMPLE, PASSIVE, DATA_CONNECT, TRANSFER, QUIT }

    private enum Xfer { LIST, NLST, MLSD, RETR, STOR }

    private enum Simple { PWD, CWD, SIZE, OTHER }

    private final Stack stack;
    private final Budget m;
    private final Owner owner;
    private final FtpClientConfig cfg;
    private final int server;
    private final int charge;
    private final ReplyParser parser = new ReplyParser();
    private final byte[] controlIn = new byte[256];
    private final MemorySegment controlInSeg = MemorySegment.ofArray(controlIn);
    private final byte[] command = new byte[ReplyParser.MAX_LINE];
    private final MemorySegment commandSeg = MemorySegment.ofArray(command);
    private int commandOff, commandLen;
    private final byte[] scratch;
    private final MemorySegment scratchSeg;
    private final ListingLine line = new ListingLine();
    private final ControlEvents controlEvents = new ControlEvents();
    private final DataEvents dataEvents = new DataEvents();
    private final Deadline deadline = new Deadline();
    private final TcpSocket.Options dataOptions;

    private TcpSocket control, data;
    private State state = State.OPENING;
    private Step step = Step.NONE;
    private Xfer xfer;
    private Simple simple;
    private String argument;
    private DataSink sink;
    private DataSource source;
    private LineSink lines;
    private Done done;
    private boolean preliminary, finalReply, dataEnded, dataFailed, sourceEnded, released;
    private int pendingOff, pendingLen;
    private long lastProgress;
    private long transferred;
    private String path;
    private long size = -1;

    // Figures.
    private long commands, replies, transfers, dataConnections, pasvMismatches, timeouts, bytesIn, bytesOut;

    private FtpClient(Stack stack, int server, FtpClientConfig cfg) {
        this.stack = stack;
        this.m = stack.budget();
        this.cfg = cfg;
        this.server = server;
        this.owner = new Owner("ftp client", this);
        this.scratch = new byte[cfg.scratchBytes()];
        this.scratchSeg = MemorySegment.ofArray(scratch);
        this.charge = chargeFor(cfg);
        this.dataOptions = new TcpSocket.Options();
        if (cfg.dataReceiveBuffer() > 0) dataOptions.receiveBuffer(cfg.dataReceiveBuffer());
        if (cfg.dataSendBuffer() > 0) dataOptions.sendBuffer(cfg.dataSendBuffer());
    }

    /** CONTROL bytes a session with {@code cfg} is charged. */
    public static int chargeFor(FtpClientConfig cfg) {
        return BASE_BYTES + cfg.scratchBytes();
    }

    /**
     * Opens a session to {@code server}:{@code port}: connects, reads the greeting, logs in with
     * {@code cfg}'s credentials and sets TYPE I; {@code ready} hears the outcome. Returns null,
     * having taken nothing, if the budget cannot hold the session (counted as the budget's
     * failure) or TCP refuses the connection (no memory for it, no route, no free port).
     *
     * @throws IllegalStateException if the stack has no application timer slot left (build it with
     *         {@code StackConfig.Builder.applicationTimers(n)}, one per session)
     */
    public static FtpClient open(Stack stack, int server, int port, FtpClientConfig cfg, Done ready) {
        FtpClient c = new FtpClient(stack, server, cfg);
        if (!c.m.charge(Category.CONTROL, c.owner, c.charge)) return null;
        if (!stack.reserveTimer()) {
            c.m.uncharge(Category.CONTROL, c.owner, c.charge);
            throw new IllegalStateException("an FTP session needs a timer slot: build the stack with"
                    + " StackConfig.Builder.applicationTimers(n), one per session");
        }
        try {
            c.control = stack.tcp().connect(server, port);
        } catch (TcpException e) {
            stack.releaseTimer();
            c.m.uncharge(Category.CONTROL, c.owner, c.charge);
            return null;
        }
        c.control.setListener(c.controlEvents);
        c.begin(Step.GREETING, ready);
        return c;
    }

    // ------------------------------------------------------------------ operations

    /** PWD (RFC 959 §4.1.3); on OK, {@link #path()} holds the directory (257's quoted name, RFC 959 Appendix II). */
    public void pwd(Done done) {
        simple(Simple.PWD, "PWD", null, done);
    }

    /** CWD {@code dir}. */
    public void cwd(String dir, Done done) {
        simple(Simple.CWD, "CWD", dir, done);
    }

    /** SIZE {@code file} (RFC 3659 §4); on OK, {@link #size()} holds the size. */
    public void size(String file, Done done) {
        simple(Simple.SIZE, "SIZE", file, done);
    }

    /** Any command without a data connection (NOOP, FEAT, MKD, DELE, ...): OK on a 2yz reply. */
    public void quote(String verb, String arg, Done done) {
        simple(Simple.OTHER, verb, arg, done);
    }

    /** LIST {@code path} (null: the current directory); each line of the listing goes to {@code lines}. */
    public void list(String path, LineSink lines, Done done) {
        transfer(Xfer.LIST, path, null, null, lines, done);
    }

    /** NLST {@code path}: names, one per line, to {@code lines}. */
    public void nlst(String path, LineSink lines, Done done) {
        transfer(Xfer.NLST, path, null, null, lines, done);
    }

    /** MLSD {@code path} (RFC 3659 §7): raw lines to {@code lines}; {@link MlsdEntry#parse} reads them. */
    public void mlsd(String path, LineSink lines, Done done) {
        transfer(Xfer.MLSD, path, null, null, lines, done);
    }

    /** RETR {@code file}: its bytes go to {@code sink} as they arrive; {@link #transferred()} counts them. */
    public void retr(String file, DataSink sink, Done done) {
        transfer(Xfer.RETR, requireArg(file), sink, null, null, done);
    }

    /** STOR {@code file} from {@code source}, until it returns -1. */
    public void stor(String file, DataSource source, Done done) {
        transfer(Xfer.STOR, requireArg(file), null, source, null, done);
    }

    /** QUIT (RFC 959 §4.1.1): the session ends after the 221 and its memory is returned; {@code done} may be null. */
    public void quit(Done done) {
        requireReady();
        prepare("QUIT", null);
        begin(Step.QUIT, done);
        flushCommand();
    }

    /**
     * Ends the session now: a data connection and an open control connection are reset (after
     * {@link #quit} this only returns what is left, nothing). Everything is returned. Idempotent;
     * no {@code Done} is called.
     */
    @Override
    public void close() {
        done = null;
        if (data != null) {
            data.abort();
            data = null;
        }
        if (control != null) {
            control.abort();
            control = null;
        }
        release();
    }

    // ------------------------------------------------------------------ figures and results

    public State state() {
        return state;
    }

    /** True when a new operation may start. */
    public boolean isReady() {
        return state == State.READY;
    }

    /** The code of the last reply. */
    public int replyCode() {
        return parser.code();
    }

    /** The text of the last reply (bounded; lines of a multi-line reply joined by '\n'). */
    public String replyText() {
        return parser.text().toString();
    }

    /** The directory the last successful PWD named. */
    public String path() {
        return path;
    }

    /** The size the last successful SIZE gave, or -1. */
    public long size() {
        return size;
    }

    /** Bytes the last (or current) transfer moved on its data connection. */
    public long transferred() {
        return transferred;
    }

    /** CONTROL bytes the session is charged (0 once ended). */
    public int chargedBytes() {
        return released ? 0 : charge;
    }

    public Owner owner() {
        return owner;
    }

    /** One line of figures: commands, replies, transfers, data connections, bytes, PASV address mismatches, timeouts. */
    public String figures() {
        return "ftp client: " + commands + " commands, " + replies + " replies, " + transfers + " transfers, " + dataConnections
                + " data connections, " + bytesIn + " bytes in, " + bytesOut + " bytes out, " + pasvMismatches + " PASV address mismatches, "
                + timeouts + " timeouts";
    }

    public long transfers() {
        return transfers;
    }

    public long dataConnections() {
        return dataConnections;
    }

    public long pasvMismatches() {
        return pasvMismatches;
    }

    public long timeouts() {
        return timeouts;
    }

    // ------------------------------------------------------------------ starting operations

    private static String requireArg(String a) {
        if (a == null || a.isEmpty()) throw new IllegalArgumentException("a path is required");
        return a;
    }

    private void requireReady() {
        if (state != State.READY) throw new IllegalStateException("FTP session is " + state + ": one operation at a time");
    }

    private void simple(Simple kind, String verb, String arg, Done done) {
        requireReady();
        prepare(verb, arg); // a bad argument is refused before anything changes
        this.simple = kind;
        begin(Step.SIMPLE, done);
        flushCommand();
    }

    private void transfer(Xfer x, String arg, DataSink sink, DataSource source, LineSink lines, Done done) {
        requireReady();
        prepare(verb(x), arg); // checked now (CR, LF, length), sent once the data connection is up
        this.xfer = x;
        this.argument = arg;
        this.sink = sink;
        this.source = source;
        this.lines = lines;
        this.preliminary = finalReply = dataEnded = dataFailed = sourceEnded = false;
        this.pendingOff = pendingLen = 0;
        this.transferred = 0;
        line.clear();
        begin(Step.PASSIVE, done);
        send(cfg.epsv() ? "EPSV" : "PASV", null);
    }

    private void begin(Step s, Done d) {
        step = s;
        done = d;
        if (state != State.OPENING) state = State.BUSY;
        progress();
        if (!deadline.armed()) stack.timers().arm(deadline, lastProgress + cfg.replyTimeoutNanos());
    }

    private void progress() {
        lastProgress = stack.time();
    }

    private static String verb(Xfer x) {
        return switch (x) {
            case LIST -> "LIST";
            case NLST -> "NLST";
            case MLSD -> "MLSD";
            case RETR -> "RETR";
            case STOR -> "STOR";
        };
    }

    /** Queues "VERB[ SP arg] CRLF" and sends what the socket takes. */
    private void send(String verb, String arg) {
        prepare(verb, arg);
        flushCommand();
    }

    /**
     * Puts "VERB[ SP arg] CRLF" in the command buffer. A CR, LF or NUL in the argument would end
     * the command early and smuggle in another (RFC 959 §4.1.3's Telnet end-of-line): refused.
     *
     * @throws IllegalArgumentException for such an argument, or a command longer than the buffer
     */
    private void prepare(String verb, String arg) {
        if (arg != null) FtpClientConfig.checkText("argument", arg);
        int n = 0;
        n = put(verb, n);
        if (arg != null) {
            command[n++] = ' ';
            n = put(arg, n);
        }
        if (n + 2 > command.length) throw new IllegalArgumentException("command longer than " + (command.length - 2) + " bytes");
        command[n++] = '\r';
        command[n++] = '\n';
        commandOff = 0;
        commandLen = n;
    }

    private int put(String s, int n) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (n >= command.length - 2) throw new IllegalArgumentException("command too long");
                command[n++] = (byte) c;
            } else { // RFC 2640 §2.2: pathnames in UTF-8
                byte[] u = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    u = s.substring(i, i + 2).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    i++;
                }
                if (n + u.length > command.length - 2) throw new IllegalArgumentException("command too long");
                System.arraycopy(u, 0, command, n, u.length);
                n += u.length;
            }
        }
        return n;
    }

    private void flushCommand() {
        if (commandLen == 0 || control == null) return;
        try {
            int w = control.write(commandSeg, commandOff, commandLen);
            if (commandOff == 0 && w > 0) commands++;
            commandOff += w;
            commandLen -= w; // the rest goes on WRITABLE
        } catch (TcpException e) {
            lost();
        }
    }

    // ------------------------------------------------------------------ control connection

    private final class ControlEvents implements TcpSocket.Listener {
        @Override
        public void onEvent(TcpSocket s, int events) {
            if (s != control) return;
            if ((events & TcpSocket.WRITABLE) != 0) flushCommand();
            if ((events & TcpSocket.READABLE) != 0) readReplies();
            if (control != null && (events & TcpSocket.CLOSED) != 0) {
                if (step == Step.QUIT) {
                    quitDone();
                } else {
                    lost();
                }
            }
        }
    }

    private void readReplies() {
        while (control != null) {
            int n;
            try {
                n = control.read(controlInSeg, 0, controlIn.length);
            } catch (TcpException e) {
                lost();
                return;
            }
            if (n < 0) {
                if (step == Step.QUIT) quitDone();
                else lost();
                return;
            }
            if (n == 0) return;
            for (int i = 0; i < n && control != null; i++) {
                int code = parser.feed(controlIn[i]);
                if (code == ReplyParser.MORE) continue;
                if (code == ReplyParser.BAD) {
                    lost();
                    return;
                }
                replies++;
                progress();
                reply(code);
            }
        }
    }

    private void reply(int code) {
        int kind = code / 100;
        if (code == 421 && step != Step.QUIT) { // RFC 959 §4.2: service closing the control connection, to any command
            if (step == Step.GREETING) fatal(Outcome.REFUSED); // a server full or refusing this address says so instead of 220
            else closing421();
            return;
        }
        switch (step) {
            case GREETING -> {
                if (code == 120) return; // "service ready in nnn minutes": the 220 follows
                if (code == 220) {
                    step = Step.USER;
                    send("USER", cfg.user());
                } else {
                    fatal(Outcome.REFUSED);
                }
            }
            case USER -> {
                if (code == 230) typeI();
                else if (code == 331) {
                    step = Step.PASS;
                    send("PASS", cfg.password());
                } else fatal(Outcome.REFUSED); // 332 (ACCT) is not supported, nor a failed login retried
            }
            case PASS -> {
                if (code == 230 || code == 202) typeI();
                else fatal(Outcome.REFUSED);
            }
            case TYPE -> {
                if (kind == 2) complete(Outcome.OK);
                else fatal(Outcome.REFUSED);
            }
            case SIMPLE -> {
                if (kind == 1) return; // a preliminary reply: the final one follows
                if (kind != 2) {
                    complete(Outcome.REFUSED);
                    return;
                }
                if (simple == Simple.PWD) {
                    path = quotedPath(parser.text());
                    if (path == null) {
                        complete(Outcome.REFUSED);
                        return;
                    }
                } else if (simple == Simple.SIZE) {
                    size = parseSize(parser.text());
                    if (size < 0) {
                        complete(Outcome.REFUSED);
                        return;
                    }
                }
                complete(Outcome.OK);
            }
            case PASSIVE -> passive(code);
            case DATA_CONNECT -> {
                if (kind == 4 || kind == 5) complete(Outcome.REFUSED);
            }
            case TRANSFER -> {
                if (kind == 1) {
                    preliminary = true;
                    if (xfer == Xfer.STOR) pump();
                } else if (kind == 2) {
                    finalReply = true;
                    checkTransferDone();
                } else {
                    complete(dataFailed ? Outcome.DATA_FAILED : Outcome.REFUSED);
                }
            }
            case QUIT -> {
                if (kind == 2) quitDone();
            }
            case NONE -> {} // unsolicited: nothing is waiting for it
        }
    }

    private void typeI() {
        step = Step.TYPE;
        send("TYPE", "I");
    }

    /** RFC 959 Appendix II: 257 "dir" text, with embedded quotes doubled. */
    static String quotedPath(CharSequence text) {
        int i = 0;
        while (i < text.length() && text.charAt(i) != '"') i++;
        if (i == text.length()) return null;
        StringBuilder b = new StringBuilder();
        for (i++; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    b.append('"');
                    i++;
                } else {
                    return b.toString();
                }
            } else if (c == '\n') {
                return null;
            } else {
                b.append(c);
            }
        }
        return null;
    }

    /** RFC 3659 §4.2: "213 SP 1*DIGIT". */
    static long parseSize(CharSequence text) {
        long n = 0;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') break;
            if (n > (Long.MAX_VALUE - 9) / 10) return -1;
            n = n * 10 + (c - '0');
            digits++;
        }
        return digits == 0 ? -1 : n;
    }

    // ------------------------------------------------------------------ passive mode and the data connection

    private void passive(int code) {
        int port;
        int addr = server;
        if (code == 227 && !cfg.epsv()) {
            long hp = parsePasv(parser.text());
            if (hp < 0) {
                complete(Outcome.DATA_FAILED);
                return;
            }
            int named = (int) (hp >>> 16);
            port = (int) (hp & 0xFFFF);
            if (named != server) {
                pasvMismatches++;
                if (cfg.usePasvAddress()) addr = named;
            }
        } else if (code == 229 && cfg.epsv()) {
            port = parseEpsv(parser.text());
            if (port < 0) {
                complete(Outcome.DATA_FAILED);
                return;
            }
        } else {
            complete(code / 100 == 2 ? Outcome.DATA_FAILED : Outcome.REFUSED);
            return;
        }
        TcpSocket d;
        try {
            d = stack.tcp().connect(addr, port, dataOptions);
        } catch (TcpException e) {
            complete(e.error() == TcpError.OUT_OF_MEMORY ? Outcome.OUT_OF_MEMORY : Outcome.DATA_FAILED);
            return;
        }
        dataConnections++;
        data = d;
        d.setListener(dataEvents);
        step = Step.DATA_CONNECT;
    }

    /**
     * RFC 959 §4.1.2 (PASV) gives no exact format for 227's text; like most clients, take the first
     * six comma-separated numbers "h1,h2,h3,h4,p1,p2" anywhere in it (RFC 1123 §4.1.2.6 warns of
     * servers without the parentheses). Returns {@code address << 16 | port}, or -1.
     */
    public static long parsePasv(CharSequence text) {
        int[] v = new int[6];
        for (int start = 0; start < text.length(); start++) {
            if (!Character.isDigit(text.charAt(start))) continue;
            int i = start, k = 0;
            while (k < 6) {
                int n = 0, digits = 0;
                while (i < text.length() && Character.isDigit(text.charAt(i)) && digits < 4) {
                    n = n * 10 + (text.charAt(i++) - '0');
                    digits++;
                }
                if (digits == 0 || n > 255) break;
                v[k++] = n;
                if (k < 6) {
                    if (i >= text.length() || text.charAt(i) != ',') break;
                    i++;
                }
            }
            if (k == 6) {
                long addr = ((long) v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3];
                int port = v[4] << 8 | v[5];
                if (port == 0) return -1;
                return (addr & 0xFFFF_FFFFL) << 16 | port;
            }
            while (start < text.length() && Character.isDigit(text.charAt(start))) start++;
        }
        return -1;
    }

    /**
     * RFC 2428 §3: 229 text containing {@code "(<d><d><d>port<d>)"}, where the delimiter d is any
     * printable character (normally '|') and the network and address fields are empty. Returns the
     * port or -1.
     */
    public static int parseEpsv(CharSequence text) {
        for (int i = 0; i + 4 < text.length(); i++) {
            if (text.charAt(i) != '(') continue;
            char d = text.charAt(i + 1);
            if (d < 33 || d > 126 || Character.isDigit(d)) continue;
            if (text.charAt(i + 2) != d || text.charAt(i + 3) != d) continue;
            int j = i + 4, port = 0, digits = 0;
            while (j < text.length() && Character.isDigit(text.charAt(j)) && digits < 6) {
                port = port * 10 + (text.charAt(j++) - '0');
                digits++;
            }
            if (digits == 0 || port < 1 || port > 65535) return -1;
            if (j + 1 < text.length() && text.charAt(j) == d && text.charAt(j + 1) == ')') return port;
            return -1;
        }
        return -1;
    }

    private final class DataEvents implements TcpSocket.Listener {
        @Override
        public void onEvent(TcpSocket s, int events) {
            if (s != data) return;
            if ((events & TcpSocket.CONNECTED) != 0 && step == Step.DATA_CONNECT) {
                step = Step.TRANSFER;
                transfers++;
                progress();
                send(verb(xfer), argument);
            }
            if (data == null) return;
            if ((events & TcpSocket.READABLE) != 0 && xfer != Xfer.STOR) drain();
            if (data != null && (events & TcpSocket.WRITABLE) != 0 && xfer == Xfer.STOR && step == Step.TRANSFER) pump();
            if (data != null && (events & TcpSocket.CLOSED) != 0) dataClosed();
        }
    }

    /** Reads what the data connection holds into the sink or the listing's lines. */
    private void drain() {
        while (data != null) {
            int n;
            try {
                n = data.read(scratchSeg, 0, scratch.length);
            } catch (TcpException e) {
                dataClosed();
                return;
            }
            if (n == 0) return;
            if (n < 0) {
                endOfData();
                return;
            }
            progress();
            transferred += n;
            bytesIn += n;
            if (xfer == Xfer.RETR) {
                if (sink != null) sink.accept(scratch, 0, n);
            } else {
                for (int i = 0; i < n; i++) {
                    byte b = scratch[i];
                    if (b == '\n') emitLine();
                    else line.add(b);
                }
            }
        }
    }

    private void emitLine() {
        line.trimCr();
        if (lines != null) lines.line(line);
        line.clear();
    }

    /** STOR: moves the source's bytes into the data connection while it takes them (only after the preliminary reply). */
    private void pump() {
        if (data == null || !preliminary || sourceEnded) return;
        try {
            while (true) {
                if (pendingLen == 0) {
                    int n = source.read(scratch, 0, scratch.length);
                    if (n < 0) {
                        sourceEnded = true;
                        data.close(); // FIN after the last byte: the server's 226 follows
                        data = null;
                        dataEnded = true;
                        checkTransferDone();
                        return;
                    }
                    pendingOff = 0;
                    pendingLen = n;
                    if (n == 0) return;
                }
                int w = data.write(scratchSeg, pendingOff, pendingLen);
                if (w == 0) return; // WRITABLE will come
                progress();
                pendingOff += w;
                pendingLen -= w;
                transferred += w;
                bytesOut += w;
            }
        } catch (TcpException e) {
            dataClosed();
        }
    }

    private void endOfData() {
        if (line.length() > 0) emitLine();
        data.close(); // the server's FIN came: ours follows
        data = null;
        dataEnded = true;
        checkTransferDone();
    }

    /** The data connection ended before its end of data (refused, reset, timed out). */
    private void dataClosed() {
        TcpSocket d = data;
        data = null;
        if (d != null) d.close();
        if (dataEnded) return;
        dataFailed = true;
        if (step == Step.DATA_CONNECT) {
            complete(Outcome.DATA_FAILED); // the command was never sent: nothing more will come
        } else if (finalReply) {
            complete(Outcome.DATA_FAILED);
        } // else: the server's reply to the command (426 or so) ends the operation
    }

    private void checkTransferDone() {
        if (step == Step.TRANSFER && finalReply && dataEnded) complete(dataFailed ? Outcome.DATA_FAILED : Outcome.OK);
    }

    // ------------------------------------------------------------------ ends

    /** The operation ends with {@code o}; the session goes on. */
    private void complete(Outcome o) {
        if (data != null) { // a failed transfer: its data connection is of no further use
            data.abort();
            data = null;
        }
        step = Step.NONE;
        state = State.READY;
        sink = null;
        source = null;
        lines = null;
        argument = null;
        stack.timers().cancel(deadline);
        Done d = done;
        done = null;
        if (d != null) d.done(this, o);
    }

    /**
     * The session cannot go on: end it with {@code o}. A server that refused in good form (a 421,
     * a failed login) gets an orderly close of the control connection; after a timeout or a reply
     * that is not FTP the connections are reset.
     */
    private void fatal(Outcome o) {
        Done d = done;
        if (o == Outcome.REFUSED && control != null) {
            control.close(); // FIN after what we sent; a reset only if the server left unread bytes
            control = null;
        }
        close();
        if (d != null) d.done(this, o);
    }

    private void lost() {
        fatal(Outcome.CONNECTION_LOST);
    }

    /** The server said 421 (RFC 959 §4.2: it is closing the control connection): close ours in good order. */
    private void closing421() {
        if (control != null) {
            control.close();
            control = null;
        }
        lost();
    }

    private void quitDone() {
        if (control != null) {
            control.close(); // graceful: the server closes too after 221
            control = null;
        }
        Done d = done;
        done = null;
        release();
        if (d != null) d.done(this, Outcome.OK);
    }

    private void release() {
        if (released) return;
        released = true;
        state = State.CLOSED;
        step = Step.NONE;
        sink = null;
        source = null;
        lines = null;
        stack.timers().cancel(deadline);
        stack.releaseTimer();
        m.uncharge(Category.CONTROL, owner, charge);
    }

    private final class Deadline extends Timer {
        @Override
        protected void fire(long now) {
            if (step == Step.NONE || released) return;
            long limit = step == Step.TRANSFER ? cfg.dataTimeoutNanos() : cfg.replyTimeoutNanos();
            long due = lastProgress + limit;
            if (now >= due) {
                timeouts++;
                fatal(Outcome.TIMEOUT);
            } else {
                stack.timers().arm(this, due);
            }
        }
    }

    /** A listing line being collected from the data connection, bounded, seen as ISO-8859-1 characters. */
    private static final class ListingLine implements CharSequence {
        private final byte[] b = new byte[ReplyParser.MAX_LINE];
        private int len;

        void add(byte x) {
            if (len < b.length) b[len++] = x; // a longer line is cut: no name is that long
        }

        void trimCr() {
            if (len > 0 && b[len - 1] == '\r') len--;
        }

        void clear() {
            len = 0;
        }

        @Override
        public int length() {
            return len;
        }

        @Override
        public char charAt(int i) {
            return (char) (b[i] & 0xFF);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return toString().substring(start, end);
        }

        @Override
        public String toString() {
            return new String(b, 0, len, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Override
    public String toString() {
        return "ftp client " + net.sloop.wire.Ipv4Address.toString(server) + " " + state;
    }
}
