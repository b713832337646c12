package net.sloop.http;

import java.nio.charset.StandardCharsets;

/**
 * How a {@link HttpHandler} answers: a status, extra header fields, then one of {@link #send}
 * (a body of known length), {@link #stream} (a body produced as the connection drains) or
 * {@link #events()} (server-sent events). Reused by the connection for its next request: keep
 * only the {@link HttpEventStream}, never this object.
 *
 * <p>Memory: a body given to {@link #send} is not copied; it is charged to the budget (CONTROL)
 * while the server holds it and sent from the caller's array, which must not change meanwhile.
 * If the budget cannot take it, the client gets 503 (counted as {@link HttpStats#noMemory()}).
 * A streamed body passes through the connection's own output buffer, so it costs nothing more.
 */
public final class HttpResponse {
    /** Produces a streamed body into the connection's buffer as it drains. */
    @FunctionalInterface
    public interface BodySource {
        /**
         * Puts up to {@code len} bytes at {@code dst[off..]}; returns how many (at least 1), or -1
         * when the body is complete. Called on the stack's thread; must not block.
         */
        int fill(byte[] dst, int off, int len) throws Exception;

        /** Called once when the body ends, completely or not (the client left). */
        default void close() {}
    }

    private final HttpConnection c;
    int status;
    /** Extra header fields, "Name: value\r\n" each, in a fixed buffer. */
    final byte[] extra;
    int extraLen;
    boolean committed;

    HttpResponse(HttpConnection c, int extraBytes) {
        this.c = c;
        this.extra = new byte[extraBytes];
    }

    void reset() {
        status = 200;
        extraLen = 0;
        committed = false;
    }

    /** Sets the status code (100..599; 200 by default). */
    public HttpResponse status(int code) {
        if (code < 200 || code > 599) throw new IllegalArgumentException("status " + code + " must be 200..599");
        checkOpen();
        status = code;
        return this;
    }

    /**
     * Adds a header field. The name must be a token; the value printable (no CR, LF or NUL).
     * Date, Content-Length, Transfer-Encoding and Connection are the server's and refused.
     *
     * @throws IllegalArgumentException for a name or value that is not allowed
     * @throws IllegalStateException if the fields do not fit the response's header buffer
     */
    public HttpResponse header(String name, String value) {
        checkOpen();
        if (name.isEmpty()) throw new IllegalArgumentException("empty header name");
        for (int i = 0; i < name.length(); i++) if (!HttpConnection.isToken(name.charAt(i))) throw new IllegalArgumentException("not a token: " + name);
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection") || lower.equals("date"))
            throw new IllegalArgumentException(name + " is set by the server");
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f || ch > 0xff) throw new IllegalArgumentException("header value with character U+" + Integer.toHexString(ch));
        }
        int need = name.length() + 2 + value.length() + 2;
        if (extraLen + need > extra.length) throw new IllegalStateException("header fields do not fit " + extra.length + " bytes");
        extraLen = put(name, extraLen);
        extra[extraLen++] = ':';
        extra[extraLen++] = ' ';
        extraLen = put(value, extraLen);
        extra[extraLen++] = '\r';
        extra[extraLen++] = '\n';
        return this;
    }

    private int put(String s, int o) {
        for (int i = 0; i < s.length(); i++) extra[o++] = (byte) s.charAt(i);
        return o;
    }

    /** Answers with {@code body} (Content-Length), sent from the caller's array. */
    public void send(String contentType, byte[] body) {
        checkOpen();
        committed = true;
        c.handlerSend(contentType, body);
    }

    /** Answers with {@code body} in UTF-8. */
    public void send(String contentType, String body) {
        send(contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers with a body {@code source} produces as the connection drains: chunked on HTTP/1.1, ended by closing on HTTP/1.0. */
    public void stream(String contentType, BodySource source) {
        checkOpen();
        committed = true;
        c.handlerStream(contentType, source);
    }

    /**
     * Answers 200 with a stream of server-sent events ({@code text/event-stream}, chunked on
     * HTTP/1.1) and keeps the response open; the handler keeps the returned stream and sends
     * events on it later, on the stack's thread. Not for HEAD: the stream is then closed at once.
     */
    public HttpEventStream events() {
        checkOpen();
        committed = true;
        return c.handlerEvents();
    }

    /** True once the handler answered. */
    public boolean committed() {
        return committed;
    }

    private void checkOpen() {
        if (committed) throw new IllegalStateException("the response was already given");
    }
}
