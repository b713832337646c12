package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ChecksumProperties {

    /** Straightforward RFC 1071 reference: 16-bit words one at a time. */
    static int referenceSum(byte[] b, int from, int to) {
        long s = 0;
        for (int i = from; i < to; i += 2) {
            int hi = b[i] & 0xFF;
            int lo = i + 1 < to ? b[i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }

    @Provide
    Arbitrary<byte[]> data() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(300);
    }

    @Property
    void addMatchesReferenceAtAnyOffset(@ForAll("data") byte[] b, @ForAll @IntRange(max = 7) int shift) {
        byte[] padded = new byte[b.length + shift];
        System.arraycopy(b, 0, padded, shift, b.length);
        int fast = Checksum.fold(Checksum.add(0, MemorySegment.ofArray(padded), shift, b.length));
        int ref = referenceSum(b, 0, b.length);
        // 0 and 0xFFFF are the two zeros of ones' complement; fold yields 0 only for all-zero data.
        assertEquals(ref, fast);
    }

    @Property
    void chunkedWithOddSplitsEqualsOneShot(@ForAll("data") byte[] b,
                                           @ForAll @Size(max = 6) java.util.List<@IntRange(max = 300) Integer> cuts) {
        MemorySegment seg = MemorySegment.ofArray(b);
        int[] points = cuts.stream().mapToInt(c -> Math.min(c, b.length)).sorted().toArray();
        long acc = 0;
        int start = 0;
        for (int i = 0; i <= points.length; i++) {
            int end = i < points.length ? points[i] : b.length;
            int chunk = Checksum.fold(Checksum.add(0, seg, start, end - start));
            acc += (start & 1) == 0 ? chunk : Checksum.swap(chunk);
            start = end;
        }
        assertEquals(Checksum.finish(Checksum.add(0, seg, 0, b.length)), Checksum.finish(acc));
    }

    /** Update of one word: equal to recomputation (up to the sign of zero, see Checksum doc). */
    @Property
    void update16EqualsRecompute(@ForAll @Size(min = 2, max = 40) byte[] b0,
                                 @ForAll @IntRange(max = 19) int wordIndex,
                                 @ForAll @IntRange(max = 0xFFFF) int newWord) {
        byte[] b = b0.length % 2 == 0 ? b0 : java.util.Arrays.copyOf(b0, b0.length + 1);
        int w = (wordIndex % (b.length / 2)) * 2;
        MemorySegment seg = MemorySegment.ofArray(b);
        int before = Checksum.finish(Checksum.add(0, seg, 0, b.length));
        int oldWord = Bytes.u16(seg, w);
        Bytes.put16(seg, w, newWord);
        int full = Checksum.finish(Checksum.add(0, seg, 0, b.length));
        int inc = Checksum.update16(before, oldWord, newWord);
        assertEquals(normalize(full), normalize(inc));
        if (!allZero(b)) {
            assertEquals(full, inc);
        }
    }

    @Property
    void update32EqualsRecompute(@ForAll @Size(min = 4, max = 40) byte[] b0,
                                 @ForAll @IntRange(max = 9) int index, @ForAll int newValue) {
        byte[] b = java.util.Arrays.copyOf(b0, (b0.length + 3) & ~3);
        int w = (index % (b.length / 4)) * 4;
        MemorySegment seg = MemorySegment.ofArray(b);
        int before = Checksum.finish(Checksum.add(0, seg, 0, b.length));
        int oldValue = Bytes.i32(seg, w);
        Bytes.put32(seg, w, newValue);
        int full = Checksum.finish(Checksum.add(0, seg, 0, b.length));
        int inc = Checksum.update32(before, oldValue, newValue);
        assertEquals(normalize(full), normalize(inc));
        if (!allZero(b)) {
            assertEquals(full, inc);
        }
    }

    /** Incremental update of an IPv4 header (TTL decrement) still verifies. */
    @Property
    void ipv4TtlDecrementKeepsChecksumValid(@ForAll @IntRange(min = 1, max = 255) int ttl, @ForAll int src, @ForAll int dst) {
        MemorySegment seg = MemorySegment.ofArray(new byte[20]);
        Ipv4View v = new Ipv4View().wrap(seg, 0, 20);
        new Ipv4Repr(src, dst, 6, ttl, 7, true, false, 0, 0).emit(v);
        int oldWord = Bytes.u16(seg, 8);
        v.setTtl(ttl - 1);
        v.setHeaderChecksum(Checksum.update16(v.headerChecksum(), oldWord, Bytes.u16(seg, 8)));
        assertEquals(WireError.NONE, v.check());
    }

    private static int normalize(int c) {
        return c == 0xFFFF ? 0 : c;
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
