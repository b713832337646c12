package net.sloop.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 100 MB each way between Linux (python3 in the test's namespace) and Sloop (a {@link
 * BlockingSocket}) over TUN at MTU 1500, SHA-256 of what was sent equal to that of what was
 * received. Prints the throughput seen (the figures for docs/PERFORMANCE.md come from {@code
 * ./bench tun}, not from here).
 */
@Timeout(180)
class BulkInteropTest {
    static final long SIZE = 100L * 1000 * 1000;
    static final int BUFFER = 512 * 1024;

    /** Linux sends seeded pseudo-random bytes, then its FIN; prints their SHA-256. */
    static final String LINUX_SENDS = """
            import hashlib, random, socket, sys, time
            n = int(sys.argv[3]); chunk = 1 << 20
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
            rnd = random.Random(int(sys.argv[4])); h = hashlib.sha256(); sent = 0
            t = time.monotonic()
            while sent < n:
                b = rnd.randbytes(min(chunk, n - sent)); h.update(b); s.sendall(b); sent += len(b)
            s.shutdown(socket.SHUT_WR)
            assert s.recv(1) == b''
            s.close()
            print(h.hexdigest(), sent, time.monotonic() - t)
            """;

    /** Linux reads to end of stream; prints the SHA-256 and count of what it got. */
    static final String LINUX_RECEIVES = """
            import hashlib, socket, sys, time
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
            buf = bytearray(1 << 18); mv = memoryview(buf); h = hashlib.sha256(); got = 0
            t = time.monotonic()
            while True:
                k = s.recv_into(buf)
                if k == 0:
                    break
                h.update(mv[:k]); got += k
            s.close()
            print(h.hexdigest(), got, time.monotonic() - t)
            """;

    @Test
    void hundredMegabytesEachWayAtMtu1500() throws Exception {
        try (InteropRig r = InteropRig.open(InteropRig.config(4 << 20, 2048, BUFFER))) {
            linuxToSloop(r);
            r.assertAtBaseline();
            sloopToLinux(r);
            r.assertAtBaseline();
        }
    }

    /**
     * Sloop sends 64 KiB TCP segments for the kernel to cut (TSO, {@code StackConfig.segmentOffload}):
     * Linux receives the same bytes, and most of the data went in segmented packets.
     */
    @Test
    void sloopToLinuxWithSegmentationOffload() throws Exception {
        StackConfig cfg = InteropRig.config(4 << 20, 2048).segmentOffload(65535)
                .tcp(TcpConfig.builder().sendBuffer(BUFFER).receiveBuffer(BUFFER).build()).build();
        try (InteropRig r = InteropRig.open(cfg)) {
            sloopToLinux(r);
            long segmented = r.rig.locked(r.rig.link::segmentedTransmitted);
            long frames = r.rig.locked(r.rig.link::transmitted);
            assertTrue(segmented * 2 > frames && segmented * 65535 >= SIZE / 2, "segmented packets " + segmented + " of " + frames + " frames sent");
            r.assertAtBaseline();
        }
    }

    private static void linuxToSloop(InteropRig r) throws Exception {
        BlockingServerSocket server = r.rig.tcp.listen(0, 5001, 4);
        CompletableFuture<String> sloop = InteropRig.onVirtualThread(() -> {
            try (BlockingSocket s = server.accept(Duration.ofSeconds(30))) {
                s.setSoTimeout(Duration.ofSeconds(30));
                MessageDigest h = MessageDigest.getInstance("SHA-256");
                byte[] buf = new byte[1 << 16];
                long got = 0;
                long t0 = System.nanoTime();
                for (int n; (n = s.read(buf)) > 0; got += n) h.update(buf, 0, n);
                long t = System.nanoTime() - t0;
                return HexFormat.of().formatHex(h.digest()) + " " + got + " " + t / 1e9;
            }
        });
        HostNet.Result res = r.pythonAsync(150, LINUX_SENDS, r.sloop(), "5001", Long.toString(SIZE), "1").get(160, TimeUnit.SECONDS);
        assertTrue(res.ok(), () -> res.output() + "\n" + r.report());
        String[] linux = res.output().strip().split(" ");
        String[] got = sloop.get(30, TimeUnit.SECONDS).split(" ");
        server.close();
        assertEquals(Long.toString(SIZE), got[1], "bytes Sloop received");
        assertEquals(linux[0], got[0], "SHA-256 of what Linux sent and Sloop received");
        System.out.printf("interop: Linux -> Sloop 100 MB in %.2f s: %.0f Mbit/s%n", Double.parseDouble(got[2]),
                SIZE * 8 / Double.parseDouble(got[2]) / 1e6);
    }

    private static void sloopToLinux(InteropRig r) throws Exception {
        BlockingServerSocket server = r.rig.tcp.listen(0, 5002, 4);
        CompletableFuture<String> sloop = InteropRig.onVirtualThread(() -> {
            try (BlockingSocket s = server.accept(Duration.ofSeconds(30))) {
                s.setWriteTimeout(Duration.ofSeconds(30));
                MessageDigest h = MessageDigest.getInstance("SHA-256");
                SplittableRandom rnd = new SplittableRandom(2);
                byte[] buf = new byte[1 << 16];
                long t0 = System.nanoTime();
                for (long sent = 0; sent < SIZE; ) {
                    int n = (int) Math.min(buf.length, SIZE - sent);
                    for (int i = 0; i < n; i += 8) {
                        long v = rnd.nextLong();
                        for (int j = 0; j < 8 && i + j < n; j++) buf[i + j] = (byte) (v >>> (8 * j));
                    }
                    h.update(buf, 0, n);
                    s.write(buf, 0, n);
                    sent += n;
                }
                s.shutdownOutput();
                long t = System.nanoTime() - t0;
                return HexFormat.of().formatHex(h.digest()) + " " + SIZE + " " + t / 1e9;
            }
        });
        HostNet.Result res = r.pythonAsync(150, LINUX_RECEIVES, r.sloop(), "5002").get(160, TimeUnit.SECONDS);
        assertTrue(res.ok(), () -> res.output() + "\n" + r.report());
        String[] linux = res.output().strip().split(" ");
        String[] sent = sloop.get(30, TimeUnit.SECONDS).split(" ");
        server.close();
        assertEquals(Long.toString(SIZE), linux[1], "bytes Linux received");
        assertEquals(sent[0], linux[0], "SHA-256 of what Sloop sent and Linux received");
        System.out.printf("interop: Sloop -> Linux 100 MB in %.2f s: %.0f Mbit/s%n", Double.parseDouble(linux[2]),
                SIZE * 8 / Double.parseDouble(linux[2]) / 1e6);
    }
}
