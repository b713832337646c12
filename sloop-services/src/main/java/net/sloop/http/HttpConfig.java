package net.sloop.http;

import java.util.function.LongSupplier;
import net.sloop.fs.FileSystem;
import net.sloop.time.Time;

/**
 * How an {@link HttpServer} is set up and bounded. Build with {@link #builder(FileSystem)};
 * {@link Builder#build()} validates. Every limit has its status code and a counter in
 * {@link HttpStats}.
 *
 * <p>What it costs: {@code maxConnections} connections are made at start, each charged (CONTROL)
 * {@link HttpConnection#chargeFor} its buffers: the request head ({@code maxHeaderBytes}), the
 * output buffer ({@code bufferBytes}), the header index and its objects. Each connection's socket
 * buffers are the stack's to charge (autotuned from the stack's defaults, or {@code sendBuffer}
 * and {@code receiveBuffer} when given). A handler's fixed body and the events of a server-sent
 * event stream are charged while the server holds them, up to {@code maxEventBytes} per stream.
 *
 * @param fs the files served (null: only routes)
 * @param port the listening port (80)
 * @param maxConnections connections served at once (beyond: 503 with Retry-After, then closed)
 * @param maxConnectionsPerAddress of those, from one client address (beyond: reset at once, counted)
 * @param guaranteedConnections connections the stack keeps room for whatever other services hold
 * @param sendBuffer fixed send buffer of each connection (0: the stack's autotuned default)
 * @param receiveBuffer fixed receive buffer of each connection (0: the stack's autotuned default)
 * @param bufferBytes each connection's output buffer (response heads, file chunks, listing lines)
 * @param maxRequestLineBytes longest request line, CRLF included (414 beyond)
 * @param maxHeaderBytes longest request head, request line and CRLFs included (431 beyond); the input buffer's size
 * @param maxHeaders most header fields in a request (431 beyond)
 * @param maxBodyBytes largest request body read and discarded (413 beyond, closed)
 * @param headerTimeoutNanos a request head (or body) not complete this long after its first byte: 408, closed
 * @param idleTimeoutNanos a keep-alive connection with no request for this long is closed
 * @param minSendRate bytes per second a response must drain at, measured over {@code sendRateWindowNanos} (closed below)
 * @param sendRateWindowNanos the window the send rate is measured over
 * @param maxEventBytes bytes of server-sent events a stream may hold unsent (beyond: the event is dropped, counted)
 * @param retryAfterSeconds the Retry-After of a 503 at the connection limit
 * @param listings generate a listing for a directory without index.html (false: 404)
 * @param wallClockMillis the wall clock for Date and conditional requests
 */
public record HttpConfig(FileSystem fs, int port, int maxConnections, int maxConnectionsPerAddress, int guaranteedConnections, int sendBuffer, int receiveBuffer, int bufferBytes,
        int maxRequestLineBytes, int maxHeaderBytes, int maxHeaders, long maxBodyBytes, long headerTimeoutNanos, long idleTimeoutNanos,
        int minSendRate, long sendRateWindowNanos, int maxEventBytes, int retryAfterSeconds, boolean listings, LongSupplier wallClockMillis) {

    public static Builder builder(FileSystem fs) {
        return new Builder(fs);
    }

    /** Mutable builder with the documented defaults. */
    public static final class Builder {
        private final FileSystem fs;
        private int port = 80, maxConnections = 8, maxConnectionsPerAddress = Integer.MAX_VALUE, guaranteedConnections = 1, sendBuffer, receiveBuffer, bufferBytes = 2048;
        private int maxRequestLineBytes = 1024, maxHeaderBytes = 4096, maxHeaders = 32;
        private long maxBodyBytes = 1 << 20;
        private long headerTimeoutNanos = Time.seconds(10), idleTimeoutNanos = Time.seconds(15);
        private int minSendRate = 1024;
        private long sendRateWindowNanos = Time.seconds(10);
        private int maxEventBytes = 16 * 1024, retryAfterSeconds = 5;
        private boolean listings = true;
        private LongSupplier wallClockMillis = java.time.Clock.systemUTC()::millis;

        Builder(FileSystem fs) {
            this.fs = fs;
        }

        public Builder port(int p) { port = p; return this; }
        public Builder maxConnections(int n) { maxConnections = n; return this; }
        /** At most this many connections from one address (default: no limit but maxConnections). */
        public Builder maxConnectionsPerAddress(int n) { maxConnectionsPerAddress = n; return this; }
        public Builder guaranteedConnections(int n) { guaranteedConnections = n; return this; }
        public Builder socketBuffers(int send, int receive) { sendBuffer = send; receiveBuffer = receive; return this; }
        public Builder bufferBytes(int n) { bufferBytes = n; return this; }
        public Builder maxRequestLineBytes(int n) { maxRequestLineBytes = n; return this; }
        public Builder maxHeaderBytes(int n) { maxHeaderBytes = n; return this; }
        public Builder maxHeaders(int n) { maxHeaders = n; return this; }
        public Builder maxBodyBytes(long n) { maxBodyBytes = n; return this; }
        public Builder headerTimeoutNanos(long n) { headerTimeoutNanos = n; return this; }
        public Builder idleTimeoutNanos(long n) { idleTimeoutNanos = n; return this; }
        public Builder minSendRate(int bytesPerSecond, long windowNanos) { minSendRate = bytesPerSecond; sendRateWindowNanos = windowNanos; return this; }
        public Builder maxEventBytes(int n) { maxEventBytes = n; return this; }
        public Builder retryAfterSeconds(int n) { retryAfterSeconds = n; return this; }
        public Builder listings(boolean on) { listings = on; return this; }
        public Builder wallClockMillis(LongSupplier s) { wallClockMillis = s; return this; }

        public HttpConfig build() {
            return new HttpConfig(fs, port, maxConnections, Math.min(maxConnections, maxConnectionsPerAddress), guaranteedConnections, sendBuffer, receiveBuffer, bufferBytes, maxRequestLineBytes,
                    maxHeaderBytes, maxHeaders, maxBodyBytes, headerTimeoutNanos, idleTimeoutNanos, minSendRate, sendRateWindowNanos, maxEventBytes,
                    retryAfterSeconds, listings, wallClockMillis).validate();
        }
    }

    /** Smallest output buffer: a response head with a long Location or ETag, and a listing line, must fit. */
    public static final int MIN_BUFFER = 1024;

    /** @throws IllegalArgumentException naming the first inconsistent setting */
    public HttpConfig validate() {
        require(port >= 1 && port <= 65535, "port " + port + " must be 1..65535");
        require(maxConnections >= 1 && maxConnections <= 4096, "maxConnections " + maxConnections + " must be 1..4096");
        require(maxConnectionsPerAddress >= 1, "maxConnectionsPerAddress " + maxConnectionsPerAddress + " must be at least 1");
        require(guaranteedConnections >= 0 && guaranteedConnections <= maxConnections,
                "guaranteedConnections " + guaranteedConnections + " must be 0.." + maxConnections);
        require(sendBuffer >= 0 && receiveBuffer >= 0 && (sendBuffer == 0) == (receiveBuffer == 0),
                "socket buffers must both be 0 (autotuned) or both positive");
        require(bufferBytes >= MIN_BUFFER && bufferBytes <= 1 << 20, "bufferBytes " + bufferBytes + " must be " + MIN_BUFFER + "..1048576");
        require(maxRequestLineBytes >= 64, "maxRequestLineBytes " + maxRequestLineBytes + " must be at least 64");
        require(maxHeaderBytes >= maxRequestLineBytes && maxHeaderBytes <= 1 << 20,
                "maxHeaderBytes " + maxHeaderBytes + " must be maxRequestLineBytes (" + maxRequestLineBytes + ")..1048576");
        require(maxHeaders >= 4 && maxHeaders <= 1024, "maxHeaders " + maxHeaders + " must be 4..1024");
        require(maxBodyBytes >= 0, "maxBodyBytes must not be negative");
        require(headerTimeoutNanos > 0 && idleTimeoutNanos > 0 && sendRateWindowNanos > 0, "timeouts must be positive");
        require(minSendRate >= 0, "minSendRate must not be negative");
        require(maxEventBytes >= 256, "maxEventBytes " + maxEventBytes + " must be at least 256");
        require(retryAfterSeconds >= 0, "retryAfterSeconds must not be negative");
        require(wallClockMillis != null, "wallClockMillis must be given");
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid HTTP configuration: " + message);
    }
}
