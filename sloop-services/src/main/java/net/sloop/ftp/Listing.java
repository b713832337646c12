package net.sloop.ftp;

import net.sloop.fs.FsEntry;

/**
 * Formats one directory entry into a byte array, without allocating: the line formats of LIST
 * (Unix {@code ls -l}, which curl's, lftp's, wget's and Python's parsers read), NLST (the bare
 * name) and MLSD/MLST (RFC 3659 §7 facts). Names are written as UTF-8 (RFC 2640; RFC 3659 §2.2).
 * Every line ends with CRLF (RFC 959 §3.1.1.1: listings are sent as ASCII).
 */
final class Listing {
    /** LIST, NLST, MLSD. */
    enum Format { LIST, NLST, MLSD }

    /** Longest line any format writes for a name of at most 255 characters: 3 UTF-8 bytes each, plus facts and CRLF. */
    static final int MAX_LINE = 255 * 3 + 160;

    private static final byte[] MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Six months, as ls uses to decide between a time and a year (half of 365.2425 days). */
    private static final long SIX_MONTHS_MILLIS = 15_778_476_000L;

    private Listing() {}

    /** Writes {@code e}'s line in {@code f} at {@code off}; returns the new offset. {@code now}: the wall clock (recent dates show a time). */
    static int line(Format f, FsEntry e, long nowMillis, boolean readOnly, byte[] b, int off) {
        return switch (f) {
            case LIST -> ls(e, nowMillis, readOnly, b, off);
            case NLST -> crlf(b, utf8(e.name(), b, off));
            case MLSD -> crlf(b, mlsx(e, e.isDirectory() ? "dir" : "file", e.name(), readOnly, b, off));
        };
    }

    /**
     * {@code drwxr-xr-x 1 ftp ftp 0 Dec 02 08:00 name}: type and mode, link count, owner, group,
     * size, date (a time within six months of now, else the year, as ls does), name. Owner and
     * group are always "ftp": the server does not reveal host accounts.
     */
    static int ls(FsEntry e, long nowMillis, boolean readOnly, byte[] b, int off) {
        boolean dir = e.isDirectory();
        boolean w = e.writable() && !readOnly;
        b[off++] = (byte) (dir ? 'd' : '-');
        for (int k = 0; k < 3; k++) {
            b[off++] = 'r';
            b[off++] = (byte) (k == 0 && w ? 'w' : '-');
            b[off++] = (byte) (dir ? 'x' : '-');
        }
        off = ascii(" 1 ftp ftp ", b, off);
        off = pad(e.size(), 12, b, off);
        b[off++] = ' ';
        long t = e.modifiedMillis();
        long days = Math.floorDiv(t, 86_400_000L);
        int ms = (int) Math.floorMod(t, 86_400_000L);
        long ymd = civil(days);
        int year = (int) (ymd >> 9), month = (int) ((ymd >> 5) & 15), day = (int) (ymd & 31);
        System.arraycopy(MONTHS, (month - 1) * 3, b, off, 3);
        off += 3;
        b[off++] = ' ';
        off = two(day, (byte) ' ', b, off);
        b[off++] = ' ';
        if (Math.abs(nowMillis - t) < SIX_MONTHS_MILLIS) {
            off = two(ms / 3_600_000, (byte) '0', b, off);
            b[off++] = ':';
            off = two(ms / 60_000 % 60, (byte) '0', b, off);
        } else {
            b[off++] = ' ';
            off = pad(year, 4, b, off);
        }
        b[off++] = ' ';
        return crlf(b, utf8(e.name(), b, off));
    }

    /** {@code type=file;size=12;modify=20261202080000;perm=adfrw;unique=1a; name} (RFC 3659 §7.2). */
    static int mlsx(FsEntry e, String type, String name, boolean readOnly, byte[] b, int off) {
        boolean w = e.writable() && !readOnly;
        off = ascii("type=", b, off);
        off = ascii(type, b, off);
        if (!e.isDirectory()) {
            off = ascii(";size=", b, off);
            off = pad(e.size(), 0, b, off);
        }
        off = ascii(";modify=", b, off);
        off = timeval(e.modifiedMillis(), b, off);
        off = ascii(";perm=", b, off);
        // RFC 3659 §7.5.5: a append, c create in, d delete, e enter, f rename, l list, m make dir, p purge, r retrieve, w store.
        off = ascii(e.isDirectory() ? (w ? "cdeflmp" : "el") : (w ? "adfrw" : "r"), b, off);
        off = ascii(";unique=", b, off);
        off = hex(e.unique(), b, off);
        off = ascii("; ", b, off);
        return utf8(name, b, off);
    }

    /** YYYYMMDDHHMMSS in UTC (RFC 3659 §2.3), the form MDTM, MFMT and the modify fact use. */
    static int timeval(long millis, byte[] b, int off) {
        long days = Math.floorDiv(millis, 86_400_000L);
        int ms = (int) Math.floorMod(millis, 86_400_000L);
        long ymd = civil(days);
        off = pad(ymd >> 9, 4, b, off);
        off = two((int) ((ymd >> 5) & 15), (byte) '0', b, off);
        off = two((int) (ymd & 31), (byte) '0', b, off);
        off = two(ms / 3_600_000, (byte) '0', b, off);
        off = two(ms / 60_000 % 60, (byte) '0', b, off);
        return two(ms / 1000 % 60, (byte) '0', b, off);
    }

    /** Parses YYYYMMDDHHMMSS[.sss] (UTC) into epoch milliseconds, or returns Long.MIN_VALUE. */
    static long parseTimeval(String s) {
        if (s.length() < 14) return Long.MIN_VALUE;
        for (int i = 0; i < 14; i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return Long.MIN_VALUE;
        int y = Integer.parseInt(s, 0, 4, 10), mo = Integer.parseInt(s, 4, 6, 10), d = Integer.parseInt(s, 6, 8, 10);
        int h = Integer.parseInt(s, 8, 10, 10), mi = Integer.parseInt(s, 10, 12, 10), se = Integer.parseInt(s, 12, 14, 10);
        int frac = 0;
        if (s.length() > 14) {
            if (s.charAt(14) != '.' || s.length() == 15 || s.length() > 18) return Long.MIN_VALUE;
            for (int i = 15; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') return Long.MIN_VALUE;
            }
            frac = Integer.parseInt((s.substring(15) + "00").substring(0, 3));
        }
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return Long.MIN_VALUE;
        try {
            return java.time.LocalDateTime.of(y, mo, d, h, mi, Math.min(se, 59)).toInstant(java.time.ZoneOffset.UTC).toEpochMilli() + frac;
        } catch (java.time.DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /**
     * Days since 1970-01-01 to (year << 9 | month << 5 | day), proleptic Gregorian (H. Hinnant's
     * civil_from_days), with no allocation.
     */
    static long civil(long z) {
        z += 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) y++;
        return y << 9 | m << 5 | d;
    }

    static int crlf(byte[] b, int off) {
        b[off++] = '\r';
        b[off++] = '\n';
        return off;
    }

    static int ascii(String s, byte[] b, int off) {
        for (int i = 0; i < s.length(); i++) b[off++] = (byte) s.charAt(i);
        return off;
    }

    /** Writes {@code s} as UTF-8 (unpaired surrogates become '?'). */
    static int utf8(String s, byte[] b, int off) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[off++] = (byte) c;
            } else if (c < 0x800) {
                b[off++] = (byte) (0xc0 | c >> 6);
                b[off++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[off++] = (byte) (0xf0 | cp >> 18);
                b[off++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                b[off++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                b[off++] = (byte) (0x80 | (cp & 0x3f));
            } else if (Character.isSurrogate(c)) {
                b[off++] = '?';
            } else {
                b[off++] = (byte) (0xe0 | c >> 12);
                b[off++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[off++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        return off;
    }

    /** A non-negative number, right-aligned in {@code width} with spaces (0: no padding). */
    static int pad(long v, int width, byte[] b, int off) {
        int digits = 1;
        for (long x = v; x >= 10; x /= 10) digits++;
        for (int k = digits; k < width; k++) b[off++] = ' ';
        for (int k = digits - 1; k >= 0; k--) {
            b[off + k] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return off + digits;
    }

    private static int two(int v, byte fill, byte[] b, int off) {
        b[off++] = v < 10 ? fill : (byte) ('0' + v / 10);
        b[off++] = (byte) ('0' + v % 10);
        return off;
    }

    private static int hex(long v, byte[] b, int off) {
        int digits = Math.max(1, (67 - Long.numberOfLeadingZeros(v)) / 4);
        for (int k = digits - 1; k >= 0; k--) b[off++] = (byte) "0123456789abcdef".charAt((int) (v >>> (4 * k)) & 15);
        return off;
    }
}
