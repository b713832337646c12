package net.sloop.http;

/**
 * The figures of one HTTP server: plain counters updated on the stack's thread, each limit with
 * its own, and a one-line report like the small services' ({@link #line}).
 */
public final class HttpStats implements net.sloop.stats.Figures {
    final int port;
    long connections, active, peakActive, refusedFull, refusedPerAddress, evicted;
    long requests, responses2xx, responses3xx, responses4xx, responses5xx, notModified, partial, rangeNotSatisfiable;
    long badRequest, smuggling, lineTooLong, headersTooLarge, bodyTooLarge, headerTimeouts, idleClosed, slowReaders;
    long notFound, methodNotAllowed, notImplemented, handlerErrors, handled, events, eventsDropped, noMemory;
    long bytesOut, bodyBytesDiscarded, errors;

    HttpStats(int port) {
        this.port = port;
    }

    public int port() { return port; }
    /** Connections taken into a slot. */
    public long connections() { return connections; }
    public long active() { return active; }
    public long peakActive() { return peakActive; }
    /** 503 with Retry-After: every connection slot was taken. */
    public long refusedFull() { return refusedFull; }
    /** Reset at once: the client's address held its most connections (a flood from one address gets no lingering 503s). */
    public long refusedPerAddress() { return refusedPerAddress; }
    /**
     * Connections closed to make room for a new one when every slot was taken: the one waiting
     * longest for a request (an idle keep-alive connection, or a request head still arriving).
     */
    public long evicted() { return evicted; }
    /** Requests whose head was read whole (answered or refused). */
    public long requests() { return requests; }
    public long responses2xx() { return responses2xx; }
    public long responses3xx() { return responses3xx; }
    public long responses4xx() { return responses4xx; }
    public long responses5xx() { return responses5xx; }
    /** 304 after If-None-Match or If-Modified-Since. */
    public long notModified() { return notModified; }
    /** 206 for a Range. */
    public long partial() { return partial; }
    /** 416: a Range the file cannot satisfy. */
    public long rangeNotSatisfiable() { return rangeNotSatisfiable; }
    /** 400 for any malformed request (smuggling vectors included), each closing its connection. */
    public long badRequest() { return badRequest; }
    /**
     * Of those 400s, the framing attacks RFC 9112 names: both Content-Length and
     * Transfer-Encoding, duplicate or malformed Content-Length, obs-fold, bare CR, whitespace
     * before a colon, an invalid chunk.
     */
    public long smuggling() { return smuggling; }
    /** 414: a request line longer than the limit. */
    public long lineTooLong() { return lineTooLong; }
    /** 431: a request head larger than the limit, or with too many fields. */
    public long headersTooLarge() { return headersTooLarge; }
    /** 413: a request body larger than the limit. */
    public long bodyTooLarge() { return bodyTooLarge; }
    /** 408: a request head or body not complete in time (slowloris). */
    public long headerTimeouts() { return headerTimeouts; }
    /** Keep-alive connections closed after the idle timeout. */
    public long idleClosed() { return idleClosed; }
    /** Connections reset because their response drained slower than the minimum send rate. */
    public long slowReaders() { return slowReaders; }
    public long notFound() { return notFound; }
    /** 405 (with Allow). */
    public long methodNotAllowed() { return methodNotAllowed; }
    /** 501: a method, or a transfer coding, the server does not implement. */
    public long notImplemented() { return notImplemented; }
    /** 500: a handler that threw or answered nothing. */
    public long handlerErrors() { return handlerErrors; }
    /** Requests given to a handler. */
    public long handled() { return handled; }
    /** Server-sent events queued. */
    public long events() { return events; }
    /** Server-sent events dropped: the stream held its most unsent bytes, or the budget had no room. */
    public long eventsDropped() { return eventsDropped; }
    /** A handler's body or an event refused for want of budget memory (503 or dropped). */
    public long noMemory() { return noMemory; }
    /** Bytes written to connections (heads and bodies). */
    public long bytesOut() { return bytesOut; }
    /** Request body bytes read and discarded. */
    public long bodyBytesDiscarded() { return bodyBytesDiscarded; }
    /** Connections that ended with an error (reset by the peer, timed out). */
    public long errors() { return errors; }

    void opened() {
        connections++;
        if (++active > peakActive) peakActive = active;
    }

    void status(int code) {
        if (code < 300) responses2xx++;
        else if (code < 400) responses3xx++;
        else if (code < 500) responses4xx++;
        else responses5xx++;
    }

    /** The figures for the live view (docs/STATUS.md, {@code services[]}), in a fixed order. */
    @Override
    public void figures(Sink s) {
        s.figure("connections", connections);
        s.figure("active", active);
        s.figure("peak_active", peakActive);
        s.figure("refused_full", refusedFull);
        s.figure("refused_per_address", refusedPerAddress);
        s.figure("evicted", evicted);
        s.figure("requests", requests);
        s.figure("responses_2xx", responses2xx);
        s.figure("responses_3xx", responses3xx);
        s.figure("responses_4xx", responses4xx);
        s.figure("responses_5xx", responses5xx);
        s.figure("not_modified", notModified);
        s.figure("bad_request", badRequest);
        s.figure("smuggling", smuggling);
        s.figure("header_timeouts", headerTimeouts);
        s.figure("idle_closed", idleClosed);
        s.figure("slow_readers", slowReaders);
        s.figure("not_found", notFound);
        s.figure("handled", handled);
        s.figure("handler_errors", handlerErrors);
        s.figure("events", events);
        s.figure("events_dropped", eventsDropped);
        s.figure("no_memory", noMemory);
        s.figure("bytes_out", bytesOut);
        s.figure("errors", errors);
    }

    /** One line for people. */
    public String line() {
        return String.format("http     tcp/%-5d connections %d, active %d (peak %d), 503 full %d, reset per-address %d, evicted %d, requests %d: 2xx %d, 3xx %d (304 %d), 4xx %d, 5xx %d;"
                        + " 206 %d, 416 %d, 400 %d (smuggling %d), 414 %d, 431 %d, 413 %d, 408 %d, idle-closed %d, slow readers %d, 404 %d, 405 %d,"
                        + " 501 %d, handled %d (500 %d), events %d (dropped %d), no memory %d, out %d B, discarded %d B, errors %d",
                port, connections, active, peakActive, refusedFull, refusedPerAddress, evicted, requests, responses2xx, responses3xx, notModified, responses4xx, responses5xx,
                partial, rangeNotSatisfiable, badRequest, smuggling, lineTooLong, headersTooLarge, bodyTooLarge, headerTimeouts, idleClosed,
                slowReaders, notFound, methodNotAllowed, notImplemented, handled, handlerErrors, events, eventsDropped, noMemory, bytesOut,
                bodyBytesDiscarded, errors);
    }

    @Override
    public String toString() {
        return line();
    }
}
