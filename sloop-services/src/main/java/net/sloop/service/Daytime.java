package net.sloop.service;

/**
 * The daytime line of RFC 867, in the form of its example ("Weekday, Month Day, Year Time-Zone"),
 * always in UTC: {@code "Sunday, November 22, 2026 03:00:00-UTC\r\n"}. Formatted from epoch
 * milliseconds straight into a byte buffer, allocating nothing.
 */
public final class Daytime {
    private Daytime() {}

    /** Longest line: "Wednesday, September 30, -292275055 23:59:59-UTC\r\n" and then some. */
    public static final int MAX_BYTES = 64;

    private static final byte[][] DAYS = ascii("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday");
    private static final byte[][] MONTHS = ascii("January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December");
    private static final byte[] ZONE = ascii("-UTC\r\n")[0];

    /**
     * Writes the line for {@code epochMillis} into {@code dst[off..]} (at least {@link #MAX_BYTES}
     * free) and returns its length.
     */
    public static int format(long epochMillis, byte[] dst, int off) {
        long secs = Math.floorDiv(epochMillis, 1000L);
        long days = Math.floorDiv(secs, 86_400L);
        int sod = (int) (secs - days * 86_400L);
        int p = off;
        p = put(DAYS[(int) Math.floorMod(days + 4, 7L)], dst, p); // 1970-01-01 was a Thursday
        dst[p++] = ',';
        dst[p++] = ' ';
        // Civil date from days since the epoch (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097L);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        p = put(MONTHS[month - 1], dst, p);
        dst[p++] = ' ';
        p = decimal(day, dst, p);
        dst[p++] = ',';
        dst[p++] = ' ';
        p = decimal(year, dst, p);
        dst[p++] = ' ';
        p = two(sod / 3600, dst, p);
        dst[p++] = ':';
        p = two(sod / 60 % 60, dst, p);
        dst[p++] = ':';
        p = two(sod % 60, dst, p);
        p = put(ZONE, dst, p);
        return p - off;
    }

    /** The line for {@code epochMillis} as a string (allocates; for tests and tools). */
    public static String line(long epochMillis) {
        byte[] b = new byte[MAX_BYTES];
        return new String(b, 0, format(epochMillis, b, 0), java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static int put(byte[] s, byte[] dst, int p) {
        System.arraycopy(s, 0, dst, p, s.length);
        return p + s.length;
    }

    private static int two(int v, byte[] dst, int p) {
        dst[p] = (byte) ('0' + v / 10);
        dst[p + 1] = (byte) ('0' + v % 10);
        return p + 2;
    }

    private static int decimal(long v, byte[] dst, int p) {
        if (v < 0) {
            dst[p++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) digits++;
        for (int i = digits - 1; i >= 0; i--) {
            dst[p + i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + digits;
    }

    private static byte[][] ascii(String... s) {
        byte[][] out = new byte[s.length][];
        for (int i = 0; i < s.length; i++) out[i] = s[i].getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return out;
    }
}
