package net.sloop.ftp.client;

/**
 * One line of a LIST reply in the Unix {@code ls -l} form nearly every server sends (RFC 959
 * leaves LIST's format to the server; RFC 3659's MLSD exists because of that). This is the
 * heuristic FileZilla and others use for it: the first character gives the type ('d' directory,
 * '-' file, 'l' link); the size is the number just before the month; the name is everything after
 * the day and the time (or year), spaces included; a link's " -> target" is cut off. Lines such
 * as "total 12" are not entries.
 *
 * @param type 'd', '-' or 'l' (or another ls type letter)
 * @param size the size field
 * @param name the name
 */
public record ListEntry(char type, long size, String name) {
    private static final String MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec";

    public boolean isFile() {
        return type == '-';
    }

    public boolean isDirectory() {
        return type == 'd';
    }

    /** The entry on {@code line}, or null if it is not one. */
    public static ListEntry parse(CharSequence line) {
        String s = line.toString();
        if (s.length() < 10 || "-dlbcps".indexOf(s.charAt(0)) < 0) return null;
        // Tokens with their start offsets, up to the name.
        int[] start = new int[12], end = new int[12];
        int n = 0, i = 0;
        while (n < start.length) {
            while (i < s.length() && s.charAt(i) == ' ') i++;
            if (i >= s.length()) break;
            start[n] = i;
            while (i < s.length() && s.charAt(i) != ' ') i++;
            end[n++] = i;
        }
        for (int m = 2; m + 3 < n; m++) {
            if (end[m] - start[m] != 3 || !MONTHS.contains(s.substring(start[m], end[m]).toLowerCase(java.util.Locale.ROOT))) continue;
            long size;
            try {
                size = Long.parseLong(s.substring(start[m - 1], end[m - 1]));
            } catch (NumberFormatException e) {
                continue;
            }
            // month, day, time-or-year, then one space and the name (which may begin with spaces).
            int nameAt = end[m + 2] + 1;
            if (nameAt > s.length()) return null;
            String name = s.substring(nameAt);
            char type = s.charAt(0);
            if (type == 'l') {
                int arrow = name.indexOf(" -> ");
                if (arrow >= 0) name = name.substring(0, arrow);
            }
            if (name.isEmpty()) return null;
            return new ListEntry(type, size, name);
        }
        return null;
    }
}
