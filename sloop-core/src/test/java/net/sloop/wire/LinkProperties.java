package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Ethernet and ARP: emit then of(checked view) round-trips, at any offset. */
class LinkProperties {
    static Arbitrary<Long> macs() {
        return Arbitraries.longs().between(0, MacAddress.BROADCAST);
    }

    @Provide
    Arbitrary<EthernetRepr> ethernet() {
        return Combinators.combine(macs(), macs(), Arbitraries.integers().between(0x0600, 0xFFFF))
                .as(EthernetRepr::new);
    }

    @Provide
    Arbitrary<ArpRepr> arp() {
        return Combinators.combine(Arbitraries.of(1, 2), macs(), Arbitraries.integers(), macs(), Arbitraries.integers())
                .as(ArpRepr::new);
    }

    @Property
    void ethernetRoundTrip(@ForAll("ethernet") EthernetRepr r, @ForAll("pad") int pad) {
        MemorySegment seg = MemorySegment.ofArray(new byte[pad + r.bufferLength() + 3]);
        EthernetView v = new EthernetView().wrap(seg, pad, r.bufferLength() + 3);
        r.emit(v);
        assertEquals(WireError.NONE, v.check());
        assertEquals(r, EthernetRepr.of(v));
        assertEquals(3, v.payloadLength());
        assertEquals(pad + 14, v.payloadOffset());
    }

    @Property
    void arpRoundTrip(@ForAll("arp") ArpRepr r, @ForAll("pad") int pad) {
        MemorySegment seg = MemorySegment.ofArray(new byte[pad + r.bufferLength()]);
        ArpView v = new ArpView().wrap(seg, pad, r.bufferLength());
        r.emit(v);
        assertEquals(WireError.NONE, v.check());
        assertEquals(r, ArpRepr.of(v));
    }

    @Provide
    Arbitrary<Integer> pad() {
        return Arbitraries.integers().between(0, 9);
    }
}
