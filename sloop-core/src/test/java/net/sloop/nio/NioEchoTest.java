package net.sloop.nio;

import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A NIO echo server (one selector thread, non-blocking channels, as such servers are written) and
 * NIO clients, each on its own selector, over two Sloop stacks: every byte comes back intact
 * (SHA-256), and once the connections have ended on their own both budgets are back where they
 * started (TIME_WAIT records aside, then drained).
 */
class NioEchoTest {
    /** Echoes every connection until its peer half-closes, then half-closes too; stops when told. */
    static final class EchoServer implements Runnable {
        final ServerSocketChannel server;
        final Selector selector;
        final AtomicBoolean stop = new AtomicBoolean();
        volatile Throwable failure;
        long accepted, selections;

        EchoServer(SloopProvider p, int port) throws IOException {
            server = p.openServerSocketChannel();
            server.bind(NioNet.at(0, port), 16);
            server.configureBlocking(false);
            selector = p.openSelector();
            server.register(selector, OP_ACCEPT);
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    selector.select(1000);
                    selections++;
                    var it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey k = it.next();
                        it.remove();
                        if (!k.isValid()) continue;
                        if (k.isAcceptable()) {
                            SocketChannel c;
                            while ((c = server.accept()) != null) {
                                accepted++;
                                c.configureBlocking(false);
                                c.register(selector, OP_READ, ByteBuffer.allocate(16 * 1024));
                            }
                        } else {
                            serve(k);
                        }
                    }
                }
            } catch (Throwable t) {
                failure = t;
            } finally {
                try {
                    for (SelectionKey k : selector.keys()) k.channel().close();
                    selector.close();
                } catch (IOException e) {
                    if (failure == null) failure = e;
                }
            }
        }

        private void serve(SelectionKey k) throws IOException {
            SocketChannel c = (SocketChannel) k.channel();
            if (k.attachment() instanceof Draining d) { // the peer has finished: send the rest, then FIN
                c.write(d.rest);
                if (d.rest.hasRemaining()) return;
                c.shutdownOutput();
                c.close(); // the connection finishes on its own
                return;
            }
            ByteBuffer buf = (ByteBuffer) k.attachment();
            if (k.isReadable() && c.read(buf) < 0) {
                buf.flip();
                k.attach(new Draining(buf));
                k.interestOps(OP_WRITE);
                return;
            }
            buf.flip();
            c.write(buf);
            buf.compact();
            // Stop reading while the buffer is full (backpressure), write when there is something left.
            k.interestOps((buf.position() > 0 ? OP_WRITE : 0) | (buf.hasRemaining() ? OP_READ : 0));
        }

        record Draining(ByteBuffer rest) {}
    }

    /** Sends {@code data}, half-closes, reads everything back; returns the SHA-256 of what came back. */
    static byte[] client(SloopProvider p, int port, byte[] data) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (Selector s = p.openSelector(); SocketChannel c = p.openSocketChannel()) {
            c.configureBlocking(false);
            c.connect(NioNet.at(NioNet.B, port));
            SelectionKey k = c.register(s, OP_CONNECT);
            ByteBuffer out = ByteBuffer.wrap(data);
            ByteBuffer in = ByteBuffer.allocateDirect(8192);
            byte[] chunk = new byte[8192];
            long got = 0;
            boolean shut = false;
            while (true) {
                if (s.select(10_000) == 0 && s.selectedKeys().isEmpty()) throw new AssertionError("client stalled at " + got + " of " + data.length);
                s.selectedKeys().clear();
                if (k.isConnectable()) {
                    assertTrue(c.finishConnect());
                    k.interestOps(OP_READ | OP_WRITE);
                    continue;
                }
                if (k.isWritable() && out.hasRemaining()) {
                    c.write(out);
                }
                if (!out.hasRemaining() && !shut) {
                    c.shutdownOutput();
                    shut = true;
                    k.interestOps(OP_READ);
                }
                if (k.isReadable()) {
                    int n;
                    while ((n = c.read(in.clear())) > 0) {
                        in.flip().get(chunk, 0, n);
                        md.update(chunk, 0, n);
                        got += n;
                    }
                    if (n < 0) break;
                }
            }
            assertEquals(data.length, got);
        }
        return md.digest();
    }

    @Test
    void aNioServerEchoesConcurrentNioClientsIntact() throws Exception {
        NioNet n = new NioNet(NioNet.config(1024 * 1024, 32 * 1024));
        EchoServer server = new EchoServer(n.pb, 7);
        Thread st = Thread.ofPlatform().name("nio-echo").start(server);
        int clients = 4;
        List<CompletableFuture<byte[]>> results = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            byte[] data = new byte[1024 * 1024 + i * 4099];
            new Random(i).nextBytes(data);
            sent.add(data);
            CompletableFuture<byte[]> f = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    f.complete(client(n.pa, 7, data));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
            results.add(f);
        }
        long bytes = 0;
        for (int i = 0; i < clients; i++) {
            byte[] got;
            try {
                got = results.get(i).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("client " + i + " failed; server failure: " + server.failure + "\n" + n.report(), e.getCause());
            }
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(sent.get(i)), got, "client " + i);
            bytes += sent.get(i).length;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        // The connections end on their own (FIN both ways); then only TIME_WAIT records remain.
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(10)), n::report);
        server.stop.set(true);
        server.selector.wakeup();
        st.join(5000);
        assertNull(server.failure, () -> "server failed: " + server.failure);
        assertEquals(clients, server.accepted);
        assertTrue(n.settle(n::atBaselineButTimeWait, Duration.ofSeconds(5)), n::report);
        System.out.printf("nio echo: %d clients, %.1f MB each way in %.2f s (%.1f MB/s); server selections %d; peak A %d B %d bytes%n",
                clients, bytes / 1e6, secs, bytes / 1e6 / secs, server.selections, n.a.budget().peak(), n.b.budget().peak());
    }

    @Test
    void aFullBudgetRefusesConnectionsCleanlyAndClosingGivesEverythingBack() throws Exception {
        // The client's stack is the small one: its connect is refused at once (no memory to admit).
        NioNet n = new NioNet(NioNet.config(64 * 1024, 4 * 1024), NioNet.config(512 * 1024, 4 * 1024));
        List<SocketChannel> clients = new ArrayList<>();
        List<SocketChannel> accepted = new ArrayList<>();
        IOException refused = null;
        try (ServerSocketChannel server = n.pb.openServerSocketChannel().bind(NioNet.at(0, 9), 64)) {
            for (int i = 0; i < 200 && refused == null; i++) {
                SocketChannel c = n.pa.openSocketChannel();
                try {
                    c.connect(NioNet.at(NioNet.B, 9));
                    clients.add(c);
                    c.write(ByteBuffer.wrap(new byte[1000])); // each holds data in flight and queued
                } catch (IOException e) {
                    refused = e;
                    assertFalse(c.isOpen(), "a failed connect closes its channel");
                }
                server.configureBlocking(false);
                for (SocketChannel s; (s = server.accept()) != null; ) accepted.add(s);
            }
            assertNotNull(refused, "64 KiB cannot hold 200 connections");
            assertInstanceOf(java.net.ConnectException.class, refused, refused::toString);
            assertTrue(clients.size() >= 2, "some connections fit: " + clients.size());
            // Everyone reads what it was sent, then closes: the connections end on their own.
            for (SocketChannel s : accepted) {
                s.configureBlocking(true);
                ByteBuffer b = ByteBuffer.allocate(1000);
                while (b.hasRemaining()) assertTrue(s.read(b) > 0);
                s.close();
            }
            for (SocketChannel c : clients) {
                assertEquals(-1, c.read(ByteBuffer.allocate(1)));
                c.close();
            }
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(10)), n::report);
        assertTrue(n.settle(n::atBaselineButTimeWait, Duration.ofSeconds(5)), n::report);
        System.out.printf("nio: a 64 KiB budget held %d connections, then refused one with %s%n", clients.size(), refused.getMessage());
    }

    @Test
    void blockingChannelsEchoThroughTheSocketViews() throws Exception {
        NioNet n = new NioNet(NioNet.config(512 * 1024, 16 * 1024));
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        try (ServerSocketChannel server = n.pb.openServerSocketChannel().bind(NioNet.at(0, 8))) {
            CompletableFuture<Long> echo = NioSelectorTest.virtual(() -> {
                try (SocketChannel c = server.accept()) {
                    var in = c.socket().getInputStream();
                    var out = c.socket().getOutputStream();
                    byte[] buf = new byte[10_000];
                    long total = 0;
                    int r;
                    while ((r = in.read(buf)) >= 0) {
                        out.write(buf, 0, r);
                        total += r;
                    }
                    c.shutdownOutput();
                    return total;
                }
            });
            SocketChannel c = n.pa.openSocketChannel();
            c.connect(NioNet.at(NioNet.B, 8));
            CompletableFuture<Void> writer = NioSelectorTest.virtual(() -> {
                ByteBuffer src = ByteBuffer.wrap(data);
                while (src.hasRemaining()) {
                    ByteBuffer piece = src.slice(src.position(), Math.min(7000, src.remaining()));
                    long w = c.write(new ByteBuffer[] {piece, ByteBuffer.allocate(0)}); // blocking: all of it
                    assertEquals(piece.capacity(), w);
                    src.position(src.position() + (int) w);
                }
                c.shutdownOutput();
                return null;
            });
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer[] bufs = {ByteBuffer.allocate(1000), ByteBuffer.allocateDirect(3000)};
            long total = 0;
            long r;
            while ((r = c.read(bufs)) >= 0) {
                for (ByteBuffer b : bufs) {
                    b.flip();
                    byte[] x = new byte[b.remaining()];
                    b.get(x);
                    md.update(x);
                    b.clear();
                }
                total += r;
            }
            writer.get(30, TimeUnit.SECONDS);
            assertEquals(data.length, total);
            assertEquals(data.length, echo.get(30, TimeUnit.SECONDS));
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), md.digest());
            c.close();
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
        assertTrue(n.settle(n::atBaselineButTimeWait, Duration.ofSeconds(5)), n::report);
    }
}
