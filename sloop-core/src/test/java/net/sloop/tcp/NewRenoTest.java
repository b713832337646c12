package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import net.sloop.testing.SteadyState;

import org.junit.jupiter.api.Test;

class NewRenoTest {
    static final int MSS = 1000;

    static NewReno started(int rule, boolean sack) {
        NewReno r = new NewReno(rule, sack);
        r.init(0, MSS);
        return r;
    }

    /** Brings the controller to congestion avoidance with cwnd = ssthresh = {@code segments} MSS. */
    static NewReno inAvoidance(int segments) {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.onEnterRecovery(0, 2 * segments * MSS);
        r.onExitRecovery(0, segments * MSS);
        assertEquals(segments * MSS, r.cwnd());
        assertEquals(segments * MSS, r.ssthresh());
        return r;
    }

    @Test
    void initialWindowFollowsRfc5681() {
        assertEquals(4 * 1095, InitialWindow.rfc5681(1095));
        assertEquals(3 * 1096, InitialWindow.rfc5681(1096));
        assertEquals(3 * 2190, InitialWindow.rfc5681(2190));
        assertEquals(2 * 2191, InitialWindow.rfc5681(2191));
        assertEquals(4 * 536, InitialWindow.rfc5681(536));
        assertEquals(3 * 1460, InitialWindow.rfc5681(1460));
        NewReno r = new NewReno();
        r.init(0, 1460);
        assertEquals(4380, r.cwnd());
        assertEquals(Integer.MAX_VALUE, r.ssthresh());
    }

    @Test
    void rfc6928AndSegmentCounts() {
        assertEquals(10_000, InitialWindow.bytes(InitialWindow.RFC6928, 1000));
        assertEquals(14_600, InitialWindow.bytes(InitialWindow.RFC6928, 1460));
        assertEquals(18_000, InitialWindow.bytes(InitialWindow.RFC6928, 9000), "2*MSS for jumbo segments");
        assertEquals(10_000, started(10, false).cwnd());
        assertEquals(1_000, started(1, false).cwnd());
        assertThrows(IllegalArgumentException.class, () -> new NewReno(-2, false));
        assertThrows(IllegalArgumentException.class, () -> new NewReno().init(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new NewReno().init(0, 65536));
    }

    @Test
    void slowStartDoublesPerRoundWithAnAckPerSegment() {
        NewReno r = started(InitialWindow.RFC5681, false); // 4 segments
        int[] expected = {8, 16, 32, 64};
        for (int e : expected) {
            roundTrip(r, MSS);
            assertEquals(e * MSS, r.cwnd());
        }
    }

    @Test
    void slowStartDoublesPerRoundWithDelayedAcksThanksToByteCounting() {
        NewReno r = started(InitialWindow.RFC5681, false);
        int[] expected = {8, 16, 32, 64};
        for (int e : expected) {
            roundTrip(r, 2 * MSS); // one ACK per two segments: +2 MSS each with L = 2
            assertEquals(e * MSS, r.cwnd());
        }
    }

    @Test
    void slowStartGrowthPerAckIsLimitedToTwoSegments() {
        NewReno r = started(10, false);
        r.onAck(0, 8 * MSS, 10 * MSS); // stretch ACK of 8 segments
        assertEquals(12 * MSS, r.cwnd(), "L = 2*SMSS");
        r.onAck(0, 500, 12 * MSS);
        assertEquals(12 * MSS + 500, r.cwnd(), "a small ACK adds what it acknowledged");
    }

    @Test
    void slowStartStopsAtSsthreshAndTheRestCountsForAvoidance() {
        NewReno r = inAvoidance(10);
        r.onTimeout(0, 20 * MSS); // ssthresh 10 MSS, cwnd 1 MSS
        assertEquals(10 * MSS, r.ssthresh());
        assertEquals(MSS, r.cwnd());
        for (int i = 0; i < 4; i++) r.onAck(0, 2 * MSS, r.cwnd());
        assertEquals(9 * MSS, r.cwnd());
        r.onAck(0, 2 * MSS, r.cwnd()); // 1 MSS to reach ssthresh, 1 MSS left over for avoidance
        assertEquals(10 * MSS, r.cwnd());
        for (int i = 0; i < 8; i++) r.onAck(0, MSS, r.cwnd());
        assertEquals(10 * MSS, r.cwnd(), "9 MSS counted so far");
        r.onAck(0, MSS, r.cwnd());
        assertEquals(11 * MSS, r.cwnd(), "a whole window counted: one MSS more");
    }

    @Test
    void congestionAvoidanceAddsOneSegmentPerRound() {
        NewReno r = inAvoidance(10);
        for (int i = 1; i <= 20; i++) {
            roundTrip(r, MSS);
            assertEquals((10 + i) * MSS, r.cwnd(), "round " + i);
        }
    }

    @Test
    void congestionAvoidanceWithDelayedAcksIsTheSame() {
        NewReno r = inAvoidance(10);
        for (int i = 1; i <= 20; i++) {
            int before = r.cwnd();
            roundTrip(r, 2 * MSS);
            // Byte counting: exactly one MSS per cwnd bytes acknowledged, carried across rounds.
            assertTrue(r.cwnd() - before == MSS || r.cwnd() - before == 0 || r.cwnd() - before == 2 * MSS);
        }
        assertEquals(30 * MSS, r.cwnd(), "20 rounds, 20 segments more, as with an ACK per segment");
    }

    @Test
    void congestionAvoidanceWithAnOddWindowCountsBytes() {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.onEnterRecovery(0, 21_001); // ssthresh 10_500
        r.onExitRecovery(0, 20_000);
        assertEquals(10_500, r.cwnd());
        for (int i = 0; i < 10; i++) r.onAck(0, 1000, 10_500);
        assertEquals(10_500, r.cwnd());
        r.onAck(0, 500, 10_500);
        assertEquals(11_500, r.cwnd(), "10_500 bytes acknowledged: one MSS");
    }

    @Test
    void recoveryFiguresWithoutSack() {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.onEnterRecovery(0, 20 * MSS);
        assertTrue(r.inRecovery());
        assertEquals(10 * MSS, r.ssthresh(), "FlightSize/2");
        assertEquals(13 * MSS, r.cwnd(), "ssthresh + 3*SMSS");
        for (int i = 0; i < 3; i++) r.onDuplicateAckInRecovery(0);
        assertEquals(16 * MSS, r.cwnd(), "+1 SMSS per further duplicate ACK");
        r.onPartialAck(0, 5 * MSS);
        assertEquals(12 * MSS, r.cwnd(), "deflate by 5, add back 1");
        r.onPartialAck(0, 500);
        assertEquals(12 * MSS - 500, r.cwnd(), "less than one SMSS acknowledged: nothing added back");
        r.onExitRecovery(0, 4 * MSS);
        assertFalse(r.inRecovery());
        assertEquals(5 * MSS, r.cwnd(), "min(ssthresh, FlightSize + SMSS)");
        assertEquals(10 * MSS, r.ssthresh());
    }

    @Test
    void fullAckWithMuchInFlightGivesSsthresh() {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.onEnterRecovery(0, 20 * MSS);
        r.onExitRecovery(0, 12 * MSS);
        assertEquals(10 * MSS, r.cwnd());
        r.onEnterRecovery(0, 20 * MSS);
        r.onExitRecovery(0, 0);
        assertEquals(2 * MSS, r.cwnd(), "max(FlightSize, SMSS) + SMSS");
    }

    @Test
    void recoveryFiguresWithSack() {
        NewReno r = started(InitialWindow.RFC5681, true);
        assertTrue(r.sack());
        r.onEnterRecovery(0, 20 * MSS);
        assertEquals(10 * MSS, r.ssthresh());
        assertEquals(10 * MSS, r.cwnd(), "RFC 6675: no inflation");
        r.onDuplicateAckInRecovery(0);
        r.onPartialAck(0, 5 * MSS);
        assertEquals(10 * MSS, r.cwnd());
        r.onExitRecovery(0, 15 * MSS);
        assertEquals(10 * MSS, r.cwnd());
    }

    @Test
    void sackModeCanBeChosenAfterConstruction() {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.setSack(true);
        r.onEnterRecovery(0, 20 * MSS);
        assertEquals(10 * MSS, r.cwnd());
    }

    @Test
    void partialAckNeverTakesTheWindowBelowOneSegment() {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.onEnterRecovery(0, 4 * MSS); // ssthresh 2 MSS, cwnd 5 MSS
        r.onPartialAck(0, 100 * MSS);
        assertEquals(MSS, r.cwnd());
    }

    @Test
    void ssthreshIsAtLeastTwoSegments() {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.onEnterRecovery(0, MSS);
        assertEquals(2 * MSS, r.ssthresh());
        assertEquals(5 * MSS, r.cwnd());
        r.onTimeout(0, 0);
        assertEquals(2 * MSS, r.ssthresh());
    }

    @Test
    void timeoutSetsLossWindowAndHalvesFlight() {
        NewReno r = inAvoidance(40);
        r.onTimeout(0, 30 * MSS);
        assertEquals(15 * MSS, r.ssthresh());
        assertEquals(MSS, r.cwnd());
        r.onTimeout(0, MSS);
        assertEquals(15 * MSS, r.ssthresh(), "the same segment timed out again: ssthresh held");
        assertEquals(MSS, r.cwnd());
        r.onAck(0, MSS, MSS);
        r.onTimeout(0, 6 * MSS);
        assertEquals(3 * MSS, r.ssthresh(), "after progress a timeout computes ssthresh again");
    }

    @Test
    void timeoutEndsRecovery() {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.onEnterRecovery(0, 20 * MSS);
        r.onTimeout(0, 20 * MSS);
        assertFalse(r.inRecovery());
        assertEquals(MSS, r.cwnd());
    }

    @Test
    void idleRestartReturnsToTheInitialWindow() {
        NewReno r = inAvoidance(40);
        r.onIdleRestart(0);
        assertEquals(4 * MSS, r.cwnd());
        assertEquals(40 * MSS, r.ssthresh(), "ssthresh unchanged: slow start back to it");
        r.onTimeout(0, 40 * MSS);
        r.onIdleRestart(0);
        assertEquals(MSS, r.cwnd(), "a window below IW is kept");
    }

    @Test
    void applicationLimitedSenderDoesNotGrowTheWindow() {
        NewReno r = inAvoidance(20);
        for (int i = 0; i < 1000; i++) r.onAck(0, MSS, 9 * MSS); // uses less than half of cwnd
        assertEquals(20 * MSS, r.cwnd());
        NewReno s = started(20, false); // slow start
        for (int i = 0; i < 1000; i++) s.onAck(0, MSS, 5 * MSS);
        assertEquals(20 * MSS, s.cwnd());
        s.onAck(0, MSS, 10 * MSS); // half the window in use: growth allowed
        assertEquals(21 * MSS, s.cwnd());
    }

    @Test
    void applicationLimitedGrowthStopsAtTwiceTheFlight() {
        NewReno r = started(InitialWindow.RFC5681, false);
        for (int i = 0; i < 10_000; i++) r.onAck(0, MSS, 10 * MSS);
        assertEquals(20 * MSS + MSS, r.cwnd(), "grows while 2*flight >= cwnd, the last ACK adding at most 1 MSS");
    }

    @Test
    void setMssKeepsTheInvariants() {
        NewReno r = started(InitialWindow.RFC5681, false);
        r.onTimeout(0, 0); // cwnd 1000, ssthresh 2000
        r.setMss(1460);
        assertEquals(1460, r.mss());
        assertEquals(1460, r.cwnd());
        assertEquals(2920, r.ssthresh());
        assertEquals(4380, r.initialWindow());
        r.setMss(536);
        assertEquals(1460, r.cwnd(), "bytes kept when the MSS shrinks");
    }

    @Test
    void arithmeticCannotOverflow() {
        NewReno r = new NewReno(InitialWindow.RFC5681, false);
        r.init(0, InitialWindow.MAX_MSS);
        for (int i = 0; i < 100_000; i++) r.onAck(0, Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertEquals(InitialWindow.MAX_CWND, r.cwnd());
        for (int i = 0; i < 1000; i++) r.onDuplicateAckInRecovery(0);
        assertEquals(InitialWindow.MAX_CWND, r.cwnd());
        r.onEnterRecovery(0, Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE / 2, r.ssthresh());
        assertEquals(InitialWindow.MAX_CWND, r.cwnd());
        r.onPartialAck(0, Integer.MAX_VALUE);
        assertEquals(InitialWindow.MAX_MSS, r.cwnd());
        r.onExitRecovery(0, Integer.MAX_VALUE);
        assertEquals(Integer.MAX_VALUE / 2, r.cwnd());
        r.onAck(0, -5, -5);
        r.onEnterRecovery(0, -1);
        assertEquals(2 * InitialWindow.MAX_MSS, r.ssthresh());
    }

    @Test
    void hotPathsAllocateNothing() {
        NewReno r = inAvoidance(10);
        RttEstimator e = new RttEstimator(1000);
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
            long before = SteadyState.allocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                r.onAck(i, MSS, r.cwnd());
                e.sample(1_000_000 + i % 5000, 1 + i % 7);
                if (i % 1000 == 999) {
                    r.onEnterRecovery(i, r.cwnd());
                    r.onDuplicateAckInRecovery(i);
                    r.onPartialAck(i, MSS);
                    r.onExitRecovery(i, r.cwnd());
                    e.backoff();
                }
            }
            long allocated = SteadyState.allocatedBytes() - before;
            if (pass == 1) assertTrue(allocated < 1024, "allocated " + allocated + " bytes");
        }
    }

    /** A window-limited round trip: the sender keeps cwnd in flight; every ACK reports the flight before it. */
    static void roundTrip(CongestionControl cc, int perAck) {
        int window = cc.cwnd();
        for (int left = window; left > 0; left -= perAck) {
            cc.onAck(0, Math.min(perAck, left), Math.max(cc.cwnd(), window));
        }
    }
}
