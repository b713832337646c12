package net.sloop.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;

/**
 * A raw HTTP client for the server's tests, on the event-driven API in simulated time: writes bytes
 * exactly as given and parses what comes back (status line, fields, a body framed by
 * Content-Length, chunked or the close), so malformed requests can be sent on purpose.
 */
final class HttpTestClient {
    final HttpNet n;
    final TcpSocket socket;
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    private int pos;
    boolean eof, reset;
    private final byte[] buf = new byte[16384];

    HttpTestClient(HttpNet n, Stack stack) {
        this.n = n;
        n.sync();
        try {
            socket = stack.tcp().connect(HttpNet.SERVER, n.http.port());
        } catch (TcpException e) {
            throw new AssertionError(e);
        }
        assertTrue(n.runUntil(socket::isConnected, Time.seconds(10)), "not connected");
    }

    /** A response as received. */
    record Response(int status, String statusLine, Map<String, List<String>> fields, byte[] body) {
        String header(String name) {
            List<String> v = fields.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    void send(String raw) {
        sendBytes(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes everything, running the network (and reading) while the send buffer is full. */
    void sendBytes(byte[] b) {
        int[] off = {0};
        boolean ok = n.runUntil(() -> {
            pull();
            if (eof) return true;
            try {
                while (off[0] < b.length) {
                    int k = socket.write(b, off[0], b.length - off[0]);
                    if (k == 0) return false;
                    off[0] += k;
                }
            } catch (TcpException e) {
                eof = reset = true;
                return true;
            }
            return true;
        }, Time.seconds(60));
        assertTrue(ok, "could not send");
    }

    /** Reads what has arrived. */
    void pull() {
        if (eof) return;
        try {
            while (true) {
                int k = socket.read(buf, 0, buf.length);
                if (k < 0) {
                    eof = true;
                    return;
                }
                if (k == 0) return;
                got.write(buf, 0, k);
            }
        } catch (TcpException e) {
            eof = reset = true;
        }
    }

    /** The next response (HEAD: no body), waiting up to {@code forNanos}; null if none came whole. */
    Response next(boolean headRequest, long forNanos) {
        Response[] r = {null};
        n.runUntil(() -> {
            pull();
            r[0] = parse(headRequest);
            return r[0] != null || eof;
        }, forNanos);
        if (r[0] == null) r[0] = parse(headRequest);
        return r[0];
    }

    Response next() {
        return next(false, Time.seconds(30));
    }

    Response get(String path) {
        send("GET " + path + " HTTP/1.1\r\nHost: sloop\r\n\r\n");
        return next();
    }

    /** True once the server closed the connection (read to its end, or reset). */
    boolean closedByServer(long forNanos) {
        return n.runUntil(() -> {
            pull();
            return eof;
        }, forNanos);
    }

    /** Bytes received and not yet parsed as a response. */
    int unparsed() {
        return got.size() - pos;
    }

    void close() {
        socket.close();
    }

    private Response parse(boolean headRequest) {
        byte[] all = got.toByteArray();
        int end = indexOf(all, pos, "\r\n\r\n");
        if (end < 0) return null;
        String headText = new String(all, pos, end - pos, StandardCharsets.ISO_8859_1);
        String[] lines = headText.split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, List<String>> f = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            f.computeIfAbsent(lines[i].substring(0, c).toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(lines[i].substring(c + 1).strip());
        }
        int p = end + 4;
        if (status == 100) { // interim: skip it
            pos = p;
            return parse(headRequest);
        }
        byte[] body;
        List<String> te = f.get("transfer-encoding");
        List<String> cl = f.get("content-length");
        if (headRequest || status == 304 || status == 204) {
            body = new byte[0];
        } else if (te != null) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int le = indexOf(all, p, "\r\n");
                if (le < 0) return null;
                int size = Integer.parseInt(new String(all, p, le - p, StandardCharsets.ISO_8859_1).split(";")[0].strip(), 16);
                p = le + 2;
                if (size == 0) {
                    if (all.length < p + 2) return null;
                    p += 2;
                    break;
                }
                if (all.length < p + size + 2) return null;
                b.write(all, p, size);
                p += size + 2;
            }
            body = b.toByteArray();
        } else if (cl != null) {
            int len = Integer.parseInt(cl.get(0));
            if (all.length < p + len) return null;
            body = java.util.Arrays.copyOfRange(all, p, p + len);
            p += len;
        } else {
            if (!eof) return null;
            body = java.util.Arrays.copyOfRange(all, p, all.length);
            p = all.length;
        }
        pos = p;
        return new Response(status, lines[0], f, body);
    }

    static int indexOf(byte[] a, int from, String s) {
        byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = from; i <= a.length - t.length; i++) {
            for (int k = 0; k < t.length; k++) if (a[i + k] != t[k]) continue outer;
            return i;
        }
        return -1;
    }
}
