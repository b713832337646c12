package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Random sends, SACKs, cumulative ACKs and go-back-N rewinds against a reference model: one boolean
 * per octet of a 4000-octet window from a random base sequence number (often one whose window wraps
 * past 2^32 or crosses 2^31). The model uses plain int offsets, no modular arithmetic, and computes
 * IsLost, SetPipe and NextSeg octet by octet straight from the text of RFC 6675 §4.
 */
class SackScoreboardProperties {
    static final int W = 4000;

    enum Kind { SEND, SACK, ACK, ACK_AND_SACK, REWIND }

    /** Query parameters: {@code rxt} is an offset from SND.UNA. */
    record Query(int smss, int rxt, int newLimit, boolean rescue) {}

    /**
     * Block {@code i} starts {@code starts[i]} modulo a little more than the outstanding window from
     * just below SND.UNA (snapped to a 100-octet grid when its length is even, to make touching
     * blocks common) and is {@code lengths[i]} long.
     */
    record Op(Kind kind, int amount, List<Integer> starts, List<Integer> lengths, Query q) {}

    @Provide
    Arbitrary<Integer> bases() {
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers().between(-W - 100, 100),
                Arbitraries.integers().between(Integer.MAX_VALUE - W - 100, Integer.MAX_VALUE));
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> coarse = Arbitraries.integers().between(-1, 41).map(x -> x * 100);
        Arbitrary<Integer> start = Arbitraries.integers().between(0, 1 << 20);
        Arbitrary<Integer> length = Arbitraries.oneOf(Arbitraries.integers().between(1, 6).map(x -> x * 100),
                Arbitraries.integers().between(-20, 600), Arbitraries.integers().between(1, 40));
        Arbitrary<Query> query = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.integers().between(1, 60), Arbitraries.integers().between(1, 1500)),
                Arbitraries.oneOf(Arbitraries.integers().between(-20, W + 20), coarse),
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 3000)),
                Arbitraries.of(true, false)).as(Query::new);
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(Kind.SEND)),
                Tuple.of(8, Arbitraries.just(Kind.SACK)),
                Tuple.of(2, Arbitraries.just(Kind.ACK)),
                Tuple.of(2, Arbitraries.just(Kind.ACK_AND_SACK)),
                Tuple.of(1, Arbitraries.just(Kind.REWIND)));
        Arbitrary<Op> op = Combinators.combine(kind, Arbitraries.integers().between(0, 2000),
                start.list().ofMinSize(1).ofMaxSize(4), length.list().ofSize(4), query).as(Op::new);
        return op.list().ofMinSize(8).ofMaxSize(60);
    }

    /** The reference: octet offsets from {@code base}; {@code sacked[x]} only for {@code una <= x}. */
    static final class Model {
        final int base;
        final boolean[] sacked = new boolean[W + 1];
        int una;
        int nxt;

        Model(int base) {
            this.base = base;
        }

        /** RFC 2018 blocks as offsets; returns octets newly marked. */
        int sack(int[] offsets) {
            int added = 0;
            for (int i = 0; i < offsets.length / 2; i++) {
                int l = offsets[2 * i];
                int r = offsets[2 * i + 1];
                if (l >= r || r <= una || r > nxt) continue;
                for (int x = Math.max(l, una); x < r; x++) {
                    if (!sacked[x]) added++;
                    sacked[x] = true;
                }
            }
            return added;
        }

        void ack(int newUna) {
            for (int x = una; x < newUna; x++) sacked[x] = false;
            una = Math.max(una, newUna);
        }

        int highestSackedOctet() {
            for (int x = W; x >= 0; x--) if (sacked[x]) return x;
            return -1;
        }

        /** RFC 6675 §4 IsLost, literally: runs and octets strictly above {@code o}. */
        boolean isLostLiteral(int o, int smss, int dupThresh) {
            int runs = 0;
            long bytes = 0;
            int from = Math.max(o + 1, 0);
            for (int x = from; x <= W; x++) {
                if (!sacked[x]) continue;
                bytes++;
                if (x == from || !sacked[x - 1]) runs++;
            }
            return runs >= dupThresh || bytes > (long) (dupThresh - 1) * smss;
        }

        /** IsLost for every offset 0..W, by a backward pass counting run ends and octets above. */
        boolean[] lost(int smss, int dupThresh) {
            boolean[] lost = new boolean[W + 1];
            int ends = 0;
            long bytes = 0;
            for (int o = W; o >= 0; o--) {
                lost[o] = ends >= dupThresh || bytes > (long) (dupThresh - 1) * smss;
                if (sacked[o]) {
                    bytes++;
                    if (o == W || !sacked[o + 1]) ends++;
                }
            }
            return lost;
        }

        /** RFC 6675 §4 SetPipe, octet by octet; {@code rxt} offset is one past HighRxt. */
        long pipe(boolean[] lost, int rxt) {
            long pipe = 0;
            for (int s1 = una; s1 < nxt; s1++) {
                if (sacked[s1]) continue;
                if (!lost[s1]) pipe++;
                if (s1 < rxt) pipe++;
            }
            return pipe;
        }

        /** RFC 6675 §4 NextSeg, rules 1-5; returns {kind, start offset, length}. */
        int[] nextSeg(boolean[] lost, int rxt, int smss, int newLimit, boolean rescue) {
            int high = highestSackedOctet();
            for (int s2 = una; s2 < nxt; s2++) {
                if (!sacked[s2] && s2 >= rxt && s2 < high && lost[s2]) return segment(SackScoreboard.RETRANSMIT, s2, smss);
            }
            if (newLimit > 0) return new int[] {SackScoreboard.NEW_DATA, nxt, Math.min(smss, newLimit)};
            for (int s3 = una; s3 < nxt; s3++) {
                if (!sacked[s3] && s3 >= rxt && s3 < high) return segment(SackScoreboard.RETRANSMIT_EARLY, s3, smss);
            }
            if (rescue) {
                for (int h = nxt - 1; h >= una; h--) {
                    if (sacked[h]) continue;
                    int start = h;
                    while (start - 1 >= una && !sacked[start - 1] && h - (start - 1) + 1 <= smss) start--;
                    return new int[] {SackScoreboard.RESCUE, start, h + 1 - start};
                }
            }
            return new int[] {SackScoreboard.NONE, 0, 0};
        }

        private int[] segment(int kind, int start, int smss) {
            int len = 0;
            while (len < smss && start + len < nxt && !sacked[start + len]) len++;
            return new int[] {kind, start, len};
        }
    }

    @Property(tries = 400)
    void agreesWithThePerOctetModel(@ForAll("bases") int base, @ForAll("ops") List<Op> ops,
                                    @ForAll @IntRange(min = 1, max = 4) int dupThresh) {
        SackScoreboard sb = new SackScoreboard(W, dupThresh);
        sb.reset(base);
        Model m = new Model(base);
        for (Op op : ops) {
            int added = apply(op, sb, m);
            int expected = m.sack(blocks(op, m));
            if (op.kind() == Kind.SACK || op.kind() == Kind.ACK_AND_SACK) assertEquals(expected, added, "newly SACKed");
            assertEquals(0, sb.evictions());
            assertSameSet(m, sb);
            assertQueriesAgree(m, m, sb, op.q(), dupThresh);
        }
    }

    /**
     * With a few ranges only, evictions happen: the scoreboard must hold a subset of what was
     * SACKed, keep its own invariants, and answer every query as the model would over its own set.
     */
    @Property(tries = 400)
    void smallCapacityStaysConservative(@ForAll("bases") int base, @ForAll("ops") List<Op> ops,
                                        @ForAll @IntRange(min = 1, max = 4) int capacity) {
        SackScoreboard sb = new SackScoreboard(capacity);
        sb.reset(base);
        Model truth = new Model(base);
        for (Op op : ops) {
            apply(op, sb, truth);
            truth.sack(blocks(op, truth));
            assertTrue(sb.rangeCount() <= capacity);
            Model held = new Model(base);
            held.una = truth.una;
            held.nxt = truth.nxt;
            for (int i = 0; i < sb.rangeCount(); i++) {
                for (int x = sb.rangeStart(i) - base; x < sb.rangeEnd(i) - base; x++) {
                    assertTrue(truth.sacked[x], () -> "invented SACKed octet: " + sb);
                    held.sacked[x] = true;
                }
            }
            assertSameSet(held, sb);
            assertQueriesAgree(truth, held, sb, op.q(), SackScoreboard.DEFAULT_DUP_THRESH);
        }
    }

    /** Applies {@code op} to the scoreboard and to the model's una/nxt; returns update's result. */
    static int apply(Op op, SackScoreboard sb, Model m) {
        switch (op.kind()) {
            case SEND -> m.nxt = Math.min(W, m.nxt + op.amount());
            case REWIND -> m.nxt = m.una;
            case ACK -> {
                m.ack(m.una + op.amount() % (m.nxt - m.una + 1));
                sb.advance(m.base + m.una);
            }
            case SACK, ACK_AND_SACK -> {
                if (op.kind() == Kind.ACK_AND_SACK) m.ack(m.una + op.amount() % ((m.nxt - m.una) / 3 + 1));
                int[] off = blocks(op, m);
                int[] abs = new int[off.length];
                for (int i = 0; i < off.length; i++) abs[i] = m.base + off[i];
                int n = op.starts().size();
                if (n == 1 && (op.amount() & 1) == 0) return sb.addBlock(abs[0], abs[1], m.base + m.una, m.base + m.nxt);
                return sb.update(m.base + m.una, m.base + m.nxt, abs, n);
            }
        }
        return 0;
    }

    /** The op's SACK blocks as offsets from base (empty for other kinds). */
    static int[] blocks(Op op, Model m) {
        if (op.kind() != Kind.SACK && op.kind() != Kind.ACK_AND_SACK) return new int[0];
        int n = op.starts().size();
        int[] off = new int[2 * n];
        for (int i = 0; i < n; i++) {
            int len = op.lengths().get(i);
            int left = m.una - 100 + op.starts().get(i) % (m.nxt - m.una + 150);
            if ((len & 1) == 0) left = Math.floorDiv(left, 100) * 100;
            off[2 * i] = left;
            off[2 * i + 1] = left + len;
        }
        return off;
    }

    /** The scoreboard's ranges are exactly the model's maximal runs, and the totals agree. */
    static void assertSameSet(Model m, SackScoreboard sb) {
        assertEquals(m.base + m.una, sb.sndUna());
        int runs = 0;
        int total = 0;
        for (int x = m.una; x <= W; x++) {
            if (!m.sacked[x]) continue;
            total++;
            if (x == m.una || !m.sacked[x - 1]) {
                int end = x;
                while (end <= W && m.sacked[end]) end++;
                assertTrue(runs < sb.rangeCount(), sb::toString);
                assertEquals(m.base + x, sb.rangeStart(runs), sb::toString);
                assertEquals(m.base + end, sb.rangeEnd(runs), sb::toString);
                assertTrue(sb.isSacked(m.base + x));
                assertTrue(sb.isSacked(m.base + end - 1));
                assertFalse(sb.isSacked(m.base + end));
                if (x > m.una) assertFalse(sb.isSacked(m.base + x - 1));
                runs++;
            }
        }
        assertEquals(runs, sb.rangeCount(), sb::toString);
        assertEquals(total, sb.sackedBytes());
        int high = m.highestSackedOctet();
        assertEquals(m.base + (high < 0 ? m.una : high + 1), sb.highestSacked());
        assertFalse(sb.isSacked(m.base + m.una - 1));
    }

    /**
     * IsLost at every octet, SetPipe and NextSeg against {@code ref} (the set the scoreboard should
     * hold), with SND.UNA/SND.NXT from {@code state}.
     */
    static void assertQueriesAgree(Model state, Model ref, SackScoreboard sb, Query q, int dupThresh) {
        int una = state.una;
        int nxt = state.nxt;
        int base = state.base;
        boolean[] lost = ref.lost(q.smss(), dupThresh);
        for (int o : new int[] {una, (una + nxt) / 2, nxt - 1, nxt, una + q.rxt()}) {
            if (o >= 0 && o <= W) assertEquals(ref.isLostLiteral(o, q.smss(), dupThresh), lost[o], "reference IsLost at " + o);
        }
        for (int o = Math.max(una - 2, 0); o <= Math.min(W, nxt + 2); o++) {
            int at = o;
            assertEquals(lost[o], sb.isLost(base + o, q.smss()), () -> "IsLost(" + at + ") " + sb);
        }
        if (una >= 1) assertEquals(ref.isLostLiteral(una - 1, q.smss(), dupThresh), sb.isLost(base + una - 1, q.smss()));
        int rxt = una + q.rxt();
        assertEquals(ref.pipe(lost, rxt), sb.pipe(base + una, base + nxt, base + rxt, q.smss()), () -> "pipe " + sb);
        int[] want = ref.nextSeg(lost, rxt, q.smss(), q.newLimit(), q.rescue());
        int kind = sb.nextSeg(base + una, base + nxt, base + rxt, q.smss(), q.newLimit(), q.rescue());
        assertEquals(want[0], kind, () -> "NextSeg kind " + sb);
        assertEquals(want[2], sb.nextLength(), () -> "NextSeg length " + sb);
        if (kind != SackScoreboard.NONE) assertEquals(base + want[1], sb.nextSeq(), () -> "NextSeg start " + sb);
    }
}
