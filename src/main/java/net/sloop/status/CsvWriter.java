package net.sloop.status;

/** Writes CSV rows of numbers (and plain header words) through a fixed buffer into a {@link ByteSink}; allocates nothing. */
public final class CsvWriter {
    private final byte[] buf;
    private int pos;
    private ByteSink sink;
    private boolean first = true;
    private long written;

    public CsvWriter(int bufferBytes) {
        if (bufferBytes < 64) throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes: at least 64");
        buf = new byte[bufferBytes];
    }

    static int heapBytes(int bufferBytes) {
        return 40 + 16 + bufferBytes;
    }

    public CsvWriter start(ByteSink sink) {
        this.sink = sink;
        pos = 0;
        first = true;
        written = 0;
        return this;
    }

    public long finish() {
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

    private void put(byte b) {
        if (pos == buf.length) flush();
        buf[pos++] = b;
    }

    private void separate() {
        if (!first) put((byte) ',');
        first = false;
    }

    /** A header word: letters, digits and '_' only (nothing to quote). */
    public CsvWriter word(String w) {
        separate();
        for (int i = 0; i < w.length(); i++) put((byte) w.charAt(i));
        return this;
    }

    public CsvWriter value(long v) {
        separate();
        if (v < 0) {
            put((byte) '-');
            v = -v;
        }
        long div = 1;
        while (div <= v / 10) div *= 10;
        for (; div > 0; div /= 10) put((byte) ('0' + (v / div) % 10));
        return this;
    }

    public CsvWriter endRow() {
        put((byte) '\n');
        first = true;
        return this;
    }
}
