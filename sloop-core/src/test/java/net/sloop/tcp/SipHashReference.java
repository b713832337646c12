package net.sloop.tcp;

/**
 * SipHash-2-4 over bytes, written straight from the paper: the reference the test vectors check
 * and that {@link IsnGenerator}'s word forms (the ones the stack uses) are compared with.
 */
final class SipHashReference {
    private static final long C0 = 0x736f6d6570736575L; // "somepseu"
    private static final long C1 = 0x646f72616e646f6dL; // "dorandom"
    private static final long C2 = 0x6c7967656e657261L; // "lygenera"
    private static final long C3 = 0x7465646279746573L; // "tedbytes"

    private SipHashReference() {}

    /**
     * SipHash-2-4 of {@code len} bytes of {@code msg} from {@code off}, as specified by the SipHash
     * paper: the 16-byte key is {@code k0} (bytes 0-7) and {@code k1} (bytes 8-15), little-endian;
     * the result is the 64-bit output read little-endian. Allocation-free.
     */
    static long sipHash24(long k0, long k1, byte[] msg, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, msg.length);
        long v0 = k0 ^ C0, v1 = k1 ^ C1, v2 = k0 ^ C2, v3 = k1 ^ C3;
        int end = off + (len & ~7);
        for (int i = off; i <= end; i += 8) {
            long m;
            if (i < end) {
                m = le(msg, i, 8);
            } else {
                m = le(msg, end, len & 7) | ((long) len << 56);
            }
            v3 ^= m;
            for (int r = 0; r < 2; r++) {
                v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
                v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
                v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
                v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            }
            v0 ^= m;
        }
        v2 ^= 0xFF;
        for (int r = 0; r < 4; r++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return v0 ^ v1 ^ v2 ^ v3;
    }

    private static long le(byte[] b, int at, int n) {
        long v = 0;
        for (int k = n - 1; k >= 0; k--) v = (v << 8) | (b[at + k] & 0xFF);
        return v;
    }
}
