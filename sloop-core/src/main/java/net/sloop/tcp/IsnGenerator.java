package net.sloop.tcp;

/**
 * Initial sequence numbers as RFC 6528 §3 specifies them: {@code ISN = M + F(localip, localport,
 * remoteip, remoteport, secretkey)}, where M is a timer ticking every 4 microseconds and F is a
 * keyed pseudorandom function. F here is SipHash-2-4 (Aumasson and Bernstein, 2012) keyed with a
 * 128-bit secret, over the 12 bytes of the connection's 4-tuple in network byte order:
 * local address, local port, remote address, remote port.
 *
 * <p>The same keyed function selects hash-table buckets ({@link #hash}), so that a peer choosing
 * its addresses and ports cannot flood one bucket of the connection table: the ISN uses the low
 * 32 bits of the 64-bit SipHash output and {@link #hash} the high 32 bits, so one reveals nothing
 * of the other.
 *
 * <p>Time is passed in (nanoseconds on the caller's clock); nothing here reads a clock or
 * allocates. The caller draws the key from {@code SecureRandom} once per stack (RFC 6528 §3:
 * the key should not be changed while connections may still be open with it); tests use fixed
 * keys.
 */
public final class IsnGenerator {
    private static final long C0 = 0x736f6d6570736575L; // "somepseu"
    private static final long C1 = 0x646f72616e646f6dL; // "dorandom"
    private static final long C2 = 0x6c7967656e657261L; // "lygenera"
    private static final long C3 = 0x7465646279746573L; // "tedbytes"

    /** Nanoseconds per tick of RFC 6528's timer M. */
    public static final long TICK_NANOS = 4_000;

    private final long k0;
    private final long k1;

    /** @param k0 first 64 bits of the secret key, @param k1 the other 64 (SipHash's k0, k1: key bytes 0-7 and 8-15, little-endian) */
    public IsnGenerator(long k0, long k1) {
        this.k0 = k0;
        this.k1 = k1;
    }

    /**
     * The ISN for a new connection: the 4-microsecond timer M (RFC 6528 §3, RFC 9293 §3.4.1) at
     * {@code now} plus F of the 4-tuple. Ports are the low 16 bits of their arguments.
     */
    public int isn(long now, int laddr, int lport, int raddr, int rport) {
        return (int) Math.floorDiv(now, TICK_NANOS) + (int) tuple(k0, k1, laddr, lport, raddr, rport);
    }

    /** A keyed 32-bit hash of the 4-tuple for bucket selection (the high half of F's output). */
    public int hash(int laddr, int lport, int raddr, int rport) {
        return hash(k0, k1, laddr, lport, raddr, rport);
    }

    /** {@link #hash(int, int, int, int)} for the key {@code k0, k1}. */
    public static int hash(long k0, long k1, int laddr, int lport, int raddr, int rport) {
        return (int) (tuple(k0, k1, laddr, lport, raddr, rport) >>> 32);
    }

    /**
     * F of RFC 6528: SipHash-2-4 of the 12-byte message laddr(4) lport(2) raddr(4) rport(2), in
     * network byte order, that is of the big-endian words {@code laddr}, {@code lport<<16 |
     * raddr>>>16}, {@code raddr<<16 | rport}.
     */
    public static long tuple(long k0, long k1, int laddr, int lport, int raddr, int rport) {
        return sipHash24(k0, k1, laddr, (lport << 16) | (raddr >>> 16), (raddr << 16) | (rport & 0xFFFF));
    }

    /** SipHash-2-4 of the 12 bytes {@code w0, w1, w2}, each written big-endian (network order). */
    public static long sipHash24(long k0, long k1, int w0, int w1, int w2) {
        long m0 = Long.reverseBytes(((long) w0 << 32) | (w1 & 0xFFFF_FFFFL));
        long last = (Integer.reverseBytes(w2) & 0xFFFF_FFFFL) | (12L << 56);
        return words(k0, k1, m0, 0, 1, last);
    }

    /** SipHash-2-4 of the 20 bytes {@code w0 .. w4}, each written big-endian (network order). */
    public static long sipHash24(long k0, long k1, int w0, int w1, int w2, int w3, int w4) {
        long m0 = Long.reverseBytes(((long) w0 << 32) | (w1 & 0xFFFF_FFFFL));
        long m1 = Long.reverseBytes(((long) w2 << 32) | (w3 & 0xFFFF_FFFFL));
        long last = (Integer.reverseBytes(w4) & 0xFFFF_FFFFL) | (20L << 56);
        return words(k0, k1, m0, m1, 2, last);
    }

    /** Compresses {@code full} (0 to 2) words then the final word (tail bytes and length), and finalises. */
    private static long words(long k0, long k1, long m0, long m1, int full, long last) {
        long v0 = k0 ^ C0, v1 = k1 ^ C1, v2 = k0 ^ C2, v3 = k1 ^ C3;
        for (int i = 0; i <= full; i++) {
            long m = i == full ? last : i == 0 ? m0 : m1;
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
}
