package net.sloop.http;

/**
 * A dynamic page, mounted on an {@link HttpServer} with {@link HttpServer#route(String, HttpHandler)}.
 *
 * <p>Called on the stack's thread for each GET or HEAD request whose path the route matches (other
 * methods are answered 405 by the server, and a request's body has been read and discarded
 * before). The handler must answer before it returns, with exactly one of
 * {@link HttpResponse#send(String, byte[])} (a fixed-length body),
 * {@link HttpResponse#stream(String, HttpResponse.BodySource)} (a body produced piece by piece as
 * the connection drains: chunked on HTTP/1.1) or {@link HttpResponse#events()} (server-sent
 * events, kept open). The server leaves a HEAD response's body out by itself.
 *
 * <p>A handler that throws, or returns without answering, gets a 500 (counted as
 * {@link HttpStats#handlerErrors()}). Handlers must not block: there is one thread.
 */
@FunctionalInterface
public interface HttpHandler {
    void handle(HttpRequest request, HttpResponse response) throws Exception;
}
