package net.sloop.nio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sloop.testing.Netns;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;

/**
 * The JDK's {@code com.sun.net.httpserver.HttpServer}, unmodified, serving Linux's curl over TUN in
 * a namespace of the test's own, on Sloop through the default-provider path: a child JVM ({@link
 * HttpServerOnSloop}) started with {@code -Djava.nio.channels.spi.SelectorProvider=}{@link
 * SloopProvider}. The child checks its budget is back at its baseline once the connections have
 * ended on their own, and exits 0 only then.
 */
class NioHttpServerInteropTest {
    static final int BASE = 160; // subnets 198.18.161.0/24 and up

    @Test
    void theJdkHttpServerAnswersCurlOnSloop() throws Exception {
        Netns.assumeDevices();
        assumeTrue(HostNet.run(List.of("sh", "-c", "command -v curl"), 10).ok(), "no curl (./test installs it)");
        try (Netns ns = Netns.create("sloop-nio", BASE)) {
            List<String> cmd = new ArrayList<>(List.of(
                    ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                    "-D" + SloopProvider.PROPERTY + "=" + SloopProvider.class.getName(),
                    "-cp", System.getProperty("java.class.path"), HttpServerOnSloop.class.getName(),
                    ns.name, ns.dev("sln"), "1500", ns.cidr(1), ns.cidr(2), Integer.toString(512 * 1024)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            StringBuffer out = new StringBuffer();
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        out.append(line).append('\n');
                        if (line.startsWith("ready ")) ready.complete(line);
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
                ready.complete(null);
            });
            try {
                String line = ready.get(30, TimeUnit.SECONDS);
                assertNotNull(line, () -> "the child did not start:\n" + out);
                assertEquals("ready 80 " + SloopProvider.class.getName(), line, "the JDK chose Sloop's provider");
                String url = "http://" + ns.addr(2);

                HostNet.Result r = ns.exec(20, "curl", "-sS", "--max-time", "10", url + "/hello");
                assertTrue(r.ok(), () -> r.output() + out);
                assertEquals("hello from the JDK's HttpServer on Sloop\n", r.output());

                // Keep-alive: three requests on one connection (curl reuses it and says so with -v).
                HostNet.Result k = ns.exec(20, "curl", "-sS", "-v", "--max-time", "10", url + "/hello", url + "/hello", url + "/hello");
                assertTrue(k.ok(), () -> k.output() + out);
                assertEquals(3, k.output().lines().filter(l -> l.equals("hello from the JDK's HttpServer on Sloop")).count(), k::output);
                assertTrue(k.output().contains("Re-using existing connection") || k.output().contains("Reusing existing"), k::output);

                // A body larger than every buffer on the way, checked by hash.
                int n = 3_000_000;
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (long i = 0; i < n; i++) md.update(HttpServerOnSloop.pattern(i));
                String want = HexFormat.of().formatHex(md.digest());
                HostNet.Result big = ns.exec(60, "sh", "-c", "curl -sS --max-time 50 '" + url + "/big?" + n + "' | sha256sum");
                assertTrue(big.ok(), () -> big.output() + out);
                assertEquals(want, big.output().split(" ")[0], "sha256 of /big");

                HostNet.Result speed = ns.exec(60, "curl", "-sS", "-o", "/dev/null", "--max-time", "50", "-w", "%{speed_download}", url + "/big?" + n);
                assertTrue(speed.ok(), () -> speed.output() + out);
                System.out.printf("interop: the JDK's HttpServer on Sloop (512 KiB budget) sent %d bytes to curl at %.1f MB/s%n", n,
                        Double.parseDouble(speed.output().trim()) / 1e6);

                // An upload echoed back, and several clients at once.
                HostNet.Result echo = ns.exec(60, "sh", "-c",
                        "head -c 200000 /dev/urandom > /tmp/sloop-nio-$$ && curl -sS --max-time 50 --data-binary @/tmp/sloop-nio-$$ " + url
                                + "/echo | cmp - /tmp/sloop-nio-$$ && echo same; rm -f /tmp/sloop-nio-$$");
                assertTrue(echo.ok(), () -> echo.output() + out);
                assertEquals("same\n", echo.output());
                HostNet.Result parallel = ns.exec(60, "sh", "-c",
                        "for i in 1 2 3 4 5 6; do curl -sS --max-time 30 '" + url + "/big?500000' | sha256sum & done; wait");
                assertTrue(parallel.ok(), () -> parallel.output() + out);
                md.reset();
                for (long i = 0; i < 500_000; i++) md.update(HttpServerOnSloop.pattern(i));
                String want2 = HexFormat.of().formatHex(md.digest());
                assertEquals(6, parallel.output().lines().filter(l -> l.startsWith(want2)).count(), parallel::output);

                try (OutputStream stdin = p.getOutputStream()) {
                    stdin.write("stop\n".getBytes(StandardCharsets.US_ASCII));
                }
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> "the child did not stop:\n" + out);
                reader.join(5000);
                assertEquals(0, p.exitValue(), out::toString);
                assertTrue(out.toString().contains("budget back at its baseline"), out::toString);
                System.out.print(out);
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
