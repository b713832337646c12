package net.sloop.ftp.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.sloop.fs.MemoryFs;
import net.sloop.ftp.FtpConfig;
import net.sloop.ftp.FtpServer;
import net.sloop.ftp.client.Done;
import net.sloop.ftp.client.FtpClient;
import net.sloop.ftp.client.FtpClientConfig;
import net.sloop.ftp.client.Outcome;
import net.sloop.ftp.client.Sha256Sink;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * Workload-level hostile input against Sloop's FTP server on a 128 KiB stack, in simulated time,
 * driven by Sloop's FTP client (the server's own tests cover each command's replies; these are the
 * system-level loads): PASV 10,000 times without ever connecting (memory flat), a data connection
 * to a passive port from another address (refused and counted, while the rightful client still
 * gets the port), 1,000 PASV+LIST cycles (memory after them is the baseline plus TIME_WAIT
 * records, figure printed), and silent clients holding control connections (closed at the idle
 * limit while another session keeps transferring and a fresh session works throughout). Every
 * test ends with every connection ended on its own and every budget at its baseline.
 */
class FtpHostileClientsTest {
    static final long WALL = java.time.Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();

    private final FtpNet n = new FtpNet(21, FtpNet.config(1 << 20, 8, 3).build(), FtpNet.config(128 * 1024, 1, 4).build(), FtpNet.wire());
    private final MemoryFs fs = new MemoryFs(1 << 24, false, () -> WALL);
    private FtpServer ftp;
    private Budget sb;
    private long serverStart;

    private void serve(FtpConfig.Builder b) throws Exception {
        fs.mkdir("/pub");
        for (int i = 0; i < 20; i++) {
            var w = fs.openWrite("/pub/f" + i, net.sloop.fs.WriteMode.TRUNCATE, 0);
            w.write(new byte[1000 * i], 0, 1000 * i);
            w.commit();
        }
        n.sync();
        ftp = FtpServer.start(n.server, b.build());
        sb = n.server.budget();
        serverStart = sb.used();
    }

    private FtpConfig.Builder config() {
        return FtpConfig.builder(fs.readOnlyView()).wallClockMillis(() -> WALL).seed(5);
    }

    private Outcome op(Consumer<Done> start, long limit) {
        Outcome[] got = {null};
        n.sync();
        start.accept((c, o) -> got[0] = o);
        assertTrue(n.runUntil(() -> got[0] != null, limit), "no outcome");
        return got[0];
    }

    private FtpClient open(Stack from) {
        FtpClient[] c = {null};
        assertEquals(Outcome.OK, op(d -> c[0] = FtpClient.open(from, FtpNet.SERVER, 21, FtpClientConfig.defaults(), d), Time.seconds(10)));
        return c[0];
    }

    /** Quits, waits for the server's connections to end, checks it holds its start plus TIME_WAIT records, then lets everything expire. */
    private void end(FtpClient... clients) {
        for (FtpClient c : clients) if (c.isReady()) assertEquals(Outcome.OK, op(c::quit, Time.seconds(10)));
        assertTrue(n.runUntil(() -> n.server.tcp().connections() == 0 && ftp.activeSessions() == 0, Time.seconds(300)), n.server.tcp()::report);
        assertEquals(serverStart, sb.used() - sb.used(Category.TIME_WAIT), n.server::report);
        n.finish(ftp);
    }

    @Test
    void tenThousandPasvWithoutConnectingKeepMemoryFlat() throws Exception {
        serve(config());
        FtpClient c = open(n.client);
        long first = -1, firstControl = -1;
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Outcome.OK, op(d -> c.quote("PASV", null, d), Time.seconds(5)));
            assertEquals(227, c.replyCode());
            if (i == 0) {
                first = sb.used();
                firstControl = sb.used(Category.CONTROL);
            } else {
                int k = i;
                long f = first;
                assertEquals(firstControl, sb.used(Category.CONTROL), () -> "PASV " + k + ": one passive listener at a time");
                assertEquals(f, sb.used(), () -> "PASV " + k + ": memory flat\n" + n.server.report());
            }
        }
        assertEquals(10_000, ftp.stats().passiveOpened());
        assertEquals(0, sb.failures());
        System.out.printf("ftp hostile: 10,000 PASV without a connection: server used %,d bytes after the first and after the last (start %,d)%n", first, serverStart);
        end(c);
    }

    @Test
    void aDataConnectionFromAnotherAddressIsRefusedAndTheClientStillGetsItsPort() throws Exception {
        serve(config());
        FtpClient c = open(n.client);
        assertEquals(Outcome.OK, op(d -> c.quote("PASV", null, d), Time.seconds(5)));
        int port = (int) (FtpClient.parsePasv(c.replyText()) & 0xFFFF);
        // The thief, at another address, races for the port.
        n.sync();
        TcpSocket thief = n.other.tcp().connect(FtpNet.SERVER, port);
        assertTrue(n.runUntil(thief::isEnded, Time.seconds(5)), "the thief's connection ends");
        assertNotEquals(net.sloop.tcp.TcpError.NONE, thief.error(), "refused with a reset");
        thief.close();
        assertEquals(1, ftp.stats().dataRefusedForeign());
        // The rightful client connects to the same port and lists through it.
        n.sync();
        TcpSocket data = n.client.tcp().connect(FtpNet.SERVER, port);
        assertTrue(n.runUntil(data::isConnected, Time.seconds(5)));
        byte[] buf = new byte[4096];
        StringBuilder listing = new StringBuilder();
        boolean[] eof = {false};
        data.setListener((s, ev) -> {
            try {
                int k;
                while ((k = s.read(buf)) > 0) listing.append(new String(buf, 0, k, java.nio.charset.StandardCharsets.US_ASCII));
                if (k < 0 && !eof[0]) {
                    eof[0] = true;
                    s.close();
                }
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
        });
        assertEquals(Outcome.OK, op(d -> c.quote("NLST", "/pub", d), Time.seconds(10)));
        assertTrue(n.runUntil(() -> eof[0], Time.seconds(5)));
        assertTrue(listing.toString().contains("f19"), listing::toString);
        System.out.printf("ftp hostile: a data connection from another address to a passive port: refused (%d counted), the client's own connection served%n",
                ftp.stats().dataRefusedForeign());
        end(c);
    }

    @Test
    void aThousandPasvListCyclesLeaveTheBaselinePlusTimeWaitRecords() throws Exception {
        serve(config());
        FtpClient c = open(n.client);
        int[] lines = {0};
        for (int i = 0; i < 1000; i++) {
            int before = lines[0];
            assertEquals(Outcome.OK, op(d -> c.list("/pub", l -> lines[0]++, d), Time.seconds(10)));
            assertEquals(20, lines[0] - before);
        }
        assertEquals(Outcome.OK, op(c::quit, Time.seconds(10)));
        assertTrue(n.runUntil(() -> n.server.tcp().connections() == 0 && ftp.activeSessions() == 0, Time.seconds(60)), n.server.tcp()::report);
        long used = sb.used(), timeWait = sb.used(Category.TIME_WAIT);
        int records = n.server.tcp().timeWaitRecords();
        assertEquals(serverStart, used - timeWait, n.server::report);
        assertEquals(0, sb.failures());
        n.run(n.server.config().tcp().timeWaitNanos() + Time.seconds(1));
        assertEquals(serverStart, sb.used(), "TIME_WAIT records expired");
        System.out.printf("ftp hostile: 1,000 PASV+LIST cycles: server used %,d bytes after them = start %,d + %,d of TIME_WAIT records (%d records),"
                + " %,d once they expired; peak %,d; budget failures 0%n", used, serverStart, timeWait, records, sb.used(), sb.peak());
        n.finish(ftp);
    }

    @Test
    void silentClientsAreClosedAtTheIdleLimitWhileOthersWork() throws Exception {
        long idle = Time.seconds(20);
        serve(config().maxSessions(6).maxSessionsPerAddress(4).guaranteedSessions(2).idleTimeoutNanos(idle));
        // Four control connections from another address that never send a byte (nor read one).
        List<TcpSocket> silent = new ArrayList<>();
        n.sync();
        for (int i = 0; i < 4; i++) silent.add(n.other.tcp().connect(FtpNet.SERVER, 21));
        assertTrue(n.runUntil(() -> ftp.activeSessions() == 4, Time.seconds(5)));
        long opened = n.net.now();
        // Meanwhile one session keeps transferring, and every 2 s a fresh session logs in, lists and quits.
        FtpClient worker = open(n.client);
        Sha256Sink sink = new Sha256Sink();
        int fresh = 0, transfers = 0;
        long closedAt = -1;
        while (n.net.now() - opened < idle + Time.seconds(10)) {
            assertEquals(Outcome.OK, op(d -> worker.retr("/pub/f19", sink, d), Time.seconds(10)), "the working session is unaffected");
            assertEquals(19_000, worker.transferred());
            sink.finish();
            transfers++;
            if (transfers % 20 == 0) {
                FtpClient f = open(n.client);
                assertEquals(Outcome.OK, op(d -> f.list("/pub", l -> {}, d), Time.seconds(10)));
                assertEquals(Outcome.OK, op(f::quit, Time.seconds(10)));
                fresh++;
            }
            if (closedAt < 0 && ftp.stats().idleClosed() == 4) closedAt = n.net.now();
        }
        assertEquals(4, ftp.stats().idleClosed(), "every silent client closed at the idle limit");
        long after = closedAt - opened;
        assertTrue(after >= idle && after <= idle + Time.seconds(1), "closed " + after / 1e9 + " s after they connected");
        assertEquals(0, ftp.stats().transfersFailed());
        assertTrue(fresh >= 5, "fresh sessions: " + fresh);
        System.out.printf("ftp hostile: 4 silent control connections closed %.1f s after connecting (idle limit %d s); meanwhile %d transfers and %d fresh sessions, all served%n",
                after / 1e9, idle / 1_000_000_000L, transfers, fresh);
        for (TcpSocket s : silent) s.close(); // the silent clients go away at last (they never read the 421)
        end(worker);
    }
}
