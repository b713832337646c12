package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class NewRenoProperties {
    @Provide
    Arbitrary<List<CcEvents.Event>> events() {
        return CcEvents.sequences();
    }

    @Property
    void windowStaysWithinBounds(@ForAll("events") List<CcEvents.Event> events, @ForAll @IntRange(min = 1, max = 65535) int mss,
            @ForAll boolean sack, @ForAll @IntRange(min = -1, max = 100) int iw) {
        CcEvents.run(new NewReno(iw, sack), mss, events);
    }

    /** Congestion avoidance: W bytes acknowledged in any split grow the window by exactly one MSS. */
    @Property
    void byteCountingIsIndependentOfTheAckSplit(@ForAll @IntRange(min = 2, max = 200) int segments,
            @ForAll @IntRange(min = 1, max = 5000) int perAck, @ForAll @IntRange(min = 100, max = 9000) int mss) {
        NewReno r = new NewReno(InitialWindow.RFC5681, true);
        r.init(0, mss);
        r.onEnterRecovery(0, 2 * segments * mss);
        r.onExitRecovery(0, segments * mss);
        int w = r.cwnd();
        assertEquals(segments * mss, w);
        int acked = 0;
        while (acked + perAck < w) {
            r.onAck(0, perAck, w);
            acked += perAck;
        }
        assertEquals(w, r.cwnd(), "less than a window acknowledged");
        r.onAck(0, w - acked, w);
        assertEquals(w + mss, r.cwnd());
    }

    /** Timeout and recovery always give ssthresh = max(flight/2, 2*SMSS). */
    @Property
    void ssthreshIsHalfTheFlight(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int flight, @ForAll @IntRange(min = 1, max = 65535) int mss) {
        NewReno r = new NewReno();
        r.init(0, mss);
        r.onEnterRecovery(0, flight);
        assertEquals(Math.max(flight / 2, 2 * mss), r.ssthresh());
        assertTrue(r.cwnd() <= InitialWindow.MAX_CWND);
    }
}
