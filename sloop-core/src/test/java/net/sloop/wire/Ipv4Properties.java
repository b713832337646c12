package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class Ipv4Properties {
    /** Well-formed option areas: NOPs and unknown options with valid lengths, EOL-padded. */
    static Arbitrary<byte[]> options() {
        return Arbitraries.integers().between(0, 10).flatMap(words -> Arbitraries.integers().between(0, 1000)
                .map(seed -> {
                    byte[] b = new byte[words * 4];
                    java.util.Random rnd = new java.util.Random(seed);
                    int p = 0;
                    while (p < b.length) {
                        int room = b.length - p;
                        int choice = rnd.nextInt(3);
                        if (choice == 0 || room < 2) {
                            b[p++] = 1;
                        } else if (choice == 1) {
                            break; // EOL and zero padding
                        } else {
                            int l = 2 + rnd.nextInt(room - 1);
                            b[p] = (byte) (2 + rnd.nextInt(250));
                            b[p + 1] = (byte) l;
                            for (int i = 2; i < l; i++) {
                                b[p + i] = (byte) rnd.nextInt();
                            }
                            p += l;
                        }
                    }
                    return b;
                }));
    }

    @Provide
    Arbitrary<Ipv4Repr> reprs() {
        return Builders.withBuilder(() -> new Object[11])
                .use(Arbitraries.integers()).in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.integers()).in((a, v) -> { a[1] = v; return a; })
                .use(Arbitraries.integers().between(0, 255)).in((a, v) -> { a[2] = v; return a; })
                .use(Arbitraries.integers().between(0, 255)).in((a, v) -> { a[3] = v; return a; })
                .use(Arbitraries.integers().between(0, 0xFFFF)).in((a, v) -> { a[4] = v; return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[5] = v; return a; })
                .use(Arbitraries.of(true, false)).in((a, v) -> { a[6] = v; return a; })
                .use(Arbitraries.integers().between(0, 0x1FFF)).in((a, v) -> { a[7] = v * 8; return a; })
                .use(Arbitraries.integers().between(0, 600)).in((a, v) -> { a[8] = v; return a; })
                .use(options()).in((a, v) -> { a[9] = v; return a; })
                .use(Arbitraries.integers().between(0, 255)).in((a, v) -> { a[10] = v; return a; })
                .build(a -> new Ipv4Repr((int) a[0], (int) a[1], (int) a[2], (int) a[3], (int) a[4],
                        (boolean) a[5], (boolean) a[6], Math.min((int) a[7], 65535 - 60 - (int) a[8]) & ~7,
                        (int) a[8], (byte[]) a[9], (int) a[10]));
    }

    @Property
    void roundTrip(@ForAll("reprs") Ipv4Repr r, @ForAll @IntRange(max = 7) int pad, @ForAll @IntRange(max = 5) int trailer) {
        int total = r.bufferLength() + r.payloadLength();
        MemorySegment seg = MemorySegment.ofArray(new byte[pad + total + trailer]);
        Ipv4View v = new Ipv4View().wrap(seg, pad, total + trailer);
        r.emit(v);
        assertEquals(WireError.NONE, v.check());
        assertTrue(v.verifyHeaderChecksum());
        assertEquals(v.headerChecksum(), v.computeHeaderChecksum());
        assertEquals(r, Ipv4Repr.of(v));
        assertEquals(pad + r.bufferLength(), v.payloadOffset());
        assertEquals(r.payloadLength(), v.payloadLength());
        assertEquals(r.moreFragments() || r.fragmentOffset() != 0, v.isFragment());
    }

    /** Any single bit flip in a valid header is detected (or changes a field check first). */
    @Property
    void bitFlipNeverPasses(@ForAll("reprs") Ipv4Repr r, @ForAll @IntRange(max = 479) int bit) {
        int total = r.bufferLength() + r.payloadLength();
        MemorySegment seg = MemorySegment.ofArray(new byte[total]);
        Ipv4View v = new Ipv4View().wrap(seg, 0, total);
        r.emit(v);
        int b = bit % (r.bufferLength() * 8);
        Bytes.put8(seg, b / 8, Bytes.u8(seg, b / 8) ^ (0x80 >>> (b % 8)));
        assertTrue(v.check() != WireError.NONE);
    }
}
