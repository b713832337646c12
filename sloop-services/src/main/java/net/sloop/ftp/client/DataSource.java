package net.sloop.ftp.client;

/**
 * Where the bytes of a STOR come from, pulled as the data connection has room. Called on the
 * stack's thread; must not block.
 */
@FunctionalInterface
public interface DataSource {
    /** Copies up to {@code len} bytes into {@code buf} at {@code off}; returns the count, or -1 at the end. */
    int read(byte[] buf, int off, int len);

    /** A source of {@code bytes} from an array (kept by reference, not copied). */
    static DataSource of(byte[] bytes) {
        int[] pos = {0};
        return (buf, off, len) -> {
            if (pos[0] >= bytes.length) return -1;
            int n = Math.min(len, bytes.length - pos[0]);
            System.arraycopy(bytes, pos[0], buf, off, n);
            pos[0] += n;
            return n;
        };
    }
}
