package net.sloop.ftp.client;

import java.util.Locale;

/**
 * One line of an MLSD listing (RFC 3659 §7), parsed: the facts the mirror needs and the name.
 *
 * <p>Format (§7.2): {@code *(factname "=" value ";") SP pathname}. Fact names are
 * case-insensitive (§7.1); values of {@code type} are {@code file}, {@code dir}, {@code cdir}
 * (the listed directory itself) and {@code pdir} (its parent) or {@code OS.name=type} (§7.5.1);
 * {@code size} is a decimal count of octets (§7.5.7); {@code modify} is a time-val (§2.3). The
 * pathname is everything after the first space, spaces included (§7.2: it is the last element
 * and may contain any character but CR and LF). Unknown facts are ignored, as §7.1 asks.
 *
 * @param type the type fact in lower case ("file", "dir", "cdir", "pdir", "os.unix=slink", ...), or "" if absent
 * @param size the size fact, or -1 if absent
 * @param modify the modify fact as sent (YYYYMMDDHHMMSS[.sss]), or "" if absent
 * @param perm the perm fact as sent (§7.5.5), or "" if absent
 * @param name the pathname
 */
public record MlsdEntry(String type, long size, String modify, String perm, String name) {
    /** True for a file. */
    public boolean isFile() {
        return type.equals("file");
    }

    /** True for a directory below the one listed (not {@code cdir} or {@code pdir}). */
    public boolean isDirectory() {
        return type.equals("dir");
    }

    /** The entry on {@code line}, or null if it is not an MLSD entry (no space before the name, a fact without '='). */
    public static MlsdEntry parse(CharSequence line) {
        String s = line.toString();
        int sp = s.indexOf(' ');
        if (sp < 0 || sp == s.length() - 1) return null;
        String type = "", modify = "", perm = "";
        long size = -1;
        int i = 0;
        while (i < sp) {
            int semi = s.indexOf(';', i);
            if (semi < 0 || semi > sp) return null; // every fact ends with ';' before the space
            int eq = s.indexOf('=', i);
            if (eq < 0 || eq > semi) return null;
            String fact = s.substring(i, eq).toLowerCase(Locale.ROOT);
            String value = s.substring(eq + 1, semi);
            switch (fact) {
                case "type" -> type = value.toLowerCase(Locale.ROOT);
                case "size" -> size = parseSize(value);
                case "modify" -> modify = value;
                case "perm" -> perm = value;
                default -> {}
            }
            i = semi + 1;
        }
        if (i != sp) return null;
        return new MlsdEntry(type, size, modify, perm, s.substring(sp + 1));
    }

    private static long parseSize(String v) {
        try {
            long n = Long.parseLong(v);
            return n >= 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
