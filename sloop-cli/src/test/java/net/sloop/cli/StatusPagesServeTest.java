package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.sloop.status.JsonReader;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The status pages of a real {@code serve --budget 128k --http-root DIR} over TUN, with Linux's
 * curl in the serve's namespace: /status.json is the status document (it parses with python3's
 * json.tool, and it names the figures {@code sloop status --json} names), /status.csv the history,
 * /status/events a stream of documents, HEAD answers without a body; {@code --status-path} moves
 * the pages and {@code off} removes them; the HTTP log lines appear at {@code --log-level info};
 * each serve ends with its budget at the baseline. Skipped unless root with /dev/net/tun, ip, ss,
 * curl and python3.
 */
@Timeout(240)
class StatusPagesServeTest {
    @Test
    void jsonCsvEventsAndHeadOverTun() throws Exception {
        FtpRig.assumeRootWithTools("curl", "python3");
        Path www = Files.createTempDirectory("sloop-status-www");
        Files.writeString(www.resolve("index.html"), "<p>hello</p>\n");
        List<Executable> checks = new ArrayList<>();
        try (HttpRig rig = HttpRig.ready("128k", "--http-root", www.toString(), "--log-level", "info")) {
            assertTrue(rig.serve.out().contains("status pages at /status on HTTP port 80 (/status.json, /status.csv)"), rig.serve::transcript);
            HostNet.Result json = rig.exec(10, "curl", "-s", "-f", "-D", "-", "--max-time", "5", rig.url("/status.json"));
            assertTrue(json.ok(), json.toString());
            String[] parts = json.output().split("\r\n\r\n", 2);
            assertTrue(parts[0].contains("Content-Type: application/json") && parts[0].contains("Transfer-Encoding: chunked"), parts[0]);
            Map<String, Object> doc = JsonReader.object(parts[1]);
            assertEquals("sloop-status/1", doc.get("schema"));
            Map<?, ?> budget = (Map<?, ?>) doc.get("budget");
            assertEquals(131072L, budget.get("capacity"));
            assertTrue(parts[1].length() > 4096, "a document of " + parts[1].length() + " bytes through 1 KiB buffers");
            HostNet.Result tool = rig.sh(10, "curl -s -f --max-time 5 " + rig.url("/status.json") + " | python3 -m json.tool > /dev/null && echo parsed");
            assertEquals("parsed", tool.output().strip(), tool.toString());
            // the same members as the socket's document
            Map<String, Object> socketDoc = JsonReader.object(statusJson(rig.ns));
            assertEquals(socketDoc.keySet(), doc.keySet());
            assertEquals(((Map<?, ?>) socketDoc.get("budget")).keySet(), budget.keySet());
            assertEquals(((Map<?, ?>) socketDoc.get("budget")).get("baseline"), budget.get("baseline"));

            HostNet.Result csv = rig.exec(10, "curl", "-s", "-f", "--max-time", "5", rig.url("/status.csv"));
            String[] lines = csv.output().strip().split("\n");
            assertTrue(lines[0].startsWith("unix_ms,used,committed,rx,"), csv.toString());
            assertTrue(lines.length >= 2, csv.toString());
            for (int i = 1; i < lines.length; i++) assertEquals(12, lines[i].split(",").length, lines[i]);

            HostNet.Result events = rig.exec(10, "curl", "-s", "-N", "--max-time", "3.5", rig.url("/status/events"));
            long n = events.output().lines().filter(l -> l.startsWith("data: {\"schema\":\"sloop-status/1\"")).count();
            assertTrue(n >= 3, n + " events in 3.5 s: " + events.output().lines().map(l -> l.length() > 80 ? l.substring(0, 80) : l).toList());
            for (String l : events.output().lines().filter(l -> l.startsWith("data: ")).toList()) JsonReader.object(l.substring(6));

            for (String p : new String[] {"/status", "/status.json", "/status.csv", "/status/events"}) {
                HostNet.Result head = rig.exec(10, "curl", "-s", "-I", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", rig.url(p));
                assertEquals("200 0", head.output().strip(), p + ": " + head);
            }
            HostNet.Result page = rig.exec(10, "curl", "-s", "-f", "--max-time", "5", rig.url("/status"));
            assertTrue(page.output().contains("<title>Sloop live view</title>"), page.toString());
            assertEquals("hello", rig.exec(10, "curl", "-s", "--max-time", "5", rig.url("/")).output().replaceAll("<[^>]+>", "").strip());
            assertTrue(rig.awaitConnectionsEnded(20_000).isEmpty());
            checks.addAll(rig.stopAndCheckMemoryBack());
            String err = rig.serve.err();
            checks.add(() -> assertTrue(err.contains("INFO http " + rig.net + "1 \"GET /status.json HTTP/1.1\" 200 "), err));
            checks.add(() -> assertTrue(err.contains("\"HEAD /status/events HTTP/1.1\" 200"), err));
        }
        assertAll(checks);
    }

    @Test
    void statusPathMovesOrRemovesThePages() throws Exception {
        FtpRig.assumeRootWithTools("curl");
        Path www = Files.createTempDirectory("sloop-status-www");
        List<Executable> checks = new ArrayList<>();
        try (HttpRig rig = HttpRig.ready("128k", "--http-root", www.toString(), "--status-path", "/sloop/live")) {
            assertTrue(rig.serve.out().contains("status pages at /sloop/live on HTTP port 80"), rig.serve::transcript);
            assertEquals("200", code(rig, "/sloop/live.json"));
            assertEquals("200", code(rig, "/sloop/live"));
            assertEquals("404", code(rig, "/status.json"));
            assertTrue(rig.awaitConnectionsEnded(20_000).isEmpty());
            checks.addAll(rig.stopAndCheckMemoryBack());
        }
        try (HttpRig rig = HttpRig.ready("128k", "--http-root", www.toString(), "--status-path", "off")) {
            assertTrue(!rig.serve.out().contains("status pages at"), rig.serve::transcript);
            assertEquals("404", code(rig, "/status.json"));
            assertEquals("404", code(rig, "/status"));
            assertTrue(rig.awaitConnectionsEnded(20_000).isEmpty());
            checks.addAll(rig.stopAndCheckMemoryBack());
        }
        assertAll(checks);
    }

    /** {@code sloop status --netns NS --json} in this JVM: the socket's document. */
    private static String statusJson(String ns) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out, true));
        for (picocli.CommandLine sub : cl.getSubcommands().values()) sub.setOut(new java.io.PrintWriter(out, true));
        assertEquals(0, cl.execute("status", "--netns", ns, "--json"), out::toString);
        return out.toString();
    }

    private static String code(HttpRig rig, String path) throws Exception {
        return rig.exec(10, "curl", "-s", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", rig.url(path)).output().strip();
    }
}
