package net.sloop.nio;

import static java.nio.channels.SelectionKey.OP_ACCEPT;
import static java.nio.channels.SelectionKey.OP_CONNECT;
import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Selector and channel semantics over two stacks in real time, as the JDK specifies them. */
class NioSelectorTest {
    /** A connected pair: client on A (non-blocking), server side on B (non-blocking), and the listener. */
    record Pair(ServerSocketChannel server, SocketChannel client, SocketChannel accepted) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            accepted.close();
            server.close();
        }
    }

    static Pair connect(NioNet n, int port) throws IOException {
        ServerSocketChannel server = n.pb.openServerSocketChannel().bind(NioNet.at(0, port));
        SocketChannel client = n.pa.openSocketChannel();
        assertTrue(client.connect(NioNet.at(NioNet.B, port))); // blocking
        SocketChannel accepted = server.accept(); // blocking: the handshake is done
        assertNotNull(accepted);
        client.configureBlocking(false);
        accepted.configureBlocking(false);
        return new Pair(server, client, accepted);
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

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void acceptAndConnectReadinessComeFromTheStack() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 16 * 1024));
        try (Selector sb = n.pb.openSelector(); Selector sa = n.pa.openSelector();
                ServerSocketChannel server = n.pb.openServerSocketChannel()) {
            server.bind(NioNet.at(0, 80));
            server.configureBlocking(false);
            SelectionKey acceptKey = server.register(sb, OP_ACCEPT, "listener");
            assertEquals(Set.of(acceptKey), sb.keys());
            assertEquals(0, sb.selectNow(), "nothing to accept yet");
            assertNull(server.accept(), "non-blocking accept with nothing queued");

            SocketChannel client = n.pa.openSocketChannel();
            client.configureBlocking(false);
            assertFalse(client.connect(NioNet.at(NioNet.B, 80)), "a non-blocking connect is pending");
            assertTrue(client.isConnectionPending());
            SelectionKey connectKey = client.register(sa, OP_CONNECT);

            assertEquals(1, sb.select(5000));
            assertEquals(Set.of(acceptKey), sb.selectedKeys());
            assertTrue(acceptKey.isAcceptable());
            assertEquals("listener", acceptKey.attachment());
            SocketChannel accepted = server.accept();
            assertNotNull(accepted);
            assertTrue(accepted.isConnected());
            assertTrue(accepted.isBlocking(), "accepted channels start in blocking mode");
            sb.selectedKeys().clear();
            assertEquals(0, sb.selectNow(), "the queue is empty again");

            assertEquals(1, sa.select(5000));
            assertTrue(connectKey.isConnectable());
            assertTrue(client.finishConnect());
            assertTrue(client.isConnected());
            assertEquals(NioNet.at(NioNet.B, 80), client.getRemoteAddress());
            assertEquals(client.getLocalAddress(), accepted.getRemoteAddress());
            assertEquals(NioNet.at(NioNet.B, 80), accepted.getLocalAddress());
            accepted.close();
            client.close();
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void readAndWriteReadinessFollowTheQueues() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (Selector sa = n.pa.openSelector(); Selector sb = n.pb.openSelector(); Pair p = connect(n, 81)) {
            SelectionKey w = p.client().register(sa, OP_WRITE);
            SelectionKey r = p.accepted().register(sb, OP_READ);
            assertEquals(1, sa.selectNow(), "a fresh connection is writable");
            assertTrue(w.isWritable());
            assertEquals(0, sb.selectNow(), "nothing to read yet");
            assertEquals(0, p.accepted().read(ByteBuffer.allocate(10)), "non-blocking read with nothing queued");

            assertEquals(5, p.client().write(ascii("hello")));
            assertEquals(1, sb.select(5000));
            assertTrue(r.isReadable());
            ByteBuffer got = ByteBuffer.allocate(100);
            assertEquals(5, p.accepted().read(got));
            assertEquals("hello", new String(got.array(), 0, 5, StandardCharsets.US_ASCII));
            sb.selectedKeys().clear();
            assertEquals(0, sb.selectNow(), "drained: not readable");

            // Fill the send queue and the peer's window: the write takes less than offered, and the
            // channel is no longer writable until the peer reads.
            ByteBuffer big = ByteBuffer.allocateDirect(256 * 1024);
            long queued = 0;
            int n0;
            // Until the peer's window is shut too: ACKs stop freeing room, a write after a pause takes nothing.
            for (boolean progress = true; progress; ) {
                progress = false;
                while ((n0 = p.client().write(big)) > 0) {
                    queued += n0;
                    progress = true;
                }
                Thread.sleep(100);
                if ((n0 = p.client().write(big)) > 0) {
                    queued += n0;
                    progress = true;
                }
            }
            assertTrue(big.hasRemaining());
            assertTrue(queued > 0);
            long sent = queued;
            sa.selectedKeys().clear();
            assertEquals(0, sa.selectNow(), "a full send queue is not writable");
            assertFalse(w.isWritable() && sa.selectedKeys().contains(w));
            // The peer reads what arrives: acknowledged data frees room and WRITABLE wakes the selector.
            CompletableFuture<Long> reader = virtual(() -> {
                long total = 0;
                ByteBuffer buf = ByteBuffer.allocate(4096);
                while (total < sent) {
                    sb.select(2000);
                    sb.selectedKeys().clear();
                    int k;
                    while ((k = p.accepted().read(buf.clear())) > 0) total += k;
                }
                return total;
            });
            assertEquals(1, sa.select(10_000), n::report);
            assertTrue(w.isWritable());
            assertEquals(sent, reader.get(10, TimeUnit.SECONDS));
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void theEndOfStreamIsReadableAndReadsMinusOne() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (Selector sb = n.pb.openSelector(); Pair p = connect(n, 82)) {
            SelectionKey r = p.accepted().register(sb, OP_READ);
            p.client().write(ascii("last words"));
            p.client().shutdownOutput();
            assertThrows(ClosedChannelException.class, () -> p.client().write(ascii("more")));
            ByteBuffer got = ByteBuffer.allocate(100);
            long deadline = System.nanoTime() + 5_000_000_000L;
            int k = 0;
            while (k >= 0 && System.nanoTime() < deadline) {
                sb.select(1000);
                assertTrue(r.isReadable());
                sb.selectedKeys().clear();
                k = p.accepted().read(got);
            }
            assertEquals(-1, k);
            assertEquals("last words", new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII));
            assertEquals(1, sb.selectNow(), "end of stream stays readable");
            assertTrue(p.accepted().socket().getInputStream() != null);
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void wakeupReturnsASelectionInProgressOrTheNextOne() throws Exception {
        NioNet n = new NioNet(NioNet.config(128 * 1024, 8 * 1024));
        try (Selector s = n.pa.openSelector()) {
            CompletableFuture<Long> blocked = virtual(() -> {
                long t0 = System.nanoTime();
                assertEquals(0, s.select());
                return System.nanoTime() - t0;
            });
            Thread.sleep(200);
            assertFalse(blocked.isDone(), "select with nothing registered waits");
            s.wakeup();
            assertTrue(blocked.get(5, TimeUnit.SECONDS) >= 150_000_000L);

            s.wakeup(); // before: the next selection returns at once
            long t0 = System.nanoTime();
            assertEquals(0, s.select(10_000));
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            t0 = System.nanoTime();
            SloopSelector ss = (SloopSelector) s;
            long waits = n.locked(ss::waits);
            assertEquals(0, s.select(300), "a wakeup is used once");
            assertTrue(System.nanoTime() - t0 >= 250_000_000L, "select(timeout) waits for its timeout");
            assertTrue(n.locked(ss::waits) - waits <= 2, "it waits on its condition, not in a polling loop");

            s.wakeup();
            assertEquals(0, s.selectNow(), "selectNow clears an earlier wakeup");
            t0 = System.nanoTime();
            assertEquals(0, s.select(200));
            assertTrue(System.nanoTime() - t0 >= 150_000_000L);
        }
    }

    @Test
    void anInterestAddedByAnotherThreadWakesTheSelectionAndRegisteringDoesToo() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (Selector sa = n.pa.openSelector(); Pair p = connect(n, 88); Pair q = connect(n, 89)) {
            SelectionKey k = p.client().register(sa, 0); // writable, but not of interest yet
            CompletableFuture<Integer> blocked = virtual(sa::select);
            Thread.sleep(150);
            assertFalse(blocked.isDone());
            k.interestOps(OP_WRITE);
            assertEquals(1, blocked.get(5, TimeUnit.SECONDS));
            assertTrue(k.isWritable());
            sa.selectedKeys().clear();
            k.interestOps(0);
            blocked = virtual(sa::select);
            Thread.sleep(150);
            assertFalse(blocked.isDone());
            q.client().register(sa, OP_WRITE); // a registration from another thread, ready at once
            assertEquals(1, blocked.get(5, TimeUnit.SECONDS));
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void anInterruptedThreadReturnsFromSelectKeepingItsStatus() throws Exception {
        NioNet n = new NioNet(NioNet.config(128 * 1024, 8 * 1024));
        try (Selector s = n.pa.openSelector()) {
            Thread.currentThread().interrupt();
            long t0 = System.nanoTime();
            assertEquals(0, s.select());
            assertTrue(Thread.interrupted(), "the interrupt status is kept (and cleared here)");
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
        }
    }

    @Test
    void cancelledKeysLeaveTheKeySetAtTheNextSelection() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (Selector sa = n.pa.openSelector(); Pair p = connect(n, 83)) {
            SelectionKey k = p.client().register(sa, OP_WRITE | OP_READ);
            assertSame(k, p.client().keyFor(sa));
            assertSame(k, p.client().register(sa, OP_READ), "registering again updates the same key");
            assertEquals(OP_READ, k.interestOps());
            k.cancel();
            assertFalse(k.isValid());
            assertThrows(CancelledKeyException.class, k::readyOps);
            assertThrows(CancelledKeyException.class, () -> k.interestOps(OP_WRITE));
            assertTrue(sa.keys().contains(k), "still in the key set until the next selection");
            assertThrows(CancelledKeyException.class, () -> p.client().register(sa, OP_READ), "the cancelled key stays the channel's until the selection flushes it");
            sa.selectNow();
            assertTrue(sa.keys().isEmpty());
            assertFalse(p.client().isRegistered());
            p.client().configureBlocking(true); // allowed once no valid key remains
            p.client().configureBlocking(false);
            SelectionKey again = p.client().register(sa, OP_WRITE);
            assertNotSame(k, again);
            assertEquals(1, sa.selectNow());
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void closingAChannelDeregistersItAndClosingTheSelectorInvalidatesEveryKey() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        Selector sb = n.pb.openSelector();
        try (Pair p = connect(n, 84)) {
            SelectionKey r = p.accepted().register(sb, OP_READ);
            SelectionKey acc = p.server().configureBlocking(false).register(sb, OP_ACCEPT);
            p.accepted().close();
            assertFalse(r.isValid(), "closing a channel cancels its keys");
            sb.selectNow();
            assertEquals(Set.of(acc), new HashSet<>(sb.keys()));
            assertThrows(ClosedChannelException.class, () -> p.accepted().read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> p.accepted().register(sb, OP_READ));

            CompletableFuture<Integer> blocked = virtual(sb::select);
            Thread.sleep(100);
            sb.close();
            assertEquals(0, blocked.get(5, TimeUnit.SECONDS), "closing the selector returns a selection in progress");
            assertFalse(acc.isValid());
            assertFalse(p.server().isRegistered());
            assertThrows(ClosedSelectorException.class, sb::selectNow);
            assertThrows(ClosedSelectorException.class, sb::keys);
            assertThrows(ClosedSelectorException.class, sb::selectedKeys);
            sb.close(); // idempotent
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void selectWithAnActionVisitsEachReadyKey() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (Selector sa = n.pa.openSelector(); Pair p = connect(n, 85)) {
            SelectionKey k = p.client().register(sa, OP_WRITE);
            Set<SelectionKey> seen = new HashSet<>();
            assertEquals(1, sa.select(seen::add, 1000));
            assertEquals(Set.of(k), seen);
            assertTrue(sa.selectedKeys().isEmpty(), "the action form leaves the selected-key set empty");
            seen.clear();
            assertEquals(1, sa.selectNow(seen::add));
            assertEquals(Set.of(k), seen);
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void selectedKeysAllowRemovalButNotAddition() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (Selector sa = n.pa.openSelector(); Pair p = connect(n, 86)) {
            SelectionKey k = p.client().register(sa, OP_WRITE);
            assertEquals(1, sa.selectNow());
            assertThrows(UnsupportedOperationException.class, () -> sa.selectedKeys().add(k));
            assertThrows(UnsupportedOperationException.class, () -> sa.keys().remove(k));
            assertEquals(0, sa.selectNow(), "still selected and still ready: no key updated, and no wait");
            var it = sa.selectedKeys().iterator();
            assertSame(k, it.next());
            it.remove();
            assertTrue(sa.selectedKeys().isEmpty());
            assertEquals(1, sa.selectNow());
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void anotherProvidersChannelIsRefused() throws Exception {
        NioNet n = new NioNet(NioNet.config(128 * 1024, 8 * 1024));
        try (Selector sa = n.pa.openSelector(); SocketChannel onB = n.pb.openSocketChannel();
                SocketChannel platform = java.nio.channels.spi.SelectorProvider.provider().openSocketChannel()) {
            onB.configureBlocking(false);
            platform.configureBlocking(false);
            assertThrows(IllegalSelectorException.class, () -> onB.register(sa, OP_READ));
            assertThrows(IllegalSelectorException.class, () -> platform.register(sa, OP_READ));
        }
    }

    @Test
    void aRefusedConnectFailsInFinishConnectAndClosesTheChannel() throws Exception {
        NioNet n = new NioNet(NioNet.config(128 * 1024, 8 * 1024));
        try (Selector sa = n.pa.openSelector(); SocketChannel c = n.pa.openSocketChannel()) {
            c.configureBlocking(false);
            c.connect(NioNet.at(NioNet.B, 9)); // nothing listens: B answers with a reset
            SelectionKey k = c.register(sa, OP_CONNECT);
            assertEquals(1, sa.select(5000));
            assertTrue(k.isConnectable());
            assertThrows(ConnectException.class, c::finishConnect);
            assertFalse(c.isOpen());
        }
        try (SocketChannel c = n.pa.openSocketChannel()) {
            assertThrows(ConnectException.class, () -> c.connect(NioNet.at(NioNet.B, 9)), "blocking connect");
            assertFalse(c.isOpen());
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void theSocketViewsConnectTimeoutClosesTheChannel() throws Exception {
        NioNet n = new NioNet(NioNet.config(128 * 1024, 8 * 1024));
        SocketChannel c = n.pa.openSocketChannel();
        long t0 = System.nanoTime();
        // 10.9.0.3 is on the link but nobody answers: the SYN goes unanswered.
        assertThrows(java.net.SocketTimeoutException.class, () -> c.socket().connect(NioNet.at(net.sloop.wire.Ipv4Address.parse("10.9.0.3"), 80), 300));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
        assertFalse(c.isOpen());
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void blockingChannelsWaitAndWakeOnCloseOrInterrupt() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (ServerSocketChannel server = n.pb.openServerSocketChannel().bind(NioNet.at(0, 87))) {
            CompletableFuture<SocketChannel> accepted = virtual(server::accept);
            SocketChannel c = n.pa.openSocketChannel();
            assertTrue(c.connect(NioNet.at(NioNet.B, 87)));
            SocketChannel s = accepted.get(5, TimeUnit.SECONDS);
            // A blocked read wakes when data comes...
            CompletableFuture<String> read = virtual(() -> {
                ByteBuffer b = ByteBuffer.allocate(64);
                s.read(b);
                return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII);
            });
            Thread.sleep(100);
            assertFalse(read.isDone());
            c.write(ascii("ping"));
            assertEquals("ping", read.get(5, TimeUnit.SECONDS));
            // ... or with AsynchronousCloseException when another thread closes the channel...
            CompletableFuture<Integer> closedUnder = virtual(() -> s.read(ByteBuffer.allocate(8)));
            Thread.sleep(100);
            s.close();
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> closedUnder.get(5, TimeUnit.SECONDS));
            assertInstanceOf(AsynchronousCloseException.class, e.getCause());
            // ... or, interrupted, closes it (ClosedByInterruptException); on a second connection, whose peer is open.
            CompletableFuture<SocketChannel> accepted2 = virtual(server::accept);
            SocketChannel c2 = n.pa.openSocketChannel();
            assertTrue(c2.connect(NioNet.at(NioNet.B, 87)));
            SocketChannel s2 = accepted2.get(5, TimeUnit.SECONDS);
            CompletableFuture<Thread> me = new CompletableFuture<>();
            CompletableFuture<Integer> interrupted = virtual(() -> {
                me.complete(Thread.currentThread());
                return c2.read(ByteBuffer.allocate(8));
            });
            Thread t = me.get(5, TimeUnit.SECONDS);
            Thread.sleep(100);
            t.interrupt();
            e = assertThrows(java.util.concurrent.ExecutionException.class, () -> interrupted.get(5, TimeUnit.SECONDS));
            assertInstanceOf(ClosedByInterruptException.class, e.getCause());
            assertFalse(c2.isOpen());
            c.close();
            s2.close();
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void socketViewsCarryAddressesOptionsAndStreams() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (ServerSocketChannel server = n.pb.openServerSocketChannel()) {
            var ss = server.socket();
            assertFalse(ss.isBound());
            ss.setReuseAddress(true);
            ss.bind(NioNet.at(0, 0), 8); // port 0: a free port of the dynamic range
            assertTrue(ss.isBound());
            int port = ss.getLocalPort();
            assertTrue(port >= 49152, "port " + port);
            assertTrue(ss.getInetAddress().isAnyLocalAddress());
            assertSame(server, ss.getChannel());
            CompletableFuture<java.net.Socket> accepted = virtual(ss::accept);
            SocketChannel c = n.pa.openSocketChannel();
            var cs = c.socket();
            cs.setTcpNoDelay(true);
            cs.setSoTimeout(2000);
            cs.connect(NioNet.at(NioNet.B, port), 5000);
            assertTrue(cs.getTcpNoDelay());
            assertTrue(cs.isConnected());
            java.net.Socket s = accepted.get(5, TimeUnit.SECONDS);
            assertEquals(cs.getLocalSocketAddress(), s.getRemoteSocketAddress());
            assertEquals(NioNet.at(NioNet.B, port), s.getLocalSocketAddress());
            assertEquals(port, s.getLocalPort());
            s.getOutputStream().write("over the view\n".getBytes(StandardCharsets.US_ASCII));
            byte[] got = new byte[14];
            int off = 0;
            while (off < got.length) off += cs.getInputStream().read(got, off, got.length - off);
            assertEquals("over the view\n", new String(got, StandardCharsets.US_ASCII));
            assertThrows(java.net.SocketTimeoutException.class, () -> cs.getInputStream().read(), "SO_TIMEOUT applies to the stream");
            s.shutdownOutput();
            assertTrue(s.isOutputShutdown());
            assertEquals(-1, cs.getInputStream().read());
            c.configureBlocking(false);
            assertThrows(IllegalBlockingModeException.class, () -> cs.getInputStream().read());
            s.close();
            cs.close();
            assertTrue(cs.isClosed());
            assertFalse(c.isOpen());
        }
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }
}
