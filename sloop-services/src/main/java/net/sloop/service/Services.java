package net.sloop.service;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpException;
import net.sloop.time.Timer;
import net.sloop.time.TimerQueue;

/**
 * The small services (echo, discard, daytime, chargen; RFC 862, 863, 867, 864) running on one
 * stack, started together with {@link #start} and stopped together with {@link #close}.
 *
 * <p>They run on the stack's event-driven API and thread, with no thread of their own: every call
 * into them comes from the stack (a segment, a datagram, a timer), and a runner's lock, if any,
 * is already held. Memory is bounded and charged: each service's slots and the handle's scratch
 * buffer are charged (CONTROL) when started; each connection is bounded by its socket's buffers,
 * which the stack charges; {@link #close} frees everything, so the budget returns to where it was
 * (TIME_WAIT records the stack keeps for connections that ended are the stack's, and expire).
 *
 * <p>Idle timeout: with {@link ServiceConfig#idleTimeoutNanos()}, one timer in the stack's queue,
 * under a slot reserved with {@link Stack#reserveTimer()}, resets connections that moved no byte
 * for that long, so a vanished client cannot hold a slot for ever. The timer is armed only while
 * a connection is held, for the earliest deadline; activity only records a time.
 *
 * <p>Not thread-safe: call {@code start}, {@code close} and the figures on the stack's thread (or
 * under its runner's lock).
 */
public final class Services implements AutoCloseable {
    /** CONTROL bytes charged for the handle itself (object, owner, lists, timer); see ServiceChargeTest. */
    static final int BASE_BYTES = 512;

    final Stack stack;
    final Scratch scratch;
    final LongSupplier wallClockMillis;
    private final ServiceConfig config;
    private final Owner owner = new Owner("services", this);
    private final List<TcpService> tcp = new ArrayList<>(ServiceKind.ALL.length);
    private final List<UdpService> udp = new ArrayList<>(ServiceKind.ALL.length);
    private final IdleTimer idleTimer;
    private final long idleTimeout;
    private final int charge;
    private boolean closed;

    private Services(Stack stack, ServiceConfig config) {
        this.stack = stack;
        this.config = config;
        this.wallClockMillis = config.wallClockMillis();
        this.idleTimeout = config.idleTimeoutNanos();
        int mtuPayload = stack.config().maxMtu() - 28;
        this.scratch = new Scratch(Math.max(config.scratchBytes(), mtuPayload));
        this.charge = BASE_BYTES + scratch.charge();
        this.idleTimer = idleTimeout > 0 && !config.tcp().isEmpty() ? new IdleTimer() : null;
    }

    /**
     * Starts the services {@code config} names on {@code stack}. Either all start or none does
     * (what was started is closed again).
     *
     * @throws IllegalStateException if a port is taken, the budget cannot hold a service, or an idle
     *         timeout is asked for and the stack has no application timer left
     */
    public static Services start(Stack stack, ServiceConfig config) {
        Services s = new Services(stack, config);
        if (!stack.budget().charge(Category.CONTROL, s.owner, s.charge)) {
            throw new IllegalStateException("out of memory: the services need " + s.charge + " bytes for their scratch buffer");
        }
        if (s.idleTimer != null && !stack.reserveTimer()) {
            stack.budget().uncharge(Category.CONTROL, s.owner, s.charge);
            throw new IllegalStateException("an idle timeout needs a timer slot: build the stack with"
                    + " StackConfig.Builder.applicationTimers(n), one per Services handle with an idle timeout");
        }
        try {
            for (ServiceKind k : ServiceKind.ALL) {
                if (config.tcp().contains(k)) s.tcp.add(switch (k) {
                    case ECHO -> new EchoService(s, config);
                    case DISCARD -> new DiscardService(s, config);
                    case DAYTIME -> new DaytimeService(s, config);
                    case CHARGEN -> new ChargenService(s, config);
                });
                if (config.udp().contains(k)) s.udp.add(new UdpService(s, k, config));
            }
        } catch (TcpException | RuntimeException e) {
            s.close();
            throw new IllegalStateException("cannot start the services: " + e.getMessage(), e);
        }
        return s;
    }

    public ServiceConfig config() {
        return config;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The figures of every service started, TCP then UDP, in port order. */
    public List<ServiceStats> stats() {
        List<ServiceStats> out = new ArrayList<>();
        for (TcpService t : tcp) out.add(t.stats);
        for (UdpService u : udp) out.add(u.stats);
        return out;
    }

    /** The figures of {@code kind} over TCP ({@code udp} false) or UDP, or null if it was not started. */
    public ServiceStats stats(ServiceKind kind, boolean udp) {
        for (ServiceStats s : stats()) if (s.kind == kind && s.udp == udp) return s;
        return null;
    }

    /** TCP connections the services hold now. */
    public int activeConnections() {
        int n = 0;
        for (TcpService t : tcp) n += t.active();
        return n;
    }

    /** CONTROL bytes the handle and its services are charged (their sockets and connections not included). */
    public long chargedBytes() {
        long n = owner.used(Category.CONTROL);
        for (TcpService t : tcp) n += t.owner.used(Category.CONTROL);
        for (UdpService u : udp) n += u.owner.used(Category.CONTROL);
        return n;
    }

    /** A usage summary for people: one line per service, and what the services are charged. */
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append("  services: ").append(chargedBytes()).append(" bytes charged (scratch ").append(scratch.bytes.length)
                .append("), ").append(activeConnections()).append(" connections held")
                .append(idleTimeout > 0 ? ", idle timeout " + idleTimeout / 1_000_000 + " ms" : "").append('\n');
        for (ServiceStats s : stats()) b.append("    ").append(s.line()).append('\n');
        return b.toString();
    }

    /**
     * Stops listening and closes the UDP sockets, resets every connection the services hold, and
     * frees all they were charged. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (idleTimer != null) {
            stack.timers().cancel(idleTimer);
            stack.releaseTimer();
        }
        for (TcpService t : tcp) t.close();
        for (UdpService u : udp) u.close();
        stack.budget().uncharge(Category.CONTROL, owner, charge);
    }

    // ------------------------------------------------------------------ idle timeout

    /** A service took a connection at {@code now}: make sure the idle timer will look at it. */
    void connectionOpened(long now) {
        if (idleTimer != null && !idleTimer.armed() && !closed) arm(now + idleTimeout);
    }

    private void arm(long deadline) {
        // The slot was reserved at start, so arming cannot find the queue full.
        if (!stack.timers().arm(idleTimer, deadline)) throw new IllegalStateException("timer queue full despite a reserved slot");
    }

    private final class IdleTimer extends Timer {
        @Override
        protected void fire(long now) {
            long next = TimerQueue.NONE;
            for (TcpService t : tcp) next = Math.min(next, t.idleSweep(now, idleTimeout));
            if (next != TimerQueue.NONE && !closed) arm(next);
        }
    }
}
