package net.sloop.http;

/**
 * An access log of an {@link HttpServer} ({@link HttpServer#accessLog}): one call per response
 * completed (all of it taken by the socket), on the stack's thread. Without a listener the server
 * makes nothing of it; with one, each response costs the request line's string.
 */
@FunctionalInterface
public interface HttpAccessLog {
    /**
     * @param address the client's IPv4 address
     * @param requestLine the request line as sent, without its CRLF ("GET /status HTTP/1.1"), or "-" if it was unreadable
     * @param status the response's status code
     * @param bytes bytes of the response written (head and body)
     * @param durationNanos from the request's dispatch to the response's last byte taken by the socket
     */
    void response(int address, String requestLine, int status, long bytes, long durationNanos);
}
