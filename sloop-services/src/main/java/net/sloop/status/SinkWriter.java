package net.sloop.status;

/**
 * What {@link JsonWriter} and {@link CsvWriter} share: a fixed buffer handed to a {@link ByteSink}
 * whenever it fills and at {@link #finish}, a count of the bytes written, and ASCII text and
 * numbers put digit by digit, so that writing allocates nothing.
 */
abstract class SinkWriter {
    private final byte[] buf;
    private int pos;
    private ByteSink sink;
    private long written;

    SinkWriter(int bufferBytes) {
        if (bufferBytes < 64) throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes: at least 64");
        this.buf = new byte[bufferBytes];
    }

    /** Begins writing into {@code sink} (what an earlier document left is dropped). */
    final void begin(ByteSink sink) {
        this.sink = sink;
        pos = 0;
        written = 0;
    }

    /** Hands what is buffered to the sink; returns the bytes of the document. */
    public final long finish() {
        flush();
        sink = null;
        return written;
    }

    private void flush() {
        if (pos > 0) {
            sink.write(buf, 0, pos);
            written += pos;
            pos = 0;
        }
    }

    final void put(byte b) {
        if (pos == buf.length) flush();
        buf[pos++] = b;
    }

    /** {@code s}, which holds ASCII only, as it is. */
    final void ascii(String s) {
        for (int i = 0; i < s.length(); i++) put((byte) s.charAt(i));
    }

    /** {@code v} in decimal. */
    final void number(long v) {
        if (v == Long.MIN_VALUE) {
            ascii("-9223372036854775808");
            return;
        }
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        long div = 1;
        while (div <= v / 10) div *= 10;
        for (; div > 0; div /= 10) put((byte) ('0' + (v / div) % 10));
    }
}
