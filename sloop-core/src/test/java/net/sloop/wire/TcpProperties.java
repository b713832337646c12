package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class TcpProperties {
    @Provide
    Arbitrary<TcpRepr> reprs() {
        return Builders.withBuilder(() -> new Object[15])
                .use(Arbitraries.integers().between(0, 0xFFFF)).in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.integers().between(0, 0xFFFF)).in((a, v) -> { a[1] = v; return a; })
                .use(Arbitraries.integers()).in((a, v) -> { a[2] = v; return a; })
                .use(Arbitraries.integers()).in((a, v) -> { a[3] = v; return a; })
                .use(Arbitraries.integers().between(0, 255)).in((a, v) -> { a[4] = v; return a; })
                .use(Arbitraries.integers().between(0, 0xFFFF)).in((a, v) -> { a[5] = v; return a; })
                .use(Arbitraries.integers().between(0, 0xFFFF)).in((a, v) -> { a[6] = v; return a; })
                .use(Arbitraries.integers().between(-1, 0xFFFF)).in((a, v) -> { a[7] = v; return a; })
                .use(Arbitraries.integers().between(-1, 14)).in((a, v) -> { a[8] = v; return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[9] = v; return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[10] = v; return a; })
                .use(Arbitraries.integers()).in((a, v) -> { a[11] = v; return a; })
                .use(Arbitraries.integers()).in((a, v) -> { a[12] = v; return a; })
                .use(Arbitraries.integers().array(int[].class).ofMaxSize(8)).in((a, v) -> { a[13] = v; return a; })
                .use(Arbitraries.integers().between(0, 200)).in((a, v) -> { a[14] = v; return a; })
                .build(a -> {
                    int mss = (int) a[7];
                    int ws = (int) a[8];
                    boolean sp = (boolean) a[9];
                    boolean ts = (boolean) a[10];
                    int[] blocks = (int[]) a[13];
                    int fit = (TcpOptions.length(mss, ws, sp, ts, 4) - TcpOptions.length(mss, ws, sp, ts, 0) - 4) / 8;
                    int n = Math.min(blocks.length / 2, Math.max(fit, 0));
                    return new TcpRepr((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4], (int) a[5],
                            (int) a[6], mss, ws, sp, ts, ts ? (int) a[11] : 0, ts ? (int) a[12] : 0,
                            java.util.Arrays.copyOf(blocks, 2 * n), (int) a[14]);
                });
    }

    @Property
    void roundTripWithChecksum(@ForAll("reprs") TcpRepr r, @ForAll int src, @ForAll int dst,
                               @ForAll long seed, @ForAll @IntRange(max = 7) int pad) {
        int n = r.bufferLength() + r.payloadLength();
        assertEquals(0, r.optionsLength() % 4);
        assertTrue(r.optionsLength() <= 40);
        byte[] b = new byte[pad + n];
        new java.util.Random(seed).nextBytes(b);
        MemorySegment seg = MemorySegment.ofArray(b);
        TcpView v = new TcpView().wrap(seg, pad, n);
        r.emit(v);
        v.fillChecksum(src, dst);
        assertEquals(WireError.NONE, v.check());
        assertTrue(v.verifyChecksum(src, dst));
        assertEquals(r, TcpRepr.of(v));
        assertEquals(pad + r.bufferLength(), v.payloadOffset());
        Bytes.put8(seg, pad + 4, Bytes.u8(seg, pad + 4) ^ 0x40);
        assertFalse(v.verifyChecksum(src, dst));
    }

    /** Incremental update of the checksum when the ACK number changes equals recomputation. */
    @Property
    void ackUpdateIncremental(@ForAll("reprs") TcpRepr r, @ForAll int src, @ForAll int dst, @ForAll int newAck) {
        int n = r.bufferLength() + r.payloadLength();
        MemorySegment seg = MemorySegment.ofArray(new byte[n]);
        TcpView v = new TcpView().wrap(seg, 0, n);
        r.emit(v);
        v.fillChecksum(src, dst);
        int inc = Checksum.update32(v.checksum(), v.ack(), newAck);
        v.setAck(newAck);
        v.setChecksum(inc);
        assertTrue(v.verifyChecksum(src, dst));
    }

    @Property
    void optionLengthMatchesWrite(@ForAll @IntRange(min = -1, max = 0xFFFF) int mss, @ForAll @IntRange(min = -1, max = 20) int ws,
                                  @ForAll boolean sp, @ForAll boolean ts, @ForAll @IntRange(max = 6) int sackCount) {
        MemorySegment seg = MemorySegment.ofArray(new byte[40]);
        int[] blocks = new int[12];
        int w = TcpOptions.write(seg, 0, mss, ws, sp, ts, 1, 2, sackCount, blocks);
        assertEquals(TcpOptions.length(mss, ws, sp, ts, sackCount), w);
        assertEquals(0, w % 4);
        assertTrue(w <= 40);
        TcpOptions o = new TcpOptions();
        assertEquals(WireError.NONE, o.parse(seg, 0, w));
        assertEquals(mss, o.mss);
        assertEquals(ws < 0 ? -1 : Math.min(ws, 14), o.windowScale);
        assertEquals(sp, o.sackPermitted);
        assertEquals(ts, o.hasTimestamps);
    }
}
