package net.sloop.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import net.sloop.testing.LeakCheck;
import org.junit.jupiter.api.Test;

class ChainsTest {
    static final int BS = 256;
    final Budget m = LeakCheck.track(new Budget(64L * BS, BS, 2));
    final Owner o = new Owner("test");

    /** Bytes 0, 1, 2, ... (mod 251, so block boundaries never line up with the pattern). */
    static byte[] pattern(int n, int start) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) a[i] = (byte) ((start + i) % 251);
        return a;
    }

    int in(byte[] data, int headroom) {
        return Chains.copyIn(m, MemorySegment.ofArray(data), 0, data.length, headroom, Category.TX, o);
    }

    byte[] out(int head) {
        byte[] a = new byte[Chains.length(m, head)];
        Chains.copyOut(m, head, 0, MemorySegment.ofArray(a), 0, a.length);
        return a;
    }

    /** A chain of {@code n} blocks holding one byte each, built by hand, data at offset {@code off}. */
    int oneByteBlocks(int n, int off, int start) {
        int head = -1, tail = -1;
        for (int i = 0; i < n; i++) {
            int b = m.alloc(Category.RX, o);
            m.window(b, off, 1);
            m.memory().set(java.lang.foreign.ValueLayout.JAVA_BYTE, m.address(b), (byte) ((start + i) % 251));
            if (tail < 0) head = b;
            else m.next(tail, b);
            tail = b;
        }
        return head;
    }

    @Test
    void copyInAndOutRoundTrip() {
        for (int n : new int[] {0, 1, 100, BS - 54, BS - 53, BS, BS + 1, 10 * BS + 7}) {
            byte[] data = pattern(n, 3);
            int h = in(data, 54);
            assertArrayEquals(data, out(h), "length " + n);
            assertEquals(n, Chains.length(m, h));
            assertEquals(Chains.blocksFor(m, n, 54), Chains.blocks(m, h), "length " + n);
            assertEquals(54, m.off(h));
            Chains.free(m, h);
        }
        assertEquals(0, m.used());
    }

    @Test
    void copyOutFromTheMiddle() {
        byte[] data = pattern(3 * BS, 0);
        int h = in(data, 10);
        byte[] mid = new byte[300];
        Chains.copyOut(m, h, BS - 10, MemorySegment.ofArray(mid), 0, mid.length);
        assertArrayEquals(pattern(300, BS - 10), mid);
        Chains.free(m, h);
    }

    @Test
    void copyInIsAllOrNothing() {
        int hog = m.allocRun(60, Category.TX, new Owner("hog")); // 4 left, 2 of them the reserve
        long fails = m.failures();
        assertEquals(-1, in(pattern(3 * BS, 0), 0), "needs 3 blocks, only 2 outside the reserve");
        assertEquals(fails + 1, m.failures());
        assertEquals(0, o.used(), "nothing left allocated");
        assertEquals(4 * BS, m.free());
        int h = in(pattern(2 * BS, 0), 0);
        assertEquals(2, Chains.blocks(m, h));
        Chains.free(m, h);
        for (int i = hog; i < hog + 60; i++) m.free(i);
    }

    @Test
    void trimFront() {
        byte[] data = pattern(3 * BS, 0);
        int h = in(data, 0);
        h = Chains.trimFront(m, h, 10);
        assertArrayEquals(pattern(3 * BS - 10, 10), out(h));
        h = Chains.trimFront(m, h, BS - 10); // exactly the first block
        assertEquals(2, Chains.blocks(m, h));
        assertEquals(2 * BS, o.used());
        assertArrayEquals(pattern(2 * BS, BS), out(h));
        h = Chains.trimFront(m, h, 0);
        assertEquals(2 * BS, Chains.length(m, h));
        assertEquals(-1, Chains.trimFront(m, h, 2 * BS));
        assertEquals(0, o.used());
    }

    @Test
    void truncate() {
        int[] lengths = {0, 1, BS - 1, BS, BS + 1, 2 * BS, 3 * BS - 1, 3 * BS, 3 * BS + 5};
        for (int len : lengths) {
            int h = in(pattern(3 * BS, 0), 0);
            Chains.truncate(m, h, len);
            int kept = Math.min(len, 3 * BS);
            assertArrayEquals(pattern(kept, 0), out(h), "truncate to " + len);
            int blocks = Math.max(1, (kept + BS - 1) / BS);
            assertEquals(blocks, Chains.blocks(m, h), "truncate to " + len);
            assertEquals((long) blocks * BS, o.used(), "freed blocks return: " + len);
            Chains.free(m, h);
        }
    }

    @Test
    void truncateWithHeadroom() {
        int h = in(pattern(BS, 0), 100); // 156 + 100
        Chains.truncate(m, h, BS - 100);
        assertEquals(1, Chains.blocks(m, h), "a block boundary inside the data");
        assertArrayEquals(pattern(BS - 100, 0), out(h));
        Chains.free(m, h);
    }

    @Test
    void append() {
        int a = in(pattern(300, 0), 20);
        int b = in(pattern(200, 300), 0);
        assertEquals(b, Chains.append(m, -1, b));
        int h = Chains.append(m, a, b);
        assertEquals(a, h);
        assertArrayEquals(pattern(500, 0), out(h));
        assertEquals(3, Chains.blocks(m, h));
        Chains.free(m, h);
    }

    @Test
    void pullUpAcrossBlocks() {
        int h = in(pattern(3 * BS, 0), 0);
        int h2 = Chains.trimFront(m, h, BS - 20); // head holds 20 bytes, at the end of its block
        assertEquals(BS - 20, m.off(h2));
        assertTrue(Chains.pullUp(m, h2, 60));
        assertTrue(m.len(h2) >= 60);
        assertTrue(m.off(h2) + m.len(h2) <= BS);
        assertArrayEquals(pattern(2 * BS + 20, BS - 20), out(h2));
        assertFalse(Chains.pullUp(m, h2, BS + 1), "more than a block");
        int shortChain = oneByteBlocks(2, 0, 0);
        assertFalse(Chains.pullUp(m, shortChain, 3), "longer than the chain");
        assertArrayEquals(pattern(2, 0), out(shortChain), "left as it was");
        Chains.free(m, shortChain);
        assertTrue(Chains.pullUp(m, h2, BS));
        assertEquals(BS, m.len(h2));
        assertArrayEquals(pattern(2 * BS + 20, BS - 20), out(h2));
        Chains.free(m, h2);
    }

    @Test
    void pullUpOfOneByteBlocks() {
        int h = oneByteBlocks(40, BS - 1, 7); // each byte at the very end of its block
        assertTrue(Chains.pullUp(m, h, 40));
        assertEquals(40, m.len(h));
        assertEquals(1, Chains.blocks(m, h), "emptied blocks are freed");
        assertEquals(BS, o.used());
        assertArrayEquals(pattern(40, 7), out(h));
        Chains.free(m, h);
    }

    @Test
    void pullUpWithEmptyBlocksInTheWay() {
        int h = oneByteBlocks(5, 0, 0);
        int empty = m.alloc(Category.RX, o);
        m.window(empty, 0, 0);
        m.next(empty, m.next(h));
        m.next(h, empty);
        assertTrue(Chains.pullUp(m, h, 5));
        assertArrayEquals(pattern(5, 0), out(h));
        assertEquals(1, Chains.blocks(m, h));
        Chains.free(m, h);
    }
}
