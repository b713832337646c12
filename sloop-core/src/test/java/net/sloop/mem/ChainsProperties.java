package net.sloop.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.sloop.testing.LeakCheck;

/** Every try runs on its own budget and must leave it at its baseline (checked by {@link LeakCheck.PerTry}). */
@AddLifecycleHook(LeakCheck.PerTry.class)
class ChainsProperties {
    static final int BS = 256;

    final Owner o = new Owner("prop");

    static Budget budget() {
        return LeakCheck.track(new Budget(128L * BS, BS, 4));
    }

    static byte[] data(int n, int seed) {
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) a[i] = (byte) (seed + i * 31 + (i >> 8));
        return a;
    }

    int in(Budget m, byte[] d, int headroom) {
        return Chains.copyIn(m, MemorySegment.ofArray(d), 0, d.length, headroom, Category.TX, o);
    }

    static byte[] out(Budget m, int head) {
        byte[] a = new byte[Chains.length(m, head)];
        Chains.copyOut(m, head, 0, MemorySegment.ofArray(a), 0, a.length);
        return a;
    }

    @Property
    void copyRoundTrips(@ForAll @IntRange(max = 20 * BS) int n, @ForAll @IntRange(max = BS) int headroom, @ForAll int seed) {
        Budget m = budget();
        byte[] d = data(n, seed);
        int h = in(m, d, headroom);
        assertArrayEquals(d, out(m, h));
        assertEquals(n, Chains.length(m, h));
        assertEquals(Chains.blocksFor(m, n, headroom), Chains.blocks(m, h));
        assertEquals((long) Chains.blocks(m, h) * BS, o.used());
        Chains.free(m, h);
    }

    @Property
    void copyInIsAllOrNothing(@ForAll @IntRange(min = 1, max = 40 * BS) int n, @ForAll @IntRange(max = 124) int hogBlocks) {
        Budget m = budget();
        Owner hog = new Owner("hog");
        int run = hogBlocks == 0 ? -1 : m.allocRun(hogBlocks, Category.SOCKET_SEND, hog);
        long free = m.free();
        int h = in(m, data(n, 1), 0);
        if (h < 0) {
            assertEquals(0, o.used());
            assertEquals(free, m.free());
            assertTrue(Chains.blocksFor(m, n, 0) > m.freeBlocks() - m.reserveBlocks());
        } else {
            assertEquals(n, Chains.length(m, h));
            Chains.free(m, h);
        }
        for (int i = 0; i < hogBlocks; i++) m.free(run + i);
    }

    @Property
    void trimFrontKeepsTheTail(@ForAll @IntRange(max = 8 * BS) int n, @ForAll @IntRange(max = BS) int headroom,
                               @ForAll @IntRange(max = 9 * BS) int cut) {
        Budget m = budget();
        byte[] d = data(n, 7);
        int h = Chains.trimFront(m, in(m, d, headroom), cut);
        byte[] rest = Arrays.copyOfRange(d, Math.min(cut, n), n);
        if (h < 0) assertEquals(0, rest.length);
        else assertArrayEquals(rest, out(m, h));
        assertEquals(h < 0 ? 0 : (long) Chains.blocks(m, h) * BS, o.used(), "emptied blocks are freed");
        Chains.free(m, h);
    }

    @Property
    void truncateKeepsTheFront(@ForAll @IntRange(max = 8 * BS) int n, @ForAll @IntRange(max = BS) int headroom,
                               @ForAll @IntRange(max = 9 * BS) int len) {
        Budget m = budget();
        byte[] d = data(n, 9);
        int h = in(m, d, headroom);
        Chains.truncate(m, h, len);
        assertArrayEquals(Arrays.copyOf(d, Math.min(len, n)), out(m, h));
        int want = Math.max(1, Chains.blocksFor(m, Math.min(len, n), headroom));
        assertTrue(Chains.blocks(m, h) <= want, "blocks past the new end are freed");
        Chains.free(m, h);
    }

    @Property
    void appendConcatenates(@ForAll @IntRange(max = 3 * BS) int a, @ForAll @IntRange(max = 3 * BS) int b,
                            @ForAll @IntRange(max = BS) int headroom) {
        Budget m = budget();
        byte[] da = data(a, 1), db = data(b, 2);
        int h = Chains.append(m, in(m, da, headroom), in(m, db, 0));
        byte[] both = Arrays.copyOf(da, a + b);
        System.arraycopy(db, 0, both, a, b);
        assertArrayEquals(both, out(m, h));
        Chains.free(m, h);
    }

    /** A chain built by hand from pieces: each piece is (window offset, length) of one block. */
    @Property
    void pullUpMakesThePrefixContiguous(@ForAll @Size(min = 1, max = 30) List<@IntRange(max = BS) Integer> lengths,
                                        @ForAll @Size(min = 30, max = 30) List<@IntRange(max = BS) Integer> offsets,
                                        @ForAll @IntRange(max = BS) int n) {
        Budget m = budget();
        int head = -1, tail = -1, total = 0;
        byte[] all = new byte[30 * BS];
        for (int i = 0; i < lengths.size(); i++) {
            int len = lengths.get(i), off = Math.min(offsets.get(i), BS - len);
            int b = m.alloc(Category.RX, o);
            m.window(b, off, len);
            for (int k = 0; k < len; k++) {
                byte v = (byte) (total + k + (total + k) / 251);
                all[total + k] = v;
                m.memory().set(ValueLayout.JAVA_BYTE, m.address(b) + k, v);
            }
            total += len;
            if (tail < 0) head = b;
            else m.next(tail, b);
            tail = b;
        }
        boolean ok = Chains.pullUp(m, head, n);
        assertEquals(n <= total, ok);
        if (ok) assertTrue(m.len(head) >= n && m.off(head) + m.len(head) <= BS);
        assertArrayEquals(Arrays.copyOf(all, total), out(m, head), "the data is unchanged");
        assertEquals((long) Chains.blocks(m, head) * BS, o.used());
        Chains.free(m, head);
    }
}
