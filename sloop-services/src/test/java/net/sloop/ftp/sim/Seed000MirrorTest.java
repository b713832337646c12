package net.sloop.ftp.sim;

import net.sloop.testing.MirrorRecord;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import net.sloop.fs.MemoryFs;
import net.sloop.ftp.FtpConfig;
import net.sloop.ftp.FtpServer;
import net.sloop.ftp.client.FtpClientConfig;
import net.sloop.ftp.client.FtpMirror;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.sim.Impairments;
import net.sloop.tcp.TcpListener;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * Seed report 000 in simulated time: FileZilla mirroring a tree from a 128 KiB device, a PASV
 * before every LIST and every RETR, a fresh data connection each time, back to back, over a link
 * that loses 1 % of frames each way. Sloop's FTP server (data sockets of 10 KiB each way) and
 * Sloop's {@link FtpMirror} as FileZilla.
 *
 * <p>Checked: every file arrives whole (SHA-256); no transfer fails and nothing is refused for
 * memory; and after each transfer the server's memory is its baseline plus TIME_WAIT records:
 * whenever the server holds no data connection (between one transfer's end and the next
 * transfer's data connection), its blocks beyond TIME_WAIT records, the control connections'
 * queued bytes (a reply not yet acknowledged, at most a block or two) and its control structures
 * are exactly what they were at the first such moment, and its control structures are what they
 * were plus at most one passive listener per session (the next PASV may already have come). With
 * one session nearly every transfer is followed by such a check (not all: a data connection whose
 * FIN was lost lives on to retransmit it while the next transfer begins); how many is printed. After the mirror
 * the sessions QUIT, every connection ends on its own and both budgets return to their baselines.
 * The figures (simulated time, the server's peak, files, bytes) are printed.
 */
class Seed000MirrorTest {
    static final long WALL = java.time.Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();

    /** The full tree of the seed report: 200 directories, 2,000 files from 0 B to 2 MB. */
    @Test
    void seed000MirrorOfTheFullTreeFromA128KiBServer() throws Exception {
        mirror(200, 2000, 2 * 1024 * 1024, 1, 0.01, 1);
    }

    /** Two control sessions in parallel (FileZilla's default for transfers), a smaller tree. */
    @Test
    void seed000MirrorWithTwoSessions() throws Exception {
        mirror(40, 300, 512 * 1024, 2, 0.01, 2);
    }

    static void mirror(int dirs, int files, int maxSize, int sessions, double loss, long seed) throws Exception {
        long wallStart = System.nanoTime();
        Impairments wire = Impairments.none().withDelay(Time.millis(1)).withLoss(loss);
        FtpNet n = new FtpNet(seed, FtpNet.config(1 << 20, sessions, 7).build(), FtpNet.config(128 * 1024, 1, 8).build(), wire);
        MemoryFs fs = new MemoryFs(1L << 32, false, () -> WALL);
        FtpTree tree = new FtpTree(fs, seed, dirs, files, maxSize);
        n.sync();
        FtpServer ftp = FtpServer.start(n.server, FtpConfig.builder(fs.readOnlyView()).wallClockMillis(() -> WALL).seed(seed)
                .dataBuffers(10 * 1024, 10 * 1024).build());
        Budget sb = n.server.budget();
        long serverStart = sb.used();

        MirrorRecord rec = new MirrorRecord();
        n.sync();
        FtpMirror m = FtpMirror.start(n.client, FtpNet.SERVER, 21, FtpClientConfig.defaults(), sessions, "/", FtpMirror.Listing.LIST, rec);
        assertNotNull(m);
        long[] base = {-1};
        long[] controlBase = {-1};
        long[] checks = {0}, checkedAfter = {0}, maxSockets = {0};
        long[] transfersSeen = {0};
        boolean done = n.runUntil(() -> {
            long transfers = ftp.stats().transfersOk() + ftp.stats().transfersFailed();
            // Between transfers: only the control connections are open (data connections ended or in TIME_WAIT).
            if (!rec.done.isDone() && ftp.activeSessions() == sessions && n.server.tcp().connections() == sessions) {
                long control = sb.used(Category.CONTROL);
                long sockets = sb.used(Category.SOCKET_SEND) + sb.used(Category.SOCKET_RECEIVE) + sb.used(Category.OUT_OF_ORDER) + sb.used(Category.RX);
                long slab = (control + sb.blockSize() - 1) / sb.blockSize() * sb.blockSize();
                long rest = sb.used() - sb.used(Category.TIME_WAIT) - sockets - slab;
                if (controlBase[0] < 0) {
                    controlBase[0] = control;
                    base[0] = rest;
                }
                long listeners = control - controlBase[0]; // a session whose next PASV already came holds its passive listener
                assertTrue(listeners >= 0 && listeners % TcpListener.CHARGE == 0 && listeners <= (long) sessions * TcpListener.CHARGE,
                        () -> "after " + transfers + " transfers the server's control structures hold " + listeners + " bytes more than at the start\n"
                                + n.server.report());
                assertEquals(base[0], rest, () -> "after " + transfers + " transfers the server holds more than its baseline and TIME_WAIT records\n"
                        + n.server.report());
                maxSockets[0] = Math.max(maxSockets[0], sockets);
                checks[0]++;
                if (transfers > transfersSeen[0]) {
                    checkedAfter[0] += transfers - transfersSeen[0] == 1 ? 1 : 0;
                    transfersSeen[0] = transfers;
                }
            }
            return rec.done.isDone();
        }, Time.seconds(7200));
        assertTrue(done, () -> "mirror not finished: " + m.report() + "\n" + n.server.report());
        assertEquals(List.of(), rec.failed);
        assertEquals(tree.sha256, rec.got, "every file arrives whole");
        assertEquals(0, m.outOfMemory());
        long transfers = ftp.stats().transfersOk();
        assertEquals(0, ftp.stats().transfersFailed());
        assertEquals(files + dirs + 1, transfers, "one RETR per file and one LIST per directory");
        assertEquals(transfers, m.dataConnections());
        if (sessions == 1) {
            // Nearly every transfer is followed by a moment with no data connection, where memory is checked. Not all: when
            // a FIN is lost, the data connection that ends lives on to retransmit it while the next transfer begins.
            assertTrue(checkedAfter[0] >= transfers * 8 / 10, "transfers followed by a check: " + checkedAfter[0] + " of " + transfers);
        }
        assertTrue(maxSockets[0] <= sessions * 2L * sb.blockSize(), "control connections' queued bytes at quiet moments: " + maxSockets[0]);
        long mirrorNanos = m.elapsedNanos();
        // The sessions have quit: every connection ends on its own; until TIME_WAIT expires the server holds its start plus the records.
        assertTrue(n.runUntil(() -> n.server.tcp().connections() == 0 && ftp.activeSessions() == 0, Time.seconds(300)), n.server.tcp()::report);
        assertEquals(serverStart, sb.used() - sb.used(Category.TIME_WAIT), n.server::report);
        long timeWait = n.server.tcp().timeWaitRecords();
        System.out.printf("seed 000 (FTP): mirror of %d directories, %d files, %,d bytes (largest %,d) from a %d KiB server with 10 KiB data buffers over a %.0f %% lossy link,"
                        + " %d session%s: %.1f s simulated (%.1f s wall); server peak %,d bytes used (%,d with commitments) of %,d, baseline %,d;"
                        + " %d data connections, %d memory checks at moments without a data connection (%d of them right after a transfer), 0 transfer failures, budget failures counted %d;"
                        + " %d TIME_WAIT records after%n",
                dirs + 1, files, tree.bytes, tree.largest, sb.capacity() / 1024, loss * 100, sessions, sessions == 1 ? "" : "s", mirrorNanos / 1e9,
                (System.nanoTime() - wallStart) / 1e9, sb.peak(), (long) sb.peakTakenBlocks() * sb.blockSize(), sb.capacity(), serverStart,
                m.dataConnections(), checks[0], checkedAfter[0], sb.failures(), timeWait);
        System.out.println(m.report());
        System.out.println(ftp.report());
        n.finish(ftp);
    }
}
