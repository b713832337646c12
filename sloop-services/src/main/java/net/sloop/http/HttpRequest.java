package net.sloop.http;

import java.nio.charset.StandardCharsets;

/**
 * The request a {@link HttpHandler} answers: a view of its connection's parsed request head, valid
 * only while the handler runs (the next request reuses it). Strings are made when asked for.
 */
public final class HttpRequest {
    private final HttpConnection c;

    HttpRequest(HttpConnection c) {
        this.c = c;
    }

    /** "GET" or "HEAD". */
    public String method() {
        return c.head ? "HEAD" : "GET";
    }

    /** True for HEAD: the response's body will not be sent. */
    public boolean isHead() {
        return c.head;
    }

    /** The request-target as sent ("/status?x=1", or the absolute form "http://host/status"). */
    public String target() {
        return new String(c.in, c.targetStart, c.targetEnd - c.targetStart, StandardCharsets.ISO_8859_1);
    }

    /** The path, percent-decoded and normalised ("/status/events"). */
    public String path() {
        return c.path;
    }

    /** The query after '?', as sent (not decoded), or "". */
    public String query() {
        return c.query;
    }

    /** True for HTTP/1.1, false for HTTP/1.0. */
    public boolean http11() {
        return c.http11;
    }

    /** The client's IPv4 address. */
    public int remoteAddress() {
        return c.peer;
    }

    /** The value of the first field named {@code name} (case-insensitive), without surrounding whitespace; null if absent. */
    public String header(String name) {
        int i = c.findField(name);
        if (i < 0) return null;
        return new String(c.in, c.fields[i * 4 + 2], c.fields[i * 4 + 3] - c.fields[i * 4 + 2], StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return method() + " " + target();
    }
}
