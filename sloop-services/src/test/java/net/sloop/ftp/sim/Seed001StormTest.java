package net.sloop.ftp.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import net.sloop.fs.MemoryFs;
import net.sloop.ftp.FtpConfig;
import net.sloop.ftp.FtpServer;
import net.sloop.ftp.client.DataSink;
import net.sloop.ftp.client.FtpClient;
import net.sloop.ftp.client.FtpClientConfig;
import net.sloop.ftp.client.Outcome;
import net.sloop.ftp.client.Sha256Sink;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.sim.Impairments;
import net.sloop.stack.StackConfig;
import net.sloop.stats.DropReason;
import net.sloop.tcp.TcpConfig;
import net.sloop.testing.Frames;
import net.sloop.time.Pollable;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.MacAddress;
import org.junit.jupiter.api.Test;

/**
 * Seed report 001 in simulated time: an embedded FTP server sends a file for a long time while
 * its device also receives the client's ACKs and 2,000 broadcast frames a second (NetBIOS-like
 * UDP to the subnet's broadcast address, injected on the same segment), on a small pool: the
 * server's stack has {@value #BUDGET_KIB} KiB in 512-byte blocks, one session and 2 KiB data
 * buffers. On RTEMS the mbuf pool deadlocked; here:
 *
 * <ul>
 *   <li>a 50 MB RETR completes, every byte (SHA-256), with no retransmission timeout, nothing
 *       retransmitted and no gap between bytes as long as the smallest RTO (ACK processing never
 *       starves: an ACK can always be received, the receive reserve is for frames in flight);</li>
 *   <li>the stack never wedges: afterwards a fresh session logs in and lists;</li>
 *   <li>when the client vanishes mid-transfer (its stack answers nothing more), the server drops
 *       the transfer at its stall timeout and the session at its idle limit (a 421, then the
 *       connection closed; unacknowledged, it is an orphan TCP ends at its orphan timeout), within
 *       {@code stall + idle + orphan timeout} and a second, and every byte it held returns.</li>
 * </ul>
 */
class Seed001StormTest {
    /**
     * The server's budget. 32 KiB is not enough: the FTP server starts there, but the room TCP keeps
     * for the admissions promised to its listener and to the stack leaves none for a control
     * connection's minimum, so every SYN is refused (counted as tcp_admission).
     */
    static final int BUDGET_KIB = Integer.getInteger("seed001.kib", 48);
    static final long WALL = java.time.Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();
    static final long STALL = Time.seconds(10), IDLE = Time.seconds(15), ORPHAN = Time.seconds(10);

    private static FtpNet net(long seed) {
        StackConfig server = StackConfig.builder().budget(BUDGET_KIB * 1024).blockSize(512).applicationTimers(1)
                .tcp(TcpConfig.builder().secret(seed).sendBuffer(2048).receiveBuffer(2048).synQueue(4).timeWaitRecords(12)
                        .sackScoreboards(1).orphanTimeoutNanos(ORPHAN).build()).build();
        return new FtpNet(seed, FtpNet.config(1 << 20, 2, seed + 1).build(), server,
                Impairments.none().withDelay(Time.micros(200)).withBandwidth(100_000_000L));
    }

    private static FtpServer serve(FtpNet n, MemoryFs fs) {
        n.sync();
        return FtpServer.start(n.server, FtpConfig.builder(fs.readOnlyView()).wallClockMillis(() -> WALL).seed(1).maxSessions(2)
                .maxSessionsPerAddress(1).guaranteedSessions(1).controlBuffer(512).dataBuffers(2048, 2048).transferBuffer(FtpConfig.MIN_TRANSFER_BUFFER)
                .maxLineBytes(256).dataStallTimeoutNanos(STALL).idleTimeoutNanos(IDLE).build());
    }

    /** 2,000 broadcast frames a second from another host on the segment; returns the count sent so far. */
    private static long[] storm(FtpNet n) {
        byte[] frame = Frames.udpFrame(MacAddress.BROADCAST, FtpNet.INJECT_MAC, Ipv4Address.parse("198.18.0.9"), Ipv4Address.parse("198.18.0.255"),
                137, 137, 1, new byte[200]);
        MemorySegment seg = MemorySegment.ofArray(frame);
        long period = Time.micros(500);
        long[] sent = {0}, next = {n.net.now()};
        n.net.addNode((Pollable) now -> {
            while (next[0] <= now) {
                n.inject.transmit(now, seg, 0, frame.length);
                sent[0]++;
                next[0] += period;
            }
            return next[0];
        });
        return sent;
    }

    private static Outcome op(FtpNet n, java.util.function.Consumer<net.sloop.ftp.client.Done> start, long limit) {
        Outcome[] got = {null};
        n.sync();
        start.accept((c, o) -> got[0] = o);
        assertTrue(n.runUntil(() -> got[0] != null, limit), "no outcome");
        return got[0];
    }

    private static FtpClient open(FtpNet n, net.sloop.stack.Stack from) {
        FtpClient[] c = {null};
        assertEquals(Outcome.OK, op(n, d -> c[0] = FtpClient.open(from, FtpNet.SERVER, 21, FtpClientConfig.defaults(), d), Time.seconds(30)),
                n.server::report);
        return c[0];
    }

    /** A file of {@code size} seeded bytes; returns its SHA-256 (hex). */
    private static String put(MemoryFs fs, String path, int size, long seed) throws Exception {
        var rnd = new java.util.SplittableRandom(seed);
        var md = java.security.MessageDigest.getInstance("SHA-256");
        var w = fs.openWrite(path, net.sloop.fs.WriteMode.TRUNCATE, 0);
        byte[] buf = new byte[65536];
        for (int left = size; left > 0; ) {
            int k = Math.min(left, buf.length);
            for (int i = 0; i < k; i++) buf[i] = (byte) rnd.nextInt();
            w.write(buf, 0, k);
            md.update(buf, 0, k);
            left -= k;
        }
        w.commit();
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void seed001FiftyMegabytesThroughABroadcastStormFromASmallPool() throws Exception {
        FtpNet n = net(11);
        MemoryFs fs = new MemoryFs(1L << 30, false, () -> WALL);
        int size = 50_000_000;
        String want = put(fs, "/big.bin", size, 5);
        FtpServer ftp = serve(n, fs);
        Budget sb = n.server.budget();
        long serverStart = sb.used();
        long[] storm = storm(n);
        FtpClient c = open(n, n.client);
        Sha256Sink sink = new Sha256Sink();
        Outcome[] got = {null};
        n.sync();
        long start = n.net.now();
        long stormAtStart = storm[0];
        c.retr("/big.bin", sink, (cl, o) -> got[0] = o);
        long[] last = {start}, lastBytes = {0}, maxStall = {0}, minFree = {Long.MAX_VALUE};
        assertTrue(n.runUntil(() -> {
            long now = n.net.now();
            if (c.transferred() > lastBytes[0]) {
                maxStall[0] = Math.max(maxStall[0], now - last[0]);
                last[0] = now;
                lastBytes[0] = c.transferred();
            }
            return got[0] != null;
        }, Time.seconds(3600)), () -> "transfer not done: " + c.transferred() + " bytes\n" + n.server.report());
        long took = n.net.now() - start;
        long frames = storm[0] - stormAtStart;
        assertEquals(Outcome.OK, got[0]);
        assertEquals(size, sink.bytes());
        assertEquals(want, HexFormat.of().formatHex(sink.finish()));
        assertTrue(frames >= took / Time.micros(500) - 1, "the storm ran throughout: " + frames);
        // ACK processing never starved: no retransmission timeout, nothing retransmitted, no gap as long as the smallest RTO.
        var tcp = n.server.tcp().counters();
        assertEquals(0, tcp.timeouts, "retransmission timeouts on the server");
        assertEquals(0, tcp.retransmittedSegments, "segments retransmitted by the server");
        assertTrue(maxStall[0] < n.server.config().tcp().minRtoNanos(), "longest stall " + maxStall[0] / 1e6 + " ms");
        // Not wedged: a fresh session logs in and lists while the storm goes on.
        FtpClient fresh = open(n, n.other);
        assertEquals(Outcome.OK, op(n, d -> fresh.list("/", l -> {}, d), Time.seconds(30)));
        assertEquals(Outcome.OK, op(n, fresh::quit, Time.seconds(10)));
        assertEquals(Outcome.OK, op(n, c::quit, Time.seconds(10)));
        System.out.printf("seed 001 (FTP): 50 MB RETR from a %d KiB server (2 KiB data buffers) through %,d broadcast frames (2,000/s) in %.1f s simulated;"
                        + " longest stall %.1f ms, 0 retransmissions; server peak %,d bytes of %,d, fewest free %,d, frames dropped for memory %d, budget failures %d%n",
                BUDGET_KIB, frames, took / 1e9, maxStall[0] / 1e6, sb.peak(), sb.capacity(), sb.minFree(), n.server.stats().drops(DropReason.LINK_NO_MEMORY),
                sb.failures());
        assertTrue(n.runUntil(() -> n.server.tcp().connections() == 0, Time.seconds(60)), n.server.tcp()::report);
        assertEquals(serverStart, sb.used() - sb.used(Category.TIME_WAIT), n.server::report);
        n.finish(ftp);
    }

    @Test
    void seed001ClientVanishesMidTransferAndEverythingReturns() throws Exception {
        FtpNet n = net(12);
        MemoryFs fs = new MemoryFs(1L << 30, false, () -> WALL);
        put(fs, "/big.bin", 50_000_000, 6);
        FtpServer ftp = serve(n, fs);
        Budget sb = n.server.budget();
        long serverStart = sb.used();
        storm(n);
        FtpClient c = open(n, n.client);
        Outcome[] got = {null};
        n.sync();
        c.retr("/big.bin", DataSink.DISCARD, (cl, o) -> got[0] = o);
        assertTrue(n.runUntil(() -> c.transferred() > 5_000_000, Time.seconds(600)));
        long held = sb.used();
        assertTrue(held > serverStart, "the transfer holds memory");
        // The client vanishes: its stack answers nothing more.
        n.pc.setOutbound(Impairments.none().withLoss(1.0));
        long vanished = n.net.now();
        assertTrue(n.runUntil(() -> n.server.tcp().connections() == 0 && ftp.activeSessions() == 0, Time.seconds(120)),
                () -> "not dropped: " + n.server.tcp().report() + ftp.report());
        long took = n.net.now() - vanished;
        assertTrue(took <= STALL + IDLE + ORPHAN + Time.seconds(1), "dropped after " + took / 1e9 + " s");
        assertEquals(serverStart, sb.used() - sb.used(Category.TIME_WAIT), () -> "everything returned\n" + n.server.report());
        assertEquals(1, ftp.stats().stallTimeouts());
        // The client still hears the server (only its own frames are lost): the data connection's reset and the 426.
        assertTrue(n.runUntil(() -> got[0] != null, Time.seconds(60)));
        assertEquals(Outcome.DATA_FAILED, got[0]);
        assertTrue(n.runUntil(() -> c.state() == FtpClient.State.CLOSED, Time.seconds(60)), "the client's session ends at the server's 421");
        assertEquals(0, c.chargedBytes());
        // A fresh session from another host still works.
        FtpClient fresh = open(n, n.other);
        assertEquals(Outcome.OK, op(n, fresh::pwd, Time.seconds(10)));
        assertEquals(Outcome.OK, op(n, fresh::quit, Time.seconds(10)));
        System.out.printf("seed 001 (FTP), client vanished: server dropped the transfer and the session %.1f s later (bound %.0f s: stall %d s + idle %d s + orphan timeout %d s);"
                        + " %,d bytes held before, all returned%n",
                took / 1e9, (STALL + IDLE + ORPHAN) / 1e9, STALL / 1_000_000_000L, IDLE / 1_000_000_000L, ORPHAN / 1_000_000_000L, held - serverStart);
        n.finish(ftp);
    }
}
