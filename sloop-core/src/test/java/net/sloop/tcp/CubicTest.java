package net.sloop.tcp;

import static net.sloop.time.Time.SECONDS;
import static net.sloop.time.Time.millis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import net.sloop.testing.SteadyState;

import org.junit.jupiter.api.Test;

/**
 * CUBIC against RFC 9438's formulas, evaluated here in segments: W_cubic(t) = C*(t-K)^3 + W_max,
 * K = cbrt((W_max - cwnd_epoch)/C).
 */
class CubicTest {
    static final int MSS = 1000;
    static final double C = 0.4;

    /** Slow start (ACKs of 2 MSS, window limited) until cwnd is {@code segments} MSS. */
    static Cubic slowStartedTo(int segments, boolean sack, boolean fastConvergence) {
        Cubic c = new Cubic(InitialWindow.RFC5681, sack, fastConvergence);
        c.init(0, MSS);
        while (c.cwnd() < segments * MSS) c.onAck(0, 2 * MSS, c.cwnd());
        assertEquals(segments * MSS, c.cwnd());
        return c;
    }

    /** W_max = {@code wMaxSegments}, a loss, recovery over: congestion avoidance from 0.7*W_max. */
    static Cubic afterLoss(int wMaxSegments, long rtt) {
        Cubic c = slowStartedTo(wMaxSegments, true, true);
        c.onRttSample(0, rtt);
        c.onEnterRecovery(0, wMaxSegments * MSS);
        c.onExitRecovery(0, c.cwnd());
        return c;
    }

    /**
     * Window-limited round trips starting at {@code now}: each acknowledges the window one MSS at a
     * time, the ACKs evenly spread over {@code rtt}. Runs until {@code until}; returns the time.
     */
    static long runUntil(Cubic c, long now, long rtt, long until) {
        while (now < until) now = round(c, now, rtt);
        return now;
    }

    static long round(Cubic c, long now, long rtt) {
        int window = c.cwnd();
        int n = Math.max(1, window / MSS);
        long step = rtt / n;
        for (int i = 0; i < n; i++) {
            c.onAck(now, MSS, Math.max(window, c.cwnd()));
            now += step;
        }
        return now;
    }

    static double segs(Cubic c) {
        return c.cwnd() / (double) MSS;
    }

    static double wCubic(double t, double k, double wMax) {
        return C * Math.pow(t - k, 3) + wMax;
    }

    @Test
    void constants() {
        assertEquals(0.4, Cubic.C);
        assertEquals(0.7, Cubic.BETA);
        assertEquals(0.9 / 1.7, Cubic.ALPHA, 1e-15);
    }

    @Test
    void lossReducesByBeta() {
        Cubic c = slowStartedTo(100, true, true);
        c.onEnterRecovery(0, 100 * MSS);
        assertEquals(70 * MSS, c.ssthresh(), "FlightSize * 0.7");
        assertEquals(70 * MSS, c.cwnd(), "SACK: cwnd = ssthresh");
        assertEquals(100 * MSS, c.wMax(), 1e-9, "first loss: W_max = cwnd");
        assertEquals(100 * MSS, c.cwndPrior(), 1e-9);
        assertTrue(c.inRecovery());
    }

    @Test
    void lossWithoutSackInflatesLikeNewReno() {
        Cubic c = slowStartedTo(100, false, true);
        c.onEnterRecovery(0, 100 * MSS);
        assertEquals(70 * MSS, c.ssthresh());
        assertEquals(73 * MSS, c.cwnd());
        c.onDuplicateAckInRecovery(0);
        assertEquals(74 * MSS, c.cwnd());
        c.onPartialAck(0, 10 * MSS);
        assertEquals(65 * MSS, c.cwnd());
        c.onExitRecovery(0, 30 * MSS);
        assertEquals(31 * MSS, c.cwnd(), "min(ssthresh, FlightSize + SMSS)");
        assertFalse(c.inRecovery());
    }

    @Test
    void ssthreshUsesFlightAndIsAtLeastTwoSegments() {
        Cubic c = slowStartedTo(100, true, true);
        c.onEnterRecovery(0, 50 * MSS);
        assertEquals(35 * MSS, c.ssthresh());
        Cubic d = slowStartedTo(100, true, true);
        d.onEnterRecovery(0, MSS);
        assertEquals(2 * MSS, d.ssthresh());
        assertEquals(2 * MSS, d.cwnd());
    }

    @Test
    void fastConvergenceLowersWMaxWhenTheWindowShrank() {
        for (boolean fc : new boolean[] {true, false}) {
            Cubic c = slowStartedTo(100, true, fc);
            c.onRttSample(0, millis(100));
            c.onEnterRecovery(0, 100 * MSS);
            c.onExitRecovery(0, 70 * MSS);
            long now = 0;
            while (c.cwnd() < 80 * MSS) now = round(c, now, millis(100));
            double w = c.cwnd(); // plus a fraction of a byte
            c.onEnterRecovery(now, c.cwnd());
            double expected = fc ? w * 1.7 / 2 : w;
            assertEquals(expected, c.wMax(), 1.0, "fast convergence " + fc);
            assertEquals(w, c.cwndPrior(), 1.0);
        }
    }

    @Test
    void kFollowsTheRfcFormula() {
        Cubic c = afterLoss(100, millis(100));
        c.onAck(0, MSS, c.cwnd()); // starts the congestion avoidance stage
        assertTrue(c.inEpoch());
        assertEquals(Math.cbrt((100 - 70) / C), c.k(), 1e-9);
        assertEquals(70 * MSS, c.wEst(), MSS, "W_est starts at cwnd_epoch");
    }

    @Test
    void windowFollowsTheCubicCurveThroughConcaveAndConvexRegions() {
        long rtt = millis(100);
        Cubic c = afterLoss(1000, rtt);
        double wMax = 1000;
        double k = Math.cbrt((1000 - 700) / C); // 9.086 s
        double r = rtt / 1e9;
        long now = 0;
        double[] checks = {0.5, 1, 2, 3, 5, 7, 8.5, k, 10, 11, 12, 13, 14, 15};
        for (double t : checks) {
            now = runUntil(c, now, rtt, (long) (t * SECONDS));
            double at = now / 1e9; // the epoch started with the first ACK, at time 0
            double w = segs(c);
            // Each RTT the window closes on target = W_cubic(t+RTT), so it tracks W_cubic(t) closely.
            assertEquals(wCubic(at, k, wMax), w, 1.0, String.format("t=%.2f", at));
            assertTrue(w < wCubic(at + r, k, wMax) + 0.5, "never beyond the target");
            assertTrue(c.wEst() / MSS < wCubic(at, k, wMax), "not in the Reno-friendly region at " + at);
        }
        Cubic d = afterLoss(1000, rtt);
        runUntil(d, 0, rtt, (long) (k * SECONDS));
        assertEquals(1000, segs(d), 1.5, "plateau at W_max when t = K");
    }

    @Test
    void renoFriendlyRegionWithAShortRtt() {
        long rtt = millis(1);
        Cubic c = afterLoss(100, rtt);
        long now = 0;
        for (int i = 0; i < 40; i++) now = round(c, now, rtt);
        double t = now / 1e9;
        double k = Math.cbrt(30 / C);
        assertTrue(wCubic(t, k, 100) < 71, "the cubic curve has barely moved after 40 ms");
        // Reno-friendly: alpha_cubic = 0.529 segments per RTT until W_est reaches cwnd_prior (100).
        assertEquals(70 + 40 * Cubic.ALPHA, segs(c), 1.0);
        assertEquals(c.cwnd(), c.wEst(), 1.0, "cwnd = W_est in the Reno-friendly region");
        for (int i = 0; i < 60; i++) now = round(c, now, rtt);
        assertTrue(c.wEst() >= 100 * MSS);
        double before = segs(c);
        for (int i = 0; i < 100; i++) now = round(c, now, rtt);
        // alpha is now 1: one segment per RTT, like Reno.
        assertEquals(before + 100, segs(c), 2.0);
    }

    @Test
    void timeoutUsesBetaAndTheNextStageStartsWithKZero() {
        long rtt = millis(100);
        Cubic c = afterLoss(100, rtt); // W_max 100 segments, cwnd 70
        c.onTimeout(0, 70 * MSS);
        assertEquals(49 * MSS, c.ssthresh(), "FlightSize * 0.7");
        assertEquals(MSS, c.cwnd());
        assertEquals(70 * MSS, c.cwndPrior(), 1e-9);
        c.onTimeout(0, MSS);
        assertEquals(49 * MSS, c.ssthresh(), "repeated timeout: ssthresh held");
        while (c.cwnd() < c.ssthresh()) c.onAck(0, 2 * MSS, c.cwnd());
        assertEquals(49 * MSS, c.cwnd());
        assertFalse(c.inEpoch());
        long now = 0;
        c.onAck(now, MSS, c.cwnd());
        assertTrue(c.inEpoch());
        assertEquals(0, c.k(), "RFC 9438 §4.8: K = 0, although W_max (100) is above cwnd_epoch");
        assertEquals(49 * MSS, c.wMax(), 1e-9, "W_max = cwnd_epoch");
        assertEquals(49 * MSS, c.wEst(), MSS, "W_est = cwnd_epoch");
        // Early on, W_est (0.53 segment per RTT) is above C*t^3 + 49: Reno-friendly.
        now = runUntil(c, now, rtt, 2 * SECONDS);
        double t = now / 1e9;
        assertTrue(segs(c) > wCubic(t, 0, 49) + 5);
        assertEquals(49 + t / 0.1 * Cubic.ALPHA, segs(c), 1.5);
        // Later the convex curve from cwnd_epoch takes over.
        now = runUntil(c, now, rtt, 5 * SECONDS);
        t = now / 1e9;
        assertEquals(wCubic(t, 0, 49), segs(c), 1.0, "convex curve from cwnd_epoch at t=" + t);
    }

    @Test
    void aLossAfterATimeoutDecidesTheNextStage() {
        Cubic c = afterLoss(100, millis(100));
        c.onTimeout(0, 70 * MSS); // ssthresh 49 segments
        while (c.cwnd() < 31 * MSS) c.onAck(0, 2 * MSS, c.cwnd()); // 1, 3, ... 31 segments
        assertEquals(31 * MSS, c.cwnd());
        c.onEnterRecovery(0, 30 * MSS); // W_max = 31 * 0.85 (fast convergence), ssthresh = 30 * 0.7
        assertEquals(26.35 * MSS, c.wMax(), 1e-6);
        assertEquals(21 * MSS, c.ssthresh());
        c.onExitRecovery(0, 21 * MSS);
        c.onAck(0, MSS, c.cwnd());
        assertEquals(Math.cbrt((26.35 - 21) / C), c.k(), 1e-9, "the stage follows the loss, not the timeout");
    }

    @Test
    void applicationLimitedTimeIsNotPartOfT() {
        long rtt = millis(100);
        double k = Math.cbrt(300 / C);
        Cubic b = afterLoss(1000, rtt);
        long pauseStart = runUntil(b, 0, rtt, SECONDS);
        int held = b.cwnd();
        long now = pauseStart;
        for (; now < 6 * SECONDS; now += millis(10)) b.onAck(now, MSS, held / 4); // a quarter of the window in use
        assertEquals(held, b.cwnd(), "no growth while application limited");
        long resume = now;
        long end = runUntil(b, resume, rtt, resume + SECONDS);
        double t = (end - (resume - pauseStart)) / 1e9; // elapsed time without the pause: about 2 s
        double w = segs(b);
        double r = rtt / 1e9;
        assertEquals(wCubic(t, k, 1000), w, 1.5, "on the curve at t=" + t + " (pause excluded)");
        assertTrue(w < wCubic(end / 1e9 - r, k, 1000) - 50, "far below where t including the pause would put it");
    }

    @Test
    void idleRestartReturnsToTheInitialWindowAndEndsTheStage() {
        Cubic c = afterLoss(100, millis(100));
        runUntil(c, 0, millis(100), SECONDS);
        assertTrue(c.inEpoch());
        c.onIdleRestart(SECONDS * 10);
        assertEquals(4 * MSS, c.cwnd());
        assertFalse(c.inEpoch());
        assertEquals(70 * MSS, c.ssthresh());
    }

    @Test
    void slowStartMatchesNewReno() {
        Cubic c = new Cubic();
        NewReno r = new NewReno();
        c.init(0, MSS);
        r.init(0, MSS);
        for (int i = 0; i < 50; i++) {
            int a = (i % 3 + 1) * 700;
            c.onAck(0, a, c.cwnd());
            r.onAck(0, a, r.cwnd());
            assertEquals(r.cwnd(), c.cwnd());
        }
        assertEquals(Integer.MAX_VALUE, c.ssthresh());
    }

    @Test
    void rttSamplesAreSmoothed() {
        Cubic c = new Cubic();
        c.init(0, MSS);
        assertEquals(0, c.srtt());
        c.onRttSample(0, millis(80));
        assertEquals(millis(80), c.srtt());
        c.onRttSample(0, millis(160));
        assertEquals(millis(90), c.srtt());
        c.onRttSample(0, -1);
        assertEquals(millis(90), c.srtt());
    }

    @Test
    void congestionAvoidanceAllocatesNothing() {
        Cubic c = afterLoss(1000, millis(50));
        long now = runUntil(c, 0, millis(50), SECONDS); // warm up
        long allocated = 0;
        for (int pass = 0; pass < 3; pass++) { // earlier passes warm up (JIT, the bean itself)
            long before = SteadyState.allocatedBytes();
            for (int i = 0; i < 200_000; i++) {
                c.onAck(now, MSS, c.cwnd());
                now += 50_000;
                if (i % 10_000 == 9_999) {
                    c.onEnterRecovery(now, c.cwnd());
                    c.onExitRecovery(now, c.cwnd());
                    c.onRttSample(now, millis(50));
                }
            }
            allocated = SteadyState.allocatedBytes() - before;
        }
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
    }
}
