package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.sloop.status.JsonReader;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The live view of a real {@code serve} (a child JVM on a TUN device in a namespace of its own,
 * named after this JVM's pid): {@code sloop status --json} shows a connection Linux's nc opens from
 * the namespace and no longer shows it once closed; {@code sloop top --iterations 2} prints two
 * frames; SIGUSR1 prints a summary and serve keeps serving; the log has the session's lines; at
 * the end the budget is back at its baseline and the socket is gone. Skipped unless root with
 * /dev/net/tun, ip and nc.
 */
@Timeout(180)
class StatusServeTest {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger SEQ = new AtomicInteger();

    private record Run(int status, String out, String err) {}

    /** {@code sloop ARGS} in this JVM, its output captured. */
    static Run sloop(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setOut(new PrintWriter(out, true));
            sub.setErr(new PrintWriter(err, true));
        }
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static boolean onPath(String cmd) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":"))
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) return true;
        return false;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> connections(String ns) {
        Run r = sloop("status", "--netns", ns, "--json");
        assertEquals(0, r.status(), r.toString());
        return (List<Map<String, Object>>) (List<?>) JsonReader.object(r.out()).get("connections");
    }

    @Test
    void statusAndTopShowALinuxConnectionComeAndGoAndSigusr1PrintsASummary() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        assumeTrue("root".equals(System.getProperty("user.name")), "not root");
        assumeTrue(onPath("ip") && onPath("nc"), "needs ip and nc");
        int n = SEQ.incrementAndGet();
        String ns = "sloop-live-" + PID + "-" + n, dev = "sll" + (PID % 1_000_000) + "x" + n, net = "198.19." + (140 + n % 10) + ".";
        Path socket = Path.of("/run/sloop", ns + ".sock");
        try (ServeProcess p = ServeProcess.start(ns, "--netns", ns, "--tun", dev, "--addr", net + "2/24", "--host-addr", net + "1/24",
                "--budget", "128k", "--log-level", "info")) {
            assertTrue(p.awaitReady(30_000), p::transcript);
            assertTrue(p.out().contains("; status socket " + socket + " "), p::transcript);
            assertTrue(Files.exists(socket), "socket " + socket);
            Map<String, Object> doc = JsonReader.object(sloop("status", "--netns", ns, "--json").out());
            assertEquals("sloop-status/1", doc.get("schema"));
            long baseline = ((Number) ((Map<?, ?>) doc.get("budget")).get("baseline")).longValue();
            assertEquals(List.of(), connections(ns));

            // A connection from Linux to discard, held open by nc.
            Process nc = new ProcessBuilder("ip", "netns", "exec", ns, "nc", "-N", net + "2", "9").redirectErrorStream(true).start();
            OutputStream ncIn = nc.getOutputStream();
            ncIn.write("hello\n".getBytes());
            ncIn.flush();
            Map<String, Object> row = null;
            for (int i = 0; i < 100 && row == null; i++) {
                for (Map<String, Object> c : connections(ns)) if (c.get("local").equals(net + "2:9")) row = c;
                if (row == null) Thread.sleep(100);
            }
            assertNotNull(row, p::transcript);
            assertEquals("established", row.get("state"));
            assertTrue(((String) row.get("remote")).startsWith(net + "1:"), row.toString());
            assertEquals(true, row.get("passive"));
            assertTrue(((Number) row.get("memory")).longValue() >= 760, row.toString());
            String text = sloop("status", "--netns", ns).out();
            assertTrue(text.contains(net + "2:9") && text.contains("established"), text);

            // top: two frames.
            Run top = sloop("top", "--netns", ns, "--iterations", "2", "--interval", "0.2");
            assertEquals(0, top.status(), top.toString());
            assertEquals(2, top.out().lines().filter(l -> l.startsWith("sloop top: ")).count(), top.out());
            assertFalse(top.out().contains("\033["), "no ANSI codes when not on a terminal");

            // SIGUSR1: a summary, and serve goes on.
            p.signal("USR1");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!p.out().contains("sloop: summary (SIGUSR1; still serving)") && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(p.out().contains("sloop: summary (SIGUSR1; still serving)"), p::transcript);
            assertTrue(p.process.isAlive());
            assertEquals(0, sloop("status", "--netns", ns).status());

            // Closed from Linux: the row goes.
            ncIn.close();
            assertTrue(nc.waitFor(10, TimeUnit.SECONDS), "nc ends after its FIN is answered");
            boolean gone = false;
            for (int i = 0; i < 100 && !gone; i++) {
                gone = connections(ns).stream().noneMatch(c -> c.get("local").equals(net + "2:9"));
                if (!gone) Thread.sleep(100);
            }
            assertTrue(gone, p::transcript);
            Map<String, Object> after = JsonReader.object(sloop("status", "--netns", ns, "--json").out());
            @SuppressWarnings("unchecked")
            Map<String, Object> tcp = (Map<String, Object>) after.get("tcp");
            assertEquals(0L, tcp.get("connections"));

            // CSV history: a header and at least one sample.
            Run csv = sloop("status", "--netns", ns, "--csv");
            assertTrue(csv.out().startsWith("unix_ms,used,committed,rx,"), csv.out());
            assertTrue(csv.out().lines().count() >= 2, csv.out());

            p.signal("TERM");
            assertEquals(0, p.awaitExit(30_000), p::transcript);
            assertTrue(p.out().contains("budget back at its baseline of " + baseline + " bytes"), p::transcript);
            assertFalse(Files.exists(socket), "the socket is removed at exit");
            List<String> log = p.logLines();
            assertTrue(log.stream().anyMatch(l -> l.contains("INFO discard session " + net + "1:") && l.contains("opened")), log::toString);
            assertTrue(log.stream().anyMatch(l -> l.contains("INFO discard session " + net + "1:") && l.contains("closed")), log::toString);
            assertEquals("", p.errWithoutLog());
        }
        // Gone: the serve answers no more, in one line.
        Run r = sloop("status", "--netns", ns);
        assertEquals(1, r.status());
        assertEquals("sloop status: no serve with --netns " + ns + " is running (no " + socket + ")", r.err().strip());
    }

    @Test
    void withoutASocketSigusr1StillPrintsTheSummary() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        assumeTrue("root".equals(System.getProperty("user.name")), "not root");
        assumeTrue(onPath("ip"), "needs ip");
        int n = SEQ.incrementAndGet();
        String ns = "sloop-live-" + PID + "-" + n, dev = "sll" + (PID % 1_000_000) + "x" + n, net = "198.19." + (140 + n % 10) + ".";
        try (ServeProcess p = ServeProcess.start(ns, "--netns", ns, "--tun", dev, "--addr", net + "2/24", "--host-addr", net + "1/24",
                "--status-socket", "none", "--log-json", "--log-level", "info")) {
            assertTrue(p.awaitReady(30_000), p::transcript);
            assertTrue(p.out().contains("; no status socket (kill -USR1 for a summary)"), p::transcript);
            assertFalse(Files.exists(Path.of("/run/sloop", ns + ".sock")));
            p.signal("USR1");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!p.out().contains("view: ") && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(p.out().contains("sloop: summary (SIGUSR1; still serving)") && p.out().contains("  memory: 131072 B"), p::transcript);
            p.signal("TERM");
            assertEquals(0, p.awaitExit(30_000), p::transcript);
            for (String line : p.logLines()) JsonReader.object(line); // --log-json: every log line is one JSON object
            assertFalse(p.logLines().isEmpty(), p::transcript);
            assertEquals("", p.errWithoutLog());
        }
    }

    @Test
    void aMissingOrDeadSocketIsOneLineAndExitOne() throws Exception {
        Run r = sloop("status", "--socket", "/nonexistent/sloop.sock");
        assertEquals(1, r.status());
        assertEquals("sloop status: no serve answers at /nonexistent/sloop.sock (no such socket)", r.err().strip());
        // A socket file nobody listens on (a serve that was killed).
        Path dead = Files.createTempDirectory("sloop-dead").resolve("dead.sock");
        try (var ch = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            ch.bind(java.net.UnixDomainSocketAddress.of(dead));
        }
        Run t = sloop("top", "--socket", dead.toString(), "--iterations", "1");
        assertEquals(1, t.status(), t.toString());
        assertFalse(t.err().strip().contains("\n"), t.err());
        assertTrue(t.err().startsWith("sloop top: no serve answers at " + dead), t.err());
        Files.deleteIfExists(dead);
        HostNet.run(List.of("true"), 5);
    }
}
