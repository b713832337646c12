package net.sloop.link;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.testing.LeakCheck;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/** Two stacks joined back to back by a {@link PairLink}: frames cross on the peer's poll, TCP moves data intact. */
class PairLinkTransferTest {
    @Test
    void framesCrossOnThePeersPollAndOverflowIsCounted() {
        PairLink[] p = PairLink.pair("pair", 1500, 2000);
        int[] got = {0, 0};
        p[0].attach((now, src, off, len) -> got[0] += len);
        p[1].attach((now, src, off, len) -> got[1] += len);
        MemorySegment f = MemorySegment.ofArray(new byte[1500]);
        assertTrue(p[0].transmit(1, f, 0, 100));
        assertFalse(p[0].pending(), "a frame a sends waits at b");
        assertTrue(p[1].pending());
        assertEquals(0, p[0].poll(1));
        assertEquals(1, p[1].poll(1));
        assertEquals(100, got[1]);
        assertTrue(p[0].transmit(1, f, 0, 1500));
        assertFalse(p[0].transmit(1, f, 0, 1500), "b's 2000-byte queue holds one such frame");
        assertFalse(p[1].transmit(1, f, 0, 1501), "longer than the MTU");
        assertEquals(1, p[1].dropped());
        assertEquals(1, p[0].dropped());
        assertEquals(Link.Kind.IP, p[0].kind());
        assertEquals(1500, p[1].mtu());
    }

    @Test
    void tcpMovesAMegabyteIntactOverALargeMtu() throws Exception {
        PairLink[] link = PairLink.pair("pair", 9000, 1 << 20);
        StackConfig cfg = StackConfig.builder().budget(1 << 20).blockSize(2048).maxMtu(9000)
                .tcp(TcpConfig.builder().secret(1).sendBuffer(64 * 1024).receiveBuffer(64 * 1024).build()).build();
        Stack a = new Stack(cfg), b = new Stack(cfg);
        LeakCheck.track(a.budget());
        LeakCheck.track(b.budget());
        LeakCheck.closeLater(a);
        LeakCheck.closeLater(b);
        a.addInterface(link[0], "10.0.0.1/24");
        b.addInterface(link[1], "10.0.0.2/24");
        long[] now = {1};
        Runnable pump = () -> {
            do {
                now[0] += 1000;
                a.poll(now[0]);
                b.poll(now[0]);
            } while (link[0].pending() || link[1].pending());
        };
        TcpListener l = b.tcp().listen(0, 80);
        TcpSocket c = a.tcp().connect(Ipv4Address.parse("10.0.0.2"), 80);
        pump.run();
        TcpSocket s = l.accept();
        assertNotNull(s);
        assertTrue(c.isConnected());
        byte[] data = new byte[1 << 20];
        new Random(3).nextBytes(data);
        byte[] got = new byte[data.length];
        int sent = 0, received = 0;
        for (int round = 0; received < data.length && round < 100_000; round++) {
            if (sent < data.length) sent += c.write(data, sent, data.length - sent);
            pump.run();
            int n;
            while (received < got.length && (n = s.read(got, received, got.length - received)) > 0) received += n;
        }
        assertArrayEquals(data, got);
        assertEquals(0, link[0].dropped() + link[1].dropped());
        assertTrue(a.tcp().counters().segmentsSent < 2 * (data.length / 8000), "large segments: " + a.tcp().counters().segmentsSent);
        c.close();
        pump.run();
        s.close();
        pump.run();
        l.close();
        assertTrue(c.isEnded() && s.isEnded());
        a.drain();
        b.drain();
        LeakCheck.verifyNow();
    }
}
