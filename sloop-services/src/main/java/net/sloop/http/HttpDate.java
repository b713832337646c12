package net.sloop.http;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * HTTP dates (RFC 9110 §5.6.7): IMF-fixdate written into a byte array without allocating
 * ("Sun, 06 Nov 1994 08:49:37 GMT", 29 bytes), and all three formats read (IMF-fixdate by hand,
 * the obsolete RFC 850 and asctime forms through java.time, as recipients must accept them).
 */
final class HttpDate {
    static final int LENGTH = 29;
    private static final byte[] DAYS = "ThuFriSatSunMonTueWed".getBytes(java.nio.charset.StandardCharsets.US_ASCII); // day 0 (1970-01-01) was a Thursday
    private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
    private static final byte[] MONTH_BYTES = MONTHS.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final DateTimeFormatter RFC850 = DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

    private HttpDate() {}

    /** Writes {@code millis} (UTC) as IMF-fixdate at {@code off}; returns the end. */
    static int format(long millis, byte[] dst, int off) {
        long secs = Math.floorDiv(millis, 1000);
        long days = Math.floorDiv(secs, 86_400);
        int sod = (int) (secs - days * 86_400);
        int dow = Math.floorMod(days, 7);
        // civil from days (H. Hinnant)
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) y++;
        int o = off;
        dst[o++] = DAYS[dow * 3];
        dst[o++] = DAYS[dow * 3 + 1];
        dst[o++] = DAYS[dow * 3 + 2];
        dst[o++] = ',';
        dst[o++] = ' ';
        o = two(d, dst, o);
        dst[o++] = ' ';
        dst[o++] = MONTH_BYTES[(m - 1) * 3];
        dst[o++] = MONTH_BYTES[(m - 1) * 3 + 1];
        dst[o++] = MONTH_BYTES[(m - 1) * 3 + 2];
        dst[o++] = ' ';
        int yy = (int) Math.max(0, Math.min(9999, y));
        o = two(yy / 100, dst, o);
        o = two(yy % 100, dst, o);
        dst[o++] = ' ';
        o = two(sod / 3600, dst, o);
        dst[o++] = ':';
        o = two(sod / 60 % 60, dst, o);
        dst[o++] = ':';
        o = two(sod % 60, dst, o);
        dst[o++] = ' ';
        dst[o++] = 'G';
        dst[o++] = 'M';
        dst[o++] = 'T';
        return o;
    }

    private static int two(int v, byte[] dst, int o) {
        dst[o] = (byte) ('0' + v / 10);
        dst[o + 1] = (byte) ('0' + v % 10);
        return o + 2;
    }

    /** Milliseconds since the epoch of an HTTP-date in {@code b[off..end)}, or {@link Long#MIN_VALUE} if it is none. */
    static long parse(byte[] b, int off, int end) {
        long v = parseImf(b, off, end);
        if (v != Long.MIN_VALUE || end - off > 64) return v;
        String s = new String(b, off, end - off, java.nio.charset.StandardCharsets.ISO_8859_1);
        for (DateTimeFormatter f : new DateTimeFormatter[] {RFC850, ASCTIME}) {
            try {
                LocalDateTime t = LocalDateTime.parse(s, f);
                if (f == RFC850 && t.getYear() > java.time.Year.now(ZoneOffset.UTC).getValue() + 50) t = t.minusYears(100); // RFC 9110: two-digit years
                return t.toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e) {
                // the next form
            }
        }
        return Long.MIN_VALUE;
    }

    /** "Sun, 06 Nov 1994 08:49:37 GMT" exactly. */
    static long parseImf(byte[] b, int off, int end) {
        if (end - off != LENGTH || b[off + 3] != ',' || b[off + 4] != ' ' || b[off + 7] != ' ' || b[off + 11] != ' ' || b[off + 16] != ' '
                || b[off + 19] != ':' || b[off + 22] != ':' || b[off + 25] != ' ' || b[off + 26] != 'G' || b[off + 27] != 'M' || b[off + 28] != 'T') {
            return Long.MIN_VALUE;
        }
        int d = num(b, off + 5, 2), y = num(b, off + 12, 4), hh = num(b, off + 17, 2), mm = num(b, off + 20, 2), ss = num(b, off + 23, 2);
        int m = -1;
        for (int i = 0; i < 12; i++) {
            if (b[off + 8] == MONTH_BYTES[i * 3] && b[off + 9] == MONTH_BYTES[i * 3 + 1] && b[off + 10] == MONTH_BYTES[i * 3 + 2]) m = i + 1;
        }
        if (d < 1 || d > 31 || y < 0 || m < 0 || hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60) return Long.MIN_VALUE;
        // days from civil (H. Hinnant)
        long yy = m <= 2 ? y - 1 : y;
        long era = Math.floorDiv(yy, 400);
        long yoe = yy - era * 400;
        long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        long days = era * 146_097 + doe - 719_468;
        return ((days * 24 + hh) * 60 + mm) * 60_000L + ss * 1000L;
    }

    private static int num(byte[] b, int off, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            int c = b[off + i] - '0';
            if (c < 0 || c > 9) return -1;
            v = v * 10 + c;
        }
        return v;
    }
}
