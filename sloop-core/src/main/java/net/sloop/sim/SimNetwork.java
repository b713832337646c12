package net.sloop.sim;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import net.sloop.link.FrameReceiver;
import net.sloop.link.Link;
import net.sloop.time.Pollable;
import net.sloop.time.TimerQueue;
import net.sloop.time.VirtualClock;

/**
 * A deterministic, single-threaded network simulator. It owns a {@link VirtualClock} (nanoseconds,
 * starting at 0), the ports and segments that join simulated stacks, the frames in flight and the
 * nodes (stacks, anything {@link Pollable}) it drives. Every random choice (loss, jitter, ...)
 * comes from one generator seeded by the constructor, so a seed replays the same packets at the
 * same times.
 *
 * <p>Frames in flight are copies held in pooled buffers owned by the simulator, not by any
 * stack's memory budget; once the pool has grown to the largest number in flight, simulating
 * allocates nothing per frame.
 *
 * <p>The run loop ({@link #runUntil(BooleanSupplier, long)}) repeatedly jumps the clock to the
 * earliest of the next frame arrival and every node's last returned deadline, delivers the frames
 * due (calling the destination port's receiver), then polls every node and records its next
 * deadline. Everything happens on the caller's thread.
 */
public final class SimNetwork {
    /** Steps allowed at one instant before the run loop reports a livelock. */
    static final int MAX_STEPS_AT_ONE_TIME = 1_000_000;

    private static final BooleanSupplier NEVER = () -> false;

    private final VirtualClock clock = new VirtualClock();
    private final long seed;
    private final SplittableRandom random;
    private final PriorityQueue<FrameEvent> inFlight = new PriorityQueue<>();
    private final ArrayDeque<FrameEvent> pool = new ArrayDeque<>();
    private long sequence;
    private int eventCapacity = 64;
    private SimPort[] ports = new SimPort[0];
    private Pollable[] nodes = new Pollable[0];
    private long[] deadlines = new long[0];

    /** A network whose random choices all follow from {@code seed}. */
    public SimNetwork(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    /** The simulated clock; only the run loop moves it. */
    public VirtualClock clock() {
        return clock;
    }

    /** Simulated time now, in nanoseconds. */
    public long now() {
        return clock.nanos();
    }

    /**
     * Creates a port. It carries nothing until {@link #connect}ed or {@link SimSegment#join}ed.
     *
     * @param kind Ethernet frames or bare IP packets
     * @param mac the MAC address in the low 48 bits (ignored, and reported as 0, on IP ports)
     * @param mtu largest IP packet in bytes (68..65535)
     * @param outbound what happens to the frames this port sends
     */
    public SimPort port(String name, Link.Kind kind, long mac, int mtu, Impairments outbound) {
        if (name == null || kind == null || outbound == null) {
            throw new IllegalArgumentException("port needs a name, a kind and impairments (Impairments.none() for none)");
        }
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("port " + name + ": MTU must be in 68..65535 bytes, was " + mtu);
        }
        if ((mac >>> 48) != 0) {
            throw new IllegalArgumentException("port " + name + ": MAC " + Long.toHexString(mac) + " is wider than 48 bits");
        }
        SimPort p = new SimPort(this, ports.length, name, kind, mac, mtu, outbound);
        ports = Arrays.copyOf(ports, ports.length + 1);
        ports[p.id] = p;
        for (SimPort q : ports) q.lastArrival = Arrays.copyOf(q.lastArrival, ports.length);
        if (p.maxFrame() > eventCapacity) eventCapacity = p.maxFrame();
        return p;
    }

    /** Joins two ports of this network point-to-point; each sends only to the other. */
    public void connect(SimPort a, SimPort b) {
        if (a.network != this || b.network != this) {
            throw new IllegalArgumentException("connect: both ports must belong to this SimNetwork");
        }
        if (a == b) throw new IllegalArgumentException("connect: cannot connect " + a.name() + " to itself");
        if (a.kind() != b.kind()) {
            throw new IllegalArgumentException("connect: " + a.name() + " is " + a.kind() + " but " + b.name() + " is " + b.kind());
        }
        for (SimPort p : new SimPort[] {a, b}) {
            if (p.peer != null || p.segment != null) {
                throw new IllegalArgumentException("connect: " + p.name() + " is already connected; a port joins one link or segment");
            }
        }
        a.peer = b;
        b.peer = a;
    }

    /** Creates an empty broadcast segment; ports join it with {@link SimSegment#join}. */
    public SimSegment segment(String name) {
        return new SimSegment(this, name);
    }

    /**
     * Registers something to drive; it is polled at the start of every run and after every step,
     * and its returned deadline (or {@link TimerQueue#NONE}) is honoured.
     */
    public void addNode(Pollable node) {
        if (node == null) throw new IllegalArgumentException("node must not be null");
        nodes = Arrays.copyOf(nodes, nodes.length + 1);
        deadlines = Arrays.copyOf(deadlines, deadlines.length + 1);
        nodes[nodes.length - 1] = node;
        deadlines[deadlines.length - 1] = TimerQueue.NONE;
    }

    /** Polls every node now and records their deadlines: call after acting on a node between runs. */
    public void poke() {
        pollAll(clock.nanos());
    }

    /** Copies of frames in flight. */
    public int inFlight() {
        return inFlight.size();
    }

    /** Arrival time of the next frame in flight, or {@link TimerQueue#NONE}. */
    public long nextArrival() {
        FrameEvent e = inFlight.peek();
        return e == null ? TimerQueue.NONE : e.time;
    }

    /** Runs until simulated time {@code timeNanos}; the clock ends there. */
    public void runUntil(long timeNanos) {
        runUntil(NEVER, timeNanos);
    }

    /** Runs for {@code nanos} of simulated time. */
    public void runFor(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("cannot run for negative time " + nanos);
        runUntil(NEVER, Math.addExact(clock.nanos(), nanos));
    }

    /**
     * Runs until {@code done} is true (checked before the first step and after each) or simulated
     * time would pass {@code limitNanos}. Returns whether {@code done} became true; if not, the
     * clock ends at {@code limitNanos} (unless nothing at all is scheduled and the limit is
     * {@link Long#MAX_VALUE}, when it stays where it is).
     *
     * @throws IllegalStateException if more than a million steps happen at one instant (a node
     *     that keeps returning a deadline in the past, or two stacks answering each other forever
     *     over a link with no delay)
     */
    public boolean runUntil(BooleanSupplier done, long limitNanos) {
        long now = clock.nanos();
        if (limitNanos < now) {
            throw new IllegalArgumentException("cannot run until " + limitNanos + ": the clock is already at " + now);
        }
        pollAll(now);
        int stepsNow = 0;
        while (!done.getAsBoolean()) {
            long next = nextTime();
            if (next == TimerQueue.NONE && limitNanos == Long.MAX_VALUE) return false;
            if (next > limitNanos) {
                clock.advanceTo(limitNanos);
                return false;
            }
            if (next <= now) {
                next = now;
                if (++stepsNow > MAX_STEPS_AT_ONE_TIME) throw livelock(now);
            } else {
                stepsNow = 0;
            }
            clock.advanceTo(next);
            now = next;
            deliverDue(now);
            pollAll(now);
        }
        return true;
    }

    private IllegalStateException livelock(long now) {
        StringBuilder sb = new StringBuilder("livelock: over " + MAX_STEPS_AT_ONE_TIME + " steps at time " + now + " ns;");
        for (int i = 0; i < nodes.length; i++) {
            if (deadlines[i] <= now) sb.append(" node #").append(i).append(" (").append(nodes[i]).append(") keeps asking to be polled now;");
        }
        FrameEvent e = inFlight.peek();
        if (e != null && e.time <= now) sb.append(" frames keep arriving with no delay (").append(e.from.name()).append(" -> ").append(e.to.name()).append(')');
        return new IllegalStateException(sb.toString());
    }

    private long nextTime() {
        long next = nextArrival();
        for (long d : deadlines) next = Math.min(next, d);
        return next;
    }

    private void pollAll(long now) {
        for (int i = 0; i < nodes.length; i++) deadlines[i] = nodes[i].poll(now);
    }

    private void deliverDue(long now) {
        int n = 0;
        FrameEvent e;
        while ((e = inFlight.peek()) != null && e.time <= now) {
            if (++n > MAX_STEPS_AT_ONE_TIME) throw livelock(now);
            inFlight.poll();
            e.from.stats.delivered++;
            FrameReceiver r = e.to.receiver;
            try {
                if (r != null) r.receive(now, e.seg, 0, e.len);
            } finally {
                release(e);
            }
        }
    }

    // ---- sending ----

    boolean send(SimPort from, long now, MemorySegment frame, long off, int len) {
        now = Math.max(now, clock.nanos());
        PortStats st = from.stats;
        int copies = from.peer != null ? 1 : from.segment != null ? from.segment.members.length - 1 : 0;
        if (copies <= 0) {
            st.noPeer++;
            return true;
        }
        st.transmitted += copies;
        Impairments imp = from.outbound;
        int packet = from.kind() == Link.Kind.ETHERNET ? len - 14 : len;
        int limit = imp.mtu() == 0 ? from.mtu() : Math.min(from.mtu(), imp.mtu());
        if (packet > limit || len > eventCapacity) {
            st.tooBig += copies;
            return false;
        }
        long departure = now;
        long bps = imp.bandwidthBitsPerSecond();
        if (bps > 0) {
            long backlogNanos = Math.max(0, from.txFreeAt - now);
            long backlogBytes = (long) Math.floor(backlogNanos * (double) bps / 8e9);
            if (backlogBytes + len > imp.queueBytes()) {
                st.queueDropped += copies;
                return false;
            }
            long serialise = serialisationNanos(len, bps);
            from.txFreeAt = Math.max(now, from.txFreeAt) + serialise;
            departure = from.txFreeAt;
        }
        if (from.peer != null) {
            sendCopy(from, from.peer, imp, frame, off, len, departure);
        } else {
            for (SimPort to : from.segment.members) {
                if (to != from) sendCopy(from, to, imp, frame, off, len, departure);
            }
        }
        return true;
    }

    /** Time to put {@code len} bytes on a wire of {@code bps} bits per second, rounded up, in ns. */
    public static long serialisationNanos(int len, long bitsPerSecond) {
        return Math.ceilDiv(len * 8L * 1_000_000_000L, bitsPerSecond);
    }

    private void sendCopy(SimPort from, SimPort to, Impairments imp, MemorySegment frame, long off, int len, long departure) {
        PortStats st = from.stats;
        if (imp.loss() > 0 && random.nextDouble() < imp.loss()) {
            st.lost++;
            return;
        }
        FrameEvent e = acquire();
        MemorySegment.copy(frame, off, e.seg, 0, len);
        e.len = len;
        if (imp.corrupt() > 0 && len > 0 && random.nextDouble() < imp.corrupt()) {
            e.buf[random.nextInt(len)] ^= (byte) (1 << random.nextInt(8));
            st.corrupted++;
        }
        boolean reorder = imp.reorder() > 0 && random.nextDouble() < imp.reorder();
        long arrival = arrival(from, to, imp, departure);
        if (reorder) {
            arrival += imp.reorderDelayNanos();
            st.reordered++;
        } else {
            from.lastArrival[to.id] = arrival;
        }
        schedule(e, from, to, arrival);
        if (imp.duplicate() > 0 && random.nextDouble() < imp.duplicate()) {
            FrameEvent d = acquire();
            System.arraycopy(e.buf, 0, d.buf, 0, len);
            d.len = len;
            long again = arrival(from, to, imp, departure);
            from.lastArrival[to.id] = again;
            st.duplicated++;
            schedule(d, from, to, again);
        }
    }

    /** Departure plus delay and jitter, never before an earlier copy on the same path. */
    private long arrival(SimPort from, SimPort to, Impairments imp, long departure) {
        long t = departure + imp.delayNanos();
        if (imp.jitterNanos() > 0) t += random.nextLong(imp.jitterNanos() + 1);
        return Math.max(t, from.lastArrival[to.id]);
    }

    private void schedule(FrameEvent e, SimPort from, SimPort to, long time) {
        e.from = from;
        e.to = to;
        e.time = time;
        e.seq = sequence++;
        inFlight.add(e);
    }

    private FrameEvent acquire() {
        FrameEvent e = pool.pollFirst();
        if (e == null) return new FrameEvent(eventCapacity);
        if (e.buf.length < eventCapacity) e.resize(eventCapacity);
        return e;
    }

    private void release(FrameEvent e) {
        e.from = null;
        e.to = null;
        pool.addFirst(e);
    }
}
