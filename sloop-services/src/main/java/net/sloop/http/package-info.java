/**
 * An HTTP/1.1 server (RFC 9110, 9112) on a stack's event-driven sockets ({@link net.sloop.http.HttpServer}):
 * static files with ranges and conditional requests, dynamic pages and server-sent events through
 * {@link net.sloop.http.HttpHandler}, strict parsing, and limits that keep slow or hostile clients from
 * holding memory. Configured by {@link net.sloop.http.HttpConfig}; figures in {@link net.sloop.http.HttpStats}.
 */
package net.sloop.http;
