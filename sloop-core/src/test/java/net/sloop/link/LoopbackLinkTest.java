package net.sloop.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.api.Test;

class LoopbackLinkTest {
    private static byte[] frame(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (seed * 31 + i);
        return b;
    }

    private static boolean send(Link l, byte[] b) {
        return l.transmit(0, MemorySegment.ofArray(b), 0, b.length);
    }

    @Test
    void defaults() {
        LoopbackLink lo = new LoopbackLink();
        assertEquals(Link.Kind.IP, lo.kind());
        assertEquals(1500, lo.mtu());
        assertEquals(0, lo.mac());
        assertEquals("lo", lo.name());
        assertEquals(64 * 1024, lo.capacity());
        assertFalse(lo.pending());
        assertEquals(0, lo.poll(0));
    }

    @Test
    void deliversCopiesInOrder() {
        LoopbackLink lo = new LoopbackLink();
        List<byte[]> got = new ArrayList<>();
        lo.attach((now, src, off, len) -> got.add(src.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE)));
        byte[] a = frame(100, 1);
        byte[] b = frame(1500, 2);
        assertTrue(send(lo, a));
        assertTrue(send(lo, b));
        a[0] = 99; // the link copied
        assertTrue(lo.pending());
        assertEquals(2, lo.poll(5));
        assertFalse(lo.pending());
        assertArrayEquals(frame(100, 1), got.get(0));
        assertArrayEquals(b, got.get(1));
        assertEquals(2, lo.transmitted());
        assertEquals(2, lo.delivered());
        assertEquals(0, lo.dropped());
    }

    @Test
    void dropsWhenFullOrTooBig() {
        LoopbackLink lo = new LoopbackLink(1000, 2100);
        assertFalse(send(lo, frame(1001, 0)));
        assertTrue(send(lo, frame(1000, 1)));
        assertTrue(send(lo, frame(1000, 2)));
        assertFalse(send(lo, frame(100, 3)), "2 x 1004 bytes used, 92 left");
        assertTrue(send(lo, frame(88, 4)));
        assertFalse(send(lo, frame(1, 5)));
        assertEquals(3, lo.dropped());
        assertEquals(3, lo.transmitted());
        lo.attach((now, src, off, len) -> {});
        assertEquals(3, lo.poll(0));
        assertTrue(send(lo, frame(1000, 6)));
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(IllegalArgumentException.class, () -> new LoopbackLink(1500, 1000));
        assertThrows(IllegalArgumentException.class, () -> new LoopbackLink(20, 64 * 1024));
    }

    @Test
    void framesSentDuringDeliveryWaitForTheNextPoll() {
        LoopbackLink lo = new LoopbackLink();
        int[] calls = {0};
        lo.attach((now, src, off, len) -> {
            calls[0]++;
            // Answer every packet with another one, forever.
            lo.transmit(now, src, off, len);
        });
        send(lo, frame(60, 0));
        send(lo, frame(60, 1));
        assertEquals(2, lo.poll(0));
        assertEquals(2, calls[0]);
        assertTrue(lo.pending());
        assertEquals(2, lo.poll(1));
        assertEquals(4, lo.delivered());
    }

    @Test
    void ringWrapsCorrectlyUnderRandomTraffic() {
        LoopbackLink lo = new LoopbackLink(1500, 5000);
        ArrayDeque<byte[]> expected = new ArrayDeque<>();
        List<byte[]> got = new ArrayList<>();
        lo.attach((now, src, off, len) -> got.add(src.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE)));
        SplittableRandom r = new SplittableRandom(7);
        long accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            if (r.nextInt(3) == 0) {
                lo.poll(i);
                for (byte[] g : got) assertArrayEquals(expected.removeFirst(), g);
                got.clear();
                assertTrue(expected.isEmpty());
            } else {
                byte[] f = frame(r.nextInt(1501), i);
                if (send(lo, f)) {
                    expected.addLast(f);
                    accepted++;
                }
            }
        }
        assertEquals(accepted, lo.transmitted());
        assertTrue(lo.dropped() > 0, "the ring should sometimes fill");
    }

    @Test
    void steadyStateAllocatesNothing() {
        LoopbackLink lo = new LoopbackLink();
        long[] sum = {0};
        lo.attach((now, src, off, len) -> sum[0] += src.get(ValueLayout.JAVA_BYTE, off));
        MemorySegment f = MemorySegment.ofArray(frame(600, 3));
        for (int i = 0; i < 20_000; i++) {
            lo.transmit(i, f, 0, 600);
            lo.transmit(i, f, 0, 600);
            lo.poll(i);
        }
        long before = SteadyState.allocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            lo.transmit(i, f, 0, 600);
            lo.transmit(i, f, 0, 600);
            lo.poll(i);
        }
        long allocated = SteadyState.allocatedBytes() - before;
        assertTrue(allocated < 100_000, "allocated " + allocated + " bytes over 200,000 packets");
        assertEquals(240_000, lo.delivered());
    }
}
