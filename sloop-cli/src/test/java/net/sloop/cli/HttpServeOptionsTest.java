package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sloop serve --http-*}: parsing, one-line errors, and the plan with HTTP's promise (no root needed). */
class HttpServeOptionsTest {
    private static final List<String> ALL = List.of("echo", "discard", "daytime", "chargen");

    @TempDir
    Path tmp;

    static HttpServeOptions http(Path root) {
        return HttpServeOptions.of(root, 80, 4, 10, 15, 1024);
    }

    static ServeOptions serve(String budget, FtpServeOptions ftp, HttpServeOptions http) {
        return ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, budget, 1500, ALL, 8, 0, 0, null, true, 0, 120, ftp, http);
    }

    @Test
    void aRootParsesAndThePlanPromisesHttpAConnection() {
        HttpServeOptions h = http(tmp);
        for (String budget : List.of("128k", "64m")) {
            ServeOptions o = serve(budget, null, h);
            assertTrue(o.servicesText().endsWith("http 80 (" + tmp + ", 4 connections, 2 per address)"), o.servicesText());
            assertTrue(o.plan().guaranteedPerService() >= 1 && 4 * o.plan().guaranteedPerService() + 3 + 1 <= o.plan().fit(), o.planText());
            assertTrue(o.planText().endsWith("HTTP 4 connections (3 guaranteed)"), o.planText());
            assertEquals(2, o.stackConfig().applicationTimers()); // HTTP's and its status pages'
            System.out.println("serve --budget " + budget + " with HTTP: " + o.planText());
        }
        // FTP (4 sessions) and HTTP (4 connections) together do not fit 128k: the message names the smallest budget that does
        FtpServeOptions ftp = FtpServeOptions.of(tmp, null, null, "50000-50999", false, false, 4, 300, "16k", false);
        String tooSmall = msg(() -> serve("128k", ftp, h));
        assertTrue(tooSmall.contains("2 to FTP (a session and its data connection), 3 to HTTP and one more"), tooSmall);
        ServeOptions both = serve("192k", ftp, h);
        assertEquals(3, both.stackConfig().applicationTimers()); // FTP, HTTP, the status pages
        System.out.println("serve --budget 192k with FTP and HTTP: " + both.planText() + "; at 128k: " + tooSmall);
        assertNull(HttpServeOptions.of(null, 80, 4, 10, 15, 1024));
    }

    @Test
    void badValuesAreOneLineNamingTheOption() throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        assertEquals("--http-root " + file + ": not a directory", msg(() -> http(file)));
        assertEquals("--http-*: give --http-root DIR to serve HTTP", msg(() -> HttpServeOptions.of(null, 8080, 4, 10, 15, 1024)));
        assertEquals("--http-port 0: must be 1..65535", msg(() -> HttpServeOptions.of(tmp, 0, 4, 10, 15, 1024)));
        assertEquals("--http-port 21: taken by another service of serve", msg(() -> HttpServeOptions.of(tmp, 21, 4, 10, 15, 1024)));
        assertEquals("--http-max-connections 0: must be 1..1024", msg(() -> HttpServeOptions.of(tmp, 80, 0, 10, 15, 1024)));
        assertEquals("--http-header-timeout 0: must be 1..3600 seconds", msg(() -> HttpServeOptions.of(tmp, 80, 4, 0, 15, 1024)));
        assertEquals("--http-idle-timeout 0: must be 1..86400 seconds", msg(() -> HttpServeOptions.of(tmp, 80, 4, 10, 0, 1024)));
        assertTrue(msg(() -> HttpServeOptions.of(tmp, 80, 4, 10, 15, -1)).startsWith("--http-min-send-rate -1: "));
        assertEquals("--http-max-per-address 5: must be 0..--http-max-connections (4; 0: half)", msg(() -> HttpServeOptions.of(tmp, 80, 4, 10, 15, 1024, 5)));
        String small = msg(() -> serve("48k", null, http(tmp)));
        assertTrue(small.contains("3 to HTTP") && small.contains("the smallest budget that does is"), small);
        assertFalse(small.contains("\n"));
        System.out.println(small);
    }

    private static String msg(Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        return e.getMessage();
    }
}
