package net.sloop.tcp;

/**
 * CUBIC congestion control (RFC 9438), in bytes. Windows are kept in bytes; the RFC's formulas,
 * written in segments, are applied with every window scaled by SMSS (so C becomes C*SMSS bytes per
 * s^3).
 *
 * <ul>
 *   <li>Slow start, application-limited test, initial window, idle restart and the NewReno/SACK
 *       recovery mechanics are those of {@link NewReno} (RFC 9438 §4.2: CUBIC does not change fast
 *       recovery; §4.10: Reno slow start is allowed; HyStart++ is not implemented).
 *   <li>Congestion avoidance (§4.2): a CA stage (epoch) starts at the first ACK with cwnd >=
 *       ssthresh; {@code t} is the time since, {@code K = cbrt((W_max - cwnd_epoch)/C)},
 *       {@code W_cubic(t) = C*(t-K)^3 + W_max}. Each new ACK computes {@code target =
 *       W_cubic(t+RTT)} bounded to [cwnd, 1.5*cwnd] and adds {@code (target-cwnd)/cwnd} per
 *       segment acknowledged (the RFC's per-ACK increase, scaled by segments_acked so delayed and
 *       stretch ACKs grow the window alike). RTT is a smoothed RTT kept from {@link #onRttSample}
 *       (gain 1/8); 0 until the first sample.
 *   <li>Reno-friendly region (§4.3): {@code W_est} starts at cwnd_epoch and grows by
 *       {@code alpha*segments_acked/cwnd}, alpha = 3(1-beta)/(1+beta) until W_est reaches
 *       cwnd_prior, then 1. When {@code W_cubic(t) < W_est}, cwnd becomes W_est.
 *   <li>Loss (§4.6, §4.7): W_max = cwnd, or cwnd*(1+beta)/2 with fast convergence when cwnd is
 *       below the previous W_max; cwnd_prior = cwnd; ssthresh = max(FlightSize*beta, 2*SMSS); cwnd
 *       = ssthresh (SACK mode) or ssthresh + 3*SMSS (NewReno inflation, deflated as in RFC 6582).
 *   <li>Timeout (§4.8): ssthresh as on loss (held on a repeated timeout, RFC 5681 §3.1), cwnd =
 *       1*SMSS; the first CA stage afterwards uses K = 0 and W_max = W_est = cwnd_epoch.
 *   <li>When cwnd_epoch is at or above W_max (no loss yet, or the window grew past it by slow
 *       start after an idle restart) the stage also uses K = 0, W_max = cwnd_epoch, like §4.10's
 *       rule for leaving slow start without loss.
 *   <li>Application-limited periods (§5.8): no growth, and the time spent application limited
 *       (from the first such ACK to the next window-limited one) is added to the epoch start so
 *       {@code t} excludes it (§4.2). An idle restart ends the stage.
 * </ul>
 *
 * <p>Fast convergence is on by default (§4.7 SHOULD; it may be turned off for a single flow). No
 * allocation after construction; floating point only in congestion avoidance.
 */
public final class Cubic implements CongestionControl {
    /** RFC 9438 §5.1: C = 0.4 segments/s^3. */
    public static final double C = 0.4;
    /** RFC 9438 §4.6: multiplicative decrease factor. */
    public static final double BETA = 0.7;
    /** RFC 9438 §4.3: alpha_cubic = 3*(1-beta)/(1+beta), Reno-friendly additive increase. */
    public static final double ALPHA = 3 * (1 - BETA) / (1 + BETA);

    private static final double NANOS = 1e9;

    private final int iwRule;
    private boolean sack;
    private final boolean fastConvergence;

    private int mss;
    private int iw;
    private int cwnd;
    /** Fraction of a byte of cwnd growth not yet in {@link #cwnd}, in [0, 1). */
    private double frac;
    private int ssthresh;
    private boolean inRecovery;
    private boolean timedOut;
    /** The next CA stage follows a timeout (§4.8). */
    private boolean afterTimeout;

    /** W_max in bytes; 0 until the first congestion event. */
    private double wMax;
    /** cwnd_prior in bytes: cwnd at the last congestion event; 0 before one. */
    private double cwndPrior;

    private boolean epochValid;
    private long epochStart;
    private double cwndEpoch;
    /** K in seconds. */
    private double k;
    private double wEst;
    private double alpha;

    private boolean appLimited;
    private long appLimitedSince;

    private long srtt;
    private boolean hasRtt;

    /** RFC 5681 initial window, no SACK, fast convergence on. */
    public Cubic() {
        this(InitialWindow.RFC5681, false, true);
    }

    /**
     * @param initialWindow {@link InitialWindow#RFC5681}, {@link InitialWindow#RFC6928}, or a
     *     number of segments
     * @param sack SACK-based recovery (RFC 6675): no window inflation, as in {@link NewReno}
     * @param fastConvergence RFC 9438 §4.7
     */
    public Cubic(int initialWindow, boolean sack, boolean fastConvergence) {
        this.iwRule = InitialWindow.checkRule(initialWindow);
        this.sack = sack;
        this.fastConvergence = fastConvergence;
    }

    @Override
    public void init(long now, int mss) {
        this.mss = InitialWindow.checkMss(mss);
        iw = InitialWindow.bytes(iwRule, mss);
        cwnd = iw;
        frac = 0;
        ssthresh = Integer.MAX_VALUE;
        inRecovery = false;
        timedOut = false;
        afterTimeout = false;
        wMax = 0;
        cwndPrior = 0;
        epochValid = false;
        epochStart = 0;
        cwndEpoch = 0;
        k = 0;
        wEst = 0;
        alpha = ALPHA;
        appLimited = false;
        appLimitedSince = 0;
        srtt = 0;
        hasRtt = false;
    }

    /** As {@link NewReno#setMss}; also ends the current CA stage (the curve is scaled by SMSS). */
    @Override
    public void setMss(int mss) {
        this.mss = InitialWindow.checkMss(mss);
        iw = InitialWindow.bytes(iwRule, mss);
        cwnd = Math.max(cwnd, mss);
        ssthresh = Math.max(ssthresh, 2 * mss);
        epochValid = false;
        frac = 0;
    }

    /** As {@link NewReno#setSack}. */
    @Override
    public void setSack(boolean sack) {
        this.sack = sack;
    }

    public boolean sack() {
        return sack;
    }

    public boolean fastConvergence() {
        return fastConvergence;
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

    public int initialWindow() {
        return iw;
    }

    public boolean inRecovery() {
        return inRecovery;
    }

    /** W_max in bytes (0 before the first congestion event). */
    public double wMax() {
        return wMax;
    }

    /** K in seconds for the current CA stage. */
    public double k() {
        return k;
    }

    /** The Reno-friendly estimate W_est in bytes for the current CA stage. */
    public double wEst() {
        return wEst;
    }

    /** cwnd_prior in bytes. */
    public double cwndPrior() {
        return cwndPrior;
    }

    /** Whether a CA stage is running (it starts with the first ACK in congestion avoidance). */
    public boolean inEpoch() {
        return epochValid;
    }

    /** The smoothed RTT used for W_cubic(t+RTT), ns; 0 before any sample. */
    public long srtt() {
        return srtt;
    }

    @Override
    public void onRttSample(long now, long rttNanos) {
        if (rttNanos < 0) return;
        if (!hasRtt) {
            srtt = rttNanos;
            hasRtt = true;
        } else {
            srtt += (rttNanos - srtt) / 8;
        }
    }

    @Override
    public void onAck(long now, int acked, int flight) {
        if (acked <= 0) return;
        timedOut = false;
        if (!NewReno.cwndLimited(cwnd, flight)) {
            if (epochValid && !appLimited) {
                appLimited = true;
                appLimitedSince = now;
            }
            return;
        }
        if (appLimited) {
            appLimited = false;
            if (epochValid && now > appLimitedSince) epochStart += now - appLimitedSince;
        }
        if (cwnd < ssthresh) {
            int inc = Math.min(acked, NewReno.ABC_LIMIT * mss);
            cwnd = cap(Math.min((long) cwnd + inc, ssthresh));
            frac = 0;
            return;
        }
        congestionAvoidance(now, acked);
    }

    private void congestionAvoidance(long now, int acked) {
        if (!epochValid) startEpoch(now);
        double t = Math.max(0, now - epochStart) / NANOS;
        double rtt = srtt / NANOS;
        double w = cwnd + frac;
        double target = Math.clamp(wCubic(t + rtt), w, 1.5 * w);
        // §4.3: W_est += alpha * segments_acked / cwnd(segments), here in bytes.
        wEst = Math.min(wEst + alpha * acked * (double) mss / w, InitialWindow.MAX_CWND);
        if (alpha < 1 && wEst >= cwndPrior) alpha = 1;
        double next;
        if (wCubic(t) < wEst) {
            next = Math.max(w, wEst); // Reno-friendly region
        } else {
            next = Math.min(target, w + (target - w) * acked / w); // concave and convex regions
        }
        if (!(next < InitialWindow.MAX_CWND)) next = InitialWindow.MAX_CWND; // also catches NaN
        int whole = (int) next;
        cwnd = cap(whole);
        frac = cwnd == whole ? next - whole : 0;
    }

    private void startEpoch(long now) {
        epochValid = true;
        epochStart = now;
        cwndEpoch = cwnd;
        frac = 0;
        if (afterTimeout || wMax <= cwndEpoch) {
            wMax = cwndEpoch;
            k = 0;
        } else {
            k = Math.cbrt((wMax - cwndEpoch) / (C * mss));
        }
        afterTimeout = false;
        wEst = cwndEpoch;
        alpha = wEst >= cwndPrior ? 1 : ALPHA;
    }

    /** W_cubic(t) in bytes (RFC 9438 Figure 1, scaled by SMSS). */
    private double wCubic(double t) {
        double d = t - k;
        return C * mss * d * d * d + wMax;
    }

    @Override
    public void onEnterRecovery(long now, int flight) {
        double w = cwnd + frac;
        wMax = fastConvergence && w < wMax ? w * (1 + BETA) / 2 : w; // §4.7
        cwndPrior = w;
        ssthresh = reducedFlight(flight);
        cwnd = RecoveryWindow.onEnter(ssthresh, mss, sack);
        frac = 0;
        epochValid = false;
        afterTimeout = false; // the next CA stage follows this loss, not the earlier timeout
        appLimited = false;
        inRecovery = true;
    }

    @Override
    public void onDuplicateAckInRecovery(long now) {
        cwnd = RecoveryWindow.onDuplicateAck(cwnd, mss, sack);
    }

    @Override
    public void onPartialAck(long now, int acked) {
        if (acked <= 0) return;
        timedOut = false;
        cwnd = RecoveryWindow.onPartialAck(cwnd, acked, mss, sack);
    }

    @Override
    public void onExitRecovery(long now, int flight) {
        cwnd = RecoveryWindow.onExit(ssthresh, flight, mss);
        frac = 0;
        inRecovery = false;
        timedOut = false;
    }

    @Override
    public void onTimeout(long now, int flight) {
        if (!timedOut) {
            cwndPrior = cwnd + frac;
            ssthresh = reducedFlight(flight);
        }
        timedOut = true;
        afterTimeout = true;
        cwnd = mss;
        frac = 0;
        epochValid = false;
        appLimited = false;
        inRecovery = false;
    }

    @Override
    public void onIdleRestart(long now) {
        cwnd = Math.min(cwnd, iw);
        frac = 0;
        epochValid = false;
        appLimited = false;
    }

    /** §4.6 Figure 5: max(FlightSize * beta_cubic, 2*SMSS). */
    private int reducedFlight(int flight) {
        return (int) Math.max((long) (Math.max(flight, 0) * BETA), 2L * mss);
    }

    private int cap(long w) {
        return RecoveryWindow.cap(w, mss);
    }

    @Override
    public String toString() {
        return "Cubic[cwnd=" + cwnd + " ssthresh=" + ssthresh + " wMax=" + (long) wMax + " k=" + k + " wEst="
                + (long) wEst + (sack ? " sack" : "") + (inRecovery ? " recovery" : "") + "]";
    }
}
