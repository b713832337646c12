package net.sloop.http;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import net.sloop.fs.FsException;
import net.sloop.fs.FsWriter;
import net.sloop.fs.MemoryFs;
import net.sloop.fs.WriteMode;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/** Static files over one server in simulated time: GET, HEAD, keep-alive, HTTP/1.0, types, directories, Range, conditional requests. */
class HttpFilesTest {
    static void put(MemoryFs fs, String path, byte[] data) throws FsException {
        FsWriter w = fs.openWrite(path, WriteMode.TRUNCATE, 0);
        w.write(data, 0, data.length);
        w.commit();
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    static MemoryFs tree() throws FsException {
        MemoryFs fs = HttpNet.memfs(8 << 20);
        put(fs, "/hello.txt", "hello, world\n".getBytes(StandardCharsets.UTF_8));
        put(fs, "/page.html", "<p>hi</p>".getBytes(StandardCharsets.UTF_8));
        put(fs, "/data.bin", bytes(100_000, 1));
        put(fs, "/empty", new byte[0]);
        fs.mkdir("/site");
        put(fs, "/site/index.html", "<h1>index</h1>".getBytes(StandardCharsets.UTF_8));
        fs.mkdir("/files");
        put(fs, "/files/a&b <c>.txt", "x".getBytes(StandardCharsets.UTF_8));
        put(fs, "/files/quote\"s.txt", "y".getBytes(StandardCharsets.UTF_8));
        fs.mkdir("/files/sub dir");
        return fs;
    }

    @Test
    void getHeadKeepAliveAndTypes() throws Exception {
        HttpNet n = new HttpNet(1, 512 * 1024);
        n.start(HttpNet.config(tree()).build());
        HttpTestClient c = n.connect();
        HttpTestClient.Response r = c.get("/hello.txt");
        assertEquals(200, r.status());
        assertEquals("hello, world\n", r.text());
        assertEquals("text/plain; charset=utf-8", r.header("content-type"));
        assertEquals("13", r.header("content-length"));
        assertEquals("Wed, 02 Dec 2026 08:00:00 GMT", r.header("date"));
        assertEquals("Wed, 02 Dec 2026 08:00:00 GMT", r.header("last-modified"));
        assertNotNull(r.header("etag"));
        assertEquals("bytes", r.header("accept-ranges"));
        // the same connection again (keep-alive), a HEAD: the same fields, no body
        c.send("HEAD /page.html HTTP/1.1\r\nHost: sloop\r\n\r\n");
        r = c.next(true, Time.seconds(5));
        assertEquals(200, r.status());
        assertEquals("text/html; charset=utf-8", r.header("content-type"));
        assertEquals("9", r.header("content-length"));
        r = c.get("/data.bin");
        assertArrayEquals(bytes(100_000, 1), r.body());
        assertEquals("application/octet-stream", r.header("content-type"));
        r = c.get("/empty");
        assertEquals(200, r.status());
        assertEquals(0, r.body().length);
        assertEquals(0, c.unparsed(), "a HEAD must have had no body");
        assertEquals(1, n.http.stats().connections());
        assertEquals(4, n.http.stats().responses2xx());
        c.close();
        n.finish();
    }

    @Test
    void http10ClosesUnlessAskedAndAbsoluteFormIsAccepted() throws Exception {
        HttpNet n = new HttpNet(2, 512 * 1024);
        n.start(HttpNet.config(tree()).build());
        HttpTestClient c = n.connect();
        c.send("GET /hello.txt HTTP/1.0\r\n\r\n");
        HttpTestClient.Response r = c.next();
        assertEquals(200, r.status());
        assertEquals("close", r.header("connection"));
        assertTrue(c.closedByServer(Time.seconds(5)));
        c.close();
        HttpTestClient k = n.connect();
        k.send("GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        r = k.next();
        assertEquals("keep-alive", r.header("connection"));
        k.send("GET http://sloop/page.html HTTP/1.1\r\nHost: sloop\r\n\r\n");
        r = k.next();
        assertEquals(200, r.status());
        assertEquals("<p>hi</p>", r.text());
        k.send("GET /page.html HTTP/1.1\r\nHost: sloop\r\nConnection: close\r\n\r\n");
        r = k.next();
        assertEquals("close", r.header("connection"));
        assertTrue(k.closedByServer(Time.seconds(5)));
        k.close();
        n.finish();
    }

    @Test
    void notFoundMethodsAndOptions() throws Exception {
        HttpNet n = new HttpNet(3, 512 * 1024);
        n.start(HttpNet.config(tree()).build());
        HttpTestClient c = n.connect();
        assertEquals(404, c.get("/nope").status());
        assertEquals(404, c.get("/hello.txt/x").status());
        assertEquals(404, c.get("/a/../nope").status());
        c.send("OPTIONS * HTTP/1.1\r\nHost: sloop\r\n\r\n");
        HttpTestClient.Response r = c.next();
        assertEquals(200, r.status());
        assertEquals("GET, HEAD, OPTIONS", r.header("allow"));
        c.send("DELETE /hello.txt HTTP/1.1\r\nHost: sloop\r\n\r\n");
        r = c.next();
        assertEquals(405, r.status());
        assertEquals("GET, HEAD, OPTIONS", r.header("allow"));
        c.send("POST /hello.txt HTTP/1.1\r\nHost: sloop\r\nContent-Length: 5\r\n\r\nabcde");
        assertEquals(405, c.next().status());
        c.send("BREW /pot HTTP/1.1\r\nHost: sloop\r\n\r\n");
        assertEquals(501, c.next().status());
        assertEquals("hello, world\n", c.get("/hello.txt").text(), "the connection goes on after 405 and 501");
        c.close();
        assertEquals(2, n.http.stats().methodNotAllowed());
        assertEquals(1, n.http.stats().notImplemented());
        assertEquals(3, n.http.stats().notFound());
        n.finish();
    }

    @Test
    void directoriesRedirectIndexAndEscapedListing() throws Exception {
        HttpNet n = new HttpNet(4, 512 * 1024);
        n.start(HttpNet.config(tree()).build());
        HttpTestClient c = n.connect();
        HttpTestClient.Response r = c.get("/site");
        assertEquals(301, r.status());
        assertEquals("/site/", r.header("location"));
        r = c.get("/site/");
        assertEquals("<h1>index</h1>", r.text());
        r = c.get("/files/");
        assertEquals(200, r.status());
        assertEquals("chunked", r.header("transfer-encoding"));
        String html = r.text();
        assertTrue(html.contains("<a href=\"a%26b%20%3Cc%3E.txt\">a&amp;b &lt;c&gt;.txt</a>"), html);
        assertTrue(html.contains("<a href=\"quote%22s.txt\">quote&quot;s.txt</a>"), html);
        assertTrue(html.contains("<a href=\"sub%20dir/\">sub dir/</a>"), html);
        assertTrue(html.endsWith("</html>\n"), html);
        assertEquals("x", c.get("/files/a%26b%20%3Cc%3E.txt").text());
        assertEquals(400, c.get("/files/%zz").status());
        c.close();
        n.finish();
    }

    @Test
    void aListingLongerThanTheBufferStreams() throws Exception {
        MemoryFs fs = HttpNet.memfs(8 << 20);
        fs.mkdir("/many");
        for (int i = 0; i < 500; i++) put(fs, String.format("/many/file-with-a-longish-name-%04d.dat", i), new byte[i]);
        HttpNet n = new HttpNet(5, 512 * 1024);
        n.start(HttpNet.config(fs).build());
        HttpTestClient c = n.connect();
        c.send("GET /many/ HTTP/1.0\r\n\r\n"); // HTTP/1.0: ended by the close
        HttpTestClient.Response r = c.next(false, Time.seconds(30));
        String html = r.text();
        for (int i = 0; i < 500; i++) assertTrue(html.contains(String.format("file-with-a-longish-name-%04d.dat</a> %d<", i, i)), "entry " + i);
        c.close();
        n.finish();
    }

    @Test
    void ranges() throws Exception {
        HttpNet n = new HttpNet(6, 512 * 1024);
        n.start(HttpNet.config(tree()).build());
        byte[] data = bytes(100_000, 1);
        HttpTestClient c = n.connect();
        HttpTestClient.Response r = range(c, "bytes=10-19");
        assertEquals(206, r.status());
        assertEquals("bytes 10-19/100000", r.header("content-range"));
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, 20), r.body());
        r = range(c, "bytes=-100");
        assertEquals(206, r.status());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 99_900, 100_000), r.body());
        r = range(c, "bytes=99990-");
        assertEquals("bytes 99990-99999/100000", r.header("content-range"));
        r = range(c, "bytes=50000-999999");
        assertEquals("bytes 50000-99999/100000", r.header("content-range"));
        assertEquals(50_000, r.body().length);
        r = range(c, "bytes=100000-");
        assertEquals(416, r.status());
        assertEquals("bytes */100000", r.header("content-range"));
        r = range(c, "bytes=-0");
        assertEquals(416, r.status());
        r = range(c, "bytes=0-1,5-6"); // several: the whole file
        assertEquals(200, r.status());
        r = range(c, "lines=1-2"); // not bytes: ignored
        assertEquals(200, r.status());
        // If-Range with the current ETag: the range; with another: the whole file
        String etag = c.get("/data.bin").header("etag");
        c.send("GET /data.bin HTTP/1.1\r\nHost: s\r\nRange: bytes=0-0\r\nIf-Range: " + etag + "\r\n\r\n");
        assertEquals(206, c.next().status());
        c.send("GET /data.bin HTTP/1.1\r\nHost: s\r\nRange: bytes=0-0\r\nIf-Range: \"other\"\r\n\r\n");
        assertEquals(200, c.next().status());
        assertEquals(2, n.http.stats().rangeNotSatisfiable());
        c.close();
        n.finish();
    }

    private static HttpTestClient.Response range(HttpTestClient c, String range) {
        c.send("GET /data.bin HTTP/1.1\r\nHost: s\r\nRange: " + range + "\r\n\r\n");
        return c.next();
    }

    @Test
    void conditionalRequests() throws Exception {
        HttpNet n = new HttpNet(7, 512 * 1024);
        n.start(HttpNet.config(tree()).build());
        HttpTestClient c = n.connect();
        String etag = c.get("/hello.txt").header("etag");
        c.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\nIf-None-Match: \"x\", " + etag + "\r\n\r\n");
        HttpTestClient.Response r = c.next();
        assertEquals(304, r.status());
        assertEquals(etag, r.header("etag"));
        assertNull(r.header("content-length"));
        c.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\nIf-None-Match: W/" + etag + "\r\n\r\n");
        assertEquals(304, c.next().status());
        c.send("HEAD /hello.txt HTTP/1.1\r\nHost: s\r\nIf-None-Match: *\r\n\r\n");
        assertEquals(304, c.next(true, Time.seconds(5)).status());
        c.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\nIf-None-Match: \"other\"\r\n\r\n");
        assertEquals(200, c.next().status());
        c.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\nIf-Modified-Since: Wed, 02 Dec 2026 08:00:00 GMT\r\n\r\n");
        assertEquals(304, c.next().status());
        c.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\nIf-Modified-Since: Wednesday, 02-Dec-26 08:00:00 GMT\r\n\r\n");
        assertEquals(304, c.next().status());
        c.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\nIf-Modified-Since: Wed, 02 Dec 2026 07:59:59 GMT\r\n\r\n");
        assertEquals(200, c.next().status());
        // If-None-Match wins over If-Modified-Since
        c.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\nIf-None-Match: \"other\"\r\nIf-Modified-Since: Wed, 02 Dec 2026 08:00:00 GMT\r\n\r\n");
        assertEquals(200, c.next().status());
        assertEquals(5, n.http.stats().notModified());
        c.close();
        n.finish();
    }

    @Test
    void aFileLargerThanTheBudgetStreamsThrough() throws Exception {
        MemoryFs fs = HttpNet.memfs(8 << 20);
        byte[] big = bytes(3 << 20, 9);
        put(fs, "/big", big);
        HttpNet n = new HttpNet(8, 64 * 1024);
        n.start(HttpNet.config(fs).maxConnections(2).build());
        HttpTestClient c = n.connect();
        HttpTestClient.Response r = c.next(false, 1); // nothing yet
        assertNull(r);
        c.send("GET /big HTTP/1.1\r\nHost: s\r\n\r\n");
        r = c.next(false, Time.seconds(120));
        assertNotNull(r);
        assertArrayEquals(big, r.body());
        System.out.printf("http: 3 MiB through a 64 KiB budget, server peak %d B%n", n.server.budget().peak());
        c.close();
        n.finish();
    }
}
