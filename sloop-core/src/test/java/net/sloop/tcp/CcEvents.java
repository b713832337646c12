package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Random event sequences for the congestion controllers' property tests. */
final class CcEvents {
    private CcEvents() {}

    enum Kind { ACK, ENTER, DUP, PARTIAL, EXIT, TIMEOUT, IDLE, RTT, MSS }

    record Event(Kind kind, int a, int b, long dt) {}

    static Arbitrary<Integer> bytes() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-10, 200_000),
                Arbitraries.integers().between(-10, Integer.MAX_VALUE),
                Arbitraries.of(0, 1, 535, 536, 1460, 65535, InitialWindow.MAX_CWND, Integer.MAX_VALUE, -1, Integer.MIN_VALUE));
    }

    static Arbitrary<List<Event>> sequences() {
        Arbitrary<Kind> kinds = Arbitraries.of(Kind.class);
        Arbitrary<Long> dts = Arbitraries.oneOf(Arbitraries.longs().between(0, 200_000_000L),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 1024));
        Arbitrary<Event> event = Combinators.combine(kinds, bytes(), bytes(), dts).as(Event::new);
        return event.list().ofMinSize(1).ofMaxSize(300);
    }

    /** Applies {@code events} to {@code cc} (initialised with {@code mss}), checking the bounds after each. */
    static void run(CongestionControl cc, int mss, List<Event> events) {
        long now = 0;
        cc.init(now, mss);
        check(cc, mss, "init");
        for (Event e : events) {
            now += e.dt();
            switch (e.kind()) {
                case ACK -> cc.onAck(now, e.a(), e.b());
                case ENTER -> cc.onEnterRecovery(now, e.a());
                case DUP -> cc.onDuplicateAckInRecovery(now);
                case PARTIAL -> cc.onPartialAck(now, e.a());
                case EXIT -> cc.onExitRecovery(now, e.a());
                case TIMEOUT -> cc.onTimeout(now, e.a());
                case IDLE -> cc.onIdleRestart(now);
                case RTT -> cc.onRttSample(now, e.a());
                case MSS -> {
                    mss = Math.floorMod(e.a(), InitialWindow.MAX_MSS) + 1;
                    cc.setMss(mss);
                }
            }
            check(cc, mss, e.toString());
        }
    }

    static void check(CongestionControl cc, int mss, String after) {
        assertTrue(cc.cwnd() >= mss && cc.cwnd() <= InitialWindow.MAX_CWND, "cwnd " + cc.cwnd() + " after " + after);
        assertTrue(cc.ssthresh() >= 2 * mss, "ssthresh " + cc.ssthresh() + " after " + after);
    }
}
