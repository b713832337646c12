package net.sloop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.sloop.fs.HostFs;
import net.sloop.http.HttpConfig;

/**
 * What {@code ./sloop serve --http-*} asked for, validated by {@link #of}: the HTTP server over a
 * host directory served read-only as a jail ({@code --http-root}). Every message of the
 * {@link IllegalArgumentException}s it throws is one line starting with the option it is about.
 *
 * @param root the host directory served
 * @param port the listening port (80)
 * @param maxConnections connections served at once (503 with Retry-After beyond)
 * @param headerTimeoutSeconds a request head not complete this long after its first byte: 408
 * @param idleTimeoutSeconds a keep-alive connection idle this long is closed
 * @param minSendRate bytes per second a response must drain at (over 10 s), or the connection is reset
 * @param maxPerAddress connections from one address at once (beyond: reset)
 */
record HttpServeOptions(Path root, int port, int maxConnections, long headerTimeoutSeconds, long idleTimeoutSeconds, int minSendRate,
        int maxPerAddress) {
    /** Defaults of the options, also used to tell whether any was given. */
    static final int DEFAULT_PORT = 80, DEFAULT_MAX_CONNECTIONS = 4, DEFAULT_MIN_SEND_RATE = 1024;
    static final long DEFAULT_HEADER_TIMEOUT = 10, DEFAULT_IDLE_TIMEOUT = 15;

    /** Validates; returns null if {@code --http-root} was not given (and no other --http option was). */
    static HttpServeOptions of(Path root, int port, int maxConnections, long headerTimeoutSeconds, long idleTimeoutSeconds, int minSendRate) {
        return of(root, port, maxConnections, headerTimeoutSeconds, idleTimeoutSeconds, minSendRate, 0);
    }

    /** As above, with {@code --http-max-per-address} (0: half the connections, at least one). */
    static HttpServeOptions of(Path root, int port, int maxConnections, long headerTimeoutSeconds, long idleTimeoutSeconds, int minSendRate,
            int maxPerAddress) {
        boolean other = maxPerAddress != 0 || port != DEFAULT_PORT || maxConnections != DEFAULT_MAX_CONNECTIONS || headerTimeoutSeconds != DEFAULT_HEADER_TIMEOUT
                || idleTimeoutSeconds != DEFAULT_IDLE_TIMEOUT || minSendRate != DEFAULT_MIN_SEND_RATE;
        if (root == null) {
            if (other) throw new IllegalArgumentException("--http-*: give --http-root DIR to serve HTTP");
            return null;
        }
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("--http-root " + root + ": not a directory");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("--http-port " + port + ": must be 1..65535");
        if (port == 21 || (port >= 7 && port <= 19 && port % 2 == 1 && port != 11 && port != 15 && port != 17))
            throw new IllegalArgumentException("--http-port " + port + ": taken by another service of serve");
        if (maxConnections < 1 || maxConnections > 1024) throw new IllegalArgumentException("--http-max-connections " + maxConnections + ": must be 1..1024");
        if (headerTimeoutSeconds < 1 || headerTimeoutSeconds > 3600)
            throw new IllegalArgumentException("--http-header-timeout " + headerTimeoutSeconds + ": must be 1..3600 seconds");
        if (idleTimeoutSeconds < 1 || idleTimeoutSeconds > 86_400)
            throw new IllegalArgumentException("--http-idle-timeout " + idleTimeoutSeconds + ": must be 1..86400 seconds");
        if (minSendRate < 0 || minSendRate > 1 << 30) throw new IllegalArgumentException("--http-min-send-rate " + minSendRate + ": must be 0..1073741824 bytes per second (0: no limit)");
        if (maxPerAddress < 0 || maxPerAddress > maxConnections)
            throw new IllegalArgumentException("--http-max-per-address " + maxPerAddress + ": must be 0..--http-max-connections (" + maxConnections + "; 0: half)");
        return new HttpServeOptions(root, port, maxConnections, headerTimeoutSeconds, idleTimeoutSeconds, minSendRate,
                maxPerAddress == 0 ? Math.max(1, maxConnections / 2) : maxPerAddress);
    }

    /** Budgets from which connections get larger buffers ({@link #config}). */
    static final long LARGE_BUDGET = 1 << 20;

    /**
     * The server's configuration over the root (resolved now, read-only), with {@link #guaranteed()}
     * connections promised. Below {@link #LARGE_BUDGET} each connection is kept small (2 KiB request heads,
     * a 1 KiB output buffer: about 9 KiB charged each, so a 128 KiB device can hold four); from
     * it, 8 KiB heads and a 16 KiB output buffer (about 34 KiB each) for fewer, larger writes.
     */
    HttpConfig config(long budgetBytes) {
        HostFs fs;
        try {
            fs = new HostFs(root, true);
        } catch (IOException e) {
            throw new IllegalArgumentException("--http-root " + root + ": " + e.getMessage());
        }
        HttpConfig.Builder b = HttpConfig.builder(fs);
        if (budgetBytes < LARGE_BUDGET) b.maxRequestLineBytes(1024).maxHeaderBytes(2048).bufferBytes(1024);
        else b.maxRequestLineBytes(2048).maxHeaderBytes(8192).bufferBytes(16 * 1024);
        return b.port(port).maxConnections(maxConnections).maxConnectionsPerAddress(maxPerAddress).guaranteedConnections(guaranteed())
                .headerTimeoutNanos(TimeUnit.SECONDS.toNanos(headerTimeoutSeconds)).idleTimeoutNanos(TimeUnit.SECONDS.toNanos(idleTimeoutSeconds))
                .minSendRate(minSendRate, TimeUnit.SECONDS.toNanos(10)).build();
    }

    /**
     * Connections the stack promises HTTP: one more than an address may hold (at most all of them),
     * so that clients at one address, however hostile, always leave room for another's.
     */
    int guaranteed() {
        return Math.min(maxConnections, maxPerAddress + 1);
    }

    /** For the ready line: "http 80 (/srv/www, 4 connections)". */
    String text() {
        return "http " + port + " (" + root + ", " + maxConnections + " connections, " + maxPerAddress + " per address)";
    }
}
