package net.sloop.service;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/** The four services over TCP, with a client on another stack, in simulated time. */
class ServicesTcpTest {
    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] b, int off, int len) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(b, off, len);
        return md.digest();
    }

    /** Writes {@code data} (then FIN) and reads what comes back until EOF, {@code readPerStep} bytes per step at most. */
    static final class Exchange {
        final TcpSocket s;
        final byte[] data;
        final MessageDigest got;
        final int readPerStep;
        int written;
        long received;
        boolean eof;
        final byte[] buf = new byte[16 * 1024];

        Exchange(TcpSocket s, byte[] data, int readPerStep) throws Exception {
            this.s = s;
            this.data = data;
            this.readPerStep = readPerStep;
            this.got = MessageDigest.getInstance("SHA-256");
        }

        boolean step() {
            try {
                if (!s.isConnected() && !s.isEnded()) return false;
                while (written < data.length) {
                    int n = s.write(data, written, data.length - written);
                    if (n == 0) break;
                    written += n;
                }
                if (written == data.length) s.shutdownOutput();
                int budget = readPerStep;
                while (!eof && budget > 0) {
                    int n = s.read(buf, 0, Math.min(buf.length, budget));
                    if (n < 0) eof = true;
                    else if (n == 0) break;
                    else {
                        got.update(buf, 0, n);
                        received += n;
                        budget -= n;
                    }
                }
            } catch (TcpException e) {
                throw new AssertionError("exchange failed after " + written + " written, " + received + " received", e);
            }
            return eof;
        }
    }

    @Test
    void echoReturnsOneMegabyteExactlyThenClosesAfterTheClientsFin() throws Exception {
        ServiceNet n = new ServiceNet(1, ServiceNet.config(256 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.ECHO).udp().build());
        byte[] data = data(1 << 20, 1);
        TcpSocket c = n.connect(ServiceKind.ECHO);
        Exchange x = new Exchange(c, data, Integer.MAX_VALUE);
        assertTrue(n.runUntil(x::step, Time.seconds(120)), "echoed " + x.received + " of " + data.length);
        assertEquals(data.length, x.received);
        assertArrayEquals(sha256(data, 0, data.length), x.got.digest());
        ServiceStats st = svc.stats(ServiceKind.ECHO, false);
        assertEquals(data.length, st.bytesIn());
        assertEquals(data.length, st.bytesOut());
        assertEquals(1, st.served());
        assertEquals(0, st.active(), "the server closed after echoing everything before the FIN");
        c.close();
        assertTrue(n.runUntil(c::isEnded, Time.seconds(5)));
        System.out.println(svc.report());
        n.finish();
    }

    @Test
    void echoToASlowReaderKeepsTheServersMemoryBoundedByItsBuffers() throws Exception {
        int buffer = 8 * 1024;
        ServiceNet n = new ServiceNet(2, ServiceNet.config(256 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.ECHO).udp().buffers(buffer, buffer).build());
        long base = n.server.budget().used();
        int block = n.server.budget().blockSize();
        byte[] data = data(1 << 20, 2);
        TcpSocket c = n.connect(ServiceKind.ECHO);
        Exchange x = new Exchange(c, data, 512); // reads 512 bytes per step: far slower than it writes
        long[] peak = {0};
        n.pacemaker(Time.millis(1)); // the client acts once per simulated millisecond
        long[] last = {-1};
        assertTrue(n.runUntil(() -> {
            peak[0] = Math.max(peak[0], n.server.budget().used() - base);
            if (n.net.now() == last[0]) return false;
            last[0] = n.net.now();
            return x.step();
        }, Time.seconds(600)), "echoed " + x.received + " of " + data.length);
        assertArrayEquals(sha256(data, 0, data.length), x.got.digest());
        // The connection: its control block and guaranteed blocks, its two buffers (whole blocks, a
        // little slack for the blocks' partial fill); echo holds nothing of its own.
        long bound = net.sloop.tcp.TcpConnection.CHARGE + 2L * (buffer + 2 * block) + 3L * block;
        System.out.printf("slow reader: server used at most %d bytes above its baseline with services (bound %d)%n", peak[0], bound);
        assertTrue(peak[0] <= bound, "server held " + peak[0] + " bytes for one echo connection; bound " + bound);
        c.close();
        svc.close();
        n.finish();
    }

    @Test
    void discardSwallowsOneMegabyteAndClosesWhenTheClientDoes() throws Exception {
        ServiceNet n = new ServiceNet(3, ServiceNet.config(256 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.DISCARD).udp().build());
        byte[] data = data(1 << 20, 3);
        TcpSocket c = n.connect(ServiceKind.DISCARD);
        Exchange x = new Exchange(c, data, Integer.MAX_VALUE);
        assertTrue(n.runUntil(x::step, Time.seconds(120)));
        assertEquals(0, x.received, "discard sends nothing");
        assertEquals(data.length, svc.stats(ServiceKind.DISCARD, false).bytesIn());
        assertEquals(0, svc.stats(ServiceKind.DISCARD, false).active());
        c.close();
        n.finish();
    }

    @Test
    void daytimeSendsOneWellFormedLineThenEndOfStream() throws Exception {
        ServiceNet n = new ServiceNet(4, ServiceNet.config(128 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.DAYTIME).udp().build());
        TcpSocket c = n.connect(ServiceKind.DAYTIME);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        boolean[] eof = {false};
        assertTrue(n.runUntil(() -> {
            try {
                for (int k; !eof[0] && (k = c.read(buf)) != 0; ) {
                    if (k < 0) eof[0] = true;
                    else out.write(buf, 0, k);
                }
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            return eof[0];
        }, Time.seconds(5)));
        String line = out.toString(StandardCharsets.US_ASCII);
        assertEquals("Sunday, November 22, 2026 03:00:00-UTC\r\n", line);
        assertTrue(line.matches("[A-Z][a-z]+day, [A-Z][a-z]+ \\d{1,2}, \\d{4} \\d\\d:\\d\\d:\\d\\d-UTC\r\n"));
        assertEquals(0, svc.stats(ServiceKind.DAYTIME, false).active());
        c.close();
        n.finish();
    }

    @Test
    void chargenSendsTheRfcPatternUntilTheClientCloses() throws Exception {
        ServiceNet n = new ServiceNet(5, ServiceNet.config(256 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.CHARGEN).udp().build());
        TcpSocket c = n.connect(ServiceKind.CHARGEN);
        int want = 200 * Chargen.LINE_BYTES; // more than two periods
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        assertTrue(n.runUntil(() -> {
            try {
                int k;
                while (out.size() < want && (k = c.read(buf, 0, Math.min(buf.length, want - out.size()))) > 0) out.write(buf, 0, k);
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            return out.size() >= want;
        }, Time.seconds(30)));
        String text = out.toString(StandardCharsets.US_ASCII);
        String[] lines = text.split("\r\n", -1);
        assertEquals(201, lines.length);
        assertEquals("!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh", lines[0], "RFC 864's first line");
        assertEquals("\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghi", lines[1], "RFC 864's second line");
        for (int i = 0; i < 200; i++) assertEquals(Chargen.line(i), lines[i], "line " + i);
        assertEquals(lines[0], lines[95], "the pattern repeats every 95 lines");
        assertEquals(1, svc.stats(ServiceKind.CHARGEN, false).active());
        long sent = svc.stats(ServiceKind.CHARGEN, false).bytesOut();
        assertTrue(sent <= want + n.server.config().tcp().sendBuffer() + 64 * 1024, "sent " + sent + ": no more than the window and the send buffer ahead");
        c.close(); // with unread data: a reset, which the server must take as the end
        assertTrue(n.runUntil(() -> svc.stats(ServiceKind.CHARGEN, false).active() == 0, Time.seconds(5)), "the server stopped");
        assertEquals(0, n.server.tcp().connections());
        n.finish();
    }

    @Test
    void chargenStopsAfterAnOrderlyCloseToo() throws Exception {
        ServiceNet n = new ServiceNet(6, ServiceNet.config(256 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.CHARGEN).udp().build());
        TcpSocket c = n.connect(ServiceKind.CHARGEN);
        assertTrue(n.runUntil(() -> c.available() > 0, Time.seconds(5)));
        c.shutdownOutput(); // FIN, but keep reading
        byte[] buf = new byte[8192];
        assertTrue(n.runUntil(() -> {
            try {
                while (true) {
                    int k = c.read(buf);
                    if (k < 0) return true;
                    if (k == 0) return false;
                }
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
        }, Time.seconds(10)), "the server closed after the client's FIN");
        assertEquals(0, svc.stats(ServiceKind.CHARGEN, false).active());
        c.close();
        n.finish();
    }

    @Test
    void theConnectionBeyondTheLimitIsReset() throws Exception {
        ServiceNet n = new ServiceNet(7, ServiceNet.config(256 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.DISCARD).udp().maxConnections(2).build());
        TcpSocket[] c = new TcpSocket[3];
        for (int i = 0; i < 2; i++) c[i] = n.connect(ServiceKind.DISCARD);
        assertTrue(n.runUntil(() -> svc.activeConnections() == 2 && c[0].isConnected() && c[1].isConnected(), Time.seconds(5)));
        c[2] = n.connect(ServiceKind.DISCARD);
        assertTrue(n.runUntil(c[2]::isEnded, Time.seconds(5)));
        assertEquals(TcpError.RESET, c[2].error());
        ServiceStats st = svc.stats(ServiceKind.DISCARD, false);
        assertEquals(1, st.refused());
        assertEquals(2, st.active());
        assertTrue(c[0].isConnected() && c[1].isConnected(), "the two admitted are untouched");
        c[0].close(); // a slot frees: the next connection is served
        assertTrue(n.runUntil(() -> svc.activeConnections() == 1, Time.seconds(5)));
        TcpSocket d = n.connect(ServiceKind.DISCARD);
        assertTrue(n.runUntil(() -> svc.activeConnections() == 2, Time.seconds(5)));
        assertTrue(d.isConnected());
        for (TcpSocket s : c) s.close();
        d.close();
        n.finish();
    }

    @Test
    void anIdleConnectionIsResetAfterTheIdleTimeoutAndAnActiveOneIsNot() throws Exception {
        ServiceNet n = new ServiceNet(8, ServiceNet.config(128 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.DISCARD).udp().idleTimeoutNanos(Time.seconds(10)).build());
        TcpSocket idle = n.connect(ServiceKind.DISCARD);
        TcpSocket busy = n.connect(ServiceKind.DISCARD);
        assertTrue(n.runUntil(() -> svc.activeConnections() == 2, Time.seconds(5)));
        n.pacemaker(Time.millis(100));
        long start = n.net.now();
        long[] lastWrite = {start};
        assertTrue(n.runUntil(() -> {
            if (n.net.now() - lastWrite[0] >= Time.seconds(1)) { // one byte a second keeps it alive
                try {
                    busy.write(new byte[1]);
                } catch (TcpException e) {
                    throw new AssertionError(e);
                }
                lastWrite[0] = n.net.now();
            }
            return idle.isEnded();
        }, Time.seconds(30)));
        long after = n.net.now() - start;
        assertTrue(after >= Time.seconds(10) && after < Time.seconds(11), "reset after " + after / 1e9 + " s idle");
        assertEquals(TcpError.RESET, idle.error());
        assertFalse(busy.isEnded());
        ServiceStats st = svc.stats(ServiceKind.DISCARD, false);
        assertEquals(1, st.idleClosed());
        assertEquals(1, st.active());
        busy.close();
        idle.close();
        assertTrue(n.runUntil(() -> svc.activeConnections() == 0, Time.seconds(5)));
        n.finish();
    }

    @Test
    void anIdleTimeoutWithoutAnApplicationTimerFailsAtStartAndLeavesNothing() {
        ServiceNet n = new ServiceNet(9, ServiceNet.config(128 * 1024).applicationTimers(0).build());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> n.start(ServiceNet.services().idleTimeoutNanos(Time.seconds(1)).build()));
        assertTrue(e.getMessage().contains("applicationTimers"), e.getMessage());
        n.services = null;
        n.finish();
    }

    @Test
    void closingTheServicesResetsEveryConnectionAndFreesEverything() throws Exception {
        ServiceNet n = new ServiceNet(10, ServiceNet.config(256 * 1024).build());
        long baseline = n.server.budget().used();
        Services svc = n.start(ServiceNet.services().idleTimeoutNanos(Time.seconds(30)).build());
        assertTrue(n.server.budget().used() > baseline);
        TcpSocket echo = n.connect(ServiceKind.ECHO);
        TcpSocket chargen = n.connect(ServiceKind.CHARGEN);
        TcpSocket discard = n.connect(ServiceKind.DISCARD);
        byte[] junk = data(200_000, 10);
        int[] w = {0, 0};
        assertTrue(n.runUntil(() -> {
            try {
                if (echo.isConnected()) w[0] += echo.write(junk, w[0], junk.length - w[0]);
                if (discard.isConnected()) w[1] += discard.write(junk, w[1], junk.length - w[1]);
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            // Data in flight every way: echo's client reads nothing, so the echo stalls with full buffers.
            return w[0] > 20_000 && w[1] > 100_000 && chargen.available() > 0;
        }, Time.seconds(30)));
        assertEquals(3, svc.activeConnections());
        svc.close();
        svc.close();
        assertEquals(0, n.server.tcp().connections(), "every connection freed at once");
        assertEquals(0, n.server.udp().openSockets());
        assertEquals(baseline, n.server.budget().used(), "the server's budget is back where it was before the services");
        assertTrue(n.runUntil(() -> echo.isEnded() && chargen.isEnded() && discard.isEnded(), Time.seconds(5)));
        assertEquals(TcpError.RESET, echo.error());
        echo.close();
        chargen.close();
        discard.close();
        n.finish();
    }

    @Test
    void aThousandShortEchoConnectionsEndAtBaseline() throws Exception {
        ServiceNet n = new ServiceNet(11, ServiceNet.config(128 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(ServiceKind.ECHO).udp().maxConnections(4).build());
        long served = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] data = data(100 + i % 900, i);
            TcpSocket c = n.connect(ServiceKind.ECHO);
            Exchange x = new Exchange(c, data, Integer.MAX_VALUE);
            assertTrue(n.runUntil(x::step, Time.seconds(5)), "connection " + i);
            assertArrayEquals(sha256(data, 0, data.length), x.got.digest(), "connection " + i);
            c.close();
            served++;
        }
        assertTrue(n.runUntil(() -> svc.activeConnections() == 0 && n.server.tcp().connections() == 0, Time.seconds(5)));
        ServiceStats st = svc.stats(ServiceKind.ECHO, false);
        assertEquals(served, st.served());
        assertEquals(0, st.refused());
        assertTrue(st.peakActive() <= 2, "sequential: at most the one closing and the next, " + st.peakActive());
        System.out.println(svc.report());
        n.finish();
    }
}
