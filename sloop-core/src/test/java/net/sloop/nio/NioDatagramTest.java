package net.sloop.nio;

import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Datagram channels over two stacks, and the default provider's binding to an installed stack. */
class NioDatagramTest {
    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void datagramsArriveWithTheirSourceAndWakeTheSelector() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (Selector sb = n.pb.openSelector(); DatagramChannel server = n.pb.openDatagramChannel(); DatagramChannel client = n.pa.openDatagramChannel()) {
            server.bind(NioNet.at(0, 5353)).configureBlocking(false);
            assertEquals(NioNet.at(0, 5353), server.getLocalAddress());
            SelectionKey k = server.register(sb, OP_READ);
            assertEquals(0, sb.selectNow());
            assertNull(server.receive(ByteBuffer.allocate(10)), "non-blocking receive with nothing queued");

            assertEquals(5, client.send(ascii("hello"), NioNet.at(NioNet.B, 5353)));
            InetSocketAddress from = (InetSocketAddress) client.getLocalAddress();
            assertTrue(from.getPort() > 0, "the first send bound an ephemeral port");
            assertEquals(1, sb.select(5000));
            assertTrue(k.isReadable());
            ByteBuffer got = ByteBuffer.allocate(3);
            InetSocketAddress src = (InetSocketAddress) server.receive(got);
            assertEquals(NioNet.at(NioNet.A, from.getPort()), src);
            assertEquals("hel", new String(got.array(), StandardCharsets.US_ASCII), "the rest of a longer datagram is discarded");
            sb.selectedKeys().clear();
            assertEquals(0, sb.selectNow());

            // Connected: read and write; the reply comes back to the client's port.
            server.connect(src);
            assertEquals(3, server.write(ascii("ack")));
            ByteBuffer reply = ByteBuffer.allocate(16);
            assertEquals(NioNet.at(NioNet.B, 5353), client.receive(reply)); // blocking
            assertEquals("ack", new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII));
            server.disconnect();
            assertThrows(NotYetConnectedException.class, () -> server.read(ByteBuffer.allocate(1)));

            try (DatagramChannel taken = n.pb.openDatagramChannel()) {
                assertThrows(BindException.class, () -> taken.bind(NioNet.at(0, 5353)));
            }
        }
        assertTrue(n.settle(n::atBaselineButTimeWait, java.time.Duration.ofSeconds(2)), n::report);
    }

    @Test
    void aConnectedChannelHearsPortUnreachable() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (Selector sa = n.pa.openSelector(); DatagramChannel c = n.pa.openDatagramChannel()) {
            c.connect(NioNet.at(NioNet.B, 9999)).configureBlocking(false);
            SelectionKey k = c.register(sa, OP_READ | OP_WRITE);
            assertEquals(1, sa.selectNow());
            assertEquals(OP_WRITE, k.readyOps(), "always writable, nothing to read");
            sa.selectedKeys().clear();
            k.interestOps(OP_READ);
            c.write(ascii("anyone?"));
            assertEquals(1, sa.select(5000), "the ICMP error makes it readable");
            assertThrows(PortUnreachableException.class, () -> c.read(ByteBuffer.allocate(10)));
            assertEquals(0, c.read(ByteBuffer.allocate(10)), "reported once");
        }
    }

    @Test
    void theDatagramSocketViewSendsAndReceivesWithATimeout() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        try (DatagramChannel server = n.pb.openDatagramChannel(); DatagramChannel client = n.pa.openDatagramChannel()) {
            java.net.DatagramSocket ss = server.socket();
            assertFalse(ss.isBound());
            ss.bind(NioNet.at(0, 7777));
            assertEquals(7777, ss.getLocalPort());
            assertSame(server, ss.getChannel());
            java.net.DatagramSocket cs = client.socket();
            byte[] msg = "over the view".getBytes(StandardCharsets.US_ASCII);
            cs.send(new java.net.DatagramPacket(msg, msg.length, NioNet.at(NioNet.B, 7777)));
            java.net.DatagramPacket in = new java.net.DatagramPacket(new byte[64], 64);
            ss.setSoTimeout(5000);
            ss.receive(in);
            assertEquals("over the view", new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII));
            assertEquals(NioNet.at(NioNet.A, cs.getLocalPort()), in.getSocketAddress());
            ss.setSoTimeout(200);
            assertThrows(java.net.SocketTimeoutException.class, () -> ss.receive(in));
            cs.connect(NioNet.at(NioNet.B, 7777));
            assertTrue(cs.isConnected());
            assertEquals(7777, cs.getPort());
            cs.send(new java.net.DatagramPacket(msg, 4));
            ss.setSoTimeout(5000);
            ss.receive(in);
            assertEquals("over", new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII));
            cs.close();
            assertTrue(cs.isClosed());
            assertFalse(client.isOpen());
        }
        assertTrue(n.settle(n::atBaselineButTimeWait, java.time.Duration.ofSeconds(2)), n::report);
    }

    @Test
    void aBlockedReceiveWakesWhenTheChannelIsClosed() throws Exception {
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        DatagramChannel c = n.pa.openDatagramChannel().bind(null);
        CompletableFuture<Object> f = NioSelectorTest.virtual(() -> c.receive(ByteBuffer.allocate(10)));
        Thread.sleep(100);
        c.close();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, e.getCause());
    }

    @Test
    void theNoArgProviderUsesTheInstalledStack() throws Exception {
        SloopProvider unbound = new SloopProvider(); // what the JDK makes from the system property
        SloopProvider.uninstallDefault();
        IOException e = assertThrows(IOException.class, unbound::openSocketChannel);
        assertTrue(e.getMessage().contains("installDefault"), e.getMessage());
        assertNull(unbound.stack());
        NioNet n = new NioNet(NioNet.config(256 * 1024, 8 * 1024));
        SloopProvider.install(n.b, n.runner); // installDefault without touching the JVM's own choice of provider
        try (var server = unbound.openServerSocketChannel().bind(NioNet.at(0, 99)); SocketChannel c = n.pa.openSocketChannel()) {
            assertSame(n.b, unbound.stack());
            assertTrue(c.connect(NioNet.at(NioNet.B, 99)));
            try (SocketChannel s = server.accept()) {
                assertEquals(c.getLocalAddress(), s.getRemoteAddress());
            }
        } finally {
            SloopProvider.uninstallDefault();
        }
        assertThrows(UnsupportedOperationException.class, () -> unbound.openSocketChannel(java.net.StandardProtocolFamily.INET6));
        assertNull(unbound.inheritedChannel());
    }
}
