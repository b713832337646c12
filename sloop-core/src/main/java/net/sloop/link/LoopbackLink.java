package net.sloop.link;

import java.lang.foreign.MemorySegment;

/**
 * An IP link that hands every transmitted packet back to its own receiver, like Linux's
 * {@code lo}. Transmitted packets are copied into a fixed byte ring (capacity in bytes fixed at
 * construction, each packet costing its length plus a 4-byte length prefix, and at most one
 * packet's worth of unusable space where the ring wraps), or written there in place by the stack
 * ({@link #reserveTransmit}); nothing is allocated per packet.
 *
 * <p>{@link #poll} delivers the packets that were queued when the call began, oldest first; packets
 * transmitted while it delivers (a stack answering itself) wait for the next poll, so one poll
 * always ends. A packet longer than the MTU, or one that does not fit in the ring, is dropped and
 * counted by {@link #dropped()}. Not thread-safe: one thread (the stack's) transmits and polls.
 *
 * <p>It offloads checksums ({@link Link#checksumOffload}) unless built with {@code checksumOffload}
 * false: the packets never leave memory.
 */
public final class LoopbackLink implements Link {
    /** The MTU when none is given, in bytes. */
    public static final int DEFAULT_MTU = 1500;
    /** The ring capacity when none is given, in bytes. */
    public static final int DEFAULT_CAPACITY = 64 * 1024;

    private static final int PREFIX = 4;
    private static final int WRAP = -1;

    private final int mtu;
    private final boolean checksumOffload;
    private final byte[] ring;
    private final MemorySegment ringSeg;
    private FrameReceiver receiver;
    private int head; // start of the oldest packet's prefix
    private int tail; // where the next prefix goes
    private int count; // packets queued
    private boolean delivering;
    private long reserved = -1; // offset of the reserved packet's bytes, or -1
    private int reservedLen;
    private long transmitted;
    private long delivered;
    private long dropped;

    /** A loopback link with MTU {@value #DEFAULT_MTU} and a {@value #DEFAULT_CAPACITY}-byte ring. */
    public LoopbackLink() {
        this(DEFAULT_MTU, DEFAULT_CAPACITY);
    }

    /** A loopback link with the given MTU (bytes) and a {@value #DEFAULT_CAPACITY}-byte ring. */
    public LoopbackLink(int mtu) {
        this(mtu, Math.max(DEFAULT_CAPACITY, mtu + PREFIX));
    }

    /**
     * @param mtu largest packet carried, in bytes (68..65535)
     * @param capacityBytes size of the queue's ring, in bytes; must hold at least one MTU-sized
     *     packet plus its 4-byte prefix
     */
    public LoopbackLink(int mtu, int capacityBytes) {
        this(mtu, capacityBytes, true);
    }

    /**
     * @param mtu largest packet carried, in bytes (68..65535)
     * @param capacityBytes size of the queue's ring, in bytes; must hold at least one MTU-sized
     *     packet plus its 4-byte prefix
     * @param checksumOffload true to let stacks skip TCP and UDP checksums on this link
     *     ({@link Link#checksumOffload}); false to have them filled and verified as on a real network
     */
    public LoopbackLink(int mtu, int capacityBytes, boolean checksumOffload) {
        if (mtu < 68 || mtu > 65535) {
            throw new IllegalArgumentException("loopback MTU must be in 68..65535 bytes, was " + mtu);
        }
        if (capacityBytes < mtu + PREFIX) {
            throw new IllegalArgumentException("loopback capacity " + capacityBytes
                    + " bytes cannot hold one " + mtu + "-byte packet plus its " + PREFIX + "-byte prefix");
        }
        this.mtu = mtu;
        this.checksumOffload = checksumOffload;
        this.ring = new byte[capacityBytes];
        this.ringSeg = MemorySegment.ofArray(ring);
    }

    @Override
    public Kind kind() {
        return Kind.IP;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public boolean checksumOffload() {
        return checksumOffload;
    }

    @Override
    public long mac() {
        return 0;
    }

    @Override
    public String name() {
        return "lo";
    }

    /** The ring's size in bytes. */
    public int capacity() {
        return ring.length;
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public boolean transmit(long now, MemorySegment frame, long off, int len) {
        int at = place(len);
        if (at < 0) {
            dropped++;
            return false;
        }
        MemorySegment.copy(frame, off, ringSeg, at + PREFIX, len);
        enqueue(at, len);
        return true;
    }

    @Override
    public long reserveTransmit(int len) {
        int at = place(len);
        reserved = at < 0 ? -1 : at + PREFIX;
        reservedLen = len;
        return reserved;
    }

    @Override
    public MemorySegment transmitMemory() {
        return ringSeg;
    }

    @Override
    public boolean commitTransmit(long now, long at, int len) {
        if (at != reserved || reserved < 0 || len < 0 || len > reservedLen) {
            throw new IllegalStateException("commit of " + len + " bytes at " + at + " does not match the reservation");
        }
        reserved = -1;
        enqueue((int) at - PREFIX, len);
        return true;
    }

    /** Where a packet of {@code len} bytes would go (its prefix), or -1 if it is too long or does not fit. Changes nothing. */
    private int place(int len) {
        if (len < 0 || len > mtu) return -1;
        int need = PREFIX + len;
        if (count == 0) return 0;
        if (tail > head) {
            // Used: [head, tail). Free: [tail, cap) then [0, head).
            if (ring.length - tail >= need) return tail;
            return head >= need ? 0 : -1;
        }
        // Wrapped: used [head, cap) and [0, tail). Free: [tail, head).
        return head - tail >= need ? tail : -1;
    }

    /** Queues the packet whose bytes are at {@code at + PREFIX} (a place {@link #place} gave). */
    private void enqueue(int at, int len) {
        if (count == 0) {
            head = 0;
        } else if (at == 0 && ring.length - tail >= PREFIX) {
            putInt(tail, WRAP); // wrapping: the reader skips to 0 here
        }
        putInt(at, len);
        tail = at + PREFIX + len;
        count++;
        transmitted++;
    }

    @Override
    public int poll(long now) {
        if (delivering) return 0;
        int n = count;
        int done = 0;
        delivering = true;
        try {
            while (done < n) {
                if (ring.length - head < PREFIX || getInt(head) == WRAP) head = 0;
                int len = getInt(head);
                FrameReceiver r = receiver;
                try {
                    if (r != null) {
                        r.receive(now, ringSeg, head + PREFIX, len);
                        delivered++;
                    } else {
                        dropped++;
                    }
                } finally {
                    head += PREFIX + len;
                    count--;
                    if (count == 0) {
                        head = 0;
                        tail = 0;
                    }
                }
                done++;
            }
        } finally {
            delivering = false;
        }
        return done;
    }

    @Override
    public boolean pending() {
        return count > 0;
    }

    /** Packets queued now. */
    public int queued() {
        return count;
    }

    /** Packets accepted by {@link #transmit}. */
    public long transmitted() {
        return transmitted;
    }

    /** Packets handed to the receiver. */
    public long delivered() {
        return delivered;
    }

    /** Packets refused (too long, ring full) or polled with no receiver attached. */
    public long dropped() {
        return dropped;
    }

    private void putInt(int at, int v) {
        ring[at] = (byte) (v >>> 24);
        ring[at + 1] = (byte) (v >>> 16);
        ring[at + 2] = (byte) (v >>> 8);
        ring[at + 3] = (byte) v;
    }

    private int getInt(int at) {
        return (ring[at] & 0xff) << 24 | (ring[at + 1] & 0xff) << 16 | (ring[at + 2] & 0xff) << 8 | (ring[at + 3] & 0xff);
    }
}
