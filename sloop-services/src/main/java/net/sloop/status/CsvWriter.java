package net.sloop.status;

/** Writes CSV rows of numbers (and plain header words) through a fixed buffer into a {@link ByteSink}; allocates nothing. */
public final class CsvWriter extends SinkWriter {
    private boolean first = true;

    public CsvWriter(int bufferBytes) {
        super(bufferBytes);
    }

    static int heapBytes(int bufferBytes) {
        return 40 + 16 + bufferBytes;
    }

    public CsvWriter start(ByteSink sink) {
        begin(sink);
        first = true;
        return this;
    }

    private void separate() {
        if (!first) put((byte) ',');
        first = false;
    }

    /** A header word: letters, digits and '_' only (nothing to quote). */
    public CsvWriter word(String w) {
        separate();
        ascii(w);
        return this;
    }

    public CsvWriter value(long v) {
        separate();
        number(v);
        return this;
    }

    public CsvWriter endRow() {
        put((byte) '\n');
        first = true;
        return this;
    }
}
