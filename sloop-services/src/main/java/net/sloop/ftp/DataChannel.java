package net.sloop.ftp;

import java.lang.foreign.MemorySegment;
import net.sloop.fs.DirCursor;
import net.sloop.fs.FsEntry;
import net.sloop.fs.FsException;
import net.sloop.fs.FsReader;
import net.sloop.fs.FsWriter;
import net.sloop.fs.WriteMode;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.TimerQueue;

/**
 * A session's data connection (RFC 959 §3.2-3.3) and the transfer over it, one at a time.
 *
 * <p>Passive (PASV/EPSV): a listener on a port drawn at random from the configured range, at most
 * one per session: a new PASV/EPSV, PORT/EPRT, ABOR, QUIT or the end of the session closes the
 * previous listener and data connection and frees them at once (the failure of seed 000 was
 * closed connections keeping their buffers). It takes the first connection from the control
 * connection's own address and closes at once; a connection from any other address is reset and
 * counted (RFC 2577 §4 warns of data-connection theft). If nobody connects within the accept
 * timeout the listener closes, and a transfer waiting for it is answered 425.
 *
 * <p>Active (PORT/EPRT): the session has checked the address is the client's own and the port not
 * privileged (RFC 2577 §3); the connection is made when a transfer command comes.
 *
 * <p>Transfers stream through the session's one transfer buffer in both directions: a file of any
 * size moves with the memory of its socket's buffers and this buffer; a listing is produced a line
 * at a time from a {@link DirCursor}, never built whole. TYPE A turns LF into CRLF on the way out
 * and CRLF into LF on the way in (RFC 959 §3.1.1.1). A transfer that moves nothing for the stall
 * timeout is aborted (426).
 */
final class DataChannel implements TcpListener.Listener, TcpSocket.Listener {
    /** What the channel is doing. */
    enum Kind { NONE, LISTING, RETRIEVE, STORE, STATUS }

    private final FtpSession session;
    private final FtpServer server;
    private final FtpConfig cfg;
    private final FtpStats stats;
    private final byte[] buf;
    private final MemorySegment seg;
    private final FsEntry entry = new FsEntry();
    private final TcpSocket.Options activeOptions;

    private TcpListener passive;
    private boolean promised;
    private int activeAddr, activePort;
    private boolean activeSet;
    private TcpSocket socket;
    /** An active connection being made, or a passive one accepted before its command: not yet carrying a transfer. */
    private boolean connected;

    private Kind kind = Kind.NONE;
    private boolean started, eof;
    private Listing.Format format;
    private FsEntry single, cdir;
    private DirCursor cursor;
    private FsReader reader;
    private FsWriter writer;
    private boolean ascii, lastCr, pendingCr;
    private int bufOff, bufLen;
    private long deadline = TimerQueue.NONE;
    private long moved;
    /** For the events: the transfer's path and command, when it began. */
    private String eventPath, eventCommand;
    private long eventStart;

    DataChannel(FtpSession session, int bufferBytes) {
        this.session = session;
        this.server = session.server;
        this.cfg = server.cfg;
        this.stats = server.stats;
        this.buf = new byte[bufferBytes];
        this.seg = MemorySegment.ofArray(buf);
        this.activeOptions = new TcpSocket.Options().sendBuffer(cfg.dataSendBuffer()).receiveBuffer(cfg.dataReceiveBuffer());
    }

    boolean busy() {
        return kind != Kind.NONE;
    }

    /** True while STAT lists a directory over the control connection. */
    boolean listingStatus() {
        return kind == Kind.STATUS;
    }

    long deadline() {
        return passive != null || socket != null || kind != Kind.NONE ? deadline : TimerQueue.NONE;
    }

    String status() {
        if (kind != Kind.NONE) return "Transfer in progress: " + moved + " bytes so far";
        if (passive != null) return "Passive listener on port " + passive.port();
        if (socket != null) return "Data connection open";
        if (activeSet) return "Active mode to port " + activePort;
        return "No data connection";
    }

    // ------------------------------------------------------------------ setting up

    /** Closes any previous listener and connection and listens on a random passive port; returns it, or -1. */
    int openPassive() {
        reset();
        int range = cfg.passivePortHigh() - cfg.passivePortLow() + 1;
        for (int attempt = 0; attempt < 32; attempt++) {
            int port = cfg.passivePortLow() + server.random.nextInt(range);
            try {
                passive = server.stack.tcp().listen(0, port, 1);
            } catch (TcpException e) {
                if (e.error() == TcpError.ADDRESS_IN_USE) continue;
                stats.dataFailed++;
                return -1;
            }
            passive.setBuffers(cfg.dataSendBuffer(), cfg.dataReceiveBuffer());
            if (server.takeDataPromise()) {
                passive.guarantee(1);
                promised = true;
            }
            passive.setListener(this);
            stats.passiveOpened++;
            deadline = session.now() + cfg.dataAcceptTimeoutNanos();
            server.want(deadline);
            return port;
        }
        stats.dataFailed++;
        return -1;
    }

    /** Closes any previous listener and connection and remembers PORT/EPRT's target (already checked). */
    void setActive(int addr, int port) {
        reset();
        activeAddr = addr;
        activePort = port;
        activeSet = true;
    }

    private void closePassive() {
        if (passive == null) return;
        passive.close();
        passive = null;
        if (promised) {
            promised = false;
            server.giveDataPromise();
        }
    }

    @Override
    public void acceptable(TcpListener l) {
        if (l != passive) return;
        for (TcpSocket s; (s = l.accept()) != null; ) {
            if (s.remoteAddress() != session.peer) {
                stats.dataRefusedForeign++;
                s.abort();
                continue;
            }
            socket = s;
            connected = true;
            s.setListener(this);
            closePassive(); // one connection per PASV: the listener and its promise are freed now
            if (kind != Kind.NONE) begin();
            else deadline = session.now() + cfg.dataAcceptTimeoutNanos(); // connected, waiting for its command
            break;
        }
        session.afterData();
    }

    // ------------------------------------------------------------------ starting a transfer

    private boolean ready() throws FtpSession.Denied {
        if (passive == null && socket == null && !activeSet) throw new FtpSession.Denied("425 Use PASV, EPSV, PORT or EPRT first.");
        return true;
    }

    /**
     * LIST/NLST of a directory ({@code file} null) or of one file; MLSD of a directory, whose first
     * line is the directory itself as {@code type=cdir} (RFC 3659 §7.5.1) when {@code cdir} is given.
     */
    void startListing(Listing.Format f, String dir, FsEntry file, FsEntry cdir) throws FsException, FtpSession.Denied {
        ready();
        if (file == null) cursor = session.fs.list(dir);
        single = file;
        this.cdir = cdir;
        format = f;
        stats.listings++;
        named(f == Listing.Format.MLSD ? "MLSD" : f == Listing.Format.LIST ? "LIST" : "NLST", dir);
        start(Kind.LISTING, "150 Opening ASCII mode data connection for the listing.");
    }

    void startRetrieve(String path, long size, long offset) throws FsException, FtpSession.Denied {
        ready();
        if (offset > size) throw new FtpSession.Denied("554 REST " + offset + " is past the end of the file (" + size + " bytes).");
        reader = session.fs.openRead(path, offset);
        ascii = session.ascii;
        named("RETR", path);
        start(Kind.RETRIEVE, "150 Opening " + (ascii ? "ASCII" : "BINARY") + " mode data connection for " + net.sloop.fs.FsPath.name(path) + " (" + size + " bytes).");
    }

    void startStore(String path, WriteMode mode, long offset, String uniqueName) throws FsException, FtpSession.Denied {
        ready();
        writer = session.fs.openWrite(path, mode, offset);
        ascii = session.ascii;
        named(uniqueName != null ? "STOU" : mode == WriteMode.APPEND ? "APPE" : "STOR", path);
        start(Kind.STORE, uniqueName != null ? "150 FILE: " + uniqueName
                : "150 Opening " + (ascii ? "ASCII" : "BINARY") + " mode data connection for " + net.sloop.fs.FsPath.name(path) + ".");
    }

    /** STAT with a directory: the listing goes over the control connection, between the session's 213 lines. */
    void startStatus(String dir) throws FsException {
        cursor = session.fs.list(dir);
        single = null;
        format = Listing.Format.LIST;
        kind = Kind.STATUS;
        started = true;
        eof = false;
        bufOff = bufLen = 0;
        moved = 0;
        progress();
        server.want(deadline);
    }

    /** Remembers what the events will say of this transfer (only with a listener). */
    private void named(String command, String path) {
        if (server.events == null) return;
        eventCommand = command;
        eventPath = path;
        eventStart = session.now();
    }

    /** Tells the listener the transfer ended with {@code result}. */
    private void ended(String result) {
        FtpEvents ev = server.events;
        if (ev == null || eventCommand == null) return;
        ev.transfer(session.peer, session.loggedInUser(), eventCommand, eventPath, moved, session.now() - eventStart, result);
        eventCommand = eventPath = null;
    }

    private void start(Kind k, String preliminary) throws FtpSession.Denied {
        kind = k;
        started = eof = lastCr = pendingCr = false;
        bufOff = bufLen = 0;
        moved = 0;
        if (socket != null && connected) {
            session.reply("125 Data connection already open; transfer starting.");
            begin();
            return;
        }
        if (passive == null) { // active: connect now to the checked address
            try {
                socket = server.stack.tcp().connect(activeAddr, activePort, activeOptions);
            } catch (TcpException e) {
                stats.dataFailed++;
                closeFiles(false);
                kind = Kind.NONE;
                throw new FtpSession.Denied("425 Cannot open the data connection.");
            }
            stats.activeOpened++;
            socket.setListener(this);
            connected = false;
        }
        session.reply(preliminary);
        deadline = session.now() + cfg.dataAcceptTimeoutNanos();
        server.want(deadline);
    }

    private void begin() {
        started = true;
        progress();
        try {
            pump();
        } catch (TcpException e) {
            fail("426 Data connection lost; transfer aborted.");
        }
    }

    private void progress() {
        deadline = session.now() + cfg.dataStallTimeoutNanos();
    }

    // ------------------------------------------------------------------ events

    @Override
    public void onEvent(TcpSocket s, int events) {
        if (s != socket) return;
        try {
            if (kind == Kind.NONE || kind == Kind.STATUS) { // connected, no transfer on it yet: only its end matters
                if ((events & TcpSocket.CLOSED) != 0) dropSocket(false);
            } else if (!started) {
                if ((events & TcpSocket.CLOSED) != 0) {
                    stats.dataFailed++;
                    fail("425 Cannot open the data connection.");
                } else if ((events & TcpSocket.CONNECTED) != 0) {
                    connected = true;
                    begin();
                }
            } else {
                pump();
                if (socket == s && kind != Kind.NONE && (events & TcpSocket.CLOSED) != 0) fail("426 Data connection lost; transfer aborted.");
            }
        } catch (TcpException e) {
            fail("426 Data connection lost; transfer aborted.");
        }
        session.afterData();
    }

    /** Control-connection events while STAT lists over it. */
    void statusWritable() {
        if (kind != Kind.STATUS) return;
        try {
            pump();
        } catch (TcpException e) {
            closeFiles(false);
            kind = Kind.NONE;
        }
    }

    private void pump() throws TcpException {
        if (kind == Kind.STORE) receive();
        else send(kind == Kind.STATUS ? session.socket : socket);
    }

    /** RETR and listings: fill the buffer, write it, until the socket is full or the source is done. */
    private void send(TcpSocket sink) throws TcpException {
        while (kind != Kind.NONE) {
            while (bufLen > 0) {
                int w = sink.write(seg, bufOff, bufLen);
                if (w == 0) return; // WRITABLE will come
                bufOff += w;
                bufLen -= w;
                moved += w;
                if (kind != Kind.STATUS) stats.bytesOut += w;
                progress();
            }
            if (eof) {
                succeed();
                return;
            }
            bufOff = 0;
            try {
                if (kind == Kind.RETRIEVE) fillFile();
                else fillListing();
            } catch (FsException e) {
                fail(e.reason() == FsException.Reason.IO ? "451 Read error; transfer aborted." : FtpSession.fsReply(e));
                return;
            }
        }
    }

    private void fillFile() throws FsException {
        if (!ascii) {
            int n = reader.read(buf, 0, buf.length);
            if (n < 0) eof = true;
            else bufLen = n;
            return;
        }
        int half = buf.length / 2;
        int n = reader.read(buf, half, half);
        if (n < 0) {
            eof = true;
            return;
        }
        int o = 0;
        for (int i = half; i < half + n; i++) { // LF to CRLF; a CRLF already there stays as it is
            byte b = buf[i];
            if (b == '\n' && !lastCr) buf[o++] = '\r';
            buf[o++] = b;
            lastCr = b == '\r';
        }
        bufLen = o;
    }

    private void fillListing() throws FsException {
        long now = cfg.wallClockMillis().getAsLong();
        boolean ro = session.readOnly();
        int o = 0;
        while (o + Listing.MAX_LINE <= buf.length) {
            if (cdir != null) {
                o = Listing.crlf(buf, Listing.mlsx(cdir, "cdir", ".", ro, buf, o));
                cdir = null;
                continue;
            }
            if (single != null) {
                o = Listing.line(format, single, now, ro, buf, o);
                single = null;
                eof = true;
                break;
            }
            if (cursor == null || !cursor.next(entry)) {
                eof = true;
                break;
            }
            o = Listing.line(format, entry, now, ro, buf, o);
        }
        bufLen = o;
    }

    /** STOR, APPE, STOU: read what arrives and write it to the file, until the client's FIN. */
    private void receive() throws TcpException {
        while (kind == Kind.STORE) {
            int n = socket.read(seg, 0, buf.length);
            if (n == 0) return;
            try {
                if (n < 0) {
                    if (pendingCr) writer.write(CR, 0, 1);
                    pendingCr = false;
                    writer.commit();
                    succeed();
                    return;
                }
                progress();
                moved += n;
                if (ascii) n = crlfToLf(n);
                writer.write(buf, 0, n);
                stats.bytesIn += n;
            } catch (FsException e) {
                fail(e.reason() == FsException.Reason.NO_SPACE ? "452 Insufficient storage space; nothing kept." : FtpSession.fsReply(e));
                return;
            }
        }
    }

    private static final byte[] CR = {'\r'};

    /** CRLF to LF in place; a CR at the end of the chunk waits for the next byte. Returns the new length. */
    private int crlfToLf(int n) throws FsException {
        int o = 0;
        int i = 0;
        if (pendingCr) {
            pendingCr = false;
            if (n > 0 && buf[0] != '\n') writer.write(CR, 0, 1);
        }
        for (; i < n; i++) {
            byte b = buf[i];
            if (b == '\r') {
                if (i + 1 == n) {
                    pendingCr = true;
                    continue;
                }
                if (buf[i + 1] == '\n') continue;
            }
            buf[o++] = b;
        }
        return o;
    }

    // ------------------------------------------------------------------ ending

    private void succeed() {
        session.touch(); // the control connection's idle time starts again when a transfer ends
        Kind k = kind;
        closeFiles(true);
        kind = Kind.NONE;
        started = false;
        deadline = TimerQueue.NONE;
        if (k == Kind.STATUS) {
            session.reply("213 End of status.");
            return;
        }
        stats.transfersOk++;
        ended("226");
        dropSocket(false); // the FIN follows the data; the stack finishes the connection on its own
        session.reply("226 Transfer complete.");
    }

    /** Ends the transfer with {@code reply}: the data connection is reset, a partial store discarded. */
    private void fail(String reply) {
        session.touch();
        closeFiles(false);
        boolean status = kind == Kind.STATUS;
        kind = Kind.NONE;
        started = false;
        deadline = TimerQueue.NONE;
        if (!status) {
            stats.transfersFailed++;
            ended(reply);
            dropSocket(true);
            closePassive();
        }
        session.reply(reply);
    }

    /** ABOR (RFC 959 §4.1.3): a transfer under way is answered 426 then 226; otherwise 225, and any listener or connection is closed. */
    void abort() {
        if (kind != Kind.NONE && kind != Kind.STATUS) {
            stats.aborted++;
            stats.transfersFailed--; // counted as aborted, not failed
            fail("426 Connection closed; transfer aborted.");
            session.reply("226 Abort successful.");
            return;
        }
        if (kind == Kind.STATUS) {
            closeFiles(false);
            kind = Kind.NONE;
            session.reply("213 End of status (aborted).");
        }
        reset();
        session.reply("225 No transfer to abort.");
    }

    private void closeFiles(boolean ok) {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
        single = cdir = null;
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (writer != null) {
            if (!ok) writer.discard();
            writer = null;
        }
    }

    private void dropSocket(boolean reset) {
        TcpSocket s = socket;
        socket = null;
        connected = false;
        if (s == null) return;
        if (reset) s.abort();
        else s.close();
    }

    /** Timeouts: nobody connected (425), a transfer stalled (426), a connection or listener left unused (closed). */
    void tick(long now) {
        if (deadline == TimerQueue.NONE || now < deadline) return;
        if (kind == Kind.STATUS) { // a client that asks for a listing on the control connection and does not read it
            stats.stallTimeouts++;
            closeFiles(false);
            kind = Kind.NONE;
            started = false;
            deadline = TimerQueue.NONE;
            session.kill();
            return;
        }
        if (kind != Kind.NONE && !started) {
            stats.acceptTimeouts++;
            fail("425 No data connection within " + cfg.dataAcceptTimeoutNanos() / 1_000_000_000L + " s.");
        } else if (kind != Kind.NONE) {
            stats.stallTimeouts++;
            fail("426 Transfer stalled for " + cfg.dataStallTimeoutNanos() / 1_000_000_000L + " s; aborted.");
        } else {
            reset(); // a listener nobody used, or a connection with no command: free them
        }
    }

    /** Closes everything: the listener, the connection (reset), files (a partial store discarded). Nothing is replied. */
    void reset() {
        closeFiles(false);
        kind = Kind.NONE;
        started = false;
        closePassive();
        dropSocket(true);
        activeSet = false;
        deadline = TimerQueue.NONE;
    }
}
