package net.sloop.sim;

import java.lang.foreign.MemorySegment;
import net.sloop.link.FrameReceiver;
import net.sloop.link.Link;

/**
 * A simulated network interface, made by {@link SimNetwork#port}. Frames it transmits are copied
 * into the simulator, impaired by the port's outbound {@link Impairments} and delivered to the
 * other end (a port joined by {@link SimNetwork#connect}, or every other port of its
 * {@link SimSegment}) when the simulation reaches their arrival time. Delivery calls the receiver
 * attached here on the simulator's thread, from {@link SimNetwork}'s run loop, so {@link #poll}
 * has nothing to do and returns 0.
 *
 * <p>{@link #transmit} returns false when the port itself drops the frame (too big for the MTU,
 * transmit queue full); losses on the wire are silent, as on a real link. Times are nanoseconds.
 */
public final class SimPort implements Link {
    final SimNetwork network;
    final int id;
    private final String name;
    private final Kind kind;
    private final long mac;
    private final int mtu;
    Impairments outbound;
    FrameReceiver receiver;
    final PortStats stats = new PortStats();
    SimPort peer;
    SimSegment segment;
    /** Time the port finishes serialising what it has queued (bandwidth limit). */
    long txFreeAt;
    /** Latest arrival time scheduled from this port to each port id (keeps jitter from reordering). */
    long[] lastArrival = new long[0];

    SimPort(SimNetwork network, int id, String name, Kind kind, long mac, int mtu, Impairments outbound) {
        this.network = network;
        this.id = id;
        this.name = name;
        this.kind = kind;
        this.mac = kind == Kind.ETHERNET ? mac : 0;
        this.mtu = mtu;
        this.outbound = outbound;
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public long mac() {
        return mac;
    }

    @Override
    public String name() {
        return name;
    }

    /** Largest frame the port sends, in bytes: the MTU plus 14 on Ethernet ports. */
    public int maxFrame() {
        return kind == Kind.ETHERNET ? mtu + 14 : mtu;
    }

    /** What happens to frames this port sends. */
    public Impairments outbound() {
        return outbound;
    }

    /** Changes what happens to frames sent from now on (frames in flight keep their fate). */
    public void setOutbound(Impairments outbound) {
        if (outbound == null) throw new IllegalArgumentException("impairments must not be null (use Impairments.none())");
        this.outbound = outbound;
    }

    /** Live counters of the frames this port sent. */
    public PortStats stats() {
        return stats;
    }

    /** The port at the other end of a point-to-point link, or null. */
    public SimPort peer() {
        return peer;
    }

    /** The segment the port has joined, or null. */
    public SimSegment segment() {
        return segment;
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public boolean transmit(long now, MemorySegment frame, long off, int len) {
        return network.send(this, now, frame, off, len);
    }

    /** Detaches the receiver: frames still arriving are counted as delivered and discarded. */
    @Override
    public void close() {
        receiver = null;
    }

    @Override
    public String toString() {
        return "SimPort[" + name + " " + kind + " mtu " + mtu + "]";
    }
}
