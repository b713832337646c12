package net.sloop.status;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import net.sloop.stats.DropReason;
import net.sloop.tcp.TcpConfig;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpInfo;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpObserver;
import net.sloop.tcp.TcpSocket;
import net.sloop.tcp.TcpState;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The events a log is made of fire from the core, once each, in order: a connection opened and
 * closed (both ends: orderly, and reset), a SYN to a closed port refused, SYNs refused for want
 * of memory, and memory pressure entered and left.
 */
class TcpObserverTest {
    /** What an observer heard, as lines. */
    static final class Recorder implements TcpObserver {
        final List<String> events = new ArrayList<>();

        @Override
        public void opened(long now, TcpInfo c) {
            events.add("opened " + c.localPort + " " + c.state + (c.passive ? " passive" : " active"));
        }

        @Override
        public void closed(long now, TcpInfo c, TcpError error) {
            events.add("closed " + c.localPort + " " + error + " " + c.state);
        }

        @Override
        public void refused(long now, int laddr, int lport, int raddr, int rport, DropReason why) {
            events.add("refused " + lport + " " + why);
        }

        @Override
        public void pressure(long now, boolean entered, long takenBytes, long thresholdBytes) {
            events.add("pressure " + (entered ? "entered" : "left"));
            assertTrue(entered ? takenBytes > thresholdBytes : takenBytes * 8 <= thresholdBytes * 7, takenBytes + " vs " + thresholdBytes);
        }

        long count(String prefix) {
            return events.stream().filter(e -> e.startsWith(prefix)).count();
        }
    }

    @Test
    void openCloseAndRefusalsAreHeardOnBothSides() throws Exception {
        StatusNet n = new StatusNet(21, 256 * 1024);
        Recorder server = new Recorder(), client = new Recorder();
        assertTrue(n.server.tcp().observe(server));
        assertTrue(n.client.tcp().observe(client));
        n.sync();
        TcpListener l = n.server.tcp().listen(0, 80);
        List<TcpSocket> accepted = new ArrayList<>();
        l.setListener(x -> {
            for (TcpSocket s; (s = x.accept()) != null; ) accepted.add(s);
        });
        TcpSocket c = n.client.tcp().connect(StatusNet.SERVER, 80);
        assertTrue(n.runUntil(() -> c.isConnected() && accepted.size() == 1, Time.seconds(5)));
        int port = c.localPort();
        assertEquals(List.of("opened " + port + " ESTABLISHED active"), client.events);
        assertEquals(List.of("opened 80 ESTABLISHED passive"), server.events);
        // Orderly close from the client: it ends in TIME_WAIT, the server in CLOSED after LAST_ACK.
        c.close();
        assertTrue(n.runUntil(() -> {
            try {
                TcpSocket s = accepted.get(0);
                if (!s.isClosed() && s.read(new byte[16]) < 0) s.close();
            } catch (net.sloop.tcp.TcpException e) {
                throw new AssertionError(e);
            }
            return server.count("closed") == 1 && client.count("closed") == 1;
        }, Time.seconds(5)));
        assertEquals("closed " + port + " NONE TIME_WAIT", client.events.get(1));
        assertEquals("closed 80 NONE CLOSED", server.events.get(1));

        // A reset: the server aborts.
        TcpSocket d = n.client.tcp().connect(StatusNet.SERVER, 80);
        assertTrue(n.runUntil(() -> d.isConnected() && accepted.size() == 2, Time.seconds(5)));
        accepted.get(1).abort();
        assertTrue(n.runUntil(() -> client.count("closed") == 2, Time.seconds(5)));
        assertEquals("closed " + d.localPort() + " " + TcpError.RESET + " CLOSED", client.events.get(3));
        d.close();

        // A SYN to a closed port.
        TcpSocket e = n.client.tcp().connect(StatusNet.SERVER, 81);
        assertTrue(n.runUntil(e::isEnded, Time.seconds(5)));
        assertEquals(1, server.count("refused 81 TCP_NO_SOCKET"));
        assertEquals(2, client.count("opened"), "a connection refused was never opened, so it is not closed either");
        e.close();
        l.close();
        n.run(Time.seconds(61));
        n.server.tcp().observe(null);
        n.client.tcp().observe(null);
    }

    @Test
    void admissionRefusalsAndPressureAreHeard() throws Exception {
        // A small server whose one listener accepts and never reads: windows fill, pressure comes, then admissions fail.
        var cfg = StatusNet.config(48 * 1024).tcp(TcpConfig.builder().secret(42).receiveBuffer(8 * 1024).build()).build();
        StatusNet n = new StatusNet(22, StatusNet.config(512 * 1024).build(), cfg);
        Recorder server = new Recorder();
        assertTrue(n.server.tcp().observe(server));
        n.sync();
        TcpListener l = n.server.tcp().listen(0, 80, 64);
        List<TcpSocket> accepted = new ArrayList<>();
        l.setListener(x -> {
            for (TcpSocket s; (s = x.accept()) != null; ) accepted.add(s);
        });
        List<TcpSocket> clients = new ArrayList<>();
        byte[] junk = new byte[64 * 1024];
        for (int i = 0; i < 12; i++) {
            n.sync();
            clients.add(n.client.tcp().connect(StatusNet.SERVER, 80));
            n.runUntil(() -> {
                try {
                    for (TcpSocket c : clients) if (c.isConnected()) c.write(junk, 0, junk.length);
                } catch (net.sloop.tcp.TcpException ex) {
                    // a refused one: ended
                }
                return false;
            }, Time.millis(300));
        }
        assertTrue(server.count("pressure entered") >= 1, server.events::toString);
        assertTrue(server.count("refused 80 TCP_ADMISSION") >= 1, server.events::toString);
        assertEquals(n.server.tcp().counters().established, server.count("opened"));
        // Everything read and closed: pressure is left.
        for (TcpSocket c : clients) c.abort();
        for (TcpSocket s : accepted) s.abort();
        n.run(Time.seconds(1));
        n.server.poll(n.net.now());
        assertTrue(server.events.get(server.events.size() - 1).startsWith("pressure left") || server.count("pressure left") >= 1, server.events::toString);
        assertEquals(server.count("opened"), server.count("closed"), server.events::toString);
        l.close();
        n.run(Time.seconds(61));
        n.server.tcp().observe(null);
    }
}
