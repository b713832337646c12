package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** ICMPv4 and UDP: round-trips and checksums with random payloads. */
class TransportProperties {
    @Provide
    Arbitrary<Icmpv4Repr> icmp() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), Arbitraries.integers().between(0, 255),
                Arbitraries.integers(), Arbitraries.integers().between(0, 300)).as(Icmpv4Repr::new);
    }

    @Provide
    Arbitrary<UdpRepr> udp() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers().between(0, 0xFFFF),
                Arbitraries.integers().between(0, 300)).as(UdpRepr::new);
    }

    @Property
    void icmpRoundTrip(@ForAll("icmp") Icmpv4Repr r, @ForAll long seed, @ForAll @IntRange(max = 7) int pad) {
        int n = r.bufferLength() + r.payloadLength();
        byte[] b = new byte[pad + n];
        new java.util.Random(seed).nextBytes(b);
        MemorySegment seg = MemorySegment.ofArray(b);
        Icmpv4View v = new Icmpv4View().wrap(seg, pad, n);
        r.emit(v);
        assertFalse(v.checksum() != 0);
        v.fillChecksum();
        assertEquals(WireError.NONE, v.check());
        assertEquals(r, Icmpv4Repr.of(v));
        Bytes.put8(seg, pad + n - 1, Bytes.u8(seg, pad + n - 1) ^ 0x10);
        assertEquals(WireError.BAD_CHECKSUM, v.check());
    }

    @Property
    void udpRoundTrip(@ForAll("udp") UdpRepr r, @ForAll long seed, @ForAll int src, @ForAll int dst,
                      @ForAll @IntRange(max = 7) int pad, @ForAll @IntRange(max = 4) int trailer) {
        int n = r.bufferLength() + r.payloadLength();
        byte[] b = new byte[pad + n + trailer];
        new java.util.Random(seed).nextBytes(b);
        MemorySegment seg = MemorySegment.ofArray(b);
        UdpView v = new UdpView().wrap(seg, pad, n + trailer);
        r.emit(v);
        v.fillChecksum(src, dst);
        assertTrue(v.checksum() != 0);
        assertEquals(WireError.NONE, v.check());
        assertTrue(v.verifyChecksum(src, dst));
        assertEquals(r, UdpRepr.of(v));
        assertEquals(r.payloadLength(), v.payloadLength());
        assertFalse(v.verifyChecksum(src ^ 0x100, dst));
        if (r.payloadLength() > 0) {
            Bytes.put8(seg, pad + 8, Bytes.u8(seg, pad + 8) ^ 1);
            assertFalse(v.verifyChecksum(src, dst));
        }
    }
}
