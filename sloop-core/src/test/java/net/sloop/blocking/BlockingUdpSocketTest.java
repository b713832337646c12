package net.sloop.blocking;

import static org.junit.jupiter.api.Assertions.*;

import java.net.BindException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The blocking UDP face over two stacks in real time: echo, timeouts, close under a blocked receive, port unreachable. */
class BlockingUdpSocketTest {
    @Test
    void echoOnVirtualThreadsWithTimeouts() throws Exception {
        try (TwoStacks n = new TwoStacks(TwoStacks.config(256 * 1024, 16 * 1024, 16 * 1024))) {
            BlockingUdpSocket server = BlockingUdpSocket.open(n.runner, n.b, 0, 7);
            BlockingUdpSocket client = BlockingUdpSocket.open(n.runner, n.a, 0, 0);
            assertThrows(BindException.class, () -> BlockingUdpSocket.open(n.runner, n.b, 0, 7), "port taken");
            CompletableFuture<Integer> echoed = CompletableFuture.supplyAsync(() -> {
                byte[] buf = new byte[2048];
                int count = 0;
                try {
                    while (true) {
                        int len = server.receive(buf, 0, buf.length, Duration.ofSeconds(5));
                        server.send(server.lastSource(), server.lastSourcePort(), buf, 0, len);
                        count++;
                    }
                } catch (SocketException closed) {
                    return count;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            byte[] got = new byte[2048];
            for (int i = 0; i < 200; i++) {
                byte[] msg = ("datagram " + i).getBytes();
                assertTrue(client.send(TwoStacks.B, 7, msg));
                int len = client.receive(got, 0, got.length, Duration.ofSeconds(5));
                assertEquals(new String(msg), new String(got, 0, len));
                assertEquals(TwoStacks.B, client.lastSource());
                assertEquals(7, client.lastSourcePort());
            }
            long t0 = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> client.receive(got, 0, got.length, Duration.ofMillis(100)));
            assertTrue(System.nanoTime() - t0 >= 90_000_000L, "waited for the timeout");
            server.close(); // wakes the blocked receive
            assertEquals(200, echoed.get(5, TimeUnit.SECONDS));
            client.close();
            client.close();
            assertThrows(SocketException.class, () -> client.send(TwoStacks.B, 7, new byte[1]));
        }
    }

    @Test
    void aConnectedSocketLearnsThatNobodyListens() throws Exception {
        try (TwoStacks n = new TwoStacks(TwoStacks.config(256 * 1024, 16 * 1024, 16 * 1024))) {
            BlockingUdpSocket client = BlockingUdpSocket.open(n.runner, n.a, 0, 0);
            client.connect(TwoStacks.B, 9999);
            assertTrue(client.send(TwoStacks.B, 9999, new byte[10]));
            byte[] buf = new byte[100];
            assertThrows(PortUnreachableException.class, () -> client.receive(buf, 0, buf.length, Duration.ofSeconds(5)));
            client.close();
        }
    }
}
