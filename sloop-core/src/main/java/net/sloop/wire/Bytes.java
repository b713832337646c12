package net.sloop.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Big-endian (network order) unsigned accessors over a {@link MemorySegment}, heap or native.
 * Offsets are absolute byte offsets into the segment. Reads return unsigned values widened to
 * {@code int} ({@code u8}, {@code u16}) or {@code long} ({@code u32}); writes take the low bits.
 */
final class Bytes {
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Bytes() {}

    static int u8(MemorySegment seg, long off) {
        return seg.get(U8, off) & 0xFF;
    }

    static int u16(MemorySegment seg, long off) {
        return seg.get(BE16, off) & 0xFFFF;
    }

    static long u32(MemorySegment seg, long off) {
        return seg.get(BE32, off) & 0xFFFF_FFFFL;
    }

    /** The 32 bits as a Java int (for addresses and sequence numbers kept as int). */
    static int i32(MemorySegment seg, long off) {
        return seg.get(BE32, off);
    }

    static long u64(MemorySegment seg, long off) {
        return seg.get(BE64, off);
    }

    static void put8(MemorySegment seg, long off, int v) {
        seg.set(U8, off, (byte) v);
    }

    static void put16(MemorySegment seg, long off, int v) {
        seg.set(BE16, off, (short) v);
    }

    static void put32(MemorySegment seg, long off, long v) {
        seg.set(BE32, off, (int) v);
    }

    /** True when [off, off+len) lies inside the segment (and neither is negative). */
    static boolean inBounds(MemorySegment seg, long off, int len) {
        return seg != null && off >= 0 && len >= 0 && off + len <= seg.byteSize();
    }

    /** Representation constructors' argument check (not used on untrusted bytes). */
    static void checkRange(String name, int v, int max) {
        if (v < 0 || v > max) {
            throw new IllegalArgumentException(name + " out of range 0.." + max + ": " + v);
        }
    }
}
