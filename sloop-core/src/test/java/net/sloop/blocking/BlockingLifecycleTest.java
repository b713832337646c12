package net.sloop.blocking;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import net.sloop.mem.Category;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpState;
import org.junit.jupiter.api.Test;

/** Connect failures, timeouts, closing under blocked calls, linger, use after close. */
class BlockingLifecycleTest {
    static TwoStacks stacks() {
        return new TwoStacks(TwoStacks.config(256 * 1024, 16 * 1024, 16 * 1024));
    }

    static BlockingSocket[] connect(TwoStacks n, BlockingServerSocket server) throws Exception {
        CompletableFuture<BlockingSocket> acc = BlockingEchoTest.virtual(() -> server.accept(Duration.ofSeconds(5)));
        BlockingSocket c = n.ta.connect(TwoStacks.B, server.port(), Duration.ofSeconds(5));
        return new BlockingSocket[] {c, acc.get(5, TimeUnit.SECONDS)};
    }

    static Throwable cause(ExecutionException e) {
        return e.getCause();
    }

    /**
     * The blocking face takes java.net addresses and throws what java.net.Socket throws: a port
     * taken is a BindException, an address with no route a NoRouteToHostException, an unresolved
     * name an UnknownHostException; the ends of a connection are InetSocketAddresses.
     */
    @Test
    void javaNetAddressesAndExceptions() throws Exception {
        TwoStacks n = stacks();
        java.net.InetAddress b = net.sloop.wire.Ipv4Address.toInet(TwoStacks.B);
        BlockingServerSocket server = n.tb.listen(new java.net.InetSocketAddress(80), 4);
        java.net.BindException taken = assertThrows(java.net.BindException.class, () -> n.tb.listen(new java.net.InetSocketAddress(80), 4));
        assertEquals(TcpError.ADDRESS_IN_USE, TcpError.of(taken));
        CompletableFuture<BlockingSocket> accepted = BlockingEchoTest.virtual(() -> server.accept(Duration.ofSeconds(5)));
        BlockingSocket c = n.ta.connect(new java.net.InetSocketAddress(b, 80), Duration.ofSeconds(5));
        BlockingSocket s = accepted.get(5, TimeUnit.SECONDS);
        assertEquals(new java.net.InetSocketAddress(b, 80), c.getRemoteSocketAddress());
        assertEquals(c.getLocalSocketAddress(), s.getRemoteSocketAddress());
        java.net.NoRouteToHostException noRoute = assertThrows(java.net.NoRouteToHostException.class,
                () -> n.ta.connect(new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(new byte[] {(byte) 203, 0, 113, 9}), 80), Duration.ofSeconds(5)));
        assertEquals(TcpError.NO_ROUTE, TcpError.of(noRoute));
        assertThrows(java.net.UnknownHostException.class, () -> n.ta.connect(java.net.InetSocketAddress.createUnresolved("example.invalid", 80), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> n.ta.connect(new java.net.InetSocketAddress(java.net.InetAddress.getByName("::1"), 80), Duration.ofSeconds(1)));
        c.close();
        s.close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }

    @Test
    void connectToAPortNobodyListensOnIsRefused() throws Exception {
        TwoStacks n = stacks();
        long t0 = System.nanoTime();
        // As java.net.Socket: a ConnectException, caused by the TcpException naming the error.
        java.net.ConnectException e = assertThrows(java.net.ConnectException.class, () -> n.ta.connect(TwoStacks.B, 81, Duration.ofSeconds(5)));
        assertEquals(TcpError.REFUSED, TcpError.of(e));
        assertInstanceOf(TcpException.class, e.getCause());
        assertTrue(e.getMessage().contains("connection refused") && e.getMessage().contains("10.9.0.2:81"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(1).toNanos(), "refused at once, not after a timeout");
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
    }

    @Test
    void connectTimesOutWhenTheSynGoesNowhere() throws Exception {
        TwoStacks n = stacks();
        // 10.9.0.3 is on the link's subnet but nobody has it: the SYN is dropped by B (not for us).
        long t0 = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                () -> n.ta.connect(net.sloop.wire.Ipv4Address.parse("10.9.0.3"), 80, Duration.ofMillis(150)));
        long took = System.nanoTime() - t0;
        assertTrue(took >= Duration.ofMillis(150).toNanos() && took < Duration.ofSeconds(2).toNanos(), "took " + took / 1e6 + " ms");
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), "the attempt is abandoned and freed\n" + n.report());
    }

    @Test
    void readTimeoutThrowsSocketTimeoutExceptionAndTheSocketStaysUsable() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        BlockingSocket[] p = connect(n, server);
        p[0].setSoTimeout(Duration.ofMillis(100));
        long t0 = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> p[0].read(new byte[10]));
        long took = System.nanoTime() - t0;
        assertTrue(took >= Duration.ofMillis(100).toNanos() && took < Duration.ofSeconds(2).toNanos(), "took " + took / 1e6 + " ms");
        assertTrue(e.getMessage().contains("read timed out after 100 ms"), e.getMessage());
        p[1].write("late".getBytes());
        byte[] b = new byte[10];
        assertEquals(4, p[0].read(b));
        assertEquals("late", new String(b, 0, 4));
        p[0].close();
        p[1].close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
    }

    @Test
    void acceptTimesOut() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        assertThrows(SocketTimeoutException.class, () -> server.accept(Duration.ofMillis(50)));
        server.close();
        server.close();
        SocketException e = assertThrows(SocketException.class, server::accept);
        assertTrue(e.getMessage().contains("server socket closed"), e.getMessage());
    }

    @Test
    void closingAServerSocketWakesABlockedAcceptAndResetsWhatWasNotAccepted() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        BlockingSocket c = n.ta.connect(TwoStacks.B, 80, Duration.ofSeconds(5)); // waits in the accept queue
        assertEquals(1, server.pending());
        BlockingServerSocket other = n.tb.listen(0, 81, 4);
        CompletableFuture<BlockingSocket> blocked = BlockingEchoTest.virtual(other::accept);
        Thread.sleep(20);
        other.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(2, TimeUnit.SECONDS));
        assertInstanceOf(SocketException.class, e.getCause());
        server.close();
        SocketException reset = assertThrows(SocketException.class, () -> c.read(new byte[1]));
        assertEquals(TcpError.RESET, TcpError.of(reset));
        c.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
    }

    @Test
    void useAfterCloseSaysSocketClosed() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        BlockingSocket[] p = connect(n, server);
        p[0].close();
        p[0].close();
        p[0].abort();
        assertTrue(p[0].isClosed());
        for (var call : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                () -> p[0].read(new byte[1]), () -> p[0].write(new byte[1]), p[0]::shutdownOutput, p[0]::shutdownInput,
                () -> p[0].setTcpNoDelay(true), p[0]::available, () -> p[0].getInputStream().read())) {
            IOException e = assertThrows(SocketException.class, call);
            assertEquals("socket closed", e.getMessage());
        }
        assertEquals(-1, p[1].read(new byte[1]), "the peer got our FIN");
        p[1].close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
    }

    @Test
    void closeAndAbortFromAnotherThreadWakeBlockedReadsAndWrites() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        for (boolean abort : new boolean[] {false, true}) {
            BlockingSocket[] p = connect(n, server);
            CompletableFuture<Integer> reader = BlockingEchoTest.virtual(() -> p[0].read(new byte[10]));
            CompletableFuture<Void> writer = BlockingEchoTest.virtual(() -> {
                byte[] big = new byte[1 << 20]; // far more than the send buffer and the peer's window: blocks
                p[0].write(big);
                return null;
            });
            assertTrue(n.settle(() -> p[0].tcpSocket().unacknowledged() > 0, Duration.ofSeconds(2)));
            Thread.sleep(20);
            assertFalse(reader.isDone());
            assertFalse(writer.isDone());
            if (abort) {
                p[0].abort();
                p[1].abort();
            } else {
                p[0].close();
                p[1].close();
            }
            for (CompletableFuture<?> f : java.util.List.of(reader, writer)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(2, TimeUnit.SECONDS));
                assertInstanceOf(SocketException.class, e.getCause());
                assertEquals("socket closed", e.getCause().getMessage());
            }
            assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
        }
        server.close();
    }

    @Test
    void aResetFromThePeerWakesABlockedReadWithTheReason() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        BlockingSocket[] p = connect(n, server);
        CompletableFuture<Integer> reader = BlockingEchoTest.virtual(() -> p[0].read(new byte[10]));
        Thread.sleep(20);
        p[1].abort();
        ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(2, TimeUnit.SECONDS));
        SocketException t = assertInstanceOf(SocketException.class, e.getCause());
        assertEquals(TcpError.RESET, TcpError.of(t));
        assertEquals("connection reset by peer", t.getMessage());
        assertEquals(TcpError.RESET, TcpError.of(assertThrows(SocketException.class, () -> p[0].write(new byte[1]))));
        p[0].close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
    }

    @Test
    void writeTimeoutReportsHowMuchWasTaken() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        BlockingSocket[] p = connect(n, server);
        p[0].setWriteTimeout(Duration.ofMillis(100));
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> p[0].write(new byte[1 << 20]));
        assertTrue(e.bytesTransferred > 0 && e.bytesTransferred < 1 << 20, "taken " + e.bytesTransferred);
        assertTrue(e.getMessage().startsWith("write timed out after 100 ms"), e.getMessage());
        p[0].abort();
        p[1].close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
    }

    @Test
    void lingerWaitsForTheDataToBeAcknowledgedAndLingerZeroResets() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        BlockingSocket[] p = connect(n, server);
        p[0].setSoLinger(5);
        p[0].write(new byte[12_000]);
        p[0].close();
        n.runner.lock();
        try {
            TcpState st = p[0].tcpSocket().state();
            assertTrue(st == TcpState.FIN_WAIT_2 || st == TcpState.TIME_WAIT, "close returned in " + st);
            assertEquals(0, n.a.budget().used(Category.SOCKET_SEND), "everything acknowledged before close returned");
        } finally {
            n.runner.unlock();
        }
        byte[] buf = new byte[4096];
        int total = 0, r;
        while ((r = p[1].read(buf)) >= 0) total += r;
        assertEquals(12_000, total);
        p[1].close();
        BlockingSocket[] q = connect(n, server);
        q[0].setSoLinger(0);
        q[0].close();
        SocketException e = assertThrows(SocketException.class, () -> q[1].read(buf));
        assertEquals(TcpError.RESET, TcpError.of(e));
        q[1].close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
    }

    @Test
    void optionsPassThrough() throws Exception {
        TwoStacks n = stacks();
        BlockingServerSocket server = n.tb.listen(0, 80, 4);
        server.setBuffers(8192, 24_000);
        BlockingSocket[] p = connect(n, server);
        assertEquals(24_000, p[1].receiveBufferSize());
        assertEquals(8192, p[1].sendBufferSize());
        p[0].setTcpNoDelay(true);
        p[0].setKeepAlive(true);
        p[0].setSendBufferSize(32_000);
        p[0].setReceiveBufferSize(20_000);
        p[0].setSoLinger(3);
        p[0].setUserTimeout(Duration.ofSeconds(30));
        assertTrue(p[0].tcpNoDelay());
        assertTrue(p[0].keepAlive());
        assertEquals(32_000, p[0].sendBufferSize());
        assertEquals(20_000, p[0].receiveBufferSize());
        assertEquals(3, p[0].soLinger());
        p[0].setSoLinger(-1);
        p[0].close();
        p[1].close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(2)), n::report);
    }
}
