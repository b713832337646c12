package net.sloop.link;

import java.lang.foreign.MemorySegment;

/**
 * Two IP links joined back to back, like a veth pair: what one end transmits, the other end's
 * receiver gets on that end's next {@link #poll}. Each end's inbound queue is a bounded byte ring
 * (a {@link LoopbackLink} used as the queue: copied on transmit, nothing allocated per packet,
 * dropped and counted when full). Both ends offload checksums ({@link Link#checksumOffload})
 * unless the pair is built with {@code checksumOffload} false.
 *
 * <p>Not thread-safe: both ends must be driven by one thread or under one lock (one
 * {@link net.sloop.blocking.StackRunner} driving both stacks does this).
 */
public final class PairLink implements Link {
    private final String name;
    private final LoopbackLink inbound;
    private PairLink peer;

    private PairLink(String name, int mtu, int capacityBytes, boolean checksumOffload) {
        this.name = name;
        this.inbound = new LoopbackLink(mtu, capacityBytes, checksumOffload);
    }

    /**
     * Two joined ends named {@code name + "a"} and {@code name + "b"}; each queues up to
     * {@code capacityBytes} inbound. Both offload checksums.
     */
    public static PairLink[] pair(String name, int mtu, int capacityBytes) {
        return pair(name, mtu, capacityBytes, true);
    }

    /**
     * Two joined ends as {@link #pair(String, int, int)}; {@code checksumOffload} false has the
     * stacks on both ends fill and verify TCP and UDP checksums as on a real network.
     */
    public static PairLink[] pair(String name, int mtu, int capacityBytes, boolean checksumOffload) {
        PairLink a = new PairLink(name + "a", mtu, capacityBytes, checksumOffload);
        PairLink b = new PairLink(name + "b", mtu, capacityBytes, checksumOffload);
        a.peer = b;
        b.peer = a;
        return new PairLink[] {a, b};
    }

    /** Two joined ends with MTU 1500 and a 256 KiB inbound ring each. */
    public static PairLink[] pair() {
        return pair("pair", LoopbackLink.DEFAULT_MTU, 256 * 1024);
    }

    /** The other end. */
    public PairLink peer() {
        return peer;
    }

    @Override
    public Kind kind() {
        return Kind.IP;
    }

    @Override
    public int mtu() {
        return inbound.mtu();
    }

    @Override
    public boolean checksumOffload() {
        return inbound.checksumOffload();
    }

    @Override
    public long mac() {
        return 0;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void attach(FrameReceiver receiver) {
        inbound.attach(receiver);
    }

    /** Queues a copy of the packet at the other end; false if it is too long or that end's queue is full. */
    @Override
    public boolean transmit(long now, MemorySegment frame, long off, int len) {
        return peer.inbound.transmit(now, frame, off, len);
    }

    /** Room in the other end's queue: the stack writes the frame there (no copy through its own frame buffer). */
    @Override
    public long reserveTransmit(int len) {
        return peer.inbound.reserveTransmit(len);
    }

    @Override
    public MemorySegment transmitMemory() {
        return peer.inbound.transmitMemory();
    }

    @Override
    public boolean commitTransmit(long now, long at, int len) {
        return peer.inbound.commitTransmit(now, at, len);
    }

    @Override
    public int poll(long now) {
        return inbound.poll(now);
    }

    @Override
    public boolean pending() {
        return inbound.pending();
    }

    /** Packets waiting at this end. */
    public int queued() {
        return inbound.queued();
    }

    /** Packets delivered to this end's receiver. */
    public long delivered() {
        return inbound.delivered();
    }

    /** Packets sent towards this end that were refused (too long, queue full). */
    public long dropped() {
        return inbound.dropped();
    }

    @Override
    public String toString() {
        return name;
    }
}
