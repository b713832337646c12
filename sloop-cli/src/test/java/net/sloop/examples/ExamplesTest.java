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

    private static String text(StringBuilder sb) {
        synchronized (sb) {
            return sb.toString();
        }
    }
}
