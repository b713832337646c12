package net.sloop.tcp;

import net.sloop.wire.TcpOptions;
import net.sloop.wire.TcpView;

/**
 * The segment being processed, as it arrived: its addresses, ports, header fields and options,
 * copied out of the frame once by {@link TcpDemux} (before the chain is trimmed to the payload)
 * and read, never written, by the parts that process it. One per {@link Tcp}, refilled for each
 * segment, so arrival allocates nothing.
 *
 * <p>What processing makes of a segment is not written back here: the receive side's trimmed
 * sequence number and length, a FIN beyond the window, the SYN of a simultaneous open's SYN-ACK
 * taken as its ACK, are values of their own, named as such, in {@link TcpReceiver}.
 */
final class Segment {
    private final TcpOptions options;
    private int src, dst, srcPort, dstPort;
    private int seq, ack, flags, window, length;
    private boolean hasTimestamps;
    private int tsVal, tsEcr;

    Segment(TcpOptions options) {
        this.options = options;
    }

    /** Fills the segment from the header in {@code view} (checked, options parsed) and its payload length. */
    void fill(int src, int dst, TcpView view, int length) {
        this.src = src;
        this.dst = dst;
        this.srcPort = view.srcPort();
        this.dstPort = view.dstPort();
        this.seq = view.seq();
        this.ack = view.ack();
        this.flags = view.flags();
        this.window = view.window();
        this.length = length;
        this.hasTimestamps = options.hasTimestamps();
        this.tsVal = options.tsVal();
        this.tsEcr = options.tsEcr();
    }

    /** The peer's address (our connection's remote address). */
    int src() { return src; }
    /** Our address. */
    int dst() { return dst; }
    int srcPort() { return srcPort; }
    int dstPort() { return dstPort; }
    /** SEG.SEQ as it arrived. */
    int seq() { return seq; }
    /** SEG.ACK (meaningful with the ACK flag). */
    int ack() { return ack; }
    int flags() { return flags; }
    /** SEG.WND unscaled, as it arrived. */
    int window() { return window; }
    /** Bytes of data (SEG.LEN without SYN and FIN) as it arrived. */
    int length() { return length; }
    boolean hasTimestamps() { return hasTimestamps; }
    int tsVal() { return tsVal; }
    int tsEcr() { return tsEcr; }
    /** The options parsed with the header (MSS, window scale, SACK-permitted and blocks, timestamps). */
    TcpOptions options() { return options; }

    boolean has(int flag) { return (flags & flag) != 0; }
    boolean syn() { return has(TcpView.SYN); }
    boolean fin() { return has(TcpView.FIN); }
    boolean rst() { return has(TcpView.RST); }
    boolean psh() { return has(TcpView.PSH); }
    /** The ACK flag is set. */
    boolean hasAck() { return has(TcpView.ACK); }

    /** Sequence space the segment occupies as it arrived: data plus SYN and FIN. */
    int seqLength() {
        return length + (syn() ? 1 : 0) + (fin() ? 1 : 0);
    }
}
