package net.sloop.tcp;

/**
 * Initial congestion window rules, and the bounds shared by the window controllers. A rule is an
 * int: {@link #RFC5681}, {@link #RFC6928}, or a positive number of segments.
 */
public final class InitialWindow {
    private InitialWindow() {}

    /** RFC 5681 §3.1: 4*SMSS up to SMSS 1095, 3*SMSS up to 2190, else 2*SMSS. */
    public static final int RFC5681 = 0;
    /** RFC 6928 §2: min(10*MSS, max(2*MSS, 14600)), ten 1460-byte segments. */
    public static final int RFC6928 = -1;

    /** Largest MSS accepted: the MSS option is 16 bits. */
    public static final int MAX_MSS = 65535;
    /** Upper bound of every congestion window; keeps sums of a window and a few MSS inside an int. */
    public static final int MAX_CWND = 1 << 30;

    public static int rfc5681(int mss) {
        checkMss(mss);
        if (mss > 2190) return 2 * mss;
        if (mss > 1095) return 3 * mss;
        return 4 * mss;
    }

    public static int rfc6928(int mss) {
        checkMss(mss);
        return Math.min(10 * mss, Math.max(2 * mss, 14600));
    }

    /** The initial window in bytes for {@code rule} and {@code mss}. */
    public static int bytes(int rule, int mss) {
        checkRule(rule);
        checkMss(mss);
        return switch (rule) {
            case RFC5681 -> rfc5681(mss);
            case RFC6928 -> rfc6928(mss);
            default -> (int) Math.min((long) rule * mss, MAX_CWND);
        };
    }

    static int checkRule(int rule) {
        if (rule < RFC6928) throw new IllegalArgumentException("initial window rule " + rule);
        return rule;
    }

    static int checkMss(int mss) {
        if (mss < 1 || mss > MAX_MSS) throw new IllegalArgumentException("mss " + mss + " outside [1, " + MAX_MSS + "]");
        return mss;
    }
}
