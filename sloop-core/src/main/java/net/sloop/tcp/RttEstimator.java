package net.sloop.tcp;

import java.util.Objects;
import net.sloop.time.Time;

/**
 * The retransmission timeout of one connection (RFC 6298). Holds SRTT and RTTVAR, the base RTO
 * they give, and the exponential backoff applied on top of it. Times are nanoseconds; nothing here
 * reads a clock, and nothing is allocated after construction.
 *
 * <p><b>Karn's rule is the caller's job</b> (RFC 6298 §3): a segment that was retransmitted must
 * not yield a sample, because its ACK cannot be matched to one transmission, unless the TCP
 * timestamps option (RFC 7323 §4) tells which transmission is acknowledged. This class takes
 * every sample it is given.
 *
 * <p>With timestamps a sample can come with every ACK rather than once per RTT, which shortens the
 * history SRTT and RTTVAR remember. {@link #sample(long, int)} applies RFC 7323 Appendix G: the
 * gains become alpha/ExpectedSamples and beta/ExpectedSamples, with ExpectedSamples from
 * {@link #expectedSamples(long, int)}. {@link #sample(long)} is the plain RFC 6298 update.
 *
 * <p>Arithmetic is exact integer arithmetic on nanoseconds, rounding toward zero:
 * {@code RTTVAR = ((4n-1)*RTTVAR + |SRTT-R|) / 4n} and {@code SRTT = ((8n-1)*SRTT + R) / 8n}, n
 * being the number of expected samples (1 for the plain rule).
 */
public final class RttEstimator {
    /** RFC 6298 §2.4: the lower bound the RFC recommends (1 s). */
    public static final long DEFAULT_MIN_RTO = Time.SECONDS;
    /** The lower bound Linux uses instead (200 ms); RFC 6298 §2.4 allows it as a local choice. */
    public static final long LINUX_MIN_RTO = Time.millis(200);
    /** RFC 6298 §2.5: an upper bound may be placed on the RTO provided it is at least 60 s. */
    public static final long DEFAULT_MAX_RTO = Time.seconds(60);
    /** RFC 6298 §2.1: the RTO before any sample (1 s). */
    public static final long DEFAULT_INITIAL_RTO = Time.SECONDS;
    /** RFC 6298 §5.7: the RTO once data transfer starts after the SYN's timer expired (3 s). */
    public static final long SYN_TIMEOUT_RTO = Time.seconds(3);

    /** Largest sample taken as is (about 18 minutes); longer ones are clamped, keeping the arithmetic within a long. */
    static final long MAX_SAMPLE = 1L << 40;
    /** Largest ExpectedSamples used; with {@link #MAX_SAMPLE} this keeps {@code 8n * SRTT} below 2^63. */
    static final int MAX_EXPECTED_SAMPLES = 1 << 16;

    private static final int K = 4;

    /**
     * The clock granularity and RTO bounds an estimator works within. They are the same for every
     * connection of a stack, so one instance is shared ({@code Tcp} makes it from its
     * configuration) and an estimator holds only its own state.
     *
     * @param granularity clock granularity G in ns (RFC 6298 §2: the RTO is at least SRTT + G)
     * @param minRto lower bound of the RTO (RFC 6298 §2.4 recommends 1 s; Linux uses 200 ms)
     * @param maxRto upper bound of the RTO, also of a backed-off one (RFC 6298 §2.5 wants it at
     *     least 60 s; smaller values are accepted for simulations)
     * @param initialRto RTO before the first sample (RFC 6298 §2.1: 1 s); within [minRto, maxRto]
     */
    public record Limits(long granularity, long minRto, long maxRto, long initialRto) {
        public Limits {
            if (granularity < 0) throw new IllegalArgumentException("granularity " + granularity + " < 0");
            if (minRto <= 0) throw new IllegalArgumentException("minRto " + minRto + " must be positive");
            if (maxRto < minRto) throw new IllegalArgumentException("maxRto " + maxRto + " < minRto " + minRto);
            if (initialRto < minRto || initialRto > maxRto) {
                throw new IllegalArgumentException("initialRto " + initialRto + " outside [" + minRto + ", " + maxRto + "]");
            }
        }
    }

    private final Limits limits;

    private long srtt;
    private long rttvar;
    private boolean hasSample;
    /** RTO from the estimates, bounded to [minRto, maxRto], before backoff. */
    private long baseRto;
    private int backoffs;

    /** RFC 6298 defaults (min 1 s, max 60 s, initial 1 s) with clock granularity {@code granularity} ns. */
    public RttEstimator(long granularity) {
        this(granularity, DEFAULT_MIN_RTO, DEFAULT_MAX_RTO, DEFAULT_INITIAL_RTO);
    }

    /** An estimator with limits of its own (see {@link Limits} for the arguments). */
    public RttEstimator(long granularity, long minRto, long maxRto, long initialRto) {
        this(new Limits(granularity, minRto, maxRto, initialRto));
    }

    /** An estimator within shared {@code limits}. */
    public RttEstimator(Limits limits) {
        this.limits = Objects.requireNonNull(limits);
        reset();
    }

    /** Back to the state before any sample: RTO = initial RTO, no backoff (for reuse of the object). */
    public void reset() {
        srtt = 0;
        rttvar = 0;
        hasSample = false;
        baseRto = limits.initialRto;
        backoffs = 0;
    }

    /**
     * A round-trip measurement of {@code rtt} ns (RFC 6298 §2.2, §2.3 with alpha = 1/8, beta =
     * 1/4). The first sample sets SRTT = R, RTTVAR = R/2; later ones update RTTVAR from the old
     * SRTT, then SRTT. A sample also ends any backoff: the RTO "collapses" to the newly computed
     * value (RFC 6298 §5, note after rule 5.7).
     */
    public void sample(long rtt) {
        sample(rtt, 1);
    }

    /**
     * A sample taken with timestamps, one of about {@code expectedSamples} per RTT (RFC 7323
     * Appendix G): the gains are divided by {@code expectedSamples} so SRTT and RTTVAR keep about
     * the same history as with one sample per RTT. {@code expectedSamples} below 1 counts as 1;
     * it is capped at {@value #MAX_EXPECTED_SAMPLES}.
     *
     * @throws IllegalArgumentException if {@code rtt} is negative (a caller's clock or echo bug)
     */
    public void sample(long rtt, int expectedSamples) {
        if (rtt < 0) throw new IllegalArgumentException("negative RTT sample " + rtt);
        long r = Math.min(rtt, MAX_SAMPLE);
        long n = Math.clamp(expectedSamples, 1, MAX_EXPECTED_SAMPLES);
        if (!hasSample) {
            srtt = r; // (2.2)
            rttvar = r / 2;
            hasSample = true;
        } else {
            long delta = Math.abs(srtt - r); // (2.3): RTTVAR first, from the old SRTT
            rttvar = ((4 * n - 1) * rttvar + delta) / (4 * n);
            srtt = ((8 * n - 1) * srtt + r) / (8 * n);
        }
        long rto = srtt + Math.max(limits.granularity, K * rttvar); // fits: both below 2^41
        baseRto = Math.clamp(rto, limits.minRto, limits.maxRto); // (2.4), (2.5)
        backoffs = 0;
    }

    /**
     * RFC 7323 Appendix G: ExpectedSamples = ceiling(FlightSize / (SMSS * 2)), at least 1 (the 2
     * accounts for delayed ACKs).
     */
    public static int expectedSamples(long flightSize, int smss) {
        if (smss <= 0) throw new IllegalArgumentException("smss " + smss);
        if (flightSize <= 0) return 1;
        long per = 2L * smss;
        long n = flightSize / per + (flightSize % per == 0 ? 0 : 1);
        return (int) Math.min(n, MAX_EXPECTED_SAMPLES);
    }

    /**
     * The retransmission timer expired: doubles the RTO (RFC 6298 §5.5), never beyond maxRto. The
     * count keeps increasing (the sender may give up after some number of backoffs) even when the
     * RTO is already at the bound.
     */
    public void backoff() {
        if (backoffs < Integer.MAX_VALUE) backoffs++;
    }

    /** Forgets the backoff: the RTO returns to the value the estimates give. */
    public void resetBackoff() {
        backoffs = 0;
    }

    /** Backoffs since the last sample or {@link #resetBackoff()}. */
    public int backoffCount() {
        return backoffs;
    }

    /**
     * RFC 6298 §5.7: the timer expired while waiting for the ACK of a SYN, so when data transfer
     * begins the RTO is re-initialised to 3 s if it was below (bounded by maxRto). Clears the
     * backoff. A later sample computes the RTO from the estimates as usual.
     */
    public void reinitializeAfterSynTimeout() {
        backoffs = 0;
        long three = Math.min(SYN_TIMEOUT_RTO, limits.maxRto);
        if (baseRto < three) baseRto = three;
    }

    /** The current RTO in ns: the base RTO doubled once per backoff, at most maxRto. */
    public long rto() {
        if (backoffs == 0) return baseRto;
        long maxRto = limits.maxRto;
        if (backoffs >= 62 || baseRto > (maxRto >> backoffs)) return maxRto;
        return Math.min(baseRto << backoffs, maxRto);
    }

    /** Smoothed RTT in ns; 0 before the first sample. */
    public long srtt() {
        return srtt;
    }

    /** RTT variation in ns; 0 before the first sample. */
    public long rttvar() {
        return rttvar;
    }

    public boolean hasSample() {
        return hasSample;
    }

    public Limits limits() {
        return limits;
    }

    public long granularity() {
        return limits.granularity;
    }

    public long minRto() {
        return limits.minRto;
    }

    public long maxRto() {
        return limits.maxRto;
    }

    public long initialRto() {
        return limits.initialRto;
    }

    @Override
    public String toString() {
        return "RttEstimator[srtt=" + srtt + " rttvar=" + rttvar + " rto=" + rto() + " backoffs=" + backoffs + "]";
    }
}
