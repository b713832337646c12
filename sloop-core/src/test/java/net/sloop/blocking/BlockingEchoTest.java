package net.sloop.blocking;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sloop.tcp.TcpState;
import org.junit.jupiter.api.Test;

/** Echo over blocking sockets between two stacks in real time, client and server on virtual threads. */
class BlockingEchoTest {
    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static <T> CompletableFuture<T> virtual(java.util.concurrent.Callable<T> c) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Test
    void tenMegabytesThroughStreamsComeBackIntact() throws Exception {
        TwoStacks n = new TwoStacks(TwoStacks.config(2 * 1024 * 1024, 64 * 1024, 64 * 1024));
        byte[] data = data(10 * 1024 * 1024, 1);
        BlockingServerSocket server = n.tb.listen(0, 7, 4);
        CompletableFuture<Long> echoed = virtual(() -> {
            try (BlockingSocket s = server.accept(Duration.ofSeconds(5))) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[32 * 1024];
                long total = 0;
                int r;
                while ((r = in.read(buf)) >= 0) {
                    out.write(buf, 0, r);
                    total += r;
                }
                s.shutdownOutput();
                return total;
            }
        });
        long t0 = System.nanoTime();
        BlockingSocket c = n.ta.connect(TwoStacks.B, 7, Duration.ofSeconds(5));
        assertEquals(TcpState.ESTABLISHED, c.state());
        CompletableFuture<Void> writer = virtual(() -> {
            OutputStream out = c.getOutputStream();
            for (int off = 0; off < data.length; off += 100_000) out.write(data, off, Math.min(100_000, data.length - off));
            c.shutdownOutput();
            return null;
        });
        CompletableFuture<byte[]> reader = virtual(() -> {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            InputStream in = c.getInputStream();
            byte[] buf = new byte[20_000];
            long total = 0;
            int r;
            while ((r = in.read(buf)) >= 0) {
                md.update(buf, 0, r);
                total += r;
            }
            assertEquals(data.length, total);
            return md.digest();
        });
        writer.get(60, TimeUnit.SECONDS);
        byte[] got = reader.get(60, TimeUnit.SECONDS);
        assertEquals(data.length, echoed.get(10, TimeUnit.SECONDS));
        double secs = (System.nanoTime() - t0) / 1e9;
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), got);
        c.close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
        System.out.printf("echo: 10 MB each way through blocking streams in %.2f s (%.1f MB/s); client write waits %d, read waits %d; peak A %d B %d bytes%n",
                secs, 10 / secs, c.writeWaits(), c.readWaits(), n.a.budget().peak(), n.b.budget().peak());
    }

    @Test
    void channelsMoveBytesBothWays() throws Exception {
        TwoStacks n = new TwoStacks(TwoStacks.config(512 * 1024, 16 * 1024, 16 * 1024));
        BlockingServerSocket server = n.tb.listen(0, 9, 4);
        CompletableFuture<BlockingSocket> accepted = virtual(server::accept);
        BlockingSocket c = n.ta.connect(TwoStacks.B, 9, Duration.ofSeconds(5));
        BlockingSocket s = accepted.get(5, TimeUnit.SECONDS);
        byte[] msg = data(50_000, 2);
        var cc = c.channel();
        var sc = s.channel();
        CompletableFuture<Void> w = virtual(() -> {
            ByteBuffer direct = ByteBuffer.allocateDirect(msg.length).put(msg).flip();
            assertEquals(msg.length, cc.write(direct));
            assertFalse(direct.hasRemaining());
            return null;
        });
        ByteBuffer got = ByteBuffer.allocate(msg.length);
        while (got.hasRemaining()) assertTrue(sc.read(got) > 0);
        w.get(5, TimeUnit.SECONDS);
        assertArrayEquals(msg, got.array());
        c.shutdownOutput();
        assertEquals(-1, sc.read(ByteBuffer.allocate(10)));
        sc.write(ByteBuffer.wrap("bye".getBytes()));
        ByteBuffer bye = ByteBuffer.allocateDirect(3);
        while (bye.hasRemaining()) cc.read(bye);
        assertEquals("bye", new String(new byte[] {bye.get(0), bye.get(1), bye.get(2)}));
        sc.close();
        assertFalse(sc.isOpen());
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> sc.read(ByteBuffer.allocate(1)));
        assertEquals(-1, cc.read(ByteBuffer.allocate(1)));
        cc.close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }
}
