package net.sloop.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import net.sloop.mem.Category;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Linux client (python3 in the namespace, small SO_RCVBUF) that stops reading while Sloop
 * writes 4 MB to it through a {@link BlockingSocket}: its window closes, Sloop's writer blocks,
 * Sloop's send memory stays within the socket's send buffer and Sloop probes the zero window
 * (persist timer). Then the client resumes and every byte arrives intact.
 */
@Timeout(90)
class ZeroWindowInteropTest {
    static final int SIZE = 4 << 20;
    static final int SEND_BUFFER = 64 * 1024;
    static final int BLOCK = 512;

    static final String CLIENT = """
            import hashlib, os, socket, sys, time
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
            s.settimeout(30)
            s.connect((sys.argv[1], int(sys.argv[2])))
            deadline = time.monotonic() + 30
            while not os.path.exists(sys.argv[3]):   # read nothing until Sloop has seen the window closed
                assert time.monotonic() < deadline, 'never told to resume'
                time.sleep(0.02)
            h = hashlib.sha256(); got = 0
            while True:
                b = s.recv(65536)
                if not b: break
                h.update(b); got += len(b)
            s.close()
            print(h.hexdigest(), got)
            """;

    @Test
    void linuxStopsReadingThenResumes() throws Exception {
        Path resume = Files.createTempFile("sloop-zero-window", ".resume");
        Files.delete(resume);
        try (InteropRig r = InteropRig.open(InteropRig.config(512 * 1024, BLOCK, 16 * 1024))) {
            BlockingServerSocket server = r.rig.tcp.listen(0, 6100, 4);
            server.setBuffers(SEND_BUFFER, 16 * 1024);
            AtomicReference<BlockingSocket> sock = new AtomicReference<>();
            CompletableFuture<String> writer = InteropRig.onVirtualThread(() -> {
                try (BlockingSocket s = server.accept(Duration.ofSeconds(20))) {
                    sock.set(s);
                    s.setWriteTimeout(Duration.ofSeconds(40));
                    MessageDigest h = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[8192];
                    SplittableRandom rnd = new SplittableRandom(3);
                    for (int sent = 0; sent < SIZE; sent += buf.length) {
                        for (int i = 0; i < buf.length; i++) buf[i] = (byte) rnd.nextInt();
                        h.update(buf);
                        s.write(buf);
                    }
                    s.shutdownOutput();
                    return HexFormat.of().formatHex(h.digest());
                }
            });
            CompletableFuture<HostNet.Result> client = r.pythonAsync(60, CLIENT, r.sloop(), "6100", resume.toString());

            // While the client sleeps: the window closes, the writer waits, Sloop probes.
            long maxSend = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            long probes = 0;
            while (probes < 2 && System.nanoTime() < deadline) {
                maxSend = Math.max(maxSend, r.rig.locked(() -> r.budget().used(Category.SOCKET_SEND)));
                probes = r.rig.locked(() -> r.rig.stack.tcp().counters().windowProbes);
                Thread.sleep(5);
            }
            long sendPeak = r.budget().peak(Category.SOCKET_SEND);
            BlockingSocket s = sock.get();
            long waits = s == null ? 0 : s.writeWaits();
            assertTrue(probes >= 2, () -> "no zero-window probes\n" + r.report());
            assertTrue(waits > 0, "the writer waited for room");
            assertTrue(!writer.isDone(), "the writer is blocked while the client does not read");
            // Send memory is bounded by the send buffer, never by what the writer wants to write: the
            // buffer in whole blocks, even while the first block is partly acknowledged.
            long bound = ((SEND_BUFFER + BLOCK - 1) / BLOCK) * (long) BLOCK;
            assertTrue(sendPeak <= bound, "send memory peak " + sendPeak + " > send buffer " + bound);
            System.out.printf("interop: zero window: %d probes, send memory peak %,d bytes (buffer %,d), writer waits %d%n",
                    probes, sendPeak, SEND_BUFFER, waits);

            Files.createFile(resume); // the client resumes reading
            HostNet.Result res = client.get(60, TimeUnit.SECONDS);
            assertTrue(res.ok(), () -> res.output() + "\n" + r.report());
            String[] linux = res.output().strip().split(" ");
            String sent = writer.get(30, TimeUnit.SECONDS);
            assertEquals(Integer.toString(SIZE), linux[1], "bytes Linux received");
            assertEquals(sent, linux[0], "SHA-256 of what Sloop sent and Linux received");
            assertTrue(r.budget().peak(Category.SOCKET_SEND) <= bound, r::report);
            server.close();
            r.assertAtBaseline();
        } finally {
            Files.deleteIfExists(resume);
        }
    }
}
