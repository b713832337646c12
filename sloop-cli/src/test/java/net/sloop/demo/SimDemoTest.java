package net.sloop.demo;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The demo runs, ends at baseline, and its capture of a stack's link reads back in tcpdump without errors. */
class SimDemoTest {
    /**
     * The smallest budget the demo accepts (24k) carries TCP. Two ways it did not, both a segment
     * that could never be stored, so that every retransmission was dropped again:
     * <ul>
     * <li>(2,000 datagrams first) the echo connection's receive commitment was lent to each arriving
     * frame, keeping the frame was refused for the reserve, and the copy found the commitment gone:
     * it now takes the lent blocks back (Budget.allocCopyingFrame). 0 bytes came back in 600 s.
     * <li>(200 datagrams first) out-of-order data held the blocks the segment that reached it
     * needed: it is now pruned first, and the segment stored. 1 KiB came back in 600 s.
     * </ul>
     */
    @ParameterizedTest
    @ValueSource(ints = {2000, 200})
    void theSmallestBudgetStillCarriesTcp(int datagrams) throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        SimDemo.Result r = SimDemo.run(new SimDemo.Options(1, 0.10, 10, datagrams, 512, 24 * 1024, 512, null, 32 * 1024),
                new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(r.tcpIntact(), out);
        assertTrue(r.atBaseline(), out);
        assertTrue(r.simNanos() < 120_000_000_000L, "took " + r.simNanos() / 1e9 + " s simulated:\n" + out);
    }

    @Test
    void demoEndsAtBaselineAndItsCaptureReadsInTcpdump(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        SimDemo.Result r = SimDemo.run(new SimDemo.Options(3, 0.10, 20, 300, 2000, 64 * 1024, 512, pcap, 64 * 1024),
                new PrintStream(text, true, StandardCharsets.UTF_8));
        String out = text.toString(StandardCharsets.UTF_8);
        assertTrue(r.atBaseline(), out);
        assertTrue(r.intact(), out);
        assertTrue(r.pingReplies() > 0 && r.echoed() > 150, out);
        assertTrue(out.contains("both back at baseline"), out);
        assertTrue(r.tcpIntact(), out);
        assertTrue(out.contains("65,536 bytes to B's echo service and back") && out.contains("intact (SHA-256 equal)"), out);

        Process p = new ProcessBuilder("tcpdump", "-r", pcap.toString(), "-nn", "-vv").redirectErrorStream(true).start();
        String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "tcpdump -r failed (install tcpdump; ./test does):\n" + dump);
        assertFalse(dump.contains("truncated") || dump.contains("bogus"), dump);
        assertTrue(dump.contains("ICMP echo request"), dump);
        assertTrue(dump.contains("Request who-has 198.18.0.2 tell 198.18.0.1"), dump);
        assertTrue(dump.contains("198.18.0.1.5000 > 198.18.0.2.7: UDP, length 2000"), dump.substring(0, Math.min(3000, dump.length())));
        assertTrue(dump.contains("flags [+]") && dump.contains("offset 1480"), "2000-byte datagrams went out fragmented");
        assertTrue(dump.contains("198.18.0.2.7: Flags [S]"), "the TCP handshake is in the capture");
        assertTrue(Files.size(pcap) > 100_000);
    }
}
