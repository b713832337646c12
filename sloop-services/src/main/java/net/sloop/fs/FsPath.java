package net.sloop.fs;

/**
 * The one function that turns a client's path into a file-system path: {@link #resolve}. Every
 * path a server hands to a {@link FileSystem} goes through it, so the rules live in one place:
 *
 * <ul>
 *   <li>A relative path is taken from the current directory; an absolute one from the root of the
 *       file system (never the host's root: "/etc/passwd" names the jail's /etc/passwd).</li>
 *   <li>Empty components ("a//b") and "." are dropped; ".." goes up one directory, and a ".."
 *       above the root is refused (not clamped: a client that tries it is told so).</li>
 *   <li>Refused outright: NUL, backslash (a Windows separator that a host could take as one), any
 *       control character (C0, DEL, C1, which also covers CR and LF inside a name), U+FFFD (what a
 *       lenient decoder makes of malformed UTF-8; the FTP server decodes strictly anyway), a
 *       component longer than {@link #MAX_NAME} characters, a path longer than {@code maxLength}.</li>
 * </ul>
 * A percent sign, a "~" or a "*" is an ordinary character: nothing is expanded or globbed, so
 * "%2e%2e" is a file of that name, not "..".
 *
 * <p>The result is "/" or "/a/b": absolute, normalised, no trailing slash.
 */
public final class FsPath {
    /** Longest component (the common NAME_MAX). */
    public static final int MAX_NAME = 255;

    private FsPath() {}

    /**
     * Resolves {@code path} against {@code cwd} (itself a result of this function).
     *
     * @throws FsException INVALID_NAME for a forbidden character, an overlong name or path; DENIED for ".." above the root
     */
    public static String resolve(String cwd, String path, int maxLength) throws FsException {
        if (path == null) path = "";
        check(path);
        StringBuilder out = new StringBuilder(Math.min(maxLength, cwd.length() + path.length() + 1));
        if (!path.startsWith("/")) out.append(cwd.equals("/") ? "" : cwd);
        int i = 0, n = path.length();
        while (i <= n) {
            int j = path.indexOf('/', i);
            if (j < 0) j = n;
            int len = j - i;
            if (len == 0 || (len == 1 && path.charAt(i) == '.')) {
                // empty or ".": nothing
            } else if (len == 2 && path.charAt(i) == '.' && path.charAt(i + 1) == '.') {
                int slash = out.lastIndexOf("/");
                if (slash < 0) throw new FsException(FsException.Reason.DENIED, "a path that leaves the root: " + path);
                out.setLength(slash);
            } else {
                if (len > MAX_NAME) throw new FsException(FsException.Reason.INVALID_NAME, "a name longer than " + MAX_NAME + " characters");
                out.append('/').append(path, i, j);
                if (out.length() > maxLength) throw new FsException(FsException.Reason.INVALID_NAME, "a path longer than " + maxLength + " characters");
            }
            i = j + 1;
        }
        return out.isEmpty() ? "/" : out.toString();
    }

    /** The last component of a resolved path ("" for the root). */
    public static String name(String resolved) {
        return resolved.substring(resolved.lastIndexOf('/') + 1);
    }

    /** The directory holding a resolved path ("/" for the root and its children). */
    public static String parent(String resolved) {
        int slash = resolved.lastIndexOf('/');
        return slash <= 0 ? "/" : resolved.substring(0, slash);
    }

    private static void check(String path) throws FsException {
        for (int k = 0; k < path.length(); k++) {
            char c = path.charAt(k);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\\' || c == '\uFFFD') {
                throw new FsException(FsException.Reason.INVALID_NAME, String.format("a path with character U+%04X", (int) c));
            }
        }
    }
}
