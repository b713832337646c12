package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ChecksumTest {
    @Test
    void rfc1071Example() {
        // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
        var seg = Hex.seg("0001f203f4f5f6f7");
        assertEquals(0xDDF2, Checksum.fold(Checksum.add(0, seg, 0, 8)));
        assertEquals(0x220D, Checksum.finish(Checksum.add(0, seg, 0, 8)));
    }

    @Test
    void oddLengthPadsRight() {
        assertEquals(0xAB00, Checksum.fold(Checksum.add(0, Hex.seg("ab"), 0, 1)));
        assertEquals(0x0102 + 0x0300, Checksum.fold(Checksum.add(0, Hex.seg("010203"), 0, 3)));
    }

    @Test
    void swapAndFold() {
        assertEquals(0x3412, Checksum.swap(0x1234));
        assertEquals(0x0001, Checksum.fold(0x1_0000L));
        assertEquals(0xFFFF, Checksum.fold(0xFFFFL));
        assertEquals(0, Checksum.finish(0xFFFFL));
    }

    @Test
    void rfc1624Example() {
        // RFC 1624 §4: HC 0xDD2F, m 0x5555 -> m' 0x3285 gives HC' 0x0000.
        assertEquals(0x0000, Checksum.update16(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void pseudoHeader() {
        int src = Ipv4Address.parse("198.18.0.1");
        int dst = Ipv4Address.parse("198.18.0.2");
        long acc = Checksum.pseudoHeaderV4(src, dst, 6, 40);
        assertEquals(0xC612 + 0x0001 + 0xC612 + 0x0002 + 6 + 40, acc);
    }

    /** The unrolled native-order path on large off-heap buffers, at every alignment, equals the word-by-word reference. */
    @Test
    void largeBuffersAtAnyOffsetMatchReference() {
        java.util.Random r = new java.util.Random(7);
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var seg = arena.allocate(70_000);
            byte[] b = new byte[70_000];
            for (int fill = 0; fill < 3; fill++) {
                if (fill == 0) r.nextBytes(b);
                else java.util.Arrays.fill(b, (byte) (fill == 1 ? 0xFF : 0)); // largest words; all zero
                java.lang.foreign.MemorySegment.copy(b, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
                for (int off = 0; off < 9; off++) {
                    for (int len : new int[] {31, 32, 33, 47, 1460, 1461, 8960, 65495, 69_990}) {
                        int ref = ChecksumProperties.referenceSum(b, off, off + len);
                        assertEquals(ref, Checksum.fold(Checksum.add(0, seg, off, len)), "fill " + fill + " off " + off + " len " + len);
                    }
                }
            }
        }
    }
}
