package net.sloop.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit ones' complement of the ones' complement sum of
 * the data taken as big-endian 16-bit words. Sums are carried in a {@code long} accumulator that
 * is folded to 16 bits at the end, so chunks may be added in any order.
 *
 * <p>Chunked sums: {@link #add} treats its first byte as the high byte of a word. When a chunk
 * starts at an <em>odd</em> offset of the logical message, its bytes are in the other half of
 * each word, so add {@code swap(fold(chunkSum))} for that chunk instead of its raw sum (RFC 1071
 * §2(B), byte order independence). A chunk with an odd length therefore makes the next chunk
 * start at an odd offset.
 *
 * <p>Incremental update follows RFC 1624 eqn. 3: {@code HC' = ~(~HC + ~m + m')}. Like every
 * ones' complement update it can differ from a full recomputation only in the sign of zero
 * (0x0000 vs 0xFFFF), which happens only when every other covered word is zero.
 */
public final class Checksum {
    private Checksum() {}

    /** Lengths from which {@link #add} takes its unrolled native-order loop. */
    static final int BULK = 32;
    private static final ValueLayout.OfLong NATIVE64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    /**
     * Adds {@code len} bytes at {@code off} as big-endian 16-bit words to {@code acc}; an odd
     * final byte is padded with zero on the right. Reads 8 bytes at a time; no allocation.
     */
    public static long add(long acc, MemorySegment seg, long off, int len) {
        long p = off;
        long end = off + len;
        if (len >= BULK) {
            // The hot path (every data segment is summed once sent and once received): 16 bytes per
            // step in the machine's byte order into two independent accumulators, no byte swaps in
            // the loop. The ones' complement sum of byte-swapped words is the byte-swapped sum
            // (RFC 1071 §2(B)), so one swap of the folded result puts it back in network order.
            // Each step adds less than 2^34, so the sums cannot overflow for any int length.
            int n = len & ~15;
            int folded = fold(seg.isNative() ? sum16Native(seg, off, n) : sum16Heap(seg, off, n));
            p += n;
            acc += LITTLE_ENDIAN ? swap(folded) : folded;
        }
        while (end - p >= 8) {
            long w = Bytes.u64(seg, p);
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
            p += 8;
        }
        if (end - p >= 4) {
            acc += Bytes.u32(seg, p);
            p += 4;
        }
        if (end - p >= 2) {
            acc += Bytes.u16(seg, p);
            p += 2;
        }
        if (p < end) {
            acc += Bytes.u8(seg, p) << 8;
        }
        return acc;
    }

    /**
     * Sum of the 32-bit halves of {@code n} (a multiple of 16) bytes read in native order; kept
     * small so that it inlines well. Two copies, one per kind of segment: the stack sums both
     * native (the arena) and heap segments (header scratch, a loopback ring), and one loop seeing
     * both kinds has its accesses compiled without their bounds checks hoisted (JFR showed the
     * time in {@code checkBounds} and {@code isAlignedForElement}, at a fifth of the speed).
     */
    private static long sum16Native(MemorySegment seg, long off, int n) {
        long s0 = 0, s1 = 0;
        for (int i = 0; i < n; i += 16) {
            long w0 = seg.get(NATIVE64, off + i);
            long w1 = seg.get(NATIVE64, off + i + 8);
            s0 += (w0 >>> 32) + (w0 & 0xFFFF_FFFFL);
            s1 += (w1 >>> 32) + (w1 & 0xFFFF_FFFFL);
        }
        return s0 + s1;
    }

    /** {@link #sum16Native}'s twin for heap segments (same body, its own type profile). */
    private static long sum16Heap(MemorySegment seg, long off, int n) {
        long s0 = 0, s1 = 0;
        for (int i = 0; i < n; i += 16) {
            long w0 = seg.get(NATIVE64, off + i);
            long w1 = seg.get(NATIVE64, off + i + 8);
            s0 += (w0 >>> 32) + (w0 & 0xFFFF_FFFFL);
            s1 += (w1 >>> 32) + (w1 & 0xFFFF_FFFFL);
        }
        return s0 + s1;
    }

    /** Folds an accumulator to 16 bits with end-around carry (not complemented). */
    public static int fold(long acc) {
        long s = acc;
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    /** The checksum field value: {@code ~fold(acc) & 0xFFFF}. */
    public static int finish(long acc) {
        return ~fold(acc) & 0xFFFF;
    }

    /** Swaps the two bytes of a folded 16-bit sum (for chunks at odd offsets, see class doc). */
    public static int swap(int folded16) {
        return ((folded16 & 0xFF) << 8) | ((folded16 >>> 8) & 0xFF);
    }

    /**
     * Accumulator of the IPv4 pseudo-header (RFC 9293 §3.1, RFC 768): source, destination, zero +
     * protocol, and the transport length in bytes (header plus payload).
     */
    public static long pseudoHeaderV4(int src, int dst, int protocol, int length) {
        return (long) (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF)
                + (protocol & 0xFF) + (length & 0xFFFF);
    }

    /** RFC 1624 eqn. 3 update of a checksum field when one 16-bit word changes. */
    public static int update16(int oldChecksum, int oldWord, int newWord) {
        long s = (~oldChecksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }

    /** RFC 1624 eqn. 3 update when one aligned 32-bit value (e.g. an address) changes. */
    public static int update32(int oldChecksum, int oldValue, int newValue) {
        long s = (~oldChecksum & 0xFFFF)
                + (~(oldValue >>> 16) & 0xFFFF) + (~oldValue & 0xFFFF)
                + (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(s) & 0xFFFF;
    }
}
