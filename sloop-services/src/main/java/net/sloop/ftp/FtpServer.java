package net.sloop.ftp;

import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Timer;
import net.sloop.time.TimerQueue;

/**
 * An FTP server (RFC 959, with RFC 2389, 2428, 3659 and RFC 2577's security rules) on a stack's
 * event-driven API and thread, serving a {@link net.sloop.fs.FileSystem}.
 *
 * <p>Memory is fixed at start: {@code maxSessions} {@link FtpSession}s are made and charged
 * (CONTROL, {@link FtpSession#chargeFor}) with every buffer they will ever use, so serving
 * allocates nothing per connection and memory cannot grow with clients. A control connection that
 * finds every session taken, or comes from an address already holding its share or locked out
 * after failed logins, is told 421 and closed. The stack charges the sockets themselves.
 *
 * <p>Guarantees: the control listener is promised ({@code TcpListener.guarantee}) one connection
 * per guaranteed session, and as many data connections stand promised apart ({@code Tcp.promise});
 * a passive listener takes one of those while it waits for the client (and gives it back when it
 * closes). So no flood of other clients, and no idle control connections beyond the guaranteed
 * sessions, can leave FTP unable to accept a session or its data connection.
 *
 * <p>Time comes from the stack; one application timer ({@link Stack#reserveTimer()}) wakes the
 * server at the earliest deadline any session has (login delay, idle, data accept or stall).
 * Not thread-safe: start, close and read the figures on the stack's thread (or under its runner's lock).
 */
public final class FtpServer implements TcpListener.Listener, AutoCloseable {
    /** Bytes of the buffer SIZE in TYPE A reads a file through. */
    static final int SCAN_BYTES = 4096;
    /** CONTROL bytes for the server apart from its sessions (object, owner, stats, decoder, random, timer, scan buffer). */
    static final int BASE_BYTES = 1024 + SCAN_BYTES + 16;
    /** Entries in the failed-login table. */
    static final int LIMITER_ENTRIES = 64;

    final Stack stack;
    final Budget m;
    final FtpConfig cfg;
    final Owner owner;
    final FtpStats stats;
    final TcpListener listener;
    final LoginLimiter limiter;
    final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    final SplittableRandom random;
    /** Shared by the sessions (one thread): SIZE in TYPE A counts a file's line ends through it. */
    final byte[] scan = new byte[SCAN_BYTES];
    private final FtpSession[] sessions;
    private final Sweep timer = new Sweep();
    private final int charge;
    private int spareDataPromises;
    private boolean closed;
    /** The listener of sessions and transfers, or null. */
    FtpEvents events;

    private FtpServer(Stack stack, FtpConfig cfg, TcpListener listener) {
        this.stack = stack;
        this.m = stack.budget();
        this.cfg = cfg;
        this.owner = new Owner("ftp server", this);
        this.stats = new FtpStats(cfg.port());
        this.listener = listener;
        this.limiter = new LoginLimiter(LIMITER_ENTRIES, cfg.maxLoginFailuresPerAddress(), cfg.loginWindowNanos());
        this.random = new SplittableRandom(cfg.seed());
        this.sessions = new FtpSession[cfg.maxSessions()];
        for (int i = 0; i < sessions.length; i++) sessions[i] = new FtpSession(this, i);
        this.charge = chargeFor(cfg);
        this.spareDataPromises = cfg.guaranteedSessions();
    }

    /** CONTROL bytes a server with {@code cfg} is charged at start. */
    public static int chargeFor(FtpConfig cfg) {
        return BASE_BYTES + LIMITER_ENTRIES * LoginLimiter.ENTRY_BYTES + cfg.maxSessions() * FtpSession.chargeFor(cfg);
    }

    /**
     * Starts serving {@code cfg.fs()} on {@code cfg.port()}.
     *
     * @throws IllegalStateException if the port is taken, the budget cannot hold the sessions, or
     *         the stack has no application timer left ({@code StackConfig.Builder.applicationTimers})
     */
    public static FtpServer start(Stack stack, FtpConfig cfg) {
        if (!stack.reserveTimer()) {
            throw new IllegalStateException("the FTP server needs a timer slot: build the stack with StackConfig.Builder.applicationTimers(n)");
        }
        TcpListener l;
        try {
            l = stack.tcp().listen(0, cfg.port(), Math.max(2, Math.min(16, cfg.maxSessions())));
            l.setBuffers(cfg.controlBuffer(), cfg.controlBuffer());
        } catch (TcpException | RuntimeException e) {
            stack.releaseTimer();
            throw new IllegalStateException("cannot start the FTP server on port " + cfg.port() + ": " + e.getMessage(), e);
        }
        FtpServer s = new FtpServer(stack, cfg, l); // heap only: nothing is charged or registered until the charge succeeds
        if (!stack.budget().charge(Category.CONTROL, s.owner, s.charge)) {
            l.close();
            stack.releaseTimer();
            throw new IllegalStateException("out of memory: the FTP server needs " + s.charge + " bytes for " + cfg.maxSessions() + " sessions");
        }
        // The promise must be one the budget can keep: on a budget whose pool, once the sessions
        // are charged, cannot admit a control connection while keeping room for its data
        // connection (and every other promise), no client could ever reach the server.
        int g = Math.max(1, cfg.guaranteedSessions());
        l.guarantee(g);
        stack.tcp().promise(g);
        boolean admissible = l.admissibleNow();
        stack.tcp().promise(-g);
        if (!admissible) {
            long have = (long) stack.budget().uncommittedFreeBlocks() * stack.budget().blockSize();
            stack.budget().uncharge(Category.CONTROL, s.owner, s.charge);
            l.close();
            stack.releaseTimer();
            throw new IllegalStateException("out of memory: the FTP server's " + cfg.maxSessions() + " sessions leave " + have
                    + " bytes, too few for a session with its data connection and the stack's other promises");
        }
        // Control connections are promised on the control listener; data connections stand apart
        // (Tcp.promise) until a passive listener takes one, so that idle control connections
        // beyond the guaranteed sessions cannot use up the promise of a data connection.
        l.guarantee(cfg.guaranteedSessions());
        stack.tcp().promise(cfg.guaranteedSessions());
        l.setListener(s);
        return s;
    }

    public FtpConfig config() {
        return cfg;
    }

    /** Sets the listener of logins, session ends and transfers (null: none). On the stack's thread. */
    public void events(FtpEvents listener) {
        events = listener;
    }

    public FtpStats stats() {
        return stats;
    }

    public int port() {
        return cfg.port();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Sessions held now. */
    public int activeSessions() {
        int n = 0;
        for (FtpSession s : sessions) if (s.socket != null) n++;
        return n;
    }

    /** CONTROL bytes the server is charged (its sockets not included). */
    public long chargedBytes() {
        return owner.used(Category.CONTROL);
    }

    /** A usage summary for people: what the server is charged, then its figures. */
    public String report() {
        return "  ftp: " + chargedBytes() + " bytes charged (" + sessions.length + " sessions of " + FtpSession.chargeFor(cfg) + "), "
                + activeSessions() + " sessions held, passive ports " + cfg.passivePortLow() + "-" + cfg.passivePortHigh() + "\n    "
                + stats.line() + "\n";
    }

    // ------------------------------------------------------------------ control connections

    @Override
    public void acceptable(TcpListener l) {
        long now = stack.time();
        for (TcpSocket s; !closed && (s = l.accept()) != null; ) {
            int addr = s.remoteAddress();
            if (limiter.lockedOut(addr, now)) {
                stats.refusedLockedOut++;
                refuse(s, "421 Too many failed logins from your address; try again later.\r\n");
                continue;
            }
            FtpSession free = null;
            int fromAddr = 0;
            for (FtpSession x : sessions) {
                if (x.socket == null) {
                    if (free == null) free = x;
                } else if (x.peer == addr) {
                    fromAddr++;
                }
            }
            if (free == null) {
                stats.refusedFull++;
                refuse(s, "421 Too many users; try again later.\r\n");
            } else if (fromAddr >= cfg.maxSessionsPerAddress()) {
                stats.refusedPerAddress++;
                refuse(s, "421 Too many connections from your address.\r\n");
            } else {
                stats.opened();
                free.open(s, now);
            }
        }
        reschedule();
    }

    /** Tells a client it is refused and closes (the reply is queued before the FIN; a connection that cannot take it is reset). */
    private static void refuse(TcpSocket s, String reply) {
        byte[] b = reply.getBytes(StandardCharsets.US_ASCII);
        try {
            if (s.write(b, 0, b.length) < b.length) {
                s.abort();
                return;
            }
        } catch (TcpException e) {
            s.abort();
            return;
        }
        s.close();
    }

    /** Called by a session when its connection ended. */
    void released() {
        stats.active--;
    }

    // ------------------------------------------------------------------ data promises

    /** Takes one of the standing data-connection promises for a passive listener (which then guarantees 1); false if none is spare. */
    boolean takeDataPromise() {
        if (closed || spareDataPromises == 0) return false;
        spareDataPromises--;
        stack.tcp().promise(-1);
        return true;
    }

    /** Gives a promise back (its passive listener closed): it stands again for the next one. */
    void giveDataPromise() {
        spareDataPromises++;
        if (!closed) stack.tcp().promise(1);
    }

    // ------------------------------------------------------------------ time

    /** Makes sure the timer fires no later than {@code deadline}. */
    void want(long deadline) {
        if (closed) return;
        // The slot was reserved at start, so arming cannot find the queue full.
        if (!stack.timers().armBy(timer, deadline)) throw new IllegalStateException("timer queue full despite a reserved slot");
    }

    /** Arms the timer for the earliest deadline of any session. */
    void reschedule() {
        long next = TimerQueue.NONE;
        for (FtpSession s : sessions) if (s.socket != null) next = Math.min(next, s.deadline());
        want(next);
    }

    private final class Sweep extends Timer {
        @Override
        protected void fire(long now) {
            for (FtpSession s : sessions) if (s.socket != null) s.tick(now);
            reschedule();
        }
    }

    // ------------------------------------------------------------------ closing

    /** Stops listening, resets every session and data connection, frees the charge and the timer. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        for (FtpSession s : sessions) if (s.socket != null) s.kill();
        closed = true;
        stack.tcp().promise(-spareDataPromises); // those taken are given back by their passive listeners, closed above
        listener.close();
        if (timer.armed()) stack.timers().cancel(timer);
        stack.releaseTimer();
        m.uncharge(Category.CONTROL, owner, charge);
    }
}
