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
public final class JsonWriter extends SinkWriter {
    private static final int MAX_DEPTH = 16;
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final boolean[] comma = new boolean[MAX_DEPTH];
    private int depth;
    private boolean afterName;

    /** @param bufferBytes the fixed buffer (at least 64 bytes) */
    public JsonWriter(int bufferBytes) {
        super(bufferBytes);
    }

    /** Heap bytes a writer of {@code bufferBytes} retains (checked with JOL in StatusChargeTest). */
    static int heapBytes(int bufferBytes) {
        return 48 + 16 + bufferBytes + 16 + MAX_DEPTH + 8;
    }

    /** Begins a document into {@code sink}. */
    public JsonWriter start(ByteSink sink) {
        begin(sink);
        depth = 0;
        comma[0] = false;
        afterName = false;
        return this;
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

    /** "a.b.c.d:port" (port &lt; 0: "a.b.c.d"). */
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
