package net.sloop.link;

import java.lang.foreign.MemorySegment;

/**
 * A network device as the stack sees it: frames out, frames in, no protocol knowledge. Ethernet
 * links ({@link Kind#ETHERNET}: TAP, simulated Ethernet) carry Ethernet II frames; IP links
 * ({@link Kind#IP}: TUN, loopback) carry bare IPv4 packets.
 *
 * <p>Threading: {@link #transmit} and {@link #poll} are called by the stack's thread. A link
 * delivers received frames by calling its {@link FrameReceiver} on that same thread, either from
 * {@link #poll} or from a driver (the simulator, the runner) that owns the thread.
 */
public interface Link extends AutoCloseable {
    enum Kind {
        /** Ethernet II frames: 14-byte header, then the payload. */
        ETHERNET,
        /** Bare IP packets. */
        IP
    }

    Kind kind();

    /** Largest IP packet the link carries (the Ethernet header is not counted). */
    int mtu();

    /** The link's MAC address for {@link Kind#ETHERNET} links (low 48 bits); 0 for IP links. */
    long mac();

    /** Where received frames go; set once, by the stack the link is attached to. */
    void attach(FrameReceiver receiver);

    /**
     * Sends one frame held in {@code frame[off, off+len)}. The link copies what it needs before
     * returning; the caller reuses the memory at once. Returns false if the link dropped it.
     */
    boolean transmit(long now, MemorySegment frame, long off, int len);

    /**
     * Delivers frames that are waiting (for links that queue, such as loopback) to the receiver.
     * Returns the number delivered. Links pushed by an outside driver return 0.
     */
    default int poll(long now) {
        return 0;
    }

    /** True if {@link #poll} has frames to deliver now. */
    default boolean pending() {
        return false;
    }

    /** A short name for figures and captures ("sim0", "tun0", "lo"). */
    String name();

    @Override
    default void close() {}
}
