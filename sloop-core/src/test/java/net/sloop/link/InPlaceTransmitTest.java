package net.sloop.link;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Link#reserveTransmit}: packets written in place in a loopback ring arrive like transmitted ones, wrap included. */
class InPlaceTransmitTest {
    @Test
    void inPlaceAndCopiedPacketsInterleaveThroughWrapsInOrder() {
        // The receiver sends too (as a stack answering itself does), so packets stay queued across
        // polls, the ring's head moves on and its tail wraps.
        LoopbackLink lo = new LoopbackLink(1500, 5000);
        Random r = new Random(7);
        ArrayDeque<byte[]> expect = new ArrayDeque<>();
        int[] counts = new int[3]; // delivered, refused, in place
        lo.attach((now, src, off, len) -> {
            byte[] want = expect.poll();
            assertNotNull(want);
            assertArrayEquals(want, src.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
            counts[0]++;
            for (int i = r.nextInt(3); i > 0; i--) send(lo, r, expect, counts);
        });
        for (int round = 0; round < 5000; round++) {
            for (int i = r.nextInt(3); i > 0; i--) send(lo, r, expect, counts);
            lo.poll(0);
        }
        while (lo.pending()) lo.poll(0);
        assertTrue(expect.isEmpty());
        assertTrue(counts[0] > 5000 && counts[1] > 100 && counts[2] > 2000, java.util.Arrays.toString(counts));
    }

    private static void send(LoopbackLink lo, Random r, ArrayDeque<byte[]> expect, int[] counts) {
        byte[] p = new byte[r.nextInt(1501)];
        r.nextBytes(p);
        boolean ok;
        if (r.nextBoolean()) {
            int extra = r.nextInt(8); // may reserve more than it sends
            long at = lo.reserveTransmit(p.length + extra);
            if (at < 0) {
                ok = lo.transmit(0, MemorySegment.ofArray(p), 0, p.length);
                if (extra == 0) assertFalse(ok, "no room in place means no room for a copy either");
            } else {
                MemorySegment.copy(MemorySegment.ofArray(p), 0, lo.transmitMemory(), at, p.length);
                ok = lo.commitTransmit(0, at, p.length);
                assertTrue(ok);
                counts[2]++;
            }
        } else {
            ok = lo.transmit(0, MemorySegment.ofArray(p), 0, p.length);
        }
        if (ok) expect.add(p);
        else counts[1]++;
    }

    @Test
    void aCommitMustMatchItsReservation() {
        LoopbackLink lo = new LoopbackLink(1500, 5000);
        long at = lo.reserveTransmit(100);
        assertTrue(at >= 0);
        assertThrows(IllegalStateException.class, () -> lo.commitTransmit(0, at, 101));
        assertThrows(IllegalStateException.class, () -> lo.commitTransmit(0, at + 1, 10));
        assertTrue(lo.commitTransmit(0, at, 60));
        assertThrows(IllegalStateException.class, () -> lo.commitTransmit(0, at, 60), "one commit per reservation");
        assertEquals(1, lo.queued());
        assertEquals(-1, lo.reserveTransmit(1501), "longer than the MTU");
        assertEquals(-1, new CaptureLinkLike().reserveTransmit(10), "links without memory of their own do not offer it");
    }

    @Test
    void aPairWritesIntoTheOtherEndsQueue() {
        PairLink[] p = PairLink.pair("p", 1500, 4096);
        int[] got = {0, 0};
        p[1].attach((now, src, off, len) -> got[1] += len);
        long at = p[0].reserveTransmit(300);
        assertTrue(at >= 0);
        assertTrue(p[0].commitTransmit(0, at, 300));
        assertTrue(p[1].pending());
        assertFalse(p[0].pending());
        p[1].poll(0);
        assertEquals(300, got[1]);
    }

    /** A link with only the interface's defaults. */
    private static final class CaptureLinkLike implements Link {
        @Override public Kind kind() { return Kind.IP; }
        @Override public int mtu() { return 1500; }
        @Override public long mac() { return 0; }
        @Override public void attach(FrameReceiver receiver) {}
        @Override public boolean transmit(long now, MemorySegment frame, long off, int len) { return true; }
        @Override public String name() { return "plain"; }
    }
}
