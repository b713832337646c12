package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.api.Test;

class IsnGeneratorTest {
    /** Key 00 01 .. 0f, read little-endian as SipHash does. */
    static final long K0 = 0x0706050403020100L;
    static final long K1 = 0x0f0e0d0c0b0a0908L;

    /**
     * The 64 SipHash-2-4 test vectors of the reference implementation (vectors.h in the SipHash
     * repository; appendix A of the paper gives the 15-byte one): key 00..0f, message 00 01 .. (n-1)
     * for n = 0..63, each output read as a little-endian 64-bit word.
     */
    static final long[] VECTORS = {
        0x726fdb47dd0e0e31L, 0x74f839c593dc67fdL, 0x0d6c8009d9a94f5aL, 0x85676696d7fb7e2dL,
        0xcf2794e0277187b7L, 0x18765564cd99a68dL, 0xcbc9466e58fee3ceL, 0xab0200f58b01d137L,
        0x93f5f5799a932462L, 0x9e0082df0ba9e4b0L, 0x7a5dbbc594ddb9f3L, 0xf4b32f46226bada7L,
        0x751e8fbc860ee5fbL, 0x14ea5627c0843d90L, 0xf723ca908e7af2eeL, 0xa129ca6149be45e5L,
        0x3f2acc7f57c29bdbL, 0x699ae9f52cbe4794L, 0x4bc1b3f0968dd39cL, 0xbb6dc91da77961bdL,
        0xbed65cf21aa2ee98L, 0xd0f2cbb02e3b67c7L, 0x93536795e3a33e88L, 0xa80c038ccd5ccec8L,
        0xb8ad50c6f649af94L, 0xbce192de8a85b8eaL, 0x17d835b85bbb15f3L, 0x2f2e6163076bcfadL,
        0xde4daaaca71dc9a5L, 0xa6a2506687956571L, 0xad87a3535c49ef28L, 0x32d892fad841c342L,
        0x7127512f72f27cceL, 0xa7f32346f95978e3L, 0x12e0b01abb051238L, 0x15e034d40fa197aeL,
        0x314dffbe0815a3b4L, 0x027990f029623981L, 0xcadcd4e59ef40c4dL, 0x9abfd8766a33735cL,
        0x0e3ea96b5304a7d0L, 0xad0c42d6fc585992L, 0x187306c89bc215a9L, 0xd4a60abcf3792b95L,
        0xf935451de4f21df2L, 0xa9538f0419755787L, 0xdb9acddff56ca510L, 0xd06c98cd5c0975ebL,
        0xe612a3cb9ecba951L, 0xc766e62cfcadaf96L, 0xee64435a9752fe72L, 0xa192d576b245165aL,
        0x0a8787bf8ecb74b2L, 0x81b3e73d20b49b6fL, 0x7fa8220ba3b2eceaL, 0x245731c13ca42499L,
        0xb78dbfaf3a8d83bdL, 0xea1ad565322a1a0bL, 0x60e61c23a3795013L, 0x6606d7e446282b93L,
        0x6ca4ecb15c5f91e1L, 0x9f626da15c9625f3L, 0xe51b38608ef25f57L, 0x958a324ceb064572L,
    };

    static byte[] counting(int n) {
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) m[i] = (byte) i;
        return m;
    }

    @Test
    void referenceVectorsAllLengths() {
        for (int n = 0; n < 64; n++) {
            assertEquals(VECTORS[n], SipHashReference.sipHash24(K0, K1, counting(n), 0, n), "length " + n);
        }
    }

    @Test
    void paperAppendixVector() {
        // SipHash paper, appendix A: 15-byte message 00..0e gives a129ca6149be45e5.
        assertEquals(0xa129ca6149be45e5L, SipHashReference.sipHash24(K0, K1, counting(15), 0, 15));
        // Same bytes at an offset inside a larger array.
        byte[] padded = new byte[20];
        System.arraycopy(counting(15), 0, padded, 3, 15);
        assertEquals(0xa129ca6149be45e5L, SipHashReference.sipHash24(K0, K1, padded, 3, 15));
    }

    @Test
    void wordFormsMatchTheByteFormOnTheReferenceKey() {
        // 12 bytes 00..0b as three big-endian words.
        assertEquals(VECTORS[12], IsnGenerator.sipHash24(K0, K1, 0x00010203, 0x04050607, 0x08090a0b));
        assertEquals(VECTORS[20], IsnGenerator.sipHash24(K0, K1, 0x00010203, 0x04050607, 0x08090a0b, 0x0c0d0e0f, 0x10111213));
    }

    @Test
    void wordFormsMatchTheByteFormOnRandomInput() {
        Random r = new Random(6528);
        for (int i = 0; i < 2000; i++) {
            long k0 = r.nextLong(), k1 = r.nextLong();
            int a = r.nextInt(), b = r.nextInt(), c = r.nextInt(), d = r.nextInt(), e = r.nextInt();
            byte[] m12 = ByteBuffer.allocate(12).putInt(a).putInt(b).putInt(c).array();
            assertEquals(SipHashReference.sipHash24(k0, k1, m12, 0, 12), IsnGenerator.sipHash24(k0, k1, a, b, c));
            byte[] m20 = ByteBuffer.allocate(20).putInt(a).putInt(b).putInt(c).putInt(d).putInt(e).array();
            assertEquals(SipHashReference.sipHash24(k0, k1, m20, 0, 20), IsnGenerator.sipHash24(k0, k1, a, b, c, d, e));
            // The 4-tuple: laddr(4) lport(2) raddr(4) rport(2) in network order.
            int lport = r.nextInt(65536), rport = r.nextInt(65536);
            byte[] t = ByteBuffer.allocate(12).putInt(a).putShort((short) lport).putInt(c).putShort((short) rport).array();
            assertEquals(SipHashReference.sipHash24(k0, k1, t, 0, 12), IsnGenerator.tuple(k0, k1, a, lport, c, rport));
            // Only the low 16 bits of a port count.
            assertEquals(IsnGenerator.tuple(k0, k1, a, lport, c, rport), IsnGenerator.tuple(k0, k1, a, lport | 0x50000, c, rport | ~0xFFFF));
        }
    }

    @Test
    void isnIsTheFourMicrosecondClockPlusTheKeyedHash() {
        IsnGenerator g = new IsnGenerator(K0, K1);
        int laddr = 0xC6120001, raddr = 0xC6120002;
        int f = (int) IsnGenerator.tuple(K0, K1, laddr, 80, raddr, 40000);
        assertEquals(f, g.isn(0, laddr, 80, raddr, 40000));
        assertEquals(f, g.isn(3_999, laddr, 80, raddr, 40000), "M ticks every 4 us");
        assertEquals(f + 1, g.isn(4_000, laddr, 80, raddr, 40000));
        assertEquals(f + 250_000, g.isn(1_000_000_000L, laddr, 80, raddr, 40000), "250,000 ticks a second");
        assertEquals(f - 1, g.isn(-1, laddr, 80, raddr, 40000), "monotone across zero");
        // M wraps modulo 2^32 after 4.77 hours; the ISN just keeps counting.
        long wrap = (1L << 32) * IsnGenerator.TICK_NANOS;
        assertEquals(f, g.isn(wrap, laddr, 80, raddr, 40000));
        assertEquals(f - 1, g.isn(wrap - 4_000, laddr, 80, raddr, 40000));
        // Another tuple, another key: another offset.
        assertNotEquals(f, g.isn(0, laddr, 80, raddr, 40001));
        assertNotEquals(f, new IsnGenerator(K0 + 1, K1).isn(0, laddr, 80, raddr, 40000));
    }

    @Test
    void isnsOfNeighbouringPortsLookUnrelated() {
        IsnGenerator g = new IsnGenerator(0x1234_5678_9abc_def0L, 0x0fed_cba9_8765_4321L);
        Set<Integer> seen = new HashSet<>();
        long sumBits = 0;
        for (int port = 1024; port < 1024 + 4096; port++) {
            int isn = g.isn(0, 0x0A000001, 443, 0x0A000002, port);
            seen.add(isn);
            sumBits += Integer.bitCount(isn ^ g.isn(0, 0x0A000001, 443, 0x0A000002, port + 1));
        }
        assertEquals(4096, seen.size());
        double meanFlips = sumBits / 4096.0;
        assertTrue(meanFlips > 15 && meanFlips < 17, "about half the bits differ between neighbours: " + meanFlips);
    }

    @Test
    void hashIsTheOtherHalfOfTheSameFunction() {
        IsnGenerator g = new IsnGenerator(K0, K1);
        long f = IsnGenerator.tuple(K0, K1, 1, 2, 3, 4);
        assertEquals((int) (f >>> 32), g.hash(1, 2, 3, 4));
        assertEquals(g.hash(1, 2, 3, 4), IsnGenerator.hash(K0, K1, 1, 2, 3, 4));
        assertEquals((int) f, g.isn(0, 1, 2, 3, 4));
        // Buckets chosen by the low bits of the hash spread evenly over 64 buckets.
        int[] counts = new int[64];
        for (int port = 0; port < 64 * 200; port++) counts[g.hash(0x0A000001, 80, 0x0A000002, port) & 63]++;
        for (int c : counts) assertTrue(c > 120 && c < 280, "bucket count " + c);
    }

    @Test
    void hashingAllocatesNothing() {
        IsnGenerator g = new IsnGenerator(K0, K1);
        byte[] msg = counting(64);
        long sink = 0;
        for (int i = 0; i < 200_000; i++) sink += g.isn(i, i, 80, ~i, 443) + g.hash(i, 1, 2, 3) + SipHashReference.sipHash24(K0, K1, msg, 0, i & 63);
        long before = SteadyState.allocatedBytes();
        for (int i = 0; i < 200_000; i++) sink += g.isn(i, i, 80, ~i, 443) + g.hash(i, 1, 2, 3) + SipHashReference.sipHash24(K0, K1, msg, 0, i & 63);
        long allocated = SteadyState.allocatedBytes() - before;
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes over 600,000 hashes (" + sink + ")");
    }
}
