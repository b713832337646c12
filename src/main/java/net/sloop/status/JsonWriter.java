package net.sloop.status;

/**
 * A small streaming JSON writer: values are written into a fixed buffer, which is handed to a
 * {@link ByteSink} whenever it fills and at {@link #finish}. Commas and nesting are tracked, strings
 * are escaped (quote, backslash, control characters, and every non-ASCII character as a
 * {@code \\uXXXX} escape, so the output is ASCII), and numbers and IPv4 addresses are written digit
 * by digit: writing a document allocates nothing.
 *
 * <p>Not thread-safe; reusable: {@link #start} begins a new document.
 */
public final class JsonWriter {
    private static final int MAX_DEPTH = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final byte[] buf;
    private int pos;
    private ByteSink sink;
    private final boolean[] comma = new boolean[MAX_DEPTH];
    private int depth;
    private boolean afterName;
    private long written;

    /** @param bufferBytes the fixed buffer (at least 64 bytes) */
    public JsonWriter(int bufferBytes) {
        if (bufferBytes < 64) throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes: at least 64");
        this.buf = new byte[bufferBytes];
    }

    /** Heap bytes a writer of {@code bufferBytes} retains (checked with JOL in StatusChargeTest). */
    static int heapBytes(int bufferBytes) {
        return 48 + 16 + bufferBytes + 16 + MAX_DEPTH + 8;
    }

    /** Begins a document into {@code sink}. */
    public JsonWriter start(ByteSink sink) {
        this.sink = sink;
        pos = 0;
        depth = 0;
        comma[0] = false;
        afterName = false;
        written = 0;
        return this;
    }

    /** Hands what is buffered to the sink; returns the bytes of the document. */
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

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) put((byte) s.charAt(i));
    }

    private void separate() {
        if (afterName) {
            afterName = false;
            return;
        }
        if (comma[depth]) put((byte) ',');
        comma[depth] = true;
    }

    public JsonWriter beginObject() {
        separate();
        put((byte) '{');
        push();
        return this;
    }

    public JsonWriter endObject() {
        depth--;
        put((byte) '}');
        return this;
    }

    public JsonWriter beginArray() {
        separate();
        put((byte) '[');
        push();
        return this;
    }

    public JsonWriter endArray() {
        depth--;
        put((byte) ']');
        return this;
    }

    private void push() {
        if (++depth >= MAX_DEPTH) throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
        comma[depth] = false;
    }

    /** The name of the next member of the current object. */
    public JsonWriter name(String name) {
        separate();
        string(name);
        put((byte) ':');
        afterName = true;
        return this;
    }

    public JsonWriter value(long v) {
        separate();
        number(v);
        return this;
    }

    public JsonWriter value(boolean v) {
        separate();
        ascii(v ? "true" : "false");
        return this;
    }

    /** A string value, or null. */
    public JsonWriter value(String s) {
        separate();
        if (s == null) ascii("null");
        else string(s);
        return this;
    }

    public JsonWriter nullValue() {
        separate();
        ascii("null");
        return this;
    }

    /** "a.b.c.d:port" (port < 0: "a.b.c.d"). */
    public JsonWriter address(int addr, int port) {
        separate();
        put((byte) '"');
        for (int i = 3; i >= 0; i--) {
            number((addr >>> (8 * i)) & 0xFF);
            if (i > 0) put((byte) '.');
        }
        if (port >= 0) {
            put((byte) ':');
            number(port);
        }
        put((byte) '"');
        return this;
    }

    public JsonWriter field(String name, long v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, boolean v) {
        return name(name).value(v);
    }

    public JsonWriter field(String name, String v) {
        return name(name).value(v);
    }

    private void number(long v) {
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
        for (; div > 0; div /= 10) {
            put((byte) ('0' + (v / div) % 10));
        }
    }

    private void string(String s) {
        put((byte) '"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                put((byte) '\\');
                put((byte) c);
            } else if (c == '\n') {
                put((byte) '\\');
                put((byte) 'n');
            } else if (c == '\r') {
                put((byte) '\\');
                put((byte) 'r');
            } else if (c == '\t') {
                put((byte) '\\');
                put((byte) 't');
            } else if (c < 0x20 || c >= 0x7F) {
                put((byte) '\\');
                put((byte) 'u');
                put(HEX[(c >> 12) & 15]);
                put(HEX[(c >> 8) & 15]);
                put(HEX[(c >> 4) & 15]);
                put(HEX[c & 15]);
            } else {
                put((byte) c);
            }
        }
        put((byte) '"');
    }
}
