package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * A packet held in a chain of blocks is wrapped with its logical length, which may run past the
 * end of the memory its first block is in (the arena's last block). Only the header must be
 * there. Regression: such packets were dropped as truncated, a third of them in a tight flood.
 */
class ChainedPacketTest {
    @Test
    void anIpv4HeaderAtTheEndOfTheMemoryWithItsPayloadElsewhereIsValid() {
        Ipv4Repr ip = new Ipv4Repr(Ipv4Address.parse("198.18.0.1"), Ipv4Address.parse("198.18.0.2"), 17, 64, 7, false, false, 0, 1000);
        MemorySegment mem = MemorySegment.ofArray(new byte[64]);
        Ipv4View v = new Ipv4View();
        ip.emit(v.wrap(mem, 44, 1020)); // the header's 20 bytes end the segment; 1000 bytes of payload live in other blocks
        v.wrap(mem, 44, 1020);
        assertEquals(WireError.NONE, v.check());
        // A header cut by the end of the memory is still truncated.
        assertEquals(WireError.TRUNCATED, v.wrap(mem, 50, 1020).check());
    }

    @Test
    void aTcpHeaderWithOptionsAtTheEndOfTheMemoryIsValidAndACutOneIsNot() {
        MemorySegment mem = MemorySegment.ofArray(new byte[64]);
        TcpView t = new TcpView();
        t.wrap(mem, 32, 32).setHeaderLength(32);
        assertEquals(WireError.NONE, t.wrap(mem, 32, 1400).check());
        t.wrap(mem, 40, 24).setHeaderLength(32);
        assertEquals(WireError.TRUNCATED, t.wrap(mem, 40, 1400).check());
    }
}
