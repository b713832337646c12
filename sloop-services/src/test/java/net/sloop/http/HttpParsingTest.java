package net.sloop.http;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import net.sloop.time.Time;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Strict parsing (RFC 9112): every request-smuggling vector is answered 400, counted, and its
 * connection closed, with nothing left behind; other malformed requests are 400 (or 414, 431,
 * 413, 505) and closed too; bodies of requests that have them are read and discarded exactly, so
 * the request after them is found.
 */
class HttpParsingTest {
    private static final String POST = "POST /hello.txt HTTP/1.1\r\nHost: s\r\n";

    /** Each is a framing attack: 400, the smuggling counter, the connection closed. */
    @ParameterizedTest
    @ValueSource(strings = {
            POST + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", // both
            POST + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", // both, the other order
            POST + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nabcde", // duplicate, equal
            POST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef", // duplicate, different
            POST + "Content-Length: 5, 5\r\n\r\nabcde", // a list
            POST + "Content-Length: -1\r\n\r\n",
            POST + "Content-Length: +5\r\n\r\nabcde",
            POST + "Content-Length: 0x5\r\n\r\nabcde",
            POST + "Content-Length: 1 2\r\n\r\nabcde",
            POST + "Content-Length: 1234567890123456789012\r\n\r\n",
            "GET /hello.txt HTTP/1.1\r\nHost: s\r\nX-A: b\r\n c\r\n\r\n", // obs-fold
            "GET /hello.txt HTTP/1.1\r\nHost: s\r\nX-A: b\r\n\tc\r\n\r\n", // obs-fold with a tab
            "GET /hello.txt HTTP/1.1\r\nHost: s\r\nX-A: b\rc\r\n\r\n", // bare CR in a field
            "GET /hello.txt\r HTTP/1.1\r\nHost: s\r\n\r\n", // bare CR in the request line
            "GET /hello.txt HTTP/1.1\nHost: s\n\n", // bare LF
            "GET /hello.txt HTTP/1.1\r\nHost: s\nX: y\r\n\r\n", // one bare LF
            "GET /hello.txt HTTP/1.1\r\nHost : s\r\n\r\n", // whitespace before the colon
            POST + "Content-Length : 5\r\n\r\nabcde",
            POST + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n",
            "GET /hello.txt HTTP/1.1\r\nHost: s\r\nX-A: a\u0000b\r\n\r\n", // NUL in a value
            POST + "Transfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", // not a size
            POST + "Transfer-Encoding: chunked\r\n\r\n-1\r\n\r\n",
            POST + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nabcde\r\n0\r\n\r\n",
            POST + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n\r\n", // overflows
            POST + "Transfer-Encoding: chunked\r\n\r\n\r\n\r\n", // empty size
            POST + "Transfer-Encoding: chunked\r\n\r\n5\r\nabcdefg\r\n0\r\n\r\n", // data longer than its size
            POST + "Transfer-Encoding: chunked\r\n\r\n5\nabcde\r\n0\r\n\r\n", // bare LF after the size
            POST + "Transfer-Encoding: chunked\r\n\r\n5 x\r\nabcde\r\n0\r\n\r\n", // junk after the size
            POST + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n z\r\n\r\n", // obs-fold in the trailer
            POST + "Transfer-Encoding: gzip\r\n\r\nabc", // not ending in chunked
            POST + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
            POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", // twice
            "POST /hello.txt HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", // in HTTP/1.0
    })
    void smugglingVectorsAre400AndClosed(String request) throws Exception {
        HttpNet n = new HttpNet(11, 512 * 1024);
        n.start(HttpNet.config(HttpFilesTest.tree()).build());
        HttpTestClient c = n.connect();
        c.sendBytes(request.getBytes(StandardCharsets.ISO_8859_1));
        HttpTestClient.Response r = c.next();
        assertNotNull(r, "no answer");
        assertEquals(400, r.status(), r.statusLine());
        assertEquals("close", r.header("connection"));
        assertTrue(c.closedByServer(Time.seconds(5)), "the connection must be closed");
        assertEquals(1, n.http.stats().badRequest());
        assertEquals(1, n.http.stats().smuggling());
        c.close();
        n.finish();
    }

    /** Malformed in other ways: 400 (or the status named), the connection closed, not counted as smuggling. */
    @ParameterizedTest
    @ValueSource(strings = {
            "400 GET /hello.txt HTTP/1.1\r\n\r\n", // no Host on 1.1
            "400 GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "400 GET /hello.txt HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n",
            "400 GET /hello.txt HTTP/1.1\r\nHost: a b\r\n\r\n",
            "400 GET /hello.txt HTTP/1.1\r\nHost: a/b\r\n\r\n",
            "400 GET  /hello.txt HTTP/1.1\r\nHost: s\r\n\r\n", // two spaces
            "400 GET /hello.txt  HTTP/1.1\r\nHost: s\r\n\r\n",
            "400 GET /hello.txt HTTP/1.1 \r\nHost: s\r\n\r\n",
            "400 GET /hello.txt HTTX/1.1\r\nHost: s\r\n\r\n",
            "400 GET /hello.txt HTTP/1\r\nHost: s\r\n\r\n",
            "400 GET\r\nHost: s\r\n\r\n",
            "400 /hello.txt HTTP/1.1\r\nHost: s\r\n\r\n",
            "400 G(ET /hello.txt HTTP/1.1\r\nHost: s\r\n\r\n",
            "400 GET hello.txt HTTP/1.1\r\nHost: s\r\n\r\n", // no form at all
            "400 GET * HTTP/1.1\r\nHost: s\r\n\r\n", // asterisk-form is for OPTIONS
            "400 GET /../secret HTTP/1.1\r\nHost: s\r\n\r\n", // above the root
            "400 GET /%2e%2e/secret HTTP/1.1\r\nHost: s\r\n\r\n",
            "400 GET /a%00b HTTP/1.1\r\nHost: s\r\n\r\n",
            "400 GET /%ff%fe HTTP/1.1\r\nHost: s\r\n\r\n", // not UTF-8
            "400 GET /%4 HTTP/1.1\r\nHost: s\r\n\r\n",
            "400 GET /hello.txt HTTP/1.1\r\n: empty\r\nHost: s\r\n\r\n",
            "400 GET /hello.txt HTTP/1.1\r\nnocolon\r\nHost: s\r\n\r\n",
            "400 GET /hello.txt HTTP/1.1\r\nHo(st: s\r\n\r\n",
            "505 GET /hello.txt HTTP/2.0\r\nHost: s\r\n\r\n",
            "501 POST /hello.txt HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    })
    void malformedRequestsAreRefusedAndClosed(String spec) throws Exception {
        int want = Integer.parseInt(spec.substring(0, 3));
        HttpNet n = new HttpNet(12, 512 * 1024);
        n.start(HttpNet.config(HttpFilesTest.tree()).build());
        HttpTestClient c = n.connect();
        c.sendBytes(spec.substring(4).getBytes(StandardCharsets.ISO_8859_1));
        HttpTestClient.Response r = c.next();
        assertNotNull(r, "no answer");
        assertEquals(want, r.status(), r.statusLine());
        assertTrue(c.closedByServer(Time.seconds(5)), "the connection must be closed");
        assertEquals(0, n.http.stats().smuggling());
        c.close();
        n.finish();
    }

    @Test
    void oversizedLineHeadAndBody() throws Exception {
        HttpNet n = new HttpNet(13, 512 * 1024);
        n.start(HttpNet.config(HttpFilesTest.tree()).maxBodyBytes(1000).build());
        String[][] cases = {
                {"414", "GET /" + "a".repeat(1100) + " HTTP/1.1\r\nHost: s\r\n\r\n"},
                {"414", "GET /" + "a".repeat(5000)}, // never ends: refused once past the limit
                {"431", "GET / HTTP/1.1\r\nHost: s\r\nX-Big: " + "b".repeat(4200) + "\r\n\r\n"},
                {"431", "GET / HTTP/1.1\r\nHost: s\r\n" + "X-Many: 1\r\n".repeat(40) + "\r\n"},
                {"413", POST + "Content-Length: 1001\r\n\r\n"},
                {"413", POST + "Transfer-Encoding: chunked\r\n\r\n3e9\r\n" + "x".repeat(1001) + "\r\n0\r\n\r\n"},
        };
        for (String[] k : cases) {
            HttpTestClient c = n.connect();
            c.send(k[1]);
            HttpTestClient.Response r = c.next();
            assertNotNull(r, k[0]);
            assertEquals(Integer.parseInt(k[0]), r.status(), k[1].substring(0, 40));
            assertTrue(c.closedByServer(Time.seconds(5)));
            c.close();
        }
        HttpStats s = n.http.stats();
        assertEquals(2, s.lineTooLong());
        assertEquals(2, s.headersTooLarge());
        assertEquals(2, s.bodyTooLarge());
        n.finish();
    }

    @Test
    void bodiesAreDiscardedExactlyAndTheNextRequestFound() throws Exception {
        HttpNet n = new HttpNet(14, 512 * 1024);
        n.start(HttpNet.config(HttpFilesTest.tree()).build());
        HttpTestClient c = n.connect();
        String body = "x".repeat(3000);
        // all in one write: a body with a fixed length, a chunked one with extensions and a trailer, then GETs
        c.send("GET /hello.txt HTTP/1.1\r\nHost: s\r\nContent-Length: 3000\r\n\r\n" + body
                + "POST /page.html HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nabcde\r\n" + Integer.toHexString(3000) + " ; x\r\n" + body + "\r\n0\r\nTrailer: yes\r\n\r\n"
                + "GET /page.html HTTP/1.1\r\nHost: s\r\n\r\n"
                + "\r\nGET /hello.txt HTTP/1.1\r\nHost: s\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nabcd");
        assertEquals("hello, world\n", c.next().text());
        assertEquals(405, c.next().status());
        assertEquals("<p>hi</p>", c.next().text());
        HttpTestClient.Response r = c.next();
        assertEquals(200, r.status());
        assertEquals("hello, world\n", r.text());
        assertEquals(6009, n.http.stats().bodyBytesDiscarded());
        c.close();
        n.finish();
    }
}
