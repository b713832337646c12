package net.sloop.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapWriterTest {
    @TempDir
    Path dir;

    private static void write(PcapWriter w, long t, byte[] frame) {
        w.write(t, MemorySegment.ofArray(frame), 0, frame.length);
    }

    @Test
    void headerAndRecordLayoutAreLittleEndianNanosecondPcap() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] frame = {1, 2, 3, 4, 5};
        try (PcapWriter w = new PcapWriter(out, Link.Kind.IP)) {
            // Frame embedded at an offset in a larger segment.
            byte[] big = new byte[10];
            System.arraycopy(frame, 0, big, 3, 5);
            w.write(3_000_000_007L, MemorySegment.ofArray(big), 3, 5);
            assertEquals(1, w.frames());
        }
        ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(24 + 16 + 5, b.remaining());
        assertEquals(0xA1B23C4D, b.getInt(0));
        assertEquals(2, b.getShort(4));
        assertEquals(4, b.getShort(6));
        assertEquals(65535, b.getInt(16));
        assertEquals(101, b.getInt(20));
        assertEquals(3, b.getInt(24));
        assertEquals(7, b.getInt(28));
        assertEquals(5, b.getInt(32));
        assertEquals(5, b.getInt(36));
        for (int i = 0; i < 5; i++) assertEquals(frame[i], b.get(40 + i));
    }

    @Test
    void writesAfterCloseAreIgnoredAndCloseTwiceIsHarmless() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PcapWriter w = new PcapWriter(out, Link.Kind.ETHERNET);
        w.close();
        write(w, 0, new byte[] {1});
        w.close();
        assertEquals(24, out.size());
    }

    @Test
    void tcpdumpDecodesEthernetCapture() throws Exception {
        Path file = dir.resolve("eth.pcap");
        try (PcapWriter w = new PcapWriter(file, Link.Kind.ETHERNET)) {
            write(w, 1_000_000_500L, TestFrames.arpRequest());
            write(w, 2_250_000_000L, TestFrames.ethernet(TestFrames.ipv4Udp(1234, 5678, "hello".getBytes(StandardCharsets.US_ASCII))));
        }
        String out = tcpdump(file);
        assertTrue(out.contains("1.000000500"), out);
        assertTrue(out.contains("2.250000000"), out);
        assertTrue(out.contains("ethertype ARP (0x0806), length 42: Ethernet (len 6), IPv4 (len 4), Request who-has 10.0.0.2 tell 10.0.0.1"), out);
        assertTrue(out.contains("10.0.0.1.1234 > 10.0.0.2.5678: [udp sum ok] UDP, length 5"), out);
        assertTrue(out.contains("02:00:00:00:00:01 > 02:00:00:00:00:02"), out);
    }

    @Test
    void tcpdumpDecodesRawIpCapture() throws Exception {
        Path file = dir.resolve("raw.pcap");
        try (PcapWriter w = new PcapWriter(file, Link.Kind.IP)) {
            write(w, 5, TestFrames.ipv4Udp(53, 40000, new byte[12]));
            write(w, 6, TestFrames.ipv4Udp(7, 9, "odd".getBytes(StandardCharsets.US_ASCII)));
        }
        String out = tcpdump(file);
        assertTrue(out.contains("0.000000005"), out);
        assertTrue(out.contains("10.0.0.1.7 > 10.0.0.2.9: [udp sum ok] UDP, length 3"), out);
        assertTrue(out.contains("10.0.0.1.53 > 10.0.0.2.40000"), out);
    }

    @Test
    void tapRecordsBothDirectionsOfALoopback() throws Exception {
        Path file = dir.resolve("lo.pcap");
        PcapTap tap = new PcapTap(new LoopbackLink(), new PcapWriter(file, Link.Kind.IP));
        List<Integer> got = new ArrayList<>();
        tap.attach((now, src, off, len) -> got.add(len));
        byte[] p = TestFrames.ipv4Udp(1000, 2000, "ping".getBytes(StandardCharsets.US_ASCII));
        assertTrue(tap.transmit(1_000, MemorySegment.ofArray(p), 0, p.length));
        assertTrue(tap.pending());
        assertEquals(1, tap.poll(2_000));
        assertEquals(List.of(p.length), got);
        assertEquals("lo", tap.name());
        assertEquals(Link.Kind.IP, tap.kind());
        assertEquals(2, tap.writer().frames());
        tap.close();
        String out = tcpdump(file);
        assertEquals(2, out.lines().filter(l -> l.contains("10.0.0.1.1000 > 10.0.0.2.2000")).count(), out);
        assertTrue(out.contains("0.000001000") && out.contains("0.000002000"), out);
    }

    @Test
    void theTcpdumpCheckWouldCatchABadChecksum() throws Exception {
        // Guards the guard: our frames are only known good if tcpdump would flag a bad one.
        Path file = dir.resolve("bad.pcap");
        byte[] p = TestFrames.ipv4Udp(1, 2, new byte[4]);
        p[27] ^= 1;
        try (PcapWriter w = new PcapWriter(file, Link.Kind.IP)) {
            write(w, 0, p);
        }
        assertThrows(AssertionError.class, () -> tcpdump(file));
    }

    /** Runs tcpdump over {@code file} and checks it read the file cleanly; returns what it printed. */
    static String tcpdump(Path file) throws Exception {
        assertTrue(Files.size(file) > 24, "capture is empty");
        Process p;
        try {
            p = new ProcessBuilder("tcpdump", "-r", file.toString(), "-nn", "-tt", "-vv", "-e",
                            "--time-stamp-precision=nano")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            fail("tcpdump is not installed; install it with `apt-get install -y tcpdump` (./test does this): " + e.getMessage());
            return null;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "tcpdump did not finish");
        assertEquals(0, p.exitValue(), "tcpdump failed:\n" + out);
        String lower = out.toLowerCase();
        for (String bad : new String[] {"truncated", "bogus", "bad", "invalid", "[|"}) {
            assertFalse(lower.contains(bad), "tcpdump complained (" + bad + "):\n" + out);
        }
        return out;
    }
}
