package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.sloop.time.Time;

class RttEstimatorProperties {
    enum Kind { SAMPLE, SAMPLE_N, BACKOFF, RESET_BACKOFF, SYN }

    record Op(Kind kind, long rtt, int n) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Long> rtts = Arbitraries.oneOf(Arbitraries.longs().between(0, Time.seconds(5)),
                Arbitraries.longs().between(0, Long.MAX_VALUE));
        return Combinators.combine(Arbitraries.of(Kind.class), rtts, Arbitraries.integers().between(-5, Integer.MAX_VALUE))
                .as(Op::new).list().ofMaxSize(200);
    }

    @Property
    void rtoStaysWithinBoundsAndBackoffDoubles(@ForAll("ops") List<Op> ops, @ForAll @LongRange(min = 0, max = 100_000_000) long g,
            @ForAll @LongRange(min = 1, max = 2_000_000_000) long minRto, @ForAll @LongRange(min = 0, max = 100_000_000_000L) long extra) {
        long maxRto = minRto + extra;
        RttEstimator e = new RttEstimator(g, minRto, maxRto, minRto);
        for (Op op : ops) {
            long before = e.rto();
            switch (op.kind()) {
                case SAMPLE -> e.sample(op.rtt());
                case SAMPLE_N -> e.sample(op.rtt(), op.n());
                case BACKOFF -> {
                    e.backoff();
                    assertEquals(Math.min(maxRto, 2 * before), e.rto(), "backoff doubles, capped");
                }
                case RESET_BACKOFF -> e.resetBackoff();
                case SYN -> e.reinitializeAfterSynTimeout();
            }
            assertTrue(e.rto() >= minRto && e.rto() <= maxRto, "rto " + e.rto() + " after " + op);
            assertTrue(e.srtt() >= 0 && e.rttvar() >= 0);
            if (e.hasSample() && op.kind() == Kind.SAMPLE) {
                long expected = Math.clamp(e.srtt() + Math.max(g, 4 * e.rttvar()), minRto, maxRto);
                assertEquals(expected, e.rto());
            }
        }
    }
}
