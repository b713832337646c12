package net.sloop.tcp;

/**
 * Sizes the congestion window of one connection's sender (RFC 5681). Loss detection and which
 * segment to retransmit belong to the sender (fast retransmit, NewReno's recovery point, the SACK
 * scoreboard); a controller only answers "how much may be in flight" and reacts to the events the
 * sender reports. Implementations: {@link NewReno} (RFC 5681, RFC 6582); CUBIC (RFC 9438) can
 * follow behind the same interface.
 *
 * <p>All sizes are bytes; times are nanoseconds on the stack's clock. Implementations allocate
 * nothing after construction and are used by one thread at a time.
 */
public interface CongestionControl {
    /** Starts (or restarts) the controller for a connection whose sender MSS is {@code mss}. */
    void init(long now, int mss);

    /** The sender's maximum segment size changed (path MTU). */
    void setMss(int mss);

    /** Congestion window: bytes the sender may have in flight. */
    int cwnd();

    /** Slow start threshold. */
    int ssthresh();

    /**
     * New data was cumulatively acknowledged while not in recovery: {@code acked} bytes newly
     * acknowledged, {@code flight} bytes outstanding before this ACK. Grows the window (slow start,
     * RFC 5681 §3.1 with appropriate byte counting per RFC 3465 L=2*SMSS; congestion avoidance
     * otherwise). A sender limited by the application (flight well below cwnd) should not grow it.
     */
    void onAck(long now, int acked, int flight);

    /** Fast retransmit: loss inferred from duplicate ACKs or SACK (RFC 5681 §3.2 steps 2-3, RFC 6582 §3.2 step 2). */
    void onEnterRecovery(long now, int flight);

    /** A duplicate ACK during recovery without SACK: NewReno inflates the window by one MSS (RFC 6582 §3.2 step 3). */
    void onDuplicateAckInRecovery(long now);

    /** A partial ACK during recovery acknowledged {@code acked} bytes (RFC 6582 §3.2 step 4: deflate, then add back one MSS). */
    void onPartialAck(long now, int acked);

    /** A full ACK ended recovery; {@code flight} bytes remain outstanding (RFC 6582 §3.2 step 3 of full ACKs). */
    void onExitRecovery(long now, int flight);

    /** The retransmission timer expired (RFC 5681 §3.1 eq. 4: ssthresh from flight, cwnd to one segment). */
    void onTimeout(long now, int flight);

    /** The connection was idle longer than one RTO before sending again (RFC 5681 §4.1 restart window). */
    void onIdleRestart(long now);

    /** A round-trip time sample, for controllers that use one (CUBIC, HyStart). */
    default void onRttSample(long now, long rttNanos) {}
}
