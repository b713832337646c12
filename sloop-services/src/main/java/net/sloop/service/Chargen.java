package net.sloop.service;

/**
 * The character generator pattern of RFC 864: lines of 72 characters taken from the 95 printable
 * ASCII characters (space to tilde) in order, each line starting one character further along than
 * the one before, ended by CR LF. As in the RFC's example, the first line starts with {@code '!'};
 * the pattern repeats every 95 lines ({@link #PERIOD} bytes).
 *
 * <p>A position in the pattern is an int in {@code [0, PERIOD)}; {@link #fill} writes the bytes
 * from a position into a buffer and returns the position after them. {@link #TWO_PERIODS} holds
 * the pattern twice, so that any {@code PERIOD} bytes from any position are contiguous: a constant
 * table (14 KB, like a device's pattern in flash), not part of any budget; a service holds one int
 * per connection.
 */
public final class Chargen {
    private Chargen() {}

    /** Printable characters per line. */
    public static final int LINE_CHARS = 72;
    /** Bytes per line, CR LF included. */
    public static final int LINE_BYTES = LINE_CHARS + 2;
    /** The printable ASCII characters, space (32) to tilde (126). */
    public static final int PRINTABLE = 95;
    /** Bytes before the pattern repeats. */
    public static final int PERIOD = PRINTABLE * LINE_BYTES;

    /** The pattern twice over, from position 0: bytes [p, p + PERIOD) are the pattern from position p. Read only. */
    static final java.lang.foreign.MemorySegment TWO_PERIODS;

    static {
        byte[] b = new byte[2 * PERIOD];
        fill(0, b, 0, b.length);
        TWO_PERIODS = java.lang.foreign.MemorySegment.ofArray(b).asReadOnly();
    }

    /**
     * Writes {@code len} bytes of the pattern, starting at {@code position}, into {@code dst[off..]};
     * returns the position after them.
     */
    public static int fill(int position, byte[] dst, int off, int len) {
        int line = position / LINE_BYTES;
        int col = position - line * LINE_BYTES;
        int ch = 32 + (line + 1 + Math.min(col, LINE_CHARS)) % PRINTABLE;
        for (int i = 0; i < len; i++) {
            byte b;
            if (col < LINE_CHARS) {
                b = (byte) ch;
                if (++ch == 127) ch = 32;
            } else {
                b = col == LINE_CHARS ? (byte) '\r' : (byte) '\n';
            }
            dst[off + i] = b;
            if (++col == LINE_BYTES) {
                col = 0;
                if (++line == PRINTABLE) line = 0;
                ch = 32 + (line + 1) % PRINTABLE;
            }
        }
        return line * LINE_BYTES + col;
    }

    /** The printable characters of line {@code n} (0-based, modulo 95), without CR LF (allocates; for tests and tools). */
    public static String line(int n) {
        byte[] b = new byte[LINE_CHARS];
        fill(Math.floorMod(n, PRINTABLE) * LINE_BYTES, b, 0, LINE_CHARS);
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
