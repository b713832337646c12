package net.sloop.tcp;

/**
 * One connection's figures, in the spirit of Linux's {@code struct tcp_info} and {@code ss -tmi}:
 * a plain holder filled in place by {@link Tcp#forEachConnection}, so that reading every
 * connection allocates nothing. Read-only for the protocol: filling it changes no state.
 *
 * <p>Addresses are IPv4 addresses as ints; times are nanoseconds; a timer not armed is -1 in its
 * {@code *InNanos} field (time left until it fires, from the stack's latest time).
 */
public final class TcpInfo {
    /** An empty record, for {@link Tcp#forEachConnection} to fill, one connection at a time. */
    public TcpInfo() {}

    /** Heap bytes of one TcpInfo, as charged: JOL measures 200 with compressed oops, 208 without (StatusChargeTest checks the running JVM). */
    public static final int HEAP_BYTES = 208;

    /** Timer bits of {@link #timers}. */
    public static final int TIMER_RETRANSMIT = 1, TIMER_PERSIST = 2, TIMER_DELAYED_ACK = 4, TIMER_KEEPALIVE = 8, TIMER_FIN_WAIT_2 = 16,
            TIMER_ORPHAN_END = 32;

    public int localAddress, localPort, remoteAddress, remotePort;
    public TcpState state;
    /** Closed by its application, not yet finished by the protocol. */
    public boolean orphan;
    /** Passive open (accepted from a listener). */
    public boolean passive;
    /** The application shut down its input. */
    public boolean receiveShut;
    /** Bytes queued to send (unsent and unacknowledged), and of those sent but unacknowledged. */
    public int sendQueue, unacknowledged;
    /** Bytes received in order, not yet read by the application. */
    public int receiveQueue;
    /** Bytes received out of order (OUT_OF_ORDER blocks, in whole blocks). */
    public long outOfOrderBytes;
    /** Blocks held by the send and receive queues, and blocks committed to each (free, promised). */
    public int sendBlocks, receiveBlocks, sendCommitted, receiveCommitted;
    /** Bytes of the budget this connection's owner holds now (blocks and its control charge) and at most ever. */
    public long memoryBytes, memoryPeakBytes;
    /** The receive window advertised now, the window earned ({@code rcvGrant} within the buffer), and the buffer. */
    public int receiveWindow, receiveWindowEarned, receiveBuffer;
    /** The peer's window, the send buffer, the congestion window and slow-start threshold (bytes). */
    public int sendWindow, sendBuffer, cwnd, ssthresh;
    /** Bytes of data per segment (our send MSS). */
    public int mss;
    /** Smoothed RTT and its variation (0 before a sample), and the retransmission timeout (ns). */
    public long srttNanos, rttvarNanos, rtoNanos;
    /** Consecutive retransmissions of the current segment (resets on progress). */
    public int retransmits;
    /** Payload bytes acknowledged by the peer and received in order from it (modulo 2^32). */
    public long bytesAcked, bytesReceived;
    /** Bits TIMER_*: the timers armed now. */
    public int timers;
    /** Time left until each timer fires, or -1 if not armed. */
    public long retransmitInNanos, delayedAckInNanos, keepaliveInNanos, finWait2InNanos;

    /** Told about each connection in turn; return false to stop. */
    @FunctionalInterface
    public interface Visitor {
        boolean visit(TcpInfo info);
    }

    void fill(TcpConnection c, long now) {
        var m = c.tcp.budget();
        localAddress = c.laddr;
        localPort = c.lport;
        remoteAddress = c.raddr;
        remotePort = c.rport;
        state = c.state;
        orphan = c.has(TcpConnection.F_ORPHAN);
        passive = c.has(TcpConnection.F_PASSIVE);
        receiveShut = c.has(TcpConnection.F_RCV_SHUT);
        sendQueue = c.sendBuf.length;
        unacknowledged = c.sndMax - c.sndUna;
        receiveQueue = c.recvBuf.length;
        outOfOrderBytes = c.owner.used(net.sloop.mem.Category.OUT_OF_ORDER);
        sendBlocks = c.sendBuf.blocks;
        receiveBlocks = c.recvBuf.blocks;
        sendCommitted = c.sendCommit;
        receiveCommitted = c.rcvCommit;
        memoryBytes = c.owner.used();
        memoryPeakBytes = c.owner.peak();
        receiveWindow = Math.max(0, c.rcvAdv - c.rcvNxt);
        receiveWindowEarned = c.windowLimit();
        receiveBuffer = c.rcvLimit;
        sendWindow = c.sndWnd;
        sendBuffer = c.sendLimit;
        cwnd = c.cc.cwnd();
        ssthresh = c.cc.ssthresh();
        mss = c.smss;
        srttNanos = c.rtt.srtt();
        rttvarNanos = c.rtt.rttvar();
        rtoNanos = c.rtt.rto();
        retransmits = c.retransmits;
        boolean synced = c.state != TcpState.SYN_SENT && c.state != TcpState.SYN_RECEIVED && c.state != TcpState.CLOSED;
        bytesAcked = synced ? Math.max(0L, (c.sndUna - c.iss - 1) & 0xFFFFFFFFL) : 0;
        bytesReceived = synced ? (c.rcvNxt - c.irs - 1) & 0xFFFFFFFFL : 0;
        int t = 0;
        retransmitInNanos = delayedAckInNanos = keepaliveInNanos = finWait2InNanos = -1;
        if (c.rtxAt != TcpConnection.OFF) {
            t |= c.has(TcpConnection.F_PERSIST) ? TIMER_PERSIST : TIMER_RETRANSMIT;
            retransmitInNanos = Math.max(0, c.rtxAt - now);
        }
        if (c.delackAt != TcpConnection.OFF) {
            t |= TIMER_DELAYED_ACK;
            delayedAckInNanos = Math.max(0, c.delackAt - now);
        }
        if (c.keepAt != TcpConnection.OFF) {
            t |= TIMER_KEEPALIVE;
            keepaliveInNanos = Math.max(0, c.keepAt - now);
        }
        if (c.finWait2At != TcpConnection.OFF) {
            t |= c.state == TcpState.FIN_WAIT_2 ? TIMER_FIN_WAIT_2 : TIMER_ORPHAN_END;
            finWait2InNanos = Math.max(0, c.finWait2At - now);
        }
        timers = t;
    }

    /** Copies every field of {@code o} into this one. */
    public void copyFrom(TcpInfo o) {
        localAddress = o.localAddress;
        localPort = o.localPort;
        remoteAddress = o.remoteAddress;
        remotePort = o.remotePort;
        state = o.state;
        orphan = o.orphan;
        passive = o.passive;
        receiveShut = o.receiveShut;
        sendQueue = o.sendQueue;
        unacknowledged = o.unacknowledged;
        receiveQueue = o.receiveQueue;
        outOfOrderBytes = o.outOfOrderBytes;
        sendBlocks = o.sendBlocks;
        receiveBlocks = o.receiveBlocks;
        sendCommitted = o.sendCommitted;
        receiveCommitted = o.receiveCommitted;
        memoryBytes = o.memoryBytes;
        memoryPeakBytes = o.memoryPeakBytes;
        receiveWindow = o.receiveWindow;
        receiveWindowEarned = o.receiveWindowEarned;
        receiveBuffer = o.receiveBuffer;
        sendWindow = o.sendWindow;
        sendBuffer = o.sendBuffer;
        cwnd = o.cwnd;
        ssthresh = o.ssthresh;
        mss = o.mss;
        srttNanos = o.srttNanos;
        rttvarNanos = o.rttvarNanos;
        rtoNanos = o.rtoNanos;
        retransmits = o.retransmits;
        bytesAcked = o.bytesAcked;
        bytesReceived = o.bytesReceived;
        timers = o.timers;
        retransmitInNanos = o.retransmitInNanos;
        delayedAckInNanos = o.delayedAckInNanos;
        keepaliveInNanos = o.keepaliveInNanos;
        finWait2InNanos = o.finWait2InNanos;
    }

    @Override
    public String toString() {
        return net.sloop.wire.Ipv4Address.toString(localAddress) + ":" + localPort + "-" + net.sloop.wire.Ipv4Address.toString(remoteAddress)
                + ":" + remotePort + " " + state;
    }
}
