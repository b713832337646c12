package net.sloop.status;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.ServiceStats;
import net.sloop.service.Services;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpInfo;
import net.sloop.tcp.TcpSocket;
import net.sloop.tcp.TcpState;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The live view's figures are the stack's: in a simulated two-stack run (a client writing to the
 * server's echo and discard services), every budget figure of the snapshot equals the budget's,
 * every connection row equals what TCP's own report says of that connection and what the client's
 * socket says, the services' figures equal their counters, and connections disappear from the
 * table once closed. The JSON of it parses and carries the same numbers.
 */
class StatusViewTest {
    private static final long WALL = 1_796_000_000_000L;

    @Test
    void snapshotFiguresAreTheBudgetsAndTheConnectionsReal() throws Exception {
        StatusNet n = new StatusNet(7, 256 * 1024);
        Services svc = Services.start(n.server, ServiceConfig.builder().tcp(ServiceKind.ECHO, ServiceKind.DISCARD).udp(ServiceKind.ECHO).build());
        StatusView view = StatusView.open(n.server, StatusView.Config.defaults(), Sources.of(svc, null));
        StatusView clientView = StatusView.open(n.client, StatusView.Config.defaults(), List.of());
        n.sync();
        TcpSocket echo = n.client.tcp().connect(StatusNet.SERVER, 7);
        TcpSocket discard = n.client.tcp().connect(StatusNet.SERVER, 9);
        assertTrue(n.runUntil(() -> echo.isConnected() && discard.isConnected(), Time.seconds(5)));
        byte[] data = new byte[60_000];
        int[] written = {0, 0};
        // Write without reading echo's answers, so that queues and windows hold something.
        assertTrue(n.runUntil(() -> {
            try {
                if (written[0] < data.length) written[0] += echo.write(data, written[0], data.length - written[0]);
                if (written[1] < data.length) written[1] += discard.write(data, written[1], data.length - written[1]);
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            return written[0] >= 20_000 && written[1] >= data.length;
        }, Time.seconds(10)));
        n.run(Time.millis(3)); // mid-transfer: segments in flight, queues not empty

        StatusSnapshot s = view.snapshot(WALL);
        Budget b = n.server.budget();
        assertBudget(s, b);
        assertEquals(n.server.tcp().connections(), s.connections);
        assertEquals(2, s.connectionCount);
        assertEquals(0, s.connectionsMore);
        String report = n.server.tcp().connectionsReport(16);
        for (int i = 0; i < s.connectionCount; i++) assertRowMatchesReport(s.row(i), report);
        // Services: the figures are their counters.
        assertEquals(3, s.sourceCount);
        for (int i = 0; i < s.sourceCount; i++) {
            ServiceStats st = svc.stats(ServiceKind.valueOf(s.sourceName(i).toUpperCase()), s.sourceTransport(i).equals("udp"));
            assertEquals(st.port(), s.sourcePort(i));
            assertEquals(st.served(), figure(s, i, "served"));
            assertEquals(st.active(), figure(s, i, "active"));
            assertEquals(st.bytesIn(), figure(s, i, "bytes_in"));
            assertEquals(st.bytesOut(), figure(s, i, "bytes_out"));
        }
        // Counters and drops.
        for (Proto p : Proto.values()) for (Counter c : Counter.values()) assertEquals(n.server.stats().get(p, c), s.protocolCounters[p.ordinal() * Counter.COUNT + c.ordinal()]);
        for (DropReason r : DropReason.values()) assertEquals(n.server.stats().drops(r), s.drops[r.ordinal()]);
        assertEquals(n.server.tcp().counters().established, s.tcpCounters[indexOf(s, "established")]);

        // The client's rows are what its sockets say.
        StatusSnapshot cs = clientView.snapshot(WALL);
        assertBudget(cs, n.client.budget());
        for (TcpSocket sock : new TcpSocket[] {echo, discard}) {
            TcpInfo r = rowFor(cs, sock.localPort());
            assertEquals(TcpState.ESTABLISHED, r.state);
            assertEquals(sock.unacknowledged(), r.sendQueue); // written, not yet acknowledged (sent or not)
            assertTrue(r.unacknowledged <= r.sendQueue);
            assertEquals(sock.available(), r.receiveQueue);
            assertEquals(StatusNet.SERVER, r.remoteAddress);
            assertFalse(r.passive);
            assertTrue(r.srttNanos > 0 && r.srttNanos < Time.millis(50), "srtt " + r.srttNanos);
            if (r.unacknowledged > 0) {
                assertTrue((r.timers & (TcpInfo.TIMER_RETRANSMIT | TcpInfo.TIMER_PERSIST)) != 0, "data in flight: retransmission timer armed");
                assertTrue(r.retransmitInNanos >= 0 && r.retransmitInNanos <= r.rtoNanos, r.retransmitInNanos + " of " + r.rtoNanos);
            }
        }
        assertTrue(rowFor(cs, echo.localPort()).receiveQueue > 0, "echo's answers wait unread");

        // The JSON carries the same numbers.
        ByteSink.Collect out = new ByteSink.Collect();
        long len = view.writeJson(out);
        assertEquals(len, out.length());
        Map<String, Object> doc = JsonReader.object(out.toString());
        assertEquals(StatusJson.SCHEMA, doc.get("schema"));
        assertEquals(b.used(), ((Number) StatusText.map(doc, "budget").get("used")).longValue());
        assertEquals(2, StatusText.list(doc, "connections").size());
        String text = StatusText.render(doc);
        assertTrue(text.contains("198.18.0.1:" + echo.localPort()), text);

        // Closed connections leave the table (TIME_WAIT records are counted apart).
        echo.close();
        discard.close();
        n.run(Time.seconds(2));
        s = view.snapshot(WALL + 2000);
        assertEquals(0, s.connectionCount, () -> n.server.tcp().connectionsReport(16));
        assertEquals(0, s.connections);
        assertEquals(n.server.tcp().timeWaitRecords(), s.timeWait);
        n.run(Time.seconds(61));
        clientView.close();
        view.close();
        svc.close();
        assertTrue(b.atBaseline(), b.leakReport());
    }

    static void assertBudget(StatusSnapshot s, Budget b) {
        assertEquals(b.capacity(), s.capacity);
        assertEquals(b.blockSize(), s.blockSize);
        assertEquals(b.used(), s.used);
        assertEquals(b.free(), s.free);
        assertEquals((long) b.committedBlocks() * b.blockSize(), s.committed);
        assertEquals((long) b.uncommittedFreeBlocks() * b.blockSize(), s.uncommittedFree);
        assertEquals((long) b.reserveBlocks() * b.blockSize(), s.reserve);
        assertEquals(b.peak(), s.peak);
        assertEquals(b.minFree(), s.minFree);
        assertEquals(b.failures(), s.failures);
        assertEquals(b.baseline(), s.baseline);
        long sum = 0;
        for (Category c : Category.values()) {
            assertEquals(b.used(c), s.categoryUsed[c.ordinal()], c.name());
            assertEquals(b.peak(c), s.categoryPeak[c.ordinal()], c.name());
            if (c.blocks()) sum += b.used(c);
        }
        // Blocks held plus the blocks set aside for byte charges are the budget's used bytes.
        long slab = (b.charged() + b.blockSize() - 1) / b.blockSize() * b.blockSize();
        assertEquals(b.used(), sum + slab);
    }

    /** TCP's own text report (Tcp.connectionsReport) says the same of this connection as its row. */
    private static void assertRowMatchesReport(TcpInfo r, String report) {
        String key = "198.18.0.2:" + r.localPort + "-198.18.0.1:" + r.remotePort + " ";
        Matcher m = Pattern.compile(Pattern.quote(key) + "(\\w+).* send-q (\\d+) \\(unacked (\\d+)\\) recv-q (\\d+) blocks held (\\d+)\\+(\\d+)"
                + " committed (\\d+)\\+(\\d+) rwnd (\\d+) \\(earned (\\d+)\\) swnd (\\d+) cwnd (\\d+) rto (\\d+)ms retrans (\\d+)").matcher(report);
        assertTrue(m.find(), key + " in\n" + report);
        assertEquals(m.group(1), r.state.name());
        int[] want = {r.sendQueue, r.unacknowledged, r.receiveQueue, r.sendBlocks, r.receiveBlocks, r.sendCommitted, r.receiveCommitted,
                r.receiveWindow, r.receiveWindowEarned, r.sendWindow, r.cwnd, (int) (r.rtoNanos / 1_000_000), r.retransmits};
        for (int i = 0; i < want.length; i++) assertEquals(Long.parseLong(m.group(i + 2)), want[i], "field " + i + " of " + key + " in\n" + report);
        assertTrue(r.memoryBytes >= 760, "the control block at least: " + r.memoryBytes);
    }

    static TcpInfo rowFor(StatusSnapshot s, int localPort) {
        for (int i = 0; i < s.connectionCount; i++) if (s.row(i).localPort == localPort) return s.row(i);
        throw new AssertionError("no row for port " + localPort);
    }

    static long figure(StatusSnapshot s, int source, String name) {
        for (int j = 0; j < s.sourceFigures(source); j++) if (s.sourceFigureName(source, j).equals(name)) return s.sourceFigure(source, j);
        throw new AssertionError("no figure " + name);
    }

    static int indexOf(StatusSnapshot s, String counter) {
        for (int i = 0; i < s.tcpCounters.length; i++) if (s.tcpCounterName(i).equals(counter)) return i;
        throw new AssertionError("no counter " + counter);
    }

    @Test
    void tcpStatsFiguresListEveryCounter() {
        net.sloop.tcp.TcpStats t = new net.sloop.tcp.TcpStats();
        List<String> names = new ArrayList<>();
        t.figures((name, v) -> names.add(name));
        List<String> fields = new ArrayList<>();
        for (java.lang.reflect.Field f : net.sloop.tcp.TcpStats.class.getFields()) {
            if (f.getType() == long.class) fields.add(f.getName().replaceAll("([A-Z])", "_$1").toLowerCase());
        }
        assertEquals(fields, names, "TcpStats.figures must list every counter, in declaration order");
    }

    @Test
    void jsonOfAnIdleStackParsesInPython() throws Exception {
        StatusNet n = new StatusNet(8, 128 * 1024);
        StatusView v = StatusView.open(n.server, StatusView.Config.defaults(), List.of());
        ByteSink.Collect out = new ByteSink.Collect();
        v.json(WALL, out);
        v.close();
        assertTrue(out.toString().chars().allMatch(c -> c < 128), "ASCII");
        JsonReader.object(out.toString());
        if (new java.io.File("/usr/bin/python3").canExecute()) {
            Process p = new ProcessBuilder("python3", "-m", "json.tool").redirectErrorStream(true).start();
            p.getOutputStream().write(out.toByteArray());
            p.getOutputStream().close();
            String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), o);
        }
    }
}
