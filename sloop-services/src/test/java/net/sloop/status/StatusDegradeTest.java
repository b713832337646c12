package net.sloop.status;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.Services;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The live view on small budgets: it takes only memory no connection and no promised admission
 * needs, gives up connection rows and history samples when that is short (counting the
 * connections it cannot list), refuses to open rather than take a promise, and the history ring
 * wraps at its fixed size.
 */
class StatusDegradeTest {
    @Test
    void onATinyBudgetTheViewDegradesAndNeverTakesWhatConnectionsWereGuaranteed() throws Exception {
        StatusNet n = new StatusNet(11, StatusNet.config(256 * 1024).build(), StatusNet.config(48 * 1024).build());
        Services svc = Services.start(n.server, ServiceConfig.builder().tcp(ServiceKind.DISCARD).udp().build());
        Budget b = n.server.budget();
        int headroom = n.server.tcp().headroomBlocks();
        long affordable = StatusView.affordableBytes(n.server);
        StatusView v = StatusView.open(n.server, StatusView.Config.defaults(), Sources.of(svc, null));
        StatusSnapshot s = v.snapshot(0);
        assertTrue(s.degraded, "48 KiB cannot give 16 rows and 300 samples");
        assertTrue(v.chargedBytes() <= affordable, v.chargedBytes() + " > " + affordable);
        assertTrue(v.chargedBytes() <= Math.max(b.capacity() / 16, 7000), "at most a sixteenth of the budget by default, or a minimal view");
        assertTrue(s.rowCapacity() < 16 && v.history().capacity() < 300, s.rowCapacity() + " rows, " + v.history().capacity() + " samples");
        // The room kept for promised admissions is whole.
        assertTrue(b.uncommittedFreeBlocks() >= headroom, b.uncommittedFreeBlocks() + " free, " + headroom + " promised");

        // More connections than rows: the table is truncated and says how many more there are.
        n.sync();
        List<TcpSocket> socks = new ArrayList<>();
        int want = s.rowCapacity() + 2;
        for (int i = 0; i < want; i++) socks.add(n.client.tcp().connect(StatusNet.SERVER, 9));
        assertTrue(n.runUntil(() -> socks.stream().filter(TcpSocket::isConnected).count() >= Math.min(want, 3), Time.seconds(5)));
        n.run(Time.millis(50));
        s = v.snapshot(1);
        int connected = n.server.tcp().connectionsInTable();
        assertEquals(Math.min(connected, s.rowCapacity()), s.connectionCount);
        assertEquals(connected - s.connectionCount, s.connectionsMore);
        ByteSink.Collect out = new ByteSink.Collect();
        v.writeJson(out);
        Map<String, Object> doc = JsonReader.object(out.toString());
        assertEquals((long) s.connectionsMore, ((Number) doc.get("connections_more")).longValue());
        assertEquals(Boolean.TRUE, StatusText.map(doc, "view").get("degraded"));
        if (s.connectionsMore > 0) assertTrue(StatusText.render(doc).contains("more connections"));
        for (TcpSocket t : socks) t.close();
        n.run(Time.seconds(61));
        v.close();
        svc.close();
        assertTrue(b.atBaseline(), b.leakReport());
    }

    @Test
    void aViewThatCannotHaveEvenItsFixedPartIsRefusedAndTakesNothing() throws Exception {
        StatusNet n = new StatusNet(12, 64 * 1024);
        Budget b = n.server.budget();
        // Every free block is promised to a listener's admissions: the view may take none of them.
        net.sloop.tcp.TcpListener l = n.server.tcp().listen(0, 5000);
        l.guarantee(100);
        assertEquals(0, StatusView.affordableBytes(n.server) / b.blockSize(), "nothing beyond the promises");
        long used = b.used();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StatusView.open(n.server, StatusView.Config.defaults(), List.of()).close());
        assertTrue(e.getMessage().contains("live view needs"), e.getMessage());
        assertEquals(used, b.used());
        l.close();
        // With a cap below the fixed part, the same.
        assertThrows(IllegalStateException.class, () -> StatusView.open(n.server, new StatusView.Config(4, 4, 1024), List.of()));
        assertEquals(0, b.failures(Category.CONTROL));
    }

    /** Connections a listener that accepts and holds admits from a client opening them one after another, at most 40. */
    private static int admitted(StatusNet n, int port) throws Exception {
        n.sync();
        net.sloop.tcp.TcpListener l = n.server.tcp().listen(0, port, 64);
        List<TcpSocket> held = new ArrayList<>();
        l.setListener(x -> {
            for (TcpSocket s; (s = x.accept()) != null; ) held.add(s);
        });
        List<TcpSocket> clients = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            n.sync();
            TcpSocket c = n.client.tcp().connect(StatusNet.SERVER, port);
            clients.add(c);
            n.runUntil(() -> c.isConnected() && held.size() == clients.stream().filter(TcpSocket::isConnected).count(), Time.millis(300));
        }
        int count = held.size();
        for (TcpSocket c : clients) c.abort();
        for (TcpSocket s : held) s.abort();
        l.close();
        n.run(Time.seconds(61));
        return count;
    }

    @Test
    void theViewGivesItsMemoryBackSoThatItNeverCostsAConnection() throws Exception {
        var cfg = StatusNet.config(64 * 1024).build();
        StatusNet without = new StatusNet(15, StatusNet.config(1 << 20).build(), cfg);
        int alone = admitted(without, 80);
        StatusNet with = new StatusNet(15, StatusNet.config(1 << 20).build(), cfg);
        StatusView v = StatusView.open(with.server, StatusView.Config.defaults(), List.of());
        long charged = v.chargedBytes();
        assertTrue(charged > 0);
        int withView = admitted(with, 80);
        System.out.printf("live view at 64k: %d connections admitted without it, %d with it (%d reclaims)%n", alone, withView, v.reclaims());
        assertEquals(alone, withView, "the live view costs no admission");
        assertTrue(v.reclaims() >= 1, "the view gave memory back");
        assertTrue(v.chargedBytes() < charged);
        // It takes memory again once the budget has room, 10 s of stack time later.
        for (int i = 0; i < 12; i++) {
            with.run(Time.seconds(1));
            v.sampleIfDue(i);
        }
        assertTrue(v.available());
        assertEquals(charged, v.chargedBytes(), "regrown to what it had");
        assertTrue(v.snapshot(0).rowCapacity() > 0);
        v.close();
        assertTrue(with.server.budget().atBaseline(), with.server.budget().leakReport());
    }

    @Test
    void reclaimGivesRowsAndHistoryFirstThenEverything() {
        StatusNet n = new StatusNet(16, 256 * 1024);
        Budget b = n.server.budget();
        long before = b.used(Category.CONTROL);
        StatusView v = StatusView.open(n.server, StatusView.Config.defaults(), List.of());
        long fixedAndElastic = v.chargedBytes();
        assertTrue(v.reclaim());
        assertTrue(v.available());
        assertEquals(0, v.snapshot(0).rowCapacity());
        assertEquals(0, v.history().capacity());
        assertTrue(v.last().degraded);
        long fixedOnly = v.chargedBytes();
        assertTrue(fixedOnly < fixedAndElastic);
        assertEquals(before + fixedOnly, b.used(Category.CONTROL));
        ByteSink.Collect out = new ByteSink.Collect();
        v.writeJson(out);
        assertEquals(1L, StatusText.map(JsonReader.object(out.toString()), "view").get("reclaimed"));
        assertTrue(v.reclaim());
        assertFalse(v.available());
        assertEquals(0, v.chargedBytes());
        assertEquals(before, b.used(Category.CONTROL));
        assertThrows(IllegalStateException.class, () -> v.snapshot(0));
        assertFalse(v.reclaim(), "nothing more to give");
        v.close();
    }

    @Test
    void theHistoryRingWrapsAtItsFixedSizeAndWritesCsv() {
        StatusNet n = new StatusNet(13, 128 * 1024);
        Budget b = n.server.budget();
        MemoryHistory h = new MemoryHistory(3, b.blockCount(), b.blockSize());
        for (int i = 0; i < 5; i++) {
            assertTrue(h.due(i * MemoryHistory.PERIOD_NANOS));
            h.sample(i * MemoryHistory.PERIOD_NANOS, 1000L * i, b);
            assertFalse(h.due(i * MemoryHistory.PERIOD_NANOS + 1));
        }
        assertEquals(3, h.size());
        assertEquals(5, h.taken());
        assertEquals(2000, h.unixMillis(0));
        assertEquals(4000, h.unixMillis(2));
        assertEquals(b.used(), h.used(2));
        long sum = 0;
        for (Category c : Category.values()) sum += h.used(2, c);
        assertEquals(b.used(), sum, "the categories add up to what is used");
        ByteSink.Collect out = new ByteSink.Collect();
        CsvWriter w = new CsvWriter(64); // a small buffer: flushed many times
        w.start(out);
        h.writeCsv(w);
        w.finish();
        String[] lines = out.toString().split("\n");
        assertEquals(4, lines.length);
        assertEquals("unix_ms,used,committed,rx,tx,reassembly,arp_queue,socket_send,socket_receive,out_of_order,control,time_wait", lines[0]);
        assertTrue(lines[1].startsWith("2000," + b.used() + ","), lines[1]);
        assertEquals(12, lines[3].split(",").length);
        MemoryHistory none = new MemoryHistory(0, b.blockCount(), b.blockSize());
        none.sample(0, 0, b);
        assertEquals(0, none.size());
    }

    @Test
    void theViewSamplesOnceASecondOfStackTime() {
        StatusNet n = new StatusNet(14, 256 * 1024);
        StatusView v = StatusView.open(n.server, new StatusView.Config(2, 10, 0), List.of());
        int taken = 0;
        for (int i = 0; i < 50; i++) {
            n.run(Time.millis(100));
            if (v.sampleIfDue(i)) taken++;
        }
        assertTrue(taken >= 4 && taken <= 6, "5 s of stack time: " + taken + " samples");
        ByteSink.Collect out = new ByteSink.Collect();
        v.writeCsv(out);
        assertEquals(taken + 1, out.toString().split("\n").length);
        v.close();
    }
}
