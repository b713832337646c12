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
    /** What a link carries, which decides whether the stack frames and resolves (ARP) or not. */
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
     * In-place transmit, for links that keep frames in memory of their own (loopback, pair): room
     * for a frame of up to {@code len} bytes is reserved at the returned offset of
     * {@link #transmitMemory()}; the caller writes the frame there and sends it with
     * {@link #commitTransmit}, before any other call on the link. Saves the copy from the
     * caller's frame buffer. Returns -1 when the link does not offer it or has no room now: the
     * caller then uses {@link #transmit}, which counts a drop if there is no room.
     */
    default long reserveTransmit(int len) {
        return -1;
    }

    /** The memory {@link #reserveTransmit} offsets refer to; null if the link does not offer it. */
    default MemorySegment transmitMemory() {
        return null;
    }

    /**
     * Sends the frame written at {@code at} (an offset {@link #reserveTransmit} just returned),
     * {@code len} bytes, at most the length reserved. Returns false if the link dropped it.
     */
    default boolean commitTransmit(long now, long at, int len) {
        throw new UnsupportedOperationException(name() + " has no in-place transmit");
    }

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

    /**
     * Checksum offload: true if this link delivers exactly the bytes a stack transmitted on it
     * (on this end or its peer end), cannot corrupt them, and reaches no receiver but Sloop stacks
     * attached to it. Stacks then neither fill TCP and UDP checksums on frames sent on this link
     * (the field is left 0) nor verify them on frames received from it, as Linux does on
     * {@code lo} ({@code CHECKSUM_UNNECESSARY}) and as a NIC with checksum offload lets it. The
     * IPv4 header checksum is still filled (it costs a few additions and keeps captures readable
     * down to the transport header) but not verified either. ICMP checksums are kept (rare).
     *
     * <p>Must not change while the link is attached (an interface reads it once), and must be the
     * same at both ends of a pair. False (the default) for links that may corrupt or that reach
     * another implementation: the simulated network (it corrupts on purpose), TUN/TAP. A capture
     * of an offloading link shows TCP checksum 0 ("incorrect" in tcpdump, as a capture on Linux's
     * {@code lo} does); build the link with offload off to capture valid checksums.
     */
    default boolean checksumOffload() {
        return false;
    }

    /**
     * Receive offload: true if this link may deliver (1) a frame carrying one IPv4 packet larger
     * than {@link #mtu()}, up to 65,535 bytes, that the sending kernel left unsegmented (a TCP
     * segment of several MSS: GSO, as a TUN or TAP device opened with {@code IFF_VNET_HDR} and
     * {@code TUNSETOFFLOAD} hands it over), and (2) frames flagged {@code checksumTrusted}
     * ({@link FrameReceiver#receive(long, MemorySegment, long, int, boolean)}). A stack then
     * accepts frames up to 65,535 bytes plus the link header on this link (dropping them only if
     * its budget cannot hold them) instead of dropping everything longer than the MTU. Read once
     * when the link is attached; false by default.
     */
    default boolean receiveOffload() {
        return false;
    }

    /**
     * Transmit checksum offload: true if this link completes the TCP and UDP checksums of
     * unfragmented IPv4 packets itself (or has the kernel complete them: virtio-net's {@code
     * NEEDS_CSUM}). A stack then stores in each such packet's checksum field only the folded
     * pseudo-header sum (as Linux does for {@code CHECKSUM_PARTIAL}) and never sums the payload;
     * fragments and ICMP are sent complete. Read once when the link is attached; false by default.
     */
    default boolean transmitChecksumPartial() {
        return false;
    }

    /**
     * TCP segmentation offload (TSO): the largest IPv4 packet carrying TCP that this link takes
     * whole and cuts into segments of a given payload size itself (with {@link
     * #transmitSegmented}); 0 (the default) if it does not. Implies {@link #transmitChecksumPartial}.
     * Read once when the link is attached.
     */
    default int segmentOffload() {
        return 0;
    }

    /**
     * Sends the IPv4 packet carrying TCP in {@code frame} (link header first), longer than the MTU,
     * for the link to cut into segments of {@code segmentSize} payload bytes, each with the TCP
     * header and options of the original, sequence numbers advanced, PSH and FIN on the last only
     * (Linux's tcp_gso_segment). Its TCP checksum field holds the pseudo-header sum of the whole
     * packet (as {@link #transmitChecksumPartial}). Only for links with {@link #segmentOffload}.
     */
    default boolean transmitSegmented(long now, MemorySegment frame, long off, int len, int segmentSize) {
        throw new UnsupportedOperationException(name() + " has no segmentation offload");
    }

    /** A short name for figures and captures ("sim0", "tun0", "lo"). */
    String name();

    @Override
    default void close() {}
}
