package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class CubicProperties {
    @Provide
    Arbitrary<List<CcEvents.Event>> events() {
        return CcEvents.sequences();
    }

    @Property
    void windowStaysWithinBounds(@ForAll("events") List<CcEvents.Event> events, @ForAll @IntRange(min = 1, max = 65535) int mss,
            @ForAll boolean sack, @ForAll boolean fastConvergence, @ForAll @IntRange(min = -1, max = 100) int iw) {
        Cubic c = new Cubic(iw, sack, fastConvergence);
        CcEvents.run(c, mss, events);
        assertTrue(Double.isFinite(c.wMax()) && c.wMax() >= 0, "wMax " + c.wMax());
        assertTrue(Double.isFinite(c.k()), "k " + c.k());
        assertTrue(Double.isFinite(c.wEst()), "wEst " + c.wEst());
    }

    /** In congestion avoidance a window-limited sender's window never shrinks on an ACK, and grows by at most half per ACK. */
    @Property
    void avoidanceNeverShrinksTheWindow(@ForAll @IntRange(min = 10, max = 5000) int wMaxSegments,
            @ForAll @IntRange(min = 1, max = 1_000_000) int rttMicros, @ForAll @IntRange(min = 1, max = 8000) int acked,
            @ForAll @IntRange(min = 0, max = 500) int ackCount, @ForAll @IntRange(min = 1, max = 100_000) int gapMicros) {
        int mss = 1000;
        Cubic c = new Cubic(InitialWindow.RFC5681, true, true);
        c.init(0, mss);
        while (c.cwnd() < wMaxSegments * mss) c.onAck(0, 2 * mss, c.cwnd());
        c.onRttSample(0, rttMicros * 1000L);
        c.onEnterRecovery(0, c.cwnd());
        c.onExitRecovery(0, c.cwnd());
        long now = 0;
        for (int i = 0; i < ackCount; i++) {
            int before = c.cwnd();
            c.onAck(now, acked, before);
            assertTrue(c.cwnd() >= before, "shrank from " + before + " to " + c.cwnd());
            assertTrue(c.cwnd() <= Math.max(1.5 * before, before + (double) acked * Cubic.ALPHA + 1) + 1,
                    "grew from " + before + " to " + c.cwnd());
            now += gapMicros * 1000L;
        }
    }
}
