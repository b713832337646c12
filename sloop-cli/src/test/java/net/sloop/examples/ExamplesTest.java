package net.sloop.examples;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The programs in examples/ are run as a user runs them: each from its source file with Java's
 * source launcher against the compiled classes, and the JUnit example compiled and run by the
 * JUnit Platform. An example that no longer compiles or no longer works fails here.
 */
@Timeout(180)
class ExamplesTest {
    static final Path EXAMPLES = Path.of("examples");
    static final String JAVA = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());

    record Run(int exit, String output) {}

    /**
     * The command a user runs: Java's source launcher on the example, with Sloop's jars as their own
     * project resolved them ({@link InstalledArtifacts}) on the module path.
     */
    static List<String> launch(String example) throws IOException, InterruptedException {
        return List.of(JAVA, "--module-path", InstalledArtifacts.modulePath().toString(), "--add-modules", "ALL-MODULE-PATH",
                "--enable-native-access=net.sloop.tun", EXAMPLES.resolve(example).toString());
    }

    static Run java(long timeoutSeconds, String example, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(launch(example));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(example + " did not end within " + timeoutSeconds + " s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void simulatedNetworkRunsFromItsSource() throws Exception {
        Run r = java(120, "SimulatedNetwork.java", "3");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("echoed 200,000 of 200,000 bytes") && r.output().contains("intact (SHA-256 equal)"), r.output());
        assertTrue(r.output().contains("client: memory at its baseline") && r.output().contains("server: memory at its baseline"), r.output());
    }

    @Test
    void aProjectOfItsOwnBuildsEveryExampleAgainstTheInstalledArtifactsAndPassesTheJUnitExample() throws Exception {
        Path lib = InstalledArtifacts.modulePath(); // the build compiled every example and ran SimulatedNetworkTest
        try (var jars = Files.list(lib)) {
            List<String> names = jars.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("sloop-core-" + InstalledArtifacts.VERSION + ".jar", "sloop-tun-" + InstalledArtifacts.VERSION + ".jar"), names,
                    "a user's runtime dependencies are Sloop's two jars and nothing else");
        }
    }

    @Test
    void tunEchoServerServesLinuxInANamespace() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")) && "root".equals(System.getProperty("user.name")), "needs root and /dev/net/tun");
        long pid = ProcessHandle.current().pid();
        String ns = "sloop-ex-" + pid, dev = "sex" + (pid % 1_000_000);
        List<String> cmd = new ArrayList<>(launch("TunEchoServer.java"));
        cmd.addAll(List.of(ns, dev));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = p.inputReader()) {
                for (String l; (l = in.readLine()) != null; ) synchronized (out) { out.append(l).append('\n'); }
            } catch (IOException e) {
                // the process ended
            }
        });
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!text(out).contains("ready:") && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(text(out).contains("ready:"), text(out));
            HostNet.Result echo = HostNet.exec(ns, 30, "python3", "-c", """
                    import socket, hashlib, os
                    data = os.urandom(300000)
                    s = socket.create_connection(('198.18.0.2', 7), timeout=10)
                    s.sendall(data); s.shutdown(socket.SHUT_WR)
                    got = b''
                    while True:
                        b = s.recv(65536)
                        if not b: break
                        got += b
                    s.close()
                    print(hashlib.sha256(data).hexdigest() == hashlib.sha256(got).hexdigest(), len(got))
                    """);
            assertEquals("True 300000", echo.output().strip(), echo.output() + text(out));
            Thread.sleep(500); // Sloop's side takes the last ACK
        } finally {
            p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output): the hook reports and deletes the namespace
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), text(out));
            reader.join(5000);
            if (Files.exists(Path.of("/run/netns", ns))) HostNet.deleteNamespace(ns);
        }
        assertTrue(text(out).contains("sloop example: memory at its baseline"), "exit " + p.exitValue() + "\n" + text(out));
        assertFalse(Files.exists(Path.of("/run/netns", ns)), "the example deleted its namespace");
    }

    static boolean rootWithTun() {
        return Files.exists(Path.of("/dev/net/tun")) && "root".equals(System.getProperty("user.name"));
    }

    /** A namespace and a device name unique to this test process. */
    static String[] names(String tag) {
        long pid = ProcessHandle.current().pid();
        return new String[] {"sloop-" + tag + "-" + pid, "s" + tag + (pid % 1_000_000)};
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void tunnelTerminatesConnectionsToAnyAddressOfTheRoutedPrefixAndRelaysThem() throws Exception {
        assumeTrue(rootWithTun(), "needs root and /dev/net/tun");
        // Two servers of this host, on loopback: HTTP with a 1 MB file, and an echo server that
        // echoes until its client finishes sending (half-close), then closes.
        byte[] file = new byte[1 << 20];
        new java.util.Random(13).nextBytes(file);
        var http = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/file", x -> {
            x.sendResponseHeaders(200, file.length);
            try (var o = x.getResponseBody()) {
                o.write(file);
            }
        });
        http.start();
        var echo = new java.net.ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (true) {
                try {
                    java.net.Socket c = echo.accept();
                    Thread.ofVirtual().start(() -> {
                        try (c) {
                            c.getInputStream().transferTo(c.getOutputStream());
                            c.shutdownOutput();
                        } catch (IOException e) {
                            // the client went
                        }
                    });
                } catch (IOException closed) {
                    return;
                }
            }
        });
        int closedPort;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort(); // nothing listens there once it is closed
        }
        String[] n = names("tnl");
        String out;
        try (ExampleProcess tunnel = new ExampleProcess("Tunnel.java", n[0], n[1])) {
            tunnel.await("ready:", 60);
            int httpPort = http.getAddress().getPort();
            // Linux fetches from an address that exists nowhere but in its route into the TUN.
            HostNet.Result get = HostNet.exec(n[0], 60, "sh", "-c",
                    "curl -sS --max-time 50 http://198.19.5.5:" + httpPort + "/file | sha256sum");
            assertEquals(sha256(file), get.output().strip().split(" ")[0], get.output() + tunnel.output());
            // Another address and port: 300 KB up, half-close, the echo comes back whole, then EOF.
            HostNet.Result up = HostNet.exec(n[0], 60, "python3", "-c", """
                    import socket, hashlib, os
                    data = os.urandom(300000)
                    s = socket.create_connection(('198.19.77.7', %d), timeout=20)
                    s.sendall(data); s.shutdown(socket.SHUT_WR)
                    got = b''
                    while True:
                        b = s.recv(65536)
                        if not b: break
                        got += b
                    s.close()
                    print(hashlib.sha256(data).hexdigest() == hashlib.sha256(got).hexdigest(), len(got))
                    """.formatted(echo.getLocalPort()));
            assertEquals("True 300000", up.output().strip(), up.output() + tunnel.output());
            // A port nothing serves on this host: the tunnel resets the client, as the destination would.
            HostNet.Result refused = HostNet.exec(n[0], 30, "python3", "-c", """
                    import socket
                    try:
                        s = socket.create_connection(('198.19.1.1', %d), timeout=10)
                        print('read', s.recv(10))
                    except ConnectionResetError: # in connect or in recv, as the reset overtakes the handshake or not
                        print('reset')
                    """.formatted(closedPort));
            assertEquals("reset", refused.output().strip(), refused.output() + tunnel.output());
            Thread.sleep(500); // Sloop's side takes the last ACKs
            out = tunnel.stop();
        } finally {
            http.stop(0);
            echo.close();
        }
        assertTrue(out.contains("-> /198.19.5.5:") && out.contains("-> /198.19.77.7:") && out.contains("resetting the client"), out);
        assertTrue(out.contains("client sent 300000 bytes and finished"), out);
        // Every client closed first, so every connection ended on its own, none in TIME_WAIT on Sloop's side.
        assertTrue(out.contains("sloop example: 0 TIME_WAIT records discarded at exit"), out);
        assertTrue(out.contains("sloop example: memory at its baseline"), out);
        assertFalse(Files.exists(Path.of("/run/netns", n[0])), "the example deleted its namespace");
    }

    @Test
    void uppercaseServerAnswersCurlAndKeepAliveRequestsFromLinux() throws Exception {
        assumeTrue(rootWithTun(), "needs root and /dev/net/tun");
        String[] n = names("up");
        String out;
        try (ExampleProcess server = new ExampleProcess("UppercaseServer.java", n[0], n[1])) {
            server.await("ready:", 60);
            HostNet.Result curl = HostNet.exec(n[0], 30, "curl", "-sS", "--max-time", "20", "--data-binary", "hello, sloop", "http://198.18.0.2:8080/");
            assertEquals("HELLO, SLOOP", curl.output(), curl.output() + server.output());
            // A client that waits for "100 Continue" before its body (curl does for large bodies).
            HostNet.Result expect = HostNet.exec(n[0], 30, "curl", "-sS", "--max-time", "20", "--expect100-timeout", "30",
                    "-H", "Expect: 100-continue", "--data-binary", "wait for it", "http://198.18.0.2:8080/");
            assertEquals("WAIT FOR IT", expect.output(), expect.output() + server.output());
            // Three requests on one persistent connection, one with a 200 KB body.
            HostNet.Result py = HostNet.exec(n[0], 60, "python3", "-c", """
                    import http.client, random
                    random.seed(5)
                    text = ''.join(random.choice('abcdefghij klmnop\\n') for _ in range(200000))
                    c = http.client.HTTPConnection('198.18.0.2', 8080, timeout=20)
                    c.connect()
                    first = c.sock
                    ok = []
                    for body in ['hello', text, 'bye, sloop']:
                        c.request('POST', '/', body=body.encode())
                        r = c.getresponse()
                        ok.append(r.status == 200 and r.read().decode() == body.upper())
                    print(all(ok), c.sock is first)
                    c.close()
                    """);
            assertEquals("True True", py.output().strip(), py.output() + server.output());
            Thread.sleep(500); // Sloop's side takes the last ACKs
            out = server.stop();
        }
        assertTrue(out.contains("sloop example: memory at its baseline"), out);
        assertFalse(Files.exists(Path.of("/run/netns", n[0])), "the example deleted its namespace");
    }

    @Test
    void fetchFromLinuxGetsAFileFromPythonsHttpServerIntact() throws Exception {
        assumeTrue(rootWithTun(), "needs root and /dev/net/tun");
        String[] n = names("get");
        try {
            Run r = java(120, "FetchFromLinux.java", n[0], n[1]);
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("fetched 1,048,576 bytes") && r.output().contains("equal to the source's"), r.output());
            assertTrue(r.output().contains("198.18.0.1:9 refused") && r.output().contains("ConnectException"), r.output());
            assertTrue(r.output().contains("198.18.0.77:80 did not answer"), r.output());
            assertTrue(r.output().contains("sloop example: memory at its baseline"), r.output());
            assertFalse(Files.exists(Path.of("/run/netns", n[0])), "the example deleted its namespace");
        } finally {
            if (Files.exists(Path.of("/run/netns", n[0]))) HostNet.deleteNamespace(n[0]);
        }
    }

    private static String text(StringBuilder sb) {
        synchronized (sb) {
            return sb.toString();
        }
    }
}
