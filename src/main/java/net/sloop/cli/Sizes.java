package net.sloop.cli;

/** Byte sizes as people write them: 65536, 64k, 1m, 1g. */
final class Sizes {
    private Sizes() {}

    static long parse(String s) {
        String t = s.trim().toLowerCase();
        long mult = 1;
        if (t.endsWith("k") || t.endsWith("kib")) mult = 1024;
        else if (t.endsWith("m") || t.endsWith("mib")) mult = 1024 * 1024;
        else if (t.endsWith("g") || t.endsWith("gib")) mult = 1024L * 1024 * 1024;
        String digits = t.replaceAll("[a-z]+$", "");
        try {
            return Long.parseLong(digits) * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + s + " (write e.g. 65536, 64k, 1m)");
        }
    }
}
