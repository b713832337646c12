package net.sloop.http;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import net.sloop.fs.MemoryFs;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The limits that keep hostile or broken clients from holding the server: pipelining in order,
 * a client that never reads (the send-rate rule), slowloris (the header timeout) while another
 * client is served, the idle keep-alive timeout, the connection limit (503 with Retry-After).
 * Every test lets connections end on their own and checks memory is back.
 */
class HttpLimitsTest {
    @Test
    void tenThousandPipelinedRequestsAnsweredInOrder() throws Exception {
        HttpNet n = new HttpNet(21, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(HttpFilesTest.tree()).build());
        s.route("/n", (req, res) -> res.send("text/plain", req.query()));
        HttpTestClient c = n.connect();
        int total = 10_000;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < total; i++) {
            if (i % 3 == 2) all.append("GET /hello.txt HTTP/1.1\r\nHost: s\r\n\r\n");
            else all.append("GET /n?").append(i).append(" HTTP/1.1\r\nHost: s\r\n\r\n");
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.US_ASCII);
        c.sendBytes(bytes); // reads while it writes: the server answers as it goes
        for (int i = 0; i < total; i++) {
            HttpTestClient.Response r = c.next(false, Time.seconds(30));
            assertNotNull(r, "response " + i);
            assertEquals(200, r.status());
            assertEquals(i % 3 == 2 ? "hello, world\n" : Integer.toString(i), r.text(), "response " + i);
        }
        assertEquals(total, s.stats().requests());
        assertEquals(1, s.stats().connections());
        System.out.printf("http: %d pipelined requests in %.3f s of simulated time%n", total, n.net.now() / 1e9);
        c.close();
        n.finish();
    }

    @Test
    void aClientThatNeverReadsIsClosedByTheSendRateRule() throws Exception {
        MemoryFs fs = HttpFilesTest.tree();
        HttpFilesTest.put(fs, "/big", HttpFilesTest.bytes(4 << 20, 3));
        HttpNet n = new HttpNet(22, 256 * 1024);
        HttpServer s = n.start(HttpNet.config(fs).maxConnections(4).build());
        HttpTestClient c = n.connect();
        // pipelined requests for a big file, and never a read
        byte[] req = "GET /big HTTP/1.1\r\nHost: s\r\n\r\n".repeat(20).getBytes(StandardCharsets.US_ASCII);
        c.socket.write(req, 0, req.length);
        assertTrue(n.runUntil(() -> s.stats().slowReaders() == 1, Time.seconds(60)), s.stats().line());
        assertEquals(0, s.activeConnections());
        // served again at once
        HttpTestClient d = n.connectOther();
        assertEquals(200, d.get("/hello.txt").status());
        d.close();
        c.close();
        n.finish();
    }

    @Test
    void slowlorisIsTimedOutWhileFreshClientsAreServed() throws Exception {
        HttpNet n = new HttpNet(23, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(HttpFilesTest.tree()).maxConnections(3).build());
        HttpTestClient silent = n.connect(); // connects and sends nothing
        n.run(Time.millis(100));
        HttpTestClient slow = n.connect();
        slow.send("GET /hello.txt HTTP/1.1\r\n");
        long t0 = n.net.now();
        HttpTestClient.Response r = null;
        for (int i = 0; i < 30 && r == null; i++) {
            slow.send("X-Slow-" + i + ": a\r\n");
            r = slow.next(false, Time.seconds(2));
            if (i == 2) {
                HttpTestClient fresh = n.connectOther(); // the slot left
                assertEquals("hello, world\n", fresh.get("/hello.txt").text());
                // every slot taken: a newcomer takes the slot of the one waiting longest for a request (silent)
                HttpTestClient next = n.connectOther();
                assertEquals("<p>hi</p>", next.get("/page.html").text());
                assertEquals(1, s.stats().evicted());
                assertTrue(silent.closedByServer(Time.seconds(2)));
                next.close();
                fresh.close();
            }
        }
        assertNotNull(r);
        assertEquals(408, r.status());
        double took = (n.net.now() - t0) / 1e9;
        assertTrue(took >= 9 && took <= 13, "408 after " + took + " s");
        assertTrue(slow.closedByServer(Time.seconds(5)));
        assertEquals(1, s.stats().headerTimeouts());
        slow.close();
        silent.close();
        n.finish();
    }

    @Test
    void anAddressPastItsShareIsReset() throws Exception {
        MemoryFs fs = HttpFilesTest.tree();
        HttpFilesTest.put(fs, "/big", HttpFilesTest.bytes(2 << 20, 3));
        HttpNet n = new HttpNet(25, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(fs).maxConnections(2).maxConnectionsPerAddress(1).build());
        HttpTestClient busy = n.connect();
        busy.socket.write("GET /big HTTP/1.1\r\nHost: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, 30); // answered, never read
        n.run(Time.millis(200));
        HttpTestClient same = n.connect(); // the same address: its share is taken, reset at once
        assertTrue(same.closedByServer(Time.seconds(2)));
        assertTrue(same.reset);
        HttpTestClient other = n.connectOther(); // another address: served
        assertEquals(200, other.get("/hello.txt").status());
        assertEquals(1, s.stats().refusedPerAddress());
        busy.close();
        other.close();
        same.close();
        n.finish();
    }

    @Test
    void everySlotBusyAnsweringIs503() throws Exception {
        MemoryFs fs = HttpFilesTest.tree();
        HttpFilesTest.put(fs, "/big", HttpFilesTest.bytes(2 << 20, 3));
        HttpNet n = new HttpNet(26, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(fs).maxConnections(1).build());
        HttpTestClient busy = n.connect();
        busy.socket.write("GET /big HTTP/1.1\r\nHost: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, 30); // answered, never read
        n.run(Time.millis(200));
        HttpTestClient third = n.connectOther(); // the slot is busy answering: nothing to take over
        third.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\n\r\n");
        HttpTestClient.Response r = third.next(false, Time.seconds(2));
        assertEquals(503, r.status());
        assertEquals("5", r.header("retry-after"));
        assertEquals(1, s.stats().refusedFull());
        assertEquals(0, s.stats().evicted());
        busy.close();
        third.close();
        n.finish();
    }

    @Test
    void idleKeepAliveConnectionsAreClosed() throws Exception {
        HttpNet n = new HttpNet(24, 512 * 1024);
        HttpServer s = n.start(HttpNet.config(HttpFilesTest.tree()).idleTimeoutNanos(Time.seconds(5)).build());
        HttpTestClient c = n.connect();
        assertEquals(200, c.get("/hello.txt").status());
        long t0 = n.net.now();
        assertTrue(c.closedByServer(Time.seconds(10)));
        double took = (n.net.now() - t0) / 1e9;
        assertTrue(took >= 4.9 && took < 6, "closed after " + took + " s");
        assertEquals(1, s.stats().idleClosed());
        c.close();
        n.finish();
    }
}
