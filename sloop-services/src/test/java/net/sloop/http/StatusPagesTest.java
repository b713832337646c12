package net.sloop.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sloop.dashboard.StatusPages;
import net.sloop.stack.StackConfig;
import net.sloop.status.ByteSink;
import net.sloop.status.JsonReader;
import net.sloop.status.Sources;
import net.sloop.status.StatusView;
import net.sloop.tcp.TcpConfig;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The status pages (net.sloop.dashboard) on an HTTP server in simulated time, on a 128 KiB server
 * stack set up like {@code serve --budget 128k --http-root}: 4 connections with 1 KiB output
 * buffers, so every document passes through the buffer in many windows.
 */
class StatusPagesTest {
    static final long BUDGET = 128 * 1024;

    /** The rig: the server, the view of its stack, the pages at /status. */
    static final class Rig {
        final HttpNet n;
        final HttpServer http;
        final StatusView view;
        final StatusPages pages;
        final long pagesCharge;

        Rig(long seed) {
            this(seed, 4);
        }

        Rig(long seed, int perAddress) {
            n = new HttpNet(seed, StackConfig.builder().budget(BUDGET).applicationTimers(2).tcp(TcpConfig.builder().secret(42).build()).build());
            http = n.start(HttpNet.config(null).maxConnections(4).maxConnectionsPerAddress(perAddress).maxRequestLineBytes(1024).maxHeaderBytes(2048)
                    .bufferBytes(1024).build());
            view = StatusView.open(n.server, StatusView.Config.defaults(), Sources.of(null, null, http));
            pages = StatusPages.mount(n.server, http, view, "/status");
            pagesCharge = pages.chargedBytes();
        }

        /** The view's document of its last snapshot, as the socket would render it. */
        String lastDocument() {
            ByteSink.Collect c = new ByteSink.Collect();
            view.writeJson(c);
            return c.toString();
        }

        void finish() {
            assertEquals(pagesCharge, pages.chargedBytes(), "the pages' charge is fixed");
            pages.close();
            assertEquals(0, pages.chargedBytes());
            view.close();
            n.finish();
        }
    }

    @Test
    void jsonIsTheViewsDocumentStreamedThroughTheBuffer() {
        Rig r = new Rig(1);
        HttpTestClient c = r.n.connect();
        long expectedHttp = HttpServer.chargeFor(r.http.config()) + r.http.routeBytes();
        c.send("GET /status.json HTTP/1.1\r\nHost: sloop\r\n\r\n");
        long[] most = {0};
        HttpTestClient.Response[] got = {null};
        assertTrue(r.n.runUntil(() -> {
            most[0] = Math.max(most[0], r.http.chargedBytes());
            c.pull();
            return (got[0] = c.next(false, 0)) != null;
        }, Time.seconds(10)));
        HttpTestClient.Response resp = got[0];
        assertEquals(200, resp.status());
        assertEquals("application/json", resp.header("Content-Type"));
        assertEquals("chunked", resp.header("Transfer-Encoding"));
        assertEquals("no-store", resp.header("Cache-Control"));
        String body = resp.text();
        assertTrue(body.length() > 3 * r.http.config().bufferBytes(), "a document of " + body.length() + " bytes passes in many windows");
        assertEquals(r.lastDocument(), body, "the same bytes as the view renders for the socket");
        Map<String, Object> doc = JsonReader.object(body);
        assertEquals("sloop-status/1", doc.get("schema"));
        assertEquals(BUDGET, ((Number) ((Map<?, ?>) doc.get("budget")).get("capacity")).longValue());
        assertTrue(body.contains("\"name\":\"http\""), "HTTP's figures are among the services");
        assertEquals(expectedHttp, most[0], "no body was charged: the document streamed through the connection's own buffer");
        assertEquals(1, r.pages.documents());
        // the next request takes a new snapshot (the hold ended with the response)
        long seq = ((Number) doc.get("sequence")).longValue();
        Map<String, Object> again = JsonReader.object(c.get("/status.json").text());
        assertEquals(seq + 1, ((Number) again.get("sequence")).longValue());
        c.close();
        r.finish();
    }

    @Test
    void csvParsesAndAddsUp() {
        Rig r = new Rig(2);
        r.n.run(Time.seconds(5)); // the pages' tick samples the history once a second
        HttpTestClient c = r.n.connect();
        HttpTestClient.Response resp = c.get("/status.csv");
        assertEquals(200, resp.status());
        assertEquals("text/csv; charset=utf-8", resp.header("Content-Type"));
        String[] lines = resp.text().split("\n");
        assertEquals("unix_ms,used,committed,rx,tx,reassembly,arp_queue,socket_send,socket_receive,out_of_order,control,time_wait", lines[0]);
        assertTrue(lines.length - 1 >= 4 && lines.length - 1 <= 6, (lines.length - 1) + " samples in 5 s");
        for (int i = 1; i < lines.length; i++) {
            String[] v = lines[i].split(",");
            assertEquals(12, v.length, lines[i]);
            long sum = 0;
            for (int k = 3; k < v.length; k++) sum += Long.parseLong(v[k]);
            assertEquals(Long.parseLong(v[1]), sum, "the categories add up to used: " + lines[i]);
            assertEquals(HttpNet.WALL, Long.parseLong(v[0]));
        }
        c.close();
        r.finish();
    }

    @Test
    void eventsCarryANewDocumentEverySecond() {
        Rig r = new Rig(3);
        HttpTestClient c = r.n.connect();
        c.send("GET /status/events HTTP/1.1\r\nHost: sloop\r\nAccept: text/event-stream\r\n\r\n");
        List<Long> seqs = new ArrayList<>();
        assertTrue(r.n.runUntil(() -> {
            c.pull();
            seqs.clear();
            for (String ev : events(c.got.toByteArray())) {
                assertTrue(ev.startsWith("data: {") && ev.indexOf('\n') < 0, "one data line holding a document: " + ev);
                seqs.add(((Number) JsonReader.object(ev.substring(6)).get("sequence")).longValue());
            }
            return seqs.size() >= 4;
        }, Time.seconds(6)), "events: " + seqs);
        String head = c.got.toString(StandardCharsets.UTF_8);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n") && head.contains("Content-Type: text/event-stream\r\n"), head);
        for (int i = 1; i < seqs.size(); i++) assertTrue(seqs.get(i) > seqs.get(i - 1), "a new snapshot each time: " + seqs);
        assertEquals(1, r.pages.subscribers());
        assertTrue(r.pages.eventsSent() >= 4);
        assertEquals(r.pagesCharge, r.pages.chargedBytes());
        assertEquals(HttpServer.chargeFor(r.http.config()) + r.http.routeBytes(), r.http.chargedBytes(), "events are not copied");
        c.close(); // the client leaves: its slot is free again
        assertTrue(r.n.runUntil(() -> r.pages.subscribers() == 0, Time.seconds(5)));
        r.finish();
    }

    /** The whole events in a chunked event-stream response (the head skipped, chunks joined), without their blank line. */
    static List<String> events(byte[] all) {
        String s = new String(all, StandardCharsets.UTF_8);
        int p = s.indexOf("\r\n\r\n");
        StringBuilder body = new StringBuilder();
        if (p >= 0) {
            p += 4;
            while (true) {
                int le = s.indexOf("\r\n", p);
                if (le < 0) break;
                int size = Integer.parseInt(s.substring(p, le), 16);
                if (size == 0 || le + 2 + size + 2 > s.length()) break;
                body.append(s, le + 2, le + 2 + size);
                p = le + 2 + size + 2;
            }
        }
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int e; (e = body.indexOf("\n\n", from)) >= 0; from = e + 2) out.add(body.substring(from, e));
        return out;
    }

    @Test
    void eventStreamsAreBoundedAndTheRestAre503() {
        Rig r = new Rig(4);
        assertEquals(2, r.pages.maxSubscribers(), "half of 4 connections");
        List<HttpTestClient> subs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HttpTestClient c = r.n.connect();
            c.send("GET /status/events HTTP/1.1\r\nHost: sloop\r\n\r\n");
            subs.add(c);
        }
        assertTrue(r.n.runUntil(() -> r.pages.subscribers() == 2, Time.seconds(5)));
        HttpTestClient third = r.n.connectOther();
        HttpTestClient.Response resp = third.get("/status/events");
        assertEquals(503, resp.status());
        assertEquals("10", resp.header("Retry-After"));
        assertTrue(resp.text().contains("poll /status.json"), resp.text());
        // the document is still there to poll, on the same connection
        assertEquals(200, third.get("/status.json").status());
        assertEquals(1, r.pages.refused());
        for (HttpTestClient c : subs) c.close();
        third.close();
        assertTrue(r.n.runUntil(() -> r.pages.subscribers() == 0, Time.seconds(5)));
        r.finish();
    }

    @Test
    void headAnswersEveryRouteWithoutABody() {
        Rig r = new Rig(5);
        HttpTestClient c = r.n.connect();
        for (String p : new String[] {"/status", "/status.json", "/status.csv", "/status/events"}) {
            c.send("HEAD " + p + " HTTP/1.1\r\nHost: sloop\r\n\r\n");
            HttpTestClient.Response resp = c.next(true, Time.seconds(5));
            assertNotNull(resp, p);
            assertEquals(200, resp.status(), p);
            assertEquals(0, resp.body().length, p);
        }
        assertEquals(0, r.pages.subscribers());
        // no hold is left behind: a new snapshot is taken
        long before = r.view.last().sequence;
        assertEquals(before + 1, r.view.snapshot(HttpNet.WALL).sequence);
        assertEquals(0, c.unparsed());
        c.close();
        r.finish();
    }

    @Test
    void pageAndAssetsComeFromTheJar() throws Exception {
        Rig r = new Rig(6);
        HttpTestClient c = r.n.connect();
        HttpTestClient.Response page = c.get("/status");
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.header("Content-Type"));
        assertTrue(page.header("Content-Security-Policy").startsWith("default-src 'self'"));
        String html = page.text();
        Matcher css = Pattern.compile("href=\"(/status/dashboard-[0-9a-f]{12}\\.css)\"").matcher(html);
        Matcher js = Pattern.compile("src=\"(/status/dashboard-[0-9a-f]{12}\\.js)\"").matcher(html);
        assertTrue(css.find() && js.find(), html);
        assertTrue(html.contains("data-base=\"/status\""));
        HttpTestClient.Response script = c.get(js.group(1));
        assertEquals(200, script.status());
        assertEquals("text/javascript; charset=utf-8", script.header("Content-Type"));
        byte[] uplot = resource("META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js");
        byte[] ours = resource("net/sloop/dashboard/dashboard.js");
        assertEquals(uplot.length + 1 + ours.length, script.body().length);
        assertArrayEquals(uplot, java.util.Arrays.copyOf(script.body(), uplot.length), "uPlot from its WebJar first");
        HttpTestClient.Response style = c.get(css.group(1));
        assertEquals("text/css; charset=utf-8", style.header("Content-Type"));
        assertTrue(style.text().contains(".uplot") && style.text().contains("#chart"));
        assertEquals(404, c.get("/status/nothing-here").status());
        assertEquals(404, c.get("/status/dashboard-000000000000.js").status());
        long expectedHttp = HttpServer.chargeFor(r.http.config()) + r.http.routeBytes();
        assertEquals(expectedHttp, r.http.chargedBytes(), "50 KiB of script streamed without a charge beyond the connection's");
        c.close();
        r.finish();
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = StatusPagesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    @Test
    void aBrowsersNextConnectionTakesTheSlotOfItsOwnIdleOne() {
        Rig r = new Rig(10, 2); // serve at 128k: 4 connections, 2 per address
        HttpTestClient page = r.n.connect();
        assertEquals(200, page.get("/status").status()); // then idle, kept alive
        HttpTestClient events = r.n.connect();
        events.send("GET /status/events HTTP/1.1\r\nHost: sloop\r\n\r\n");
        assertTrue(r.n.runUntil(() -> r.pages.subscribers() == 1, Time.seconds(5)));
        HttpTestClient poll = r.n.connect(); // a third from the same address: the idle one makes room
        assertEquals(200, poll.get("/status.json").status());
        assertTrue(page.closedByServer(Time.seconds(2)));
        assertFalse(page.reset, "closed gracefully");
        assertEquals(1, r.http.stats().evicted());
        assertEquals(0, r.http.stats().refusedPerAddress());
        assertEquals(1, r.pages.subscribers(), "the busy event stream was not taken");
        HttpTestClient fourth = r.n.connect(); // both held busy or idle-but-newest: the idle poller goes next
        assertEquals(200, fourth.get("/status.csv").status());
        assertTrue(poll.closedByServer(Time.seconds(2)));
        for (HttpTestClient c : new HttpTestClient[] {page, events, poll, fourth}) c.close();
        assertTrue(r.n.runUntil(() -> r.pages.subscribers() == 0, Time.seconds(5)));
        r.finish();
    }

    @Test
    void theAccessLogHasALinePerResponse() {
        Rig r = new Rig(11);
        List<String> lines = new ArrayList<>();
        r.http.accessLog((addr, line, status, bytes, nanos) -> lines.add(line + " " + status + " " + (bytes > 0) + " " + (nanos >= 0)));
        HttpTestClient c = r.n.connect();
        assertEquals(200, c.get("/status.json").status());
        assertEquals(404, c.get("/status/none").status());
        c.send("GET /a b HTTP/1.1\r\nHost: sloop\r\n\r\n");
        assertEquals(400, c.next().status());
        assertEquals(List.of("GET /status.json HTTP/1.1 200 true true", "GET /status/none HTTP/1.1 404 true true", "GET /a b HTTP/1.1 400 true true"), lines);
        r.http.accessLog(null);
        c.close();
        r.finish();
    }

    @Test
    void pathsAreChecked() {
        assertNull(StatusPages.checkPath("/status"));
        assertNull(StatusPages.checkPath("/a/b-c_d.e~f"));
        for (String bad : new String[] {"status", "/", "/status/", "/st atus", "/a//b", "/a/../b", "/a/./b", "/%41", "/a?b", "/" + "x".repeat(64)}) {
            assertNotNull(StatusPages.checkPath(bad), bad);
        }
        Rig r = new Rig(9);
        assertThrows(IllegalArgumentException.class, () -> StatusPages.mount(r.n.server, r.http, r.view, "/bad path"));
        assertThrows(IllegalStateException.class, () -> StatusPages.mount(r.n.server, r.http, r.view, "/again"), "no timer slot left");
        r.finish();
    }
}
