package net.sloop.http;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/** The handler API: routes, fixed and streamed bodies, server-sent events, errors, HEAD. */
class HttpHandlersTest {
    @Test
    void routesFixedAndStreamedBodies() throws Exception {
        HttpNet n = new HttpNet(31, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(HttpFilesTest.tree()).build());
        s.route("/status", (req, res) -> res.header("X-Route", "status").send("text/html", "<p>" + req.path() + "</p>"));
        s.route("/status.json", (req, res) -> res.send("application/json", "{\"q\":\"" + req.query() + "\",\"ua\":\"" + req.header("user-agent") + "\"}"));
        byte[] big = HttpFilesTest.bytes(50_000, 4);
        s.route("/big", (req, res) -> res.status(201).send("application/octet-stream", big));
        s.route("/csv", (req, res) -> {
            int[] row = {0};
            res.stream("text/csv", (dst, off, len) -> {
                if (row[0] == 1000) return -1;
                byte[] line = ("row," + row[0]++ + "\n").getBytes(StandardCharsets.US_ASCII);
                if (line.length > len) throw new AssertionError("tiny buffer");
                System.arraycopy(line, 0, dst, off, line.length);
                return line.length;
            });
        });
        HttpTestClient c = n.connect();
        HttpTestClient.Response r = c.get("/status");
        assertEquals("<p>/status</p>", r.text());
        assertEquals("status", r.header("x-route"));
        assertEquals("<p>/status/events/x</p>", c.get("/status/events/x").text());
        assertEquals(404, c.get("/statusx").status());
        c.send("GET /status.json?a=1 HTTP/1.1\r\nHost: s\r\nUser-Agent: test/1\r\n\r\n");
        assertEquals("{\"q\":\"a=1\",\"ua\":\"test/1\"}", c.next().text());
        r = c.get("/big");
        assertEquals(201, r.status());
        assertArrayEquals(big, r.body());
        r = c.get("/csv");
        assertEquals("chunked", r.header("transfer-encoding"));
        String csv = r.text();
        assertTrue(csv.startsWith("row,0\nrow,1\n") && csv.endsWith("row,999\n"), csv.substring(0, 40));
        c.send("HEAD /csv HTTP/1.1\r\nHost: s\r\n\r\n");
        assertEquals(200, c.next(true, Time.seconds(5)).status());
        c.send("HEAD /big HTTP/1.1\r\nHost: s\r\n\r\n");
        r = c.next(true, Time.seconds(5));
        assertEquals("50000", r.header("content-length"));
        assertEquals(0, c.unparsed());
        // HTTP/1.0: a streamed body ends with the connection
        c.send("GET /csv HTTP/1.0\r\n\r\n");
        r = c.next(false, Time.seconds(10));
        assertTrue(r.text().endsWith("row,999\n"));
        c.close();
        assertEquals(8, s.stats().handled());
        n.finish();
    }

    @Test
    void handlersThatFailAre500() throws Exception {
        HttpNet n = new HttpNet(32, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(null).build());
        s.route("/throws", (req, res) -> {
            throw new IllegalStateException("bug");
        });
        s.route("/silent", (req, res) -> {});
        s.route("/bad-source", (req, res) -> res.stream("text/plain", (d, o, l) -> {
            throw new java.io.IOException("gone");
        }));
        HttpTestClient c = n.connect();
        assertEquals(500, c.get("/throws").status());
        assertEquals(500, c.get("/silent").status());
        assertEquals(404, c.get("/no-files-at-all").status());
        c.send("GET /bad-source HTTP/1.1\r\nHost: s\r\n\r\n");
        assertTrue(c.closedByServer(Time.seconds(5)), "a source that fails mid-body: the connection is reset");
        assertEquals(3, s.stats().handlerErrors());
        assertThrows(IllegalArgumentException.class, () -> s.route("nope", (q, p) -> {}));
        c.close();
        n.finish();
    }

    @Test
    void serverSentEventsBoundedAndClosed() throws Exception {
        HttpNet n = new HttpNet(33, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(null).maxEventBytes(1024).build());
        List<HttpEventStream> streams = new ArrayList<>();
        int[] closed = {0};
        s.route("/status/events", (req, res) -> {
            HttpEventStream es = res.events();
            es.onClose(() -> closed[0]++);
            es.send("hello");
            streams.add(es);
        });
        HttpTestClient c = n.connect();
        c.send("GET /status/events HTTP/1.1\r\nHost: s\r\nAccept: text/event-stream\r\n\r\n");
        assertTrue(n.runUntil(() -> {
            c.pull();
            return c.got.toString(StandardCharsets.UTF_8).contains("data: hello\n\n");
        }, Time.seconds(5)));
        String head = c.got.toString(StandardCharsets.UTF_8);
        assertTrue(head.contains("Content-Type: text/event-stream\r\n") && head.contains("Transfer-Encoding: chunked\r\n"), head);
        HttpEventStream es = streams.get(0);
        assertTrue(es.send("update", "line one\nline two"));
        assertTrue(es.comment("ping"));
        assertTrue(n.runUntil(() -> {
            c.pull();
            String got = c.got.toString(StandardCharsets.UTF_8);
            return got.contains("event: update\ndata: line one\ndata: line two\n\n") && got.contains(": ping\n\n");
        }, Time.seconds(5)));
        assertTrue(es.isOpen());
        // the handler ends the stream: the response ends (last chunk), the connection serves on
        es.close();
        assertFalse(es.isOpen());
        assertEquals(1, closed[0]);
        assertTrue(n.runUntil(() -> {
            c.pull();
            return c.got.toString(StandardCharsets.UTF_8).endsWith("0\r\n\r\n");
        }, Time.seconds(5)));
        c.close();

        // a client that does not read: events beyond the stream's bound are dropped, then the send-rate rule closes it
        HttpTestClient slow = n.connectOther();
        slow.send("GET /status/events HTTP/1.1\r\nHost: s\r\n\r\n");
        n.run(Time.millis(100));
        HttpEventStream es2 = streams.get(1);
        String payload = "x".repeat(900);
        int sent = 0, dropped = 0;
        for (int i = 0; i < 400; i++) {
            if (es2.send(payload)) sent++;
            else dropped++;
            n.run(Time.millis(10));
            assertTrue(es2.pendingBytes() <= 1024);
        }
        assertTrue(dropped > 0, "sent " + sent);
        assertEquals(dropped, s.stats().eventsDropped());
        assertTrue(n.runUntil(() -> !es2.isOpen(), Time.seconds(30)), s.stats().line());
        assertEquals(1, s.stats().slowReaders());
        assertEquals(2, closed[0]);
        assertFalse(es2.send("late"));
        slow.close();
        n.finish();
    }

    @Test
    void eventsOnHeadAndAfterTheClientLeft() throws Exception {
        HttpNet n = new HttpNet(34, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(null).build());
        List<HttpEventStream> streams = new ArrayList<>();
        s.route("/ev", (req, res) -> streams.add(res.events()));
        HttpTestClient c = n.connect();
        c.send("HEAD /ev HTTP/1.1\r\nHost: s\r\n\r\n");
        assertEquals(200, c.next(true, Time.seconds(5)).status());
        assertFalse(streams.get(0).isOpen(), "HEAD: no stream");
        c.send("GET /ev HTTP/1.1\r\nHost: s\r\n\r\n");
        n.run(Time.millis(50));
        HttpEventStream es = streams.get(1);
        assertTrue(es.isOpen());
        c.socket.abort(); // the client goes away
        assertTrue(n.runUntil(() -> !es.isOpen(), Time.seconds(5)));
        assertEquals(0, s.activeConnections());
        n.finish();
    }
}
