package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import net.sloop.stats.DropReason;
import net.sloop.status.JsonReader;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpInfo;
import net.sloop.tcp.TcpState;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/** The log's lines: one per event, text or JSON, each level only when enabled, the service named by port. */
class LiveLogTest {
    /** A System.Logger that keeps what it is given, at a level. */
    static final class Captured implements System.Logger {
        final List<String> lines = new ArrayList<>();
        final Level level;

        Captured(Level level) {
            this.level = level;
        }

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level l) {
            return l != Level.OFF && l.getSeverity() >= level.getSeverity();
        }

        @Override
        public void log(Level l, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(l)) lines.add(msg);
        }

        @Override
        public void log(Level l, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(l)) lines.add(format);
        }
    }

    private static TcpInfo info() {
        TcpInfo c = new TcpInfo();
        c.localAddress = Ipv4Address.parse("198.18.0.2");
        c.localPort = 7;
        c.remoteAddress = Ipv4Address.parse("198.18.0.1");
        c.remotePort = 40000;
        c.state = TcpState.ESTABLISHED;
        c.passive = true;
        c.bytesReceived = 100;
        c.bytesAcked = 100;
        return c;
    }

    @Test
    void textLinesAtInfo() {
        Captured log = new Captured(System.Logger.Level.INFO);
        LiveLog l = new LiveLog(log, false, port -> port == 7 ? "echo" : null);
        l.opened(0, info());
        TcpInfo c = info();
        c.state = TcpState.CLOSED;
        l.closed(0, c, TcpError.RESET);
        l.refused(0, c.localAddress, 9, c.remoteAddress, 40001, DropReason.TCP_ADMISSION);
        l.refused(0, c.localAddress, 81, c.remoteAddress, 40002, DropReason.TCP_NO_SOCKET);
        l.pressure(0, true, 70_000, 60_000);
        l.pressure(0, false, 40_000, 60_000); // within the same second: counted, not shown
        l.allocationFailures(3, 5, "rx 3");
        assertEquals(6, log.lines.size(), log.lines::toString);
        assertTrue(log.lines.get(0).matches("\\d{4}-.*Z INFO echo session 198.18.0.1:40000 -> 198.18.0.2:7 opened \\(passive\\)"), log.lines.get(0));
        assertTrue(log.lines.get(1).endsWith("INFO echo session 198.18.0.1:40000 -> 198.18.0.2:7 ended: connection reset by peer: in 100 B, out 100 B"),
                log.lines.get(1));
        assertTrue(log.lines.get(2).contains("WARNING connection 198.18.0.1:40001 -> 198.18.0.2:9 refused: the budget cannot admit it"), log.lines.get(2));
        assertTrue(log.lines.get(3).contains("INFO connection 198.18.0.1:40002 -> 198.18.0.2:81 refused: no listener"), log.lines.get(3));
        assertTrue(log.lines.get(4).contains("WARNING memory pressure entered: 70000 B used or committed, threshold 60000 B"), log.lines.get(4));
        assertTrue(log.lines.get(5).contains("WARNING 3 allocations refused by the budget in the last second (rx 3; 5 since start)"), log.lines.get(5));
        for (String line : log.lines) assertTrue(ServeProcess.LOG_LINE.matcher(line).matches(), line);
    }

    @Test
    void quietByDefaultJsonForMachines() {
        Captured quiet = new Captured(System.Logger.Level.WARNING);
        LiveLog q = new LiveLog(quiet, false, null);
        q.opened(0, info());
        q.closed(0, info(), TcpError.NONE);
        q.refused(0, 1, 2, 3, 4, DropReason.TCP_NO_SOCKET);
        assertEquals(List.of(), quiet.lines, "connections and closed ports are INFO");

        Captured log = new Captured(System.Logger.Level.DEBUG);
        LiveLog l = new LiveLog(log, true, port -> "echo");
        l.opened(0, info());
        l.closed(0, info(), TcpError.NONE);
        l.serviceRefused("echo", 2, "every slot taken (reset)");
        assertEquals(3, log.lines.size());
        for (String line : log.lines) {
            Map<String, Object> m = JsonReader.object(line);
            assertTrue(m.containsKey("time") && m.containsKey("level") && m.containsKey("event") && m.containsKey("message"), line);
            assertTrue(ServeProcess.LOG_LINE.matcher(line).matches(), line);
        }
        assertEquals("opened", JsonReader.object(log.lines.get(0)).get("event"));
        Map<String, Object> closed = JsonReader.object(log.lines.get(1));
        assertEquals("closed", closed.get("reason"));
        assertEquals(100L, closed.get("bytes_in"));
        assertTrue(((String) closed.get("message")).contains("memory peak"), "DEBUG adds figures");
        assertEquals("WARNING", JsonReader.object(log.lines.get(2)).get("level"));
    }

    @Test
    void ftpSessionsAndTransfersAndHttpRequests() {
        int peer = Ipv4Address.parse("198.18.0.1");
        Captured warn = new Captured(System.Logger.Level.WARNING);
        LiveLog w = new LiveLog(warn, false, null);
        w.login(peer, "alice", true);
        w.login(peer, "mallory\r\n2026 INFO forged", false);
        w.transfer(peer, "alice", "RETR", "/f.bin", 100_000, 12_300_000, "226");
        w.transfer(peer, "alice", "STOR", "/up", 10, 1_000_000, "426 Connection closed; transfer aborted.");
        w.sessionEnded(peer, "alice", 2_000_000_000L, 9, "quit");
        w.response(peer, "GET /status HTTP/1.1", 200, 5000, 1_000_000);
        assertEquals(2, warn.lines.size(), "failed logins and transfers are warnings: " + warn.lines);
        assertTrue(warn.lines.get(0).endsWith("WARNING ftp login failed: mallory??2026 INFO forged from 198.18.0.1"), warn.lines.get(0));
        assertTrue(warn.lines.get(1).endsWith("WARNING ftp STOR /up: 10 B in 1.0 ms by alice from 198.18.0.1: 426 Connection closed; transfer aborted."),
                warn.lines.get(1));

        Captured info = new Captured(System.Logger.Level.INFO);
        LiveLog l = new LiveLog(info, false, null);
        l.login(peer, "alice", true);
        l.transfer(peer, "alice", "RETR", "/f.bin", 100_000, 12_300_000, "226");
        l.sessionEnded(peer, null, 2_000_000_000L, 3, "closed");
        l.response(peer, "GET /status.json HTTP/1.1", 200, 9000, 1_500_000);
        assertEquals(4, info.lines.size());
        assertTrue(info.lines.get(0).endsWith("INFO ftp login ok: alice from 198.18.0.1"), info.lines.get(0));
        assertTrue(info.lines.get(1).endsWith("INFO ftp RETR /f.bin: 100000 B in 12.3 ms by alice from 198.18.0.1: ok"), info.lines.get(1));
        assertTrue(info.lines.get(2).endsWith("INFO ftp session of (not logged in) from 198.18.0.1 ended (closed) after 2000.0 ms, 3 commands"),
                info.lines.get(2));
        assertTrue(info.lines.get(3).endsWith("INFO http 198.18.0.1 \"GET /status.json HTTP/1.1\" 200 9000 B 1.5 ms"), info.lines.get(3));
        for (String line : info.lines) assertTrue(ServeProcess.LOG_LINE.matcher(line).matches(), line);

        Captured json = new Captured(System.Logger.Level.INFO);
        LiveLog j = new LiveLog(json, true, null);
        j.transfer(peer, "alice", "RETR", "/f.bin", 100_000, 12_300_000, "226");
        j.response(peer, "GET / HTTP/1.1", 404, 120, 500_000);
        Map<String, Object> t = JsonReader.object(json.lines.get(0));
        assertEquals("ftp_transfer", t.get("event"));
        assertEquals("/f.bin", t.get("path"));
        assertEquals(100_000L, t.get("bytes"));
        assertEquals(12L, t.get("duration_ms"));
        Map<String, Object> h = JsonReader.object(json.lines.get(1));
        assertEquals("http_request", h.get("event"));
        assertEquals(404L, h.get("status"));
    }

    @Test
    void levelsParse() {
        assertEquals(System.Logger.Level.WARNING, LiveLog.level("warn"));
        assertEquals(System.Logger.Level.INFO, LiveLog.level("INFO"));
        assertEquals(System.Logger.Level.OFF, LiveLog.level("off"));
        assertThrows(IllegalArgumentException.class, () -> LiveLog.level("loud"));
        Supplier<String> unused = () -> "";
        assertNotNull(unused);
    }
}
