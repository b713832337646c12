package net.sloop.tcp;

/**
 * Reno congestion control (RFC 5681) with NewReno fast recovery (RFC 6582), in bytes.
 *
 * <ul>
 *   <li>Initial window: RFC 5681 §3.1, RFC 6928 or a number of segments ({@link InitialWindow}).
 *       ssthresh starts at {@link Integer#MAX_VALUE} ("arbitrarily high").
 *   <li>Slow start (cwnd &lt; ssthresh): appropriate byte counting, RFC 3465 with L = 2*SMSS: each
 *       ACK adds min(acked, 2*SMSS), never past ssthresh; the rest of that ACK's bytes count
 *       toward congestion avoidance.
 *   <li>Congestion avoidance: byte counting (RFC 3465 §2.1, RFC 5681 §3.1): acknowledged bytes
 *       accumulate; each time they reach cwnd, cwnd grows by SMSS. Exactly one SMSS per window
 *       acknowledged, whatever the ACK pattern.
 *   <li>Application-limited senders: the window grows only while the sender uses at least half of
 *       it, {@code 2*flight >= cwnd} with {@code flight} the bytes outstanding before the ACK. This
 *       is RFC 7661 §4.3's validity test (pipeACK >= cwnd/2) evaluated per ACK, and the test Linux
 *       applies in slow start; it bounds cwnd to about twice the largest flight actually used.
 *   <li>Fast recovery: {@link #onEnterRecovery} sets ssthresh = max(FlightSize/2, 2*SMSS) (RFC
 *       5681 eq. 4) and cwnd = ssthresh + 3*SMSS (RFC 6582 §3.2 step 2). Duplicate ACKs inflate by
 *       SMSS; a partial ACK deflates by the bytes it acknowledged and adds SMSS back if that was
 *       at least SMSS (step 4); a full ACK sets cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS)
 *       (step 3, option 1, avoiding a burst).
 *   <li><b>SACK mode</b> ({@link #setSack}): with RFC 6675 loss recovery the sender limits
 *       transmission by its pipe estimate, so there is no inflation: recovery starts with cwnd =
 *       ssthresh, and {@link #onDuplicateAckInRecovery} and {@link #onPartialAck} change nothing
 *       (the sender need not call them). The full-ACK rule above still applies.
 *   <li>Timeout: ssthresh = max(FlightSize/2, 2*SMSS), cwnd = 1*SMSS (RFC 5681 §3.1 eq. 4, loss
 *       window). When the timer expires again before any new data is acknowledged (the same
 *       segment timed out twice), ssthresh is held (RFC 5681 §3.1, after eq. 4).
 *   <li>Idle restart: cwnd = min(cwnd, IW) (RFC 5681 §4.1); ssthresh unchanged.
 * </ul>
 *
 * <p>cwnd stays within [SMSS, {@link InitialWindow#MAX_CWND}] and ssthresh at or above 2*SMSS; no
 * argument can overflow the arithmetic (negative byte counts count as zero). Call {@link #init}
 * before anything else; allocates nothing after construction.
 */
public final class NewReno implements CongestionControl {
    /** RFC 3465 L: at most this many SMSS of growth per ACK in slow start. */
    static final int ABC_LIMIT = 2;

    private final int iwRule;
    private boolean sack;

    private int mss;
    private int iw;
    private int cwnd;
    private int ssthresh;
    /** Bytes acknowledged in congestion avoidance since cwnd last grew (RFC 3465 bytes_acked); below cwnd between ACKs. */
    private int bytesAcked;
    private boolean inRecovery;
    /** The timer expired and no new data has been acknowledged since. */
    private boolean timedOut;

    /** RFC 5681 initial window, no SACK. */
    public NewReno() {
        this(InitialWindow.RFC5681, false);
    }

    /**
     * @param initialWindow {@link InitialWindow#RFC5681}, {@link InitialWindow#RFC6928}, or a
     *     number of segments
     * @param sack whether loss recovery is SACK based (RFC 6675): no window inflation
     */
    public NewReno(int initialWindow, boolean sack) {
        this.iwRule = InitialWindow.checkRule(initialWindow);
        this.sack = sack;
    }

    @Override
    public void init(long now, int mss) {
        this.mss = InitialWindow.checkMss(mss);
        iw = InitialWindow.bytes(iwRule, mss);
        cwnd = iw;
        ssthresh = Integer.MAX_VALUE;
        bytesAcked = 0;
        inRecovery = false;
        timedOut = false;
    }

    /**
     * The window stays in bytes; it is raised to at least the new SMSS, ssthresh to at least twice
     * it, and the initial window is recomputed for later idle restarts.
     */
    @Override
    public void setMss(int mss) {
        this.mss = InitialWindow.checkMss(mss);
        iw = InitialWindow.bytes(iwRule, mss);
        cwnd = Math.max(cwnd, mss);
        ssthresh = Math.max(ssthresh, 2 * mss);
    }

    /**
     * Chooses SACK-based recovery (RFC 6675: recovery starts with cwnd = ssthresh, no inflation or
     * deflation) or NewReno's (RFC 6582). Set it once SACK-permitted is negotiated, before the
     * first recovery.
     */
    @Override
    public void setSack(boolean sack) {
        this.sack = sack;
    }

    public boolean sack() {
        return sack;
    }

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    public int mss() {
        return mss;
    }

    /** The initial (and restart) window for the current MSS. */
    public int initialWindow() {
        return iw;
    }

    /** Between {@link #onEnterRecovery} and {@link #onExitRecovery} or {@link #onTimeout}. */
    public boolean inRecovery() {
        return inRecovery;
    }

    @Override
    public void onAck(long now, int acked, int flight) {
        if (acked <= 0) return;
        timedOut = false;
        if (!cwndLimited(cwnd, flight)) return;
        long rest = acked;
        if (cwnd < ssthresh) {
            int inc = Math.min(acked, ABC_LIMIT * mss);
            int room = ssthresh - cwnd;
            if (inc < room) {
                cwnd = cap((long) cwnd + inc);
                return;
            }
            cwnd = cap(ssthresh);
            rest = acked - room; // left over beyond ssthresh: counts toward congestion avoidance
            if (rest <= 0) return;
        }
        long counted = bytesAcked + rest; // below cwnd + acked: may exceed an int until reduced
        if (counted >= cwnd) {
            long n = counted / cwnd;
            counted -= n * cwnd;
            cwnd = cap(cwnd + n * mss);
        }
        bytesAcked = (int) counted; // below the old cwnd, at most MAX_CWND
    }

    @Override
    public void onEnterRecovery(long now, int flight) {
        ssthresh = halfFlight(flight, mss);
        cwnd = RecoveryWindow.onEnter(ssthresh, mss, sack);
        bytesAcked = 0;
        inRecovery = true;
    }

    /** {@link RecoveryWindow#onDuplicateAck}. */
    @Override
    public void onDuplicateAckInRecovery(long now) {
        cwnd = RecoveryWindow.onDuplicateAck(cwnd, mss, sack);
    }

    /** {@link RecoveryWindow#onPartialAck}. */
    @Override
    public void onPartialAck(long now, int acked) {
        if (acked <= 0) return;
        timedOut = false;
        cwnd = RecoveryWindow.onPartialAck(cwnd, acked, mss, sack);
    }

    /** {@link RecoveryWindow#onExit}. */
    @Override
    public void onExitRecovery(long now, int flight) {
        cwnd = RecoveryWindow.onExit(ssthresh, flight, mss);
        bytesAcked = 0;
        inRecovery = false;
        timedOut = false;
    }

    @Override
    public void onTimeout(long now, int flight) {
        if (!timedOut) ssthresh = halfFlight(flight, mss);
        timedOut = true;
        cwnd = mss;
        bytesAcked = 0;
        inRecovery = false;
    }

    @Override
    public void onIdleRestart(long now) {
        cwnd = Math.min(cwnd, iw);
        bytesAcked = 0;
    }

    /** RFC 5681 eq. 4: max(FlightSize/2, 2*SMSS). */
    static int halfFlight(int flight, int mss) {
        return Math.max(Math.max(flight, 0) / 2, 2 * mss);
    }

    /** The sender is using the window enough for growth to be justified (see the class comment). */
    static boolean cwndLimited(int cwnd, int flight) {
        return 2L * flight >= cwnd;
    }

    private int cap(long w) {
        return RecoveryWindow.cap(w, mss);
    }

    @Override
    public String toString() {
        return "NewReno[cwnd=" + cwnd + " ssthresh=" + ssthresh + " mss=" + mss + (sack ? " sack" : "")
                + (inRecovery ? " recovery" : "") + "]";
    }
}
