package net.sloop.cli;

/** Byte sizes as people write them: 65536, 64k, 1m, 1g. */
final class Sizes {
    private Sizes() {}

    static long parse(String s) {
        String t = s.trim().toLowerCase();
        long mult = 1;
        String digits = t;
        for (String[] u : UNITS) {
            if (t.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                digits = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 12) {
            throw new IllegalArgumentException("not a size: " + s + " (write e.g. 65536, 64k, 1m)");
        }
        return Long.parseLong(digits) * mult;
    }

    /** Suffixes, longest first so "kib" is not read as "b". */
    private static final String[][] UNITS = {
        {"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}, {"k", "1024"}, {"m", "1048576"}, {"g", "1073741824"}, {"b", "1"},
    };
}
