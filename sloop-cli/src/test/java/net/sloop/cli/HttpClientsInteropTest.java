package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code ./sloop serve --http-root DIR} against HTTP clients nobody here wrote, in a namespace over
 * TUN at {@code --budget 128k}: curl (keep-alive reuse, Range, If-None-Match to 304, a chunked
 * listing), {@code wget -r} of the tree compared file by file (SHA-256), {@code ab -k} with every
 * response checked; and slowhttptest in slowloris and slow-read modes while a normal curl from
 * another address keeps being served. Every run ends with serve stopped by SIGTERM and its
 * memory back at the baseline. Each test prints one {@code interop: http ...} figure line.
 */
@Timeout(120)
class HttpClientsInteropTest {
    private Path base;

    @BeforeEach
    void rootAndTools() throws IOException {
        FtpRig.assumeRootWithTools("curl", "wget", "ab", "slowhttptest");
        base = Files.createTempDirectory("sloop-http-clients");
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (base != null) FtpRig.deleteTree(base);
    }

    @Test
    void curlWgetAndAbGetExactlyTheTree() throws Exception {
        Path root = base.resolve("root"), got = Files.createDirectories(base.resolve("got"));
        long total = FtpRig.writeTree(root, 6, 20, 20_000, 52);
        FtpRig.writeRandom(root.resolve("big.bin"), 600_000, 53);
        Files.writeString(root.resolve("small.txt"), "x".repeat(1024));
        total += 600_000 + 1024;
        TreeMap<String, String> source = FtpRig.digests(root, "upload");
        List<Executable> checks = new ArrayList<>();
        List<String> figures = new ArrayList<>();
        try (HttpRig r = HttpRig.ready("128k", "--http-root", root.toString())) {
            // keep-alive: two URLs, one connection
            HostNet.Result ka = r.exec(30, "curl", "-sv", "--max-time", "20", "-o", "/dev/null", "-o", "/dev/null", r.url("/small.txt"), r.url("/d01/f003"));
            checks.add(() -> assertTrue(ka.ok() && ka.output().contains("Re-using existing connection"), "curl keep-alive\n" + ka.output()));
            // Range
            Path part = got.resolve("range");
            HostNet.Result rg = r.exec(30, "curl", "-sS", "--max-time", "20", "-r", "1000-1999", "-o", part.toString(), "-w", "%{http_code}", r.url("/big.bin"));
            checks.add(() -> assertEquals("206", rg.output().strip(), "curl -r\n" + rg.output()));
            checks.add(() -> assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(Files.readAllBytes(root.resolve("big.bin")), 1000, 2000),
                    Files.readAllBytes(part)), "range bytes"));
            // If-None-Match: 304
            HostNet.Result head = r.exec(30, "curl", "-sSI", "--max-time", "20", r.url("/big.bin"));
            Matcher et = Pattern.compile("(?im)^etag: (\\S+)").matcher(head.output());
            boolean hasEtag = et.find();
            checks.add(() -> assertTrue(hasEtag, "no ETag\n" + head.output()));
            if (hasEtag) {
                String etag = et.group(1);
                HostNet.Result c304 = r.exec(30, "curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}", "-H", "If-None-Match: " + etag,
                        r.url("/big.bin"));
                checks.add(() -> assertEquals("304", c304.output().strip(), "If-None-Match\n" + c304.output()));
            }
            // a listing is chunked
            HostNet.Result ls = r.exec(30, "curl", "-sv", "--max-time", "20", r.url("/d02/"));
            checks.add(() -> assertTrue(ls.ok() && ls.output().contains("Transfer-Encoding: chunked") && ls.output().contains("<a href=\"f019\">f019</a>"),
                    "listing\n" + ls.output()));
            // wget -r of the whole tree
            Path wget = got.resolve("wget");
            long t0 = System.nanoTime();
            HostNet.Result w = r.exec(90, "wget", "-nv", "-r", "-np", "-nH", "-l", "10", "-P", wget.toString(), r.url("/"));
            figures.add(String.format("wget -r %.1f s", (System.nanoTime() - t0) / 1e9));
            checks.add(() -> assertEquals(0, w.exitCode(), "wget -r\n" + w.output()));
            checks.add(() -> {
                TreeMap<String, String> copy = FtpRig.digests(wget, null);
                copy.keySet().removeIf(k -> k.equals("index.html") || k.endsWith("/index.html")); // the listings
                assertEquals(source, copy, "wget -r: the copy differs from the tree");
            });
            // ab -k: every response checked (length and status)
            HostNet.Result ab = r.exec(90, "ab", "-k", "-n", "5000", "-c", "2", r.url("/small.txt"));
            figures.add("ab -k -c 2 " + abFigure(ab.output()));
            checks.add(() -> assertTrue(ab.ok() && ab.output().contains("Complete requests:      5000") && ab.output().contains("Failed requests:        0")
                    && !ab.output().contains("Non-2xx"), "ab\n" + ab.output()));

            String left = r.awaitConnectionsEnded(15_000);
            checks.add(() -> assertEquals("", left, "connections Linux still holds"));
            checks.addAll(r.stopAndCheckMemoryBack());
            System.out.printf("interop: http clients at --budget 128k, %d files, %,d B: %s; %s; %s%n", source.size(), total, String.join(", ", figures),
                    r.memoryFigures(), r.httpLine());
            AttackRig.check(checks);
        }
    }

    /** "1234.5 req/s" from ab's output. */
    static String abFigure(String out) {
        Matcher m = Pattern.compile("Requests per second:\\s+([\\d.]+)").matcher(out);
        return m.find() ? m.group(1) + " req/s" : "(no figure)";
    }

    /**
     * slowhttptest in slowloris mode (-H: heads sent a line at a time) and then slow-read mode (-X:
     * a tiny window, read slowly) from Linux's first address, each for 15 s with many connections,
     * while curl from a second address fetches a file once a second: every fetch must succeed.
     */
    @Test
    void slowhttptestWhileANormalClientIsServed() throws Exception {
        Path root = base.resolve("root");
        Files.createDirectories(root);
        Files.writeString(root.resolve("a.txt"), "hello\n");
        FtpRig.writeRandom(root.resolve("big.bin"), 1 << 20, 54);
        List<Executable> checks = new ArrayList<>();
        List<String> figures = new ArrayList<>();
        try (HttpRig r = HttpRig.ready("128k", "--http-root", root.toString())) {
            r.addSecondAddress();
            String[][] modes = {
                    {"slowloris", "slowhttptest", "-H", "-c", "60", "-r", "30", "-i", "3", "-l", "15", "-p", "3", "-u", r.url("/a.txt")},
                    {"slow read", "slowhttptest", "-X", "-c", "30", "-r", "15", "-w", "16", "-y", "32", "-n", "3", "-z", "16", "-k", "2", "-l", "15", "-p", "3",
                            "-u", r.url("/big.bin")},
            };
            for (String[] mode : modes) {
                String name = mode[0];
                String[] cmd = java.util.Arrays.copyOfRange(mode, 1, mode.length);
                HostNet.Result[] attack = {null};
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        attack[0] = r.exec(60, cmd);
                    } catch (IOException e) {
                        attack[0] = null;
                    }
                });
                int ok = 0, tries = 0;
                List<String> failures = new ArrayList<>();
                Thread.sleep(2000); // let it take its connections
                while (t.isAlive() && tries < 25) {
                    tries++;
                    HostNet.Result c = r.exec(10, "curl", "-sS", "--interface", r.alt(), "--max-time", "3", "-o", "/dev/null", "-w", "%{http_code}",
                            r.url("/a.txt"));
                    if (c.output().strip().equals("200")) ok++;
                    else failures.add(c.output().strip());
                    Thread.sleep(1000);
                }
                t.join(60_000);
                int okF = ok, triesF = tries;
                figures.add(String.format("%s: curl %d/%d ok", name, ok, tries));
                checks.add(() -> assertTrue(triesF >= 5 && okF == triesF, name + ": a normal client failed " + failures + " of " + triesF + "\n"
                        + (attack[0] == null ? "" : attack[0].output())));
            }
            String left = r.awaitConnectionsEnded(20_000);
            checks.add(() -> assertEquals("", left, "connections Linux still holds"));
            checks.addAll(r.stopAndCheckMemoryBack());
            System.out.printf("interop: http slowhttptest at --budget 128k: %s; %s; %s%n", String.join(", ", figures), r.memoryFigures(), r.httpLine());
            AttackRig.check(checks);
        }
    }
}
