package net.sloop.http;

import java.nio.charset.StandardCharsets;

/**
 * One open response of server-sent events (text/event-stream, WHATWG HTML §9.2), from
 * {@link HttpResponse#events()}. Use it on the stack's thread.
 *
 * <p>Bounded: events not yet taken by the connection are held up to
 * {@link HttpConfig#maxEventBytes()} bytes (charged to the budget while held); an event beyond
 * that, or one the budget cannot hold, is dropped and {@link #send} returns false (counted as
 * {@link HttpStats#eventsDropped()}). A client that does not read is closed by the server's send
 * rate rule, like any slow reader; the stream then reports {@link #isOpen()} false and its close
 * listener runs.
 */
public final class HttpEventStream {
    private final HttpConnection c;
    private final long generation;
    private Runnable onClose;
    boolean open = true;

    HttpEventStream(HttpConnection c, long generation) {
        this.c = c;
        this.generation = generation;
    }

    /** Sends {@code data} as one event ("data:" once per line); false if dropped or the stream is closed. */
    public boolean send(String data) {
        return send(null, data);
    }

    /** Sends an event with an {@code event:} name (null: none) and {@code data}. */
    public boolean send(String event, String data) {
        if (!isOpen()) return false;
        StringBuilder b = new StringBuilder(data.length() + 16);
        if (event != null) b.append("event: ").append(clean(event)).append('\n');
        int start = 0;
        while (true) {
            int nl = data.indexOf('\n', start);
            String line = nl < 0 ? data.substring(start) : data.substring(start, nl);
            b.append("data: ").append(clean(line)).append('\n');
            if (nl < 0) break;
            start = nl + 1;
        }
        b.append('\n');
        return c.queueEvent(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends an event whose bytes {@code event} produces as the connection drains, through the
     * connection's own output buffer: nothing is copied or charged, so an event of any size costs
     * no memory (the live view streams its JSON document this way). The source writes the event
     * itself, field lines and the blank line that ends it, returns -1 when it is whole, and is
     * closed then (or when the stream ends first). At most one such event is pending: while it is,
     * another is dropped and false returned (counted as {@link HttpStats#eventsDropped()}), so a
     * client slower than the events gets fewer of them. On false the source is not used.
     */
    public boolean send(HttpResponse.BodySource event) {
        if (!isOpen()) return false;
        return c.queueEventSource(event);
    }

    /** Sends a comment line (": text"), which clients ignore: a keep-alive. */
    public boolean comment(String text) {
        if (!isOpen()) return false;
        return c.queueEvent((": " + clean(text) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String clean(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace("\r", "").replace("\n", "");
    }

    /** True until the client left, the server closed the connection, or {@link #close()}. */
    public boolean isOpen() {
        return open && c.eventGeneration == generation;
    }

    /** Bytes of events held, not yet taken by the connection. */
    public int pendingBytes() {
        return isOpen() ? c.eventBytes : 0;
    }

    /** Ends the response after the events held (the connection may then serve its next request). Idempotent. */
    public void close() {
        if (isOpen()) c.endEvents();
    }

    /** Runs {@code r} once when the stream closes, whoever closes it (on the stack's thread). */
    public void onClose(Runnable r) {
        onClose = r;
        if (!isOpen()) closed();
    }

    void closed() {
        open = false;
        Runnable r = onClose;
        onClose = null;
        if (r != null) r.run();
    }
}
