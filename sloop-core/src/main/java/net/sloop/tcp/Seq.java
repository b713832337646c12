package net.sloop.tcp;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 §3.4): {@code a < b} means {@code b} is less
 * than 2^31 ahead of {@code a}. Sequence numbers are plain {@code int}s holding the 32 bits.
 */
public final class Seq {
    private Seq() {}

    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /** True if {@code lo <= s < hi}. */
    public static boolean inWindow(int s, int lo, int hi) {
        return ge(s, lo) && lt(s, hi);
    }

    /** Unsigned distance from {@code from} forward to {@code to}, as a long in [0, 2^32). */
    public static long distance(int from, int to) {
        return (to - from) & 0xFFFF_FFFFL;
    }
}
