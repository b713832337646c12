package net.sloop.tcp;

import static net.sloop.time.Time.MILLIS;
import static net.sloop.time.Time.SECONDS;
import static net.sloop.time.Time.millis;
import static net.sloop.time.Time.seconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Figures computed by hand from RFC 6298 §2 and RFC 7323 Appendix G. */
class RttEstimatorTest {
    static final long G = millis(1);

    /** Linux-like bounds so the computed RTO is visible rather than clamped to 1 s. */
    static RttEstimator linuxLike() {
        return new RttEstimator(G, RttEstimator.LINUX_MIN_RTO, RttEstimator.DEFAULT_MAX_RTO, RttEstimator.DEFAULT_INITIAL_RTO);
    }

    @Test
    void beforeAnySampleTheRtoIsTheInitialOne() {
        RttEstimator e = new RttEstimator(G);
        assertFalse(e.hasSample());
        assertEquals(SECONDS, e.rto());
        assertEquals(0, e.srtt());
        assertEquals(0, e.rttvar());
        assertEquals(SECONDS, e.minRto());
        assertEquals(seconds(60), e.maxRto());
    }

    @Test
    void firstSampleSetsSrttAndHalfOfItAsRttvar() {
        RttEstimator e = linuxLike();
        e.sample(millis(100));
        assertTrue(e.hasSample());
        assertEquals(millis(100), e.srtt());
        assertEquals(millis(50), e.rttvar());
        assertEquals(millis(300), e.rto(), "100 + max(1, 4*50)");
    }

    @Test
    void rfcDefaultLowerBoundRoundsUpToOneSecond() {
        RttEstimator e = new RttEstimator(G);
        e.sample(millis(100));
        assertEquals(SECONDS, e.rto(), "300 ms rounded up (RFC 6298 §2.4)");
        assertEquals(millis(100), e.srtt(), "estimates are not affected by the bound");
    }

    @Test
    void sequenceOfSamplesMatchesHandComputedFigures() {
        RttEstimator e = linuxLike();
        e.sample(millis(100)); // SRTT 100, RTTVAR 50
        e.sample(millis(200));
        // RTTVAR = 3/4*50 + 1/4*|100-200| = 62.5 (from the OLD srtt); SRTT = 7/8*100 + 1/8*200 = 112.5
        assertEquals(62_500_000L, e.rttvar());
        assertEquals(112_500_000L, e.srtt());
        assertEquals(362_500_000L, e.rto(), "112.5 + 4*62.5");
        e.sample(millis(50));
        // RTTVAR = 3/4*62.5 + 1/4*|112.5-50| = 46.875 + 15.625 = 62.5; SRTT = 7/8*112.5 + 50/8 = 104.6875
        assertEquals(62_500_000L, e.rttvar());
        assertEquals(104_687_500L, e.srtt());
        assertEquals(354_687_500L, e.rto());
        e.sample(millis(104));
        // RTTVAR = 3/4*62.5 + 1/4*0.6875 = 46.875 + 0.171875 = 47.046875; SRTT = (7*104.6875 + 104)/8 = 104.6015625
        assertEquals(47_046_875L, e.rttvar());
        assertEquals(104_601_562L, e.srtt(), "104.6015625 ms, rounded toward zero in ns");
        assertEquals(104_601_562L + 4 * 47_046_875L, e.rto());
    }

    @Test
    void granularityFloorsTheVarianceTerm() {
        RttEstimator e = new RttEstimator(millis(10), MILLIS, seconds(60), SECONDS);
        for (int i = 0; i < 200; i++) e.sample(millis(100));
        assertEquals(millis(100), e.srtt());
        assertEquals(0, e.rttvar(), "variance decays to nothing with a constant RTT");
        assertEquals(millis(110), e.rto(), "SRTT + G when K*RTTVAR < G");
    }

    @Test
    void zeroRttGivesTheLowerBound() {
        RttEstimator e = new RttEstimator(0, MILLIS, seconds(60), SECONDS);
        e.sample(0);
        assertEquals(MILLIS, e.rto());
    }

    @Test
    void upperBoundCapsTheRto() {
        RttEstimator e = linuxLike();
        e.sample(seconds(50));
        assertEquals(seconds(50), e.srtt());
        assertEquals(seconds(60), e.rto(), "50 + 4*25 s capped at 60 s");
    }

    @Test
    void backoffDoublesUpToTheCapAndKeepsCounting() {
        RttEstimator e = linuxLike();
        e.sample(millis(100)); // RTO 300 ms
        long[] expected = {600, 1200, 2400, 4800, 9600, 19200, 38400, 60000, 60000};
        for (int i = 0; i < expected.length; i++) {
            e.backoff();
            assertEquals(i + 1, e.backoffCount());
            assertEquals(millis(expected[i]), e.rto(), "after " + (i + 1) + " backoffs");
        }
        for (int i = 0; i < 100; i++) e.backoff();
        assertEquals(seconds(60), e.rto(), "no overflow after many backoffs");
        assertEquals(109, e.backoffCount());
        e.resetBackoff();
        assertEquals(0, e.backoffCount());
        assertEquals(millis(300), e.rto());
    }

    @Test
    void backoffOfTheInitialRto() {
        RttEstimator e = new RttEstimator(G);
        e.backoff();
        e.backoff();
        assertEquals(seconds(4), e.rto());
    }

    @Test
    void aNewSampleCollapsesTheBackoff() {
        RttEstimator e = linuxLike();
        e.sample(millis(100));
        e.backoff();
        e.backoff();
        assertEquals(millis(1200), e.rto());
        e.sample(millis(100));
        assertEquals(0, e.backoffCount());
        // RTTVAR = 3/4*50 + 0 = 37.5; SRTT = 100
        assertEquals(millis(100) + 4 * 37_500_000L, e.rto());
    }

    @Test
    void appendixGScalesTheGains() {
        RttEstimator e = linuxLike();
        e.sample(millis(100), 4); // first sample: same as RFC 6298 (2.2)
        assertEquals(millis(100), e.srtt());
        assertEquals(millis(50), e.rttvar());
        e.sample(millis(200), 4);
        // beta' = 1/16: RTTVAR = 15/16*50 + 1/16*100 = 53.125; alpha' = 1/32: SRTT = 31/32*100 + 200/32 = 103.125
        assertEquals(53_125_000L, e.rttvar());
        assertEquals(103_125_000L, e.srtt());
        assertEquals(103_125_000L + 4 * 53_125_000L, e.rto());
    }

    @Test
    void appendixGWithOneExpectedSampleIsThePlainRule() {
        RttEstimator a = linuxLike();
        RttEstimator b = linuxLike();
        long[] samples = {millis(30), millis(90), millis(10), millis(400), millis(55)};
        for (long s : samples) {
            a.sample(s);
            b.sample(s, 0); // below 1 counts as 1
        }
        assertEquals(a.srtt(), b.srtt());
        assertEquals(a.rttvar(), b.rttvar());
    }

    @Test
    void expectedSamplesIsFlightOverTwoSegmentsRoundedUp() {
        assertEquals(1, RttEstimator.expectedSamples(0, 1460));
        assertEquals(1, RttEstimator.expectedSamples(1460, 1460));
        assertEquals(1, RttEstimator.expectedSamples(2920, 1460));
        assertEquals(2, RttEstimator.expectedSamples(2921, 1460));
        assertEquals(10, RttEstimator.expectedSamples(20 * 1460, 1460));
        assertEquals(RttEstimator.MAX_EXPECTED_SAMPLES, RttEstimator.expectedSamples(Long.MAX_VALUE, 1));
    }

    @Test
    void synTimeoutReinitialisesToThreeSeconds() {
        RttEstimator e = new RttEstimator(G);
        e.backoff();
        e.reinitializeAfterSynTimeout();
        assertEquals(0, e.backoffCount());
        assertEquals(seconds(3), e.rto());
        e.sample(millis(100));
        assertEquals(SECONDS, e.rto(), "the first sample computes the RTO again");
    }

    @Test
    void resetForgetsEverything() {
        RttEstimator e = linuxLike();
        e.sample(millis(100));
        e.backoff();
        e.reset();
        assertFalse(e.hasSample());
        assertEquals(0, e.backoffCount());
        assertEquals(SECONDS, e.rto());
        e.sample(millis(40));
        assertEquals(millis(40), e.srtt(), "first-sample rule again after reset");
        assertEquals(millis(20), e.rttvar());
    }

    @Test
    void hugeSamplesDoNotOverflow() {
        RttEstimator e = linuxLike();
        e.sample(Long.MAX_VALUE);
        e.sample(Long.MAX_VALUE, Integer.MAX_VALUE);
        e.sample(0, Integer.MAX_VALUE);
        assertTrue(e.srtt() > 0);
        assertEquals(seconds(60), e.rto());
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(-1));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(G, 0, seconds(60), SECONDS));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(G, SECONDS, millis(500), SECONDS));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(G, SECONDS, seconds(60), millis(500)));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(G).sample(-1));
        assertThrows(IllegalArgumentException.class, () -> RttEstimator.expectedSamples(10, 0));
    }
}
