package net.sloop.ftp;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.Locale;
import net.sloop.fs.FileSystem;
import net.sloop.fs.FsEntry;
import net.sloop.fs.FsException;
import net.sloop.fs.FsPath;
import net.sloop.fs.WriteMode;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.TimerQueue;

/**
 * One control connection of an {@link FtpServer}: made at start with every buffer it will use,
 * reused for every client it serves, and the listener of its control socket.
 *
 * <p>Input: bytes are read into a small input buffer and assembled into the command line buffer
 * ({@code maxLineBytes}); Telnet IAC sequences are stripped and option requests refused (RFC 959
 * §4.1.3 and RFC 854: WILL is answered DONT, DO is answered WONT; IAC IAC is a data byte 255), a
 * line longer than the limit is discarded to its end and answered 500. A line is decoded as strict
 * UTF-8 (RFC 2640): malformed bytes are refused with 501, never turned into a look-alike name.
 *
 * <p>Output: every reply goes into the reply buffer and is sent from there; the next command is
 * read only once the replies before it are all taken by the socket, so a client that does not
 * read its replies stops its own commands, and the buffer never overflows. Replies follow RFC 959
 * §4.2: "code text" or, multi-line, "code-text" ... "code text".
 *
 * <p>While a transfer runs, only ABOR, STAT, QUIT and NOOP are acted on (RFC 959 §4.1.3 and §5.4);
 * any other command is held, and nothing after it is read, until the transfer ends (as vsftpd
 * does): replies stay in order, and a client that sends ABOR sends it alone.
 */
final class FtpSession implements TcpSocket.Listener {
    static final int INPUT_BYTES = 256;
    static final int REPLY_BYTES = 1024;
    /** Heap of the session and data-channel objects, their arrays' headers, the segments and small strings beyond the paths. */
    static final int OBJECT_BYTES = 1024;

    /** CONTROL bytes per session: its buffers, its strings (cwd, rename source and a held command, UTF-16, at most a line each; a user name is at most 64 characters, in OBJECT_BYTES), its objects. */
    static int chargeFor(FtpConfig c) {
        return OBJECT_BYTES + INPUT_BYTES + REPLY_BYTES + c.maxLineBytes() + c.transferBufferBytes() + 3 * 2 * c.maxLineBytes();
    }

    final FtpServer server;
    final FtpConfig cfg;
    final FileSystem fs;
    final FtpStats stats;
    final int index;
    final DataChannel data;

    TcpSocket socket;
    int peer;
    private final byte[] in = new byte[INPUT_BYTES];
    private final MemorySegment inSeg = MemorySegment.ofArray(in);
    private int inOff, inLen;
    private final byte[] line;
    private int lineLen;
    private boolean overlong, lineReady;
    /** Telnet parser: 0 data, 1 after IAC, 2 after IAC WILL/WONT/DO/DONT (verb in telnetVerb), 3 in a subnegotiation, 4 IAC in one. */
    private int telnet, telnetVerb;
    private final byte[] out = new byte[REPLY_BYTES];
    private final MemorySegment outSeg = MemorySegment.ofArray(out);
    private int outOff, outLen;
    private boolean closing, inPump;

    private String user;
    /** For the events: when the session began, whether it ended by QUIT, commands it sent. */
    private long openedAt, commandsSeen;
    private boolean quitting;
    boolean loggedIn;
    private boolean anonymous, userReadOnly;
    private int failures, beforeLogin;
    private long delayUntil;
    private boolean closeAfterDelay;

    String cwd = "/";
    private String renameFrom;
    long rest;
    boolean ascii;
    private boolean epsvAll;
    private String held;
    private long lastActive;
    private boolean idleWarned;

    FtpSession(FtpServer server, int index) {
        this.server = server;
        this.cfg = server.cfg;
        this.fs = cfg.fs();
        this.stats = server.stats;
        this.index = index;
        this.line = new byte[cfg.maxLineBytes()];
        this.data = new DataChannel(this, cfg.transferBufferBytes());
    }

    // ------------------------------------------------------------------ life

    void open(TcpSocket s, long now) {
        socket = s;
        peer = s.remoteAddress();
        openedAt = now;
        quitting = false;
        commandsSeen = 0;
        inOff = inLen = lineLen = outOff = outLen = 0;
        overlong = lineReady = closing = inPump = closeAfterDelay = idleWarned = false;
        telnet = 0;
        user = null;
        loggedIn = anonymous = userReadOnly = false;
        failures = beforeLogin = 0;
        delayUntil = 0;
        cwd = "/";
        renameFrom = held = null;
        rest = 0;
        ascii = epsvAll = false;
        lastActive = now;
        s.setListener(this);
        // Replies are whole lines written at once: Nagle would only hold a reply (226 after 150)
        // until the client's delayed ACK of the one before, 40 ms per transfer (vsftpd sets
        // TCP_NODELAY on the control connection for the same reason).
        s.setNoDelay(true);
        reply("220 Sloop FTP server ready.");
        pump();
    }

    long now() {
        return server.stack.time();
    }

    /** Activity now: the idle timeout counts from here. */
    void touch() {
        lastActive = now();
        idleWarned = false;
    }

    /** The user logged in, or null. */
    String loggedInUser() {
        return loggedIn ? user : null;
    }

    boolean readOnly() {
        return cfg.readOnly() || fs.readOnly() || anonymous || userReadOnly;
    }

    /** Ends the session: data channel reset, control connection closed (gracefully) or reset ({@code abort}), slot freed. */
    private void end(boolean abort) {
        TcpSocket s = socket;
        if (s == null) return;
        data.reset();
        socket = null;
        FtpEvents ev = server.events;
        if (ev != null) {
            String how = quitting ? "quit" : abort ? (s.error() != TcpError.NONE ? "reset: " + s.error().message() : "reset") : "closed";
            ev.sessionEnded(peer, loggedIn ? user : null, now() - openedAt, commandsSeen, how);
        }
        if (abort) s.abort();
        else s.close();
        server.released();
    }

    /** The server is closing, or the client stopped reading its control connection: reset everything at once. */
    void kill() {
        end(true);
    }

    @Override
    public void onEvent(TcpSocket s, int events) {
        if (s != socket) return;
        lastActive = now();
        idleWarned = false;
        try {
            pump();
            if (socket != null && (events & TcpSocket.CLOSED) != 0) {
                if (s.error() != TcpError.NONE) stats.errors++;
                end(s.error() != TcpError.NONE);
            }
        } catch (RuntimeException e) {
            stats.errors++;
            end(true);
            throw e;
        }
        server.reschedule();
    }

    /** Called by the data channel after its events: send what it replied and go on with held commands. */
    void afterData() {
        if (inPump || socket == null) return;
        pump();
        server.reschedule();
    }

    /** Sends pending replies and acts on commands until it must wait (for the socket, a delay, a transfer, input). */
    private void pump() {
        if (inPump) return;
        inPump = true;
        try {
            while (socket != null) {
                if (!flush()) return;
                if (data.listingStatus()) {
                    data.statusWritable();
                    if (data.listingStatus()) return; // WRITABLE will come
                    continue;
                }
                if (closing) {
                    end(false);
                    return;
                }
                if (delayUntil != 0) return;
                if (held != null) {
                    if (data.busy()) return;
                    String c = held;
                    held = null;
                    execute(c);
                    continue;
                }
                int r = readLine();
                if (r == 0) return;
                if (r < 0) { // the client closed its side: nothing more will be asked
                    end(false);
                    return;
                }
                if (overlong) {
                    overlong = false;
                    stats.lineTooLong++;
                    reply("500 Command line too long.");
                    continue;
                }
                String cmd;
                try {
                    cmd = server.utf8.reset().decode(ByteBuffer.wrap(line, 0, lineLen)).toString();
                } catch (CharacterCodingException e) {
                    reply("501 Command is not valid UTF-8.");
                    continue;
                }
                execute(cmd);
            }
        } catch (TcpException e) {
            stats.errors++;
            end(true);
        } finally {
            inPump = false;
        }
    }

    /** Writes pending replies; true if all were taken. */
    private boolean flush() throws TcpException {
        while (outLen > 0) {
            int w = socket.write(outSeg, outOff, outLen);
            if (w == 0) return false;
            outOff += w;
            outLen -= w;
        }
        outOff = 0;
        return true;
    }

    /**
     * Assembles the next command line from the input: 1 when one is ready in {@code line[0..lineLen)}
     * (CR LF or a bare LF stripped), 0 if more input is needed, -1 at the client's end of stream.
     */
    private int readLine() throws TcpException {
        if (lineReady) {
            lineReady = false;
            lineLen = 0;
        }
        while (true) {
            if (inOff == inLen) {
                int n = socket.read(inSeg, 0, in.length);
                if (n <= 0) return n;
                inOff = 0;
                inLen = n;
            }
            while (inOff < inLen) {
                int b = in[inOff++] & 0xff;
                switch (telnet) {
                    case 0 -> {
                        if (b == 255) { telnet = 1; continue; }
                    }
                    case 1 -> {
                        if (b == 255) { // IAC IAC: a data byte 255
                            telnet = 0;
                        } else if (b >= 251 && b <= 254) {
                            telnet = 2;
                            telnetVerb = b;
                            continue;
                        } else if (b == 250) {
                            telnet = 3;
                            continue;
                        } else { // IP, DM, AYT, NOP, ...: no meaning for the command stream
                            telnet = 0;
                            continue;
                        }
                    }
                    case 2 -> {
                        telnet = 0;
                        // Refuse every option (RFC 854 and 1143: answer WILL with DONT, DO with WONT; WONT and DONT need no answer).
                        if (telnetVerb == 251) telnetReply(254, b);
                        else if (telnetVerb == 253) telnetReply(252, b);
                        continue;
                    }
                    case 3 -> {
                        if (b == 255) telnet = 4;
                        continue;
                    }
                    default -> { // 4: IAC within a subnegotiation: SE ends it
                        telnet = b == 240 ? 0 : 3;
                        continue;
                    }
                }
                if (b == '\n') {
                    if (lineLen > 0 && line[lineLen - 1] == '\r') lineLen--;
                    lineReady = true; // the caller reads line[0..lineLen) (nothing if overlong); cleared at the next call
                    return 1;
                }
                if (lineLen >= line.length - 1) { // no room for this byte and a CR LF: the line is too long
                    overlong = true;
                    lineLen = 0;
                } else if (!overlong) {
                    line[lineLen++] = (byte) b;
                }
            }
        }
    }

    private void telnetReply(int verb, int option) {
        if (outLen + outOff + 3 > out.length) return;
        out[outOff + outLen++] = (byte) 255;
        out[outOff + outLen++] = (byte) verb;
        out[outOff + outLen++] = (byte) option;
    }

    // ------------------------------------------------------------------ replies

    /** Queues one reply line ("code text" or "code-text"), UTF-8, truncated if it cannot fit. */
    void reply(String text) {
        int end = outOff + outLen;
        if (end > out.length / 2 && outOff > 0) { // move what is pending to the front
            System.arraycopy(out, outOff, out, 0, outLen);
            outOff = 0;
            end = outLen;
        }
        int room = out.length - end - 2;
        if (room <= 0) return;
        int max = Math.min(text.length(), room / 3);
        int n = Listing.utf8(max < text.length() ? text.substring(0, max) : text, out, end) - end;
        out[end + n] = '\r';
        out[end + n + 1] = '\n';
        outLen += n + 2;
    }

    /** "257 "path"" with quotes in the path doubled (RFC 959 Appendix II). */
    private static String quoted(String path) {
        return "\"" + path.replace("\"", "\"\"") + "\"";
    }

    // ------------------------------------------------------------------ time

    /** The earliest time this session wants the timer: a login delay, its idle limit, its data channel's deadline. */
    long deadline() {
        long d = TimerQueue.NONE;
        if (delayUntil != 0) d = delayUntil;
        if (!data.busy()) d = Math.min(d, lastActive + cfg.idleTimeoutNanos());
        return Math.min(d, data.deadline());
    }

    void tick(long now) {
        if (socket == null) return;
        if (delayUntil != 0 && now >= delayUntil) answerFailedLogin();
        data.tick(now);
        if (socket != null && !data.busy() && now - lastActive >= cfg.idleTimeoutNanos()) {
            if (idleWarned || closing) { // told already and still not gone (it does not read): reset
                end(true);
                return;
            }
            stats.idleClosed++;
            idleWarned = true;
            lastActive = now;
            reply("421 Idle timeout (" + cfg.idleTimeoutNanos() / 1_000_000_000L + " s); closing the connection.");
            closing = true;
        }
        pump();
    }

    // ------------------------------------------------------------------ commands

    private static boolean allowedBeforeLogin(String verb) {
        return switch (verb) {
            case "USER", "PASS", "QUIT", "NOOP", "SYST", "FEAT", "HELP", "OPTS", "AUTH", "ACCT", "PBSZ", "PROT", "CCC" -> true;
            default -> false;
        };
    }

    private static boolean allowedDuringTransfer(String verb) {
        return switch (verb) {
            case "ABOR", "STAT", "QUIT", "NOOP" -> true;
            default -> false;
        };
    }

    private void execute(String cmd) {
        stats.commands++;
        commandsSeen++;
        int sp = cmd.indexOf(' ');
        String verb = (sp < 0 ? cmd : cmd.substring(0, sp)).toUpperCase(Locale.ROOT);
        String arg = sp < 0 ? "" : cmd.substring(sp + 1);
        if (data.busy() && !allowedDuringTransfer(verb)) {
            held = cmd;
            stats.commands--; // counted when it runs
            return;
        }
        if (!loggedIn) {
            if (++beforeLogin > cfg.maxCommandsBeforeLogin()) {
                stats.closedBeforeLogin++;
                reply("421 Too many commands without logging in; closing the connection.");
                closing = true;
                return;
            }
            if (!allowedBeforeLogin(verb)) {
                stats.notLoggedIn++;
                reply("530 Please log in with USER and PASS.");
                return;
            }
        }
        if (!verb.equals("RNTO") && !verb.equals("RNFR")) renameFrom = null;
        boolean keepRest = verb.equals("REST");
        try {
            switch (verb) {
                case "USER" -> user(arg);
                case "PASS" -> pass(arg);
                case "ACCT" -> reply("202 ACCT not needed.");
                case "QUIT" -> quit();
                case "NOOP" -> reply("200 NOOP ok.");
                case "SYST" -> reply("215 UNIX Type: L8");
                case "TYPE" -> type(arg);
                case "MODE" -> reply(arg.equalsIgnoreCase("S") ? "200 Mode set to S." : arg.equalsIgnoreCase("B") || arg.equalsIgnoreCase("C")
                        ? "504 Only stream mode (S) is supported." : "501 MODE takes S, B or C.");
                case "STRU" -> reply(arg.equalsIgnoreCase("F") ? "200 Structure set to F." : arg.equalsIgnoreCase("R") || arg.equalsIgnoreCase("P")
                        ? "504 Only file structure (F) is supported." : "501 STRU takes F, R or P.");
                case "PWD", "XPWD" -> reply("257 " + quoted(cwd) + " is the current directory.");
                case "CWD", "XCWD" -> cwd(arg);
                case "CDUP", "XCUP" -> cdup();
                case "MKD", "XMKD" -> mkd(arg);
                case "RMD", "XRMD" -> { writable(); fs.rmdir(path(arg)); reply("250 Directory removed."); }
                case "DELE" -> { writable(); fs.delete(path(arg)); reply("250 File deleted."); }
                case "RNFR" -> rnfr(arg);
                case "RNTO" -> rnto(arg);
                case "PASV" -> pasv(false, arg);
                case "EPSV" -> pasv(true, arg);
                case "PORT" -> port(arg);
                case "EPRT" -> eprt(arg);
                case "LIST" -> list(Listing.Format.LIST, arg);
                case "NLST" -> list(Listing.Format.NLST, arg);
                case "MLSD" -> mlsd(arg);
                case "MLST" -> mlst(arg);
                case "RETR" -> retr(arg);
                case "STOR" -> stor(arg, rest > 0 ? WriteMode.AT_OFFSET : WriteMode.TRUNCATE);
                case "APPE" -> stor(arg, WriteMode.APPEND);
                case "STOU" -> stou();
                case "REST" -> rest(arg);
                case "ABOR" -> data.abort();
                case "STAT" -> stat(arg);
                case "HELP" -> help(arg);
                case "ALLO" -> reply("202 ALLO not needed: space is not reserved in advance.");
                case "SITE" -> site(arg);
                case "FEAT" -> feat();
                case "OPTS" -> opts(arg);
                case "SIZE" -> size(arg);
                case "MDTM" -> mdtm(arg);
                case "MFMT" -> mfmt(arg);
                // RFC 2228/4217: this server has no TLS; 502 says AUTH is not implemented here at all (not a
                // refusal of one mechanism, which would be 504), so a client that only tries TLS goes on in the clear.
                case "AUTH" -> reply("502 AUTH not implemented: this server has no TLS.");
                case "PBSZ", "PROT", "CCC", "ADAT", "MIC", "CONF", "ENC" -> reply("502 " + verb + " not implemented: this server has no TLS.");
                case "REIN", "SMNT" -> reply("502 " + verb + " not implemented.");
                default -> reply("500 Unknown command.");
            }
        } catch (FsException e) {
            reply(fsReply(e));
        } catch (Denied e) {
            reply(e.getMessage());
        }
        if (!keepRest && !keepsRest(verb)) rest = 0;
    }

    /**
     * Commands that leave a REST offset for the transfer after them: RFC 959 wants REST right before
     * its transfer, but clients set up the data connection or the type in between (curl sends REST
     * after EPSV and TYPE), which changes nothing the offset depends on.
     */
    private static boolean keepsRest(String verb) {
        return switch (verb) {
            case "PASV", "EPSV", "PORT", "EPRT", "TYPE", "MODE", "STRU", "NOOP", "STAT", "SIZE", "MDTM", "FEAT", "OPTS" -> true;
            default -> false;
        };
    }

    /** A refusal whose message is the whole reply. */
    static final class Denied extends Exception {
        Denied(String reply) {
            super(reply, null, false, false);
        }
    }

    /** The reply for a failed file-system operation. */
    static String fsReply(FsException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> "550 No such file or directory.";
            case EXISTS -> "550 File exists.";
            case NOT_DIRECTORY -> "550 Not a directory.";
            case IS_DIRECTORY -> "550 Is a directory.";
            case NOT_EMPTY -> "550 Directory not empty.";
            case NO_SPACE -> "452 Insufficient storage space.";
            case READ_ONLY, DENIED -> "550 Permission denied.";
            case INVALID_NAME -> "553 File name not allowed.";
            case IO -> "451 Local error in processing.";
        };
    }

    String path(String arg) throws FsException {
        return FsPath.resolve(cwd, arg, cfg.maxLineBytes());
    }

    private void writable() throws Denied {
        if (readOnly()) throw new Denied("550 Permission denied (read-only).");
    }

    private void user(String arg) {
        if (arg.isEmpty() || arg.length() > 64) {
            reply("501 USER needs a name of 1..64 characters.");
            return;
        }
        loggedIn = anonymous = userReadOnly = false;
        cwd = "/";
        user = arg;
        if (isAnonymous(arg) && cfg.anonymous()) reply("331 Anonymous login ok, send your e-mail address as password.");
        else reply("331 Password required for " + arg + ".");
    }

    private static boolean isAnonymous(String name) {
        return name.equalsIgnoreCase("anonymous") || name.equalsIgnoreCase("ftp");
    }

    private void pass(String arg) {
        if (user == null || loggedIn) {
            reply(loggedIn ? "503 Already logged in." : "503 Log in with USER first.");
            return;
        }
        long now = now();
        if (server.limiter.lockedOut(peer, now)) {
            stats.refusedLockedOut++;
            reply("421 Too many failed logins from your address; closing the connection.");
            closing = true;
            return;
        }
        if (isAnonymous(user) && cfg.anonymous()) {
            loggedIn = anonymous = true;
            stats.loginsOk++;
            if (server.events != null) server.events.login(peer, user, true);
            reply("230 Anonymous access granted, read-only.");
            return;
        }
        FtpUsers.User u = cfg.users().check(user, arg);
        if (u != null) {
            loggedIn = true;
            userReadOnly = u.readOnly();
            stats.loginsOk++;
            if (server.events != null) server.events.login(peer, user, true);
            reply("230 User " + user + " logged in.");
            return;
        }
        stats.loginsFailed++;
        if (server.events != null) server.events.login(peer, user, false);
        failures++;
        boolean locked = server.limiter.failed(peer, now);
        closeAfterDelay = locked || failures >= cfg.maxLoginFailures();
        user = null;
        // The answer comes after a delay growing with the session's failures, in stack time; nothing
        // more is read meanwhile (RFC 2577 §5 suggests a delay to slow brute force).
        delayUntil = now + cfg.loginDelayNanos() * failures;
        if (cfg.loginDelayNanos() == 0) answerFailedLogin();
        else server.want(delayUntil);
    }

    /** The answer to a failed login, once its delay is over: 530, or 421 and the end of the session. */
    private void answerFailedLogin() {
        delayUntil = 0;
        if (closeAfterDelay) {
            stats.closedLoginFailures++;
            reply("421 Too many failed logins; closing the connection.");
            closing = true;
        } else {
            reply("530 Login incorrect.");
        }
    }

    private void quit() {
        quitting = true;
        if (data.busy()) data.abort();
        else data.reset();
        reply("221 Goodbye.");
        closing = true;
    }

    private void type(String arg) {
        String a = arg.trim().toUpperCase(Locale.ROOT);
        switch (a) {
            case "A", "A N" -> { ascii = true; reply("200 Type set to A."); }
            case "I", "L 8" -> { ascii = false; reply("200 Type set to I."); }
            case "E", "A T", "A C", "E N", "E T", "E C" -> reply("504 Only types A (non-print) and I are supported.");
            default -> reply(a.startsWith("L") ? "504 Only byte size 8 is supported." : "501 TYPE takes A or I.");
        }
    }

    private void cwd(String arg) throws FsException {
        String p = path(arg.isEmpty() ? "/" : arg);
        FsEntry e = fs.stat(p);
        if (!e.isDirectory()) throw new FsException(FsException.Reason.NOT_DIRECTORY, p);
        cwd = p;
        reply("250 Directory changed to " + quoted(p) + ".");
    }

    /** CDUP at the root stays there, as Unix's "cd .." does; an explicit ".." above the root is still refused (FsPath). */
    private void cdup() throws FsException {
        if (!cwd.equals("/")) cwd = path("..");
        reply("200 Directory changed to " + quoted(cwd) + ".");
    }

    private void mkd(String arg) throws FsException, Denied {
        writable();
        if (arg.isEmpty()) throw new Denied("501 MKD needs a name.");
        String p = path(arg);
        fs.mkdir(p);
        reply("257 " + quoted(p) + " created.");
    }

    private void rnfr(String arg) throws FsException, Denied {
        writable();
        String p = path(arg);
        fs.stat(p);
        renameFrom = p;
        reply("350 Ready for RNTO.");
    }

    private void rnto(String arg) throws FsException, Denied {
        String from = renameFrom;
        renameFrom = null;
        if (from == null) throw new Denied("503 RNFR first.");
        writable();
        fs.rename(from, path(arg));
        reply("250 Rename successful.");
    }

    private void pasv(boolean extended, String arg) throws Denied {
        if (extended && !arg.isEmpty()) {
            if (arg.equalsIgnoreCase("ALL")) { // RFC 2428 §4: from now on only EPSV sets up data connections
                epsvAll = true;
                reply("200 EPSV ALL ok.");
                return;
            }
            if (!arg.equals("1")) throw new Denied(arg.equals("2") ? "522 Network protocol not supported, use (1)." : "501 EPSV takes 1 or ALL.");
        }
        if (!extended && epsvAll) throw new Denied("500 PASV not allowed after EPSV ALL.");
        int port = data.openPassive();
        if (port < 0) throw new Denied("425 Cannot open a passive connection.");
        if (extended) {
            reply("229 Entering Extended Passive Mode (|||" + port + "|).");
        } else {
            int a = socket.localAddress();
            reply("227 Entering Passive Mode (" + (a >>> 24) + "," + ((a >>> 16) & 255) + "," + ((a >>> 8) & 255) + "," + (a & 255) + ","
                    + (port >> 8) + "," + (port & 255) + ").");
        }
    }

    private void port(String arg) throws Denied {
        if (epsvAll) throw new Denied("500 PORT not allowed after EPSV ALL.");
        String[] f = arg.trim().split(",", -1);
        if (f.length != 6) throw new Denied("501 PORT takes h1,h2,h3,h4,p1,p2.");
        int[] v = new int[6];
        for (int i = 0; i < 6; i++) {
            v[i] = number(f[i].trim(), 255);
            if (v[i] < 0) throw new Denied("501 PORT takes h1,h2,h3,h4,p1,p2 (each 0..255).");
        }
        active(v[0] << 24 | v[1] << 16 | v[2] << 8 | v[3], v[4] << 8 | v[5], "PORT");
    }

    /** EPRT |1|198.18.0.1|6275| (RFC 2428 §2); any delimiter in 33..126. */
    private void eprt(String arg) throws Denied {
        if (epsvAll) throw new Denied("500 EPRT not allowed after EPSV ALL.");
        if (arg.length() < 7) throw new Denied("501 EPRT takes |proto|address|port|.");
        char d = arg.charAt(0);
        if (d < 33 || d > 126) throw new Denied("501 EPRT takes |proto|address|port|.");
        String[] f = arg.split(java.util.regex.Pattern.quote(String.valueOf(d)), -1);
        if (f.length != 5 || !f[0].isEmpty() || !f[4].isEmpty()) throw new Denied("501 EPRT takes |proto|address|port|.");
        if (!f[1].equals("1")) throw new Denied(f[1].equals("2") ? "522 Network protocol not supported, use (1)." : "501 EPRT protocol must be 1 or 2.");
        String[] a = f[2].split("\\.", -1);
        if (a.length != 4) throw new Denied("501 EPRT address is not an IPv4 address.");
        int addr = 0;
        for (String x : a) {
            int b = number(x, 255);
            if (b < 0) throw new Denied("501 EPRT address is not an IPv4 address.");
            addr = addr << 8 | b;
        }
        int port = number(f[3], 65535);
        if (port < 1) throw new Denied("501 EPRT port must be 1..65535.");
        active(addr, port, "EPRT");
    }

    /** RFC 2577 §3 and §4: a data connection only to the control connection's own address, never to a privileged port. */
    private void active(int addr, int port, String verb) throws Denied {
        if (addr != peer || port < 1024) {
            stats.portRefused++;
            throw new Denied("504 " + verb + " refused: only to your own address and a port of 1024 or more.");
        }
        data.setActive(addr, port);
        reply("200 " + verb + " command successful.");
    }

    private static int number(String s, int max) {
        if (s.isEmpty() || s.length() > 5) return -1;
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v <= max ? v : -1;
    }

    /** LIST and NLST: an optional "-l"-style option word (ignored; no globbing: '*' is a name), then an optional path. */
    private void list(Listing.Format f, String arg) throws FsException, Denied {
        String a = arg;
        while (a.startsWith("-")) {
            int sp = a.indexOf(' ');
            a = sp < 0 ? "" : a.substring(sp + 1).stripLeading();
        }
        String p = path(a);
        FsEntry e = fs.stat(p);
        if (e.isDirectory()) data.startListing(f, p, null, null);
        else data.startListing(f, p, e, null);
    }

    private void mlsd(String arg) throws FsException, Denied {
        String p = path(arg);
        FsEntry e = fs.stat(p);
        if (!e.isDirectory()) throw new Denied("501 MLSD needs a directory.");
        data.startListing(Listing.Format.MLSD, p, null, e);
    }

    private void mlst(String arg) throws FsException {
        String p = path(arg);
        FsEntry e = fs.stat(p);
        byte[] b = new byte[Listing.MAX_LINE + 8];
        b[0] = ' ';
        int n = Listing.mlsx(e, e.isDirectory() ? "dir" : "file", p, readOnly(), b, 1);
        reply("250-Listing " + p);
        reply(new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8));
        reply("250 End.");
    }

    private void retr(String arg) throws FsException, Denied {
        String p = path(arg);
        FsEntry e = fs.stat(p);
        if (e.isDirectory()) throw new FsException(FsException.Reason.IS_DIRECTORY, p);
        data.startRetrieve(p, e.size(), rest);
    }

    private void stor(String arg, WriteMode mode) throws FsException, Denied {
        writable();
        if (arg.isEmpty()) throw new Denied("501 A file name is needed.");
        data.startStore(path(arg), mode, rest, null);
    }

    private void stou() throws FsException, Denied {
        writable();
        for (int i = 0; i < 16; i++) {
            String name = "sloop." + Long.toString(server.random.nextLong() & Long.MAX_VALUE, 36);
            String p = path(name);
            try {
                fs.stat(p);
            } catch (FsException e) {
                if (e.reason() == FsException.Reason.NOT_FOUND) {
                    data.startStore(p, WriteMode.CREATE_NEW, 0, name);
                    return;
                }
                throw e;
            }
        }
        throw new Denied("450 No unique name found.");
    }

    private void rest(String arg) throws Denied {
        String a = arg.trim();
        long v = -1;
        if (!a.isEmpty() && a.length() <= 18 && a.chars().allMatch(c -> c >= '0' && c <= '9')) v = Long.parseLong(a);
        if (v < 0) throw new Denied("501 REST takes a byte offset.");
        rest = v;
        reply("350 Restarting at " + v + ". Send STOR or RETR.");
    }

    private void stat(String arg) throws FsException, Denied {
        if (!arg.isEmpty()) {
            if (!loggedIn) throw new Denied("530 Please log in with USER and PASS.");
            if (data.busy()) throw new Denied("450 A transfer is under way; STAT without a path shows it.");
            // RFC 959 §4.1.3: STAT with a path answers like LIST, over the control connection.
            String p = path(arg);
            FsEntry e = fs.stat(p);
            reply("213-Status of " + p + ":");
            if (e.isDirectory()) {
                data.startStatus(p);
                return;
            }
            byte[] b = new byte[Listing.MAX_LINE];
            int n = Listing.ls(e, cfg.wallClockMillis().getAsLong(), readOnly(), b, 0);
            reply(new String(b, 0, n - 2, java.nio.charset.StandardCharsets.UTF_8));
            reply("213 End of status.");
            return;
        }
        reply("211-Sloop FTP server status:");
        reply(" Connected from " + net.sloop.wire.Ipv4Address.toString(peer));
        reply(loggedIn ? " Logged in as " + (anonymous ? "anonymous" : user) + (readOnly() ? " (read-only)" : "") : " Not logged in");
        reply(" TYPE: " + (ascii ? "ASCII" : "BINARY") + ", STRUcture: File, MODE: Stream");
        reply(" Directory: " + cwd);
        reply(" " + data.status());
        reply("211 End of status.");
    }

    private void help(String arg) {
        if (!arg.isEmpty()) {
            reply("214 " + arg.toUpperCase(Locale.ROOT) + ": see RFC 959, 2389, 2428 and 3659.");
            return;
        }
        reply("214-The following commands are recognized:");
        reply(" ABOR ACCT ALLO APPE CDUP CWD  DELE EPRT EPSV FEAT HELP LIST MDTM MFMT");
        reply(" MKD  MLSD MLST MODE NLST NOOP OPTS PASS PASV PORT PWD  QUIT REST RETR");
        reply(" RMD  RNFR RNTO SITE SIZE STAT STOR STOU STRU SYST TYPE USER XCUP XCWD");
        reply(" XMKD XPWD XRMD");
        reply("214 Help OK.");
    }

    private void site(String arg) {
        if (arg.trim().equalsIgnoreCase("HELP")) reply("214 No SITE commands are recognized.");
        else reply("504 SITE " + (arg.isEmpty() ? "" : arg.split(" ", 2)[0]) + " not implemented.");
    }

    private void feat() {
        // RFC 2389 §3.2: each feature on its own line, starting with a space.
        reply("211-Features:");
        reply(" EPRT");
        reply(" EPSV");
        reply(" MDTM");
        reply(" MFMT");
        reply(" MLST type*;size*;modify*;perm*;unique*;");
        reply(" REST STREAM");
        reply(" SIZE");
        reply(" TVFS");
        reply(" UTF8");
        reply("211 End");
    }

    private void opts(String arg) {
        String[] f = arg.trim().split(" +", 2);
        String what = f[0].toUpperCase(Locale.ROOT);
        if (what.equals("UTF8") || what.equals("UTF-8")) {
            // RFC 2640 §3.1: paths are always UTF-8 here; ON is the only mode, OFF is accepted and changes nothing.
            reply("200 UTF8 mode is always on.");
        } else if (what.equals("MLST")) {
            reply("200 MLST OPTS type;size;modify;perm;unique;"); // every fact is always sent
        } else {
            reply("501 OPTS " + f[0] + " not understood.");
        }
    }

    /** Largest file SIZE counts in TYPE A (the file is read through to count its line ends). */
    static final long ASCII_SIZE_LIMIT = 1 << 20;

    /**
     * SIZE (RFC 3659 §4): the octets a RETR in the current TYPE would send. In TYPE A that is the
     * stored size plus a CR for every LF not already after one (the conversion RETR does), so the
     * file is read through; beyond {@link #ASCII_SIZE_LIMIT} that is refused with 550, as §4.1
     * allows when the size cannot be given cheaply (ProFTPD refuses SIZE in TYPE A altogether).
     */
    private void size(String arg) throws FsException, Denied {
        String p = path(arg);
        FsEntry e = fs.stat(p);
        if (e.isDirectory()) throw new Denied("550 Not a plain file.");
        if (!ascii) {
            reply("213 " + e.size());
            return;
        }
        if (e.size() > ASCII_SIZE_LIMIT) throw new Denied("550 SIZE in ASCII mode is given for files up to 1 MiB; use TYPE I.");
        long n = 0;
        boolean lastCr = false;
        byte[] b = server.scan;
        try (var r = fs.openRead(p, 0)) {
            for (int k; (k = r.read(b, 0, b.length)) >= 0; ) {
                n += k;
                for (int i = 0; i < k; i++) {
                    if (b[i] == '\n' && !lastCr) n++;
                    lastCr = b[i] == '\r';
                }
            }
        }
        reply("213 " + n);
    }

    private void mdtm(String arg) throws FsException {
        FsEntry e = fs.stat(path(arg));
        byte[] b = new byte[14];
        Listing.timeval(e.modifiedMillis(), b, 0);
        reply("213 " + new String(b, java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** MFMT YYYYMMDDHHMMSS path (draft-somers-ftp-mfxx): sets the modification time, answers 213 with it. */
    private void mfmt(String arg) throws FsException, Denied {
        int sp = arg.indexOf(' ');
        long t = sp < 0 ? Long.MIN_VALUE : Listing.parseTimeval(arg.substring(0, sp));
        if (t == Long.MIN_VALUE) throw new Denied("501 MFMT takes YYYYMMDDHHMMSS and a path.");
        writable();
        String p = path(arg.substring(sp + 1));
        fs.setModified(p, t);
        byte[] b = new byte[14];
        Listing.timeval(t, b, 0);
        reply("213 Modify=" + new String(b, java.nio.charset.StandardCharsets.US_ASCII) + "; " + p);
    }
}
