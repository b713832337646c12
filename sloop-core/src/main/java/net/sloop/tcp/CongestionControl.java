package net.sloop.tcp;

/**
 * Sizes the congestion window of one connection's sender (RFC 5681). Loss detection and which
 * segment to retransmit belong to the sender (fast retransmit, NewReno's recovery point, the SACK
 * scoreboard); a controller only answers "how much may be in flight" and reacts to the events the
 * sender reports. Implementations: {@link NewReno} (RFC 5681, RFC 6582) and {@link Cubic} (RFC
 * 9438).
 *
 * <p>All sizes are bytes; times are nanoseconds on the stack's clock. Implementations allocate
 * nothing after construction and are used by one thread at a time. {@link #init} comes first.
 * {@code flight} is always the sender's FlightSize (RFC 5681 §2: bytes sent and not yet
 * cumulatively acknowledged), not cwnd.
 *
 * <p>Recovery with and without SACK: the sender calls {@link #onEnterRecovery} in both cases.
 * Without SACK it then reports each further duplicate ACK ({@link #onDuplicateAckInRecovery}) and
 * each partial ACK ({@link #onPartialAck}), and the window is inflated and deflated (RFC 6582).
 * With SACK (RFC 6675) the sender limits itself by its pipe estimate and calls neither; the
 * controller must then have been put in SACK mode (the implementations' {@code setSack} or
 * constructor flag) so that recovery starts with cwnd = ssthresh and no inflation. Both end with
 * {@link #onExitRecovery} (or {@link #onTimeout}).
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
     * otherwise). A sender limited by the application should not grow it: the implementations
     * grow cwnd only while {@code 2*flight >= cwnd} (RFC 7661 §4.3's test of a validated window).
     */
    void onAck(long now, int acked, int flight);

    /**
     * Fast retransmit: loss inferred from duplicate ACKs or SACK (RFC 5681 §3.2 steps 2-3, RFC 6582
     * §3.2 step 2); {@code flight} is the FlightSize when the loss was detected. Reduces ssthresh
     * and cwnd; in SACK mode cwnd = ssthresh, otherwise ssthresh + 3*SMSS.
     */
    void onEnterRecovery(long now, int flight);

    /** A duplicate ACK during recovery without SACK: NewReno inflates the window by one MSS (RFC 6582 §3.2 step 3). Not called with SACK. */
    void onDuplicateAckInRecovery(long now);

    /**
     * A partial ACK during recovery acknowledged {@code acked} bytes (RFC 6582 §3.2 step 4: deflate,
     * then add back one MSS if {@code acked >= SMSS}). Not called with SACK (a SACK-mode controller
     * ignores it).
     */
    void onPartialAck(long now, int acked);

    /** A full ACK ended recovery; {@code flight} bytes remain outstanding (RFC 6582 §3.2 step 3 of full ACKs). */
    void onExitRecovery(long now, int flight);

    /**
     * The retransmission timer expired (RFC 5681 §3.1 eq. 4: ssthresh from flight, cwnd to one
     * segment). Ends recovery. Called once per expiry: a repeated expiry with no new data
     * acknowledged in between keeps ssthresh (RFC 5681 §3.1).
     */
    void onTimeout(long now, int flight);

    /** The connection was idle longer than one RTO before sending again (RFC 5681 §4.1 restart window). */
    void onIdleRestart(long now);

    /**
     * Whether loss recovery is SACK based (RFC 6675: cwnd = ssthresh on entry, no inflation). The
     * sender sets it before each recovery, as it has a SACK scoreboard for it or not.
     */
    void setSack(boolean sack);

    /**
     * A round-trip time sample, for controllers that use one (CUBIC, HyStart); samples follow
     * Karn's rule (RFC 6298 §3) as those given to {@link RttEstimator} do.
     */
    default void onRttSample(long now, long rttNanos) {}
}
