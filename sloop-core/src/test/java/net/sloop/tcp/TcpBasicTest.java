package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import net.sloop.sim.Impairments;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/** Connection life cycles between two stacks in simulated time, on a clean link. */
class TcpBasicTest {
    static byte[] data(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void connectTransferBothWaysAndCloseReturnsToBaseline() throws Exception {
        TcpPair p = new TcpPair(1, TcpPair.config(256 * 1024).build(), Impairments.none().withDelay(Time.millis(1)));
        TcpListener l = p.b.tcp().listen(0, 80);
        TcpSocket c = p.a.tcp().connect(TcpPair.B, 80);
        TcpSocket[] s = new TcpSocket[1];
        assertTrue(p.runUntil(() -> (s[0] = s[0] != null ? s[0] : l.accept()) != null && c.isConnected(), Time.seconds(5)));
        assertEquals(TcpState.ESTABLISHED, c.state());
        assertEquals(TcpState.ESTABLISHED, s[0].state());

        byte[] up = data(100_000, 1), down = data(70_000, 2);
        ByteArrayOutputStream gotB = new ByteArrayOutputStream(), gotA = new ByteArrayOutputStream();
        int[] sent = {0, 0};
        assertTrue(p.runUntil(() -> {
            try {
                if (sent[0] < up.length) sent[0] += c.write(up, sent[0], up.length - sent[0]);
                if (sent[1] < down.length) sent[1] += s[0].write(down, sent[1], down.length - sent[1]);
                TcpPair.drain(s[0], gotB);
                TcpPair.drain(c, gotA);
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            return gotB.size() == up.length && gotA.size() == down.length;
        }, Time.seconds(30)), "moved " + gotB.size() + " up and " + gotA.size() + " down");
        assertArrayEquals(up, gotB.toByteArray());
        assertArrayEquals(down, gotA.toByteArray());

        c.close();
        assertTrue(p.runUntil(() -> s[0].inputEnded(), Time.seconds(5)));
        assertEquals(-1, s[0].read(new byte[10]));
        s[0].close();
        assertTrue(p.runUntil(() -> c.isEnded() && s[0].isEnded(), Time.seconds(5)));
        assertEquals(TcpState.TIME_WAIT, c.state(), "the side that closed first waits");
        assertEquals(1, p.a.tcp().timeWaitRecords());
        assertEquals(0, p.a.tcp().connections());
        assertEquals(0, p.b.tcp().connections());
        l.close();
        p.run(Time.seconds(61));
        assertEquals(0, p.a.tcp().timeWaitRecords(), "TIME_WAIT ends after 60 s");
        p.finish();
    }

    @Test
    void connectToAClosedPortIsRefused() throws Exception {
        TcpPair p = new TcpPair(2, TcpPair.config(128 * 1024).build(), Impairments.none().withDelay(Time.millis(1)));
        TcpSocket c = p.a.tcp().connect(TcpPair.B, 81);
        assertTrue(p.runUntil(c::isEnded, Time.seconds(5)));
        assertEquals(TcpError.REFUSED, c.error());
        TcpException e = assertThrows(TcpException.class, () -> c.read(new byte[1]));
        assertEquals(TcpError.REFUSED, e.error());
        c.close();
        c.close();
        p.finish();
    }

    @Test
    void abortSendsResetAndBothSidesFreeEverything() throws Exception {
        TcpPair p = new TcpPair(3, TcpPair.config(128 * 1024).build(), Impairments.none().withDelay(Time.millis(1)));
        TcpListener l = p.b.tcp().listen(0, 80);
        TcpSocket c = p.a.tcp().connect(TcpPair.B, 80);
        TcpSocket[] s = new TcpSocket[1];
        assertTrue(p.runUntil(() -> (s[0] = s[0] != null ? s[0] : l.accept()) != null && c.isConnected(), Time.seconds(5)));
        c.write(data(3000, 3));
        c.abort();
        c.abort();
        c.close();
        assertTrue(p.runUntil(() -> s[0].isEnded(), Time.seconds(5)));
        assertEquals(TcpError.RESET, s[0].error());
        s[0].close();
        l.close();
        p.finish();
    }

    @Test
    void closingAListenerResetsAndFreesConnectionsNotYetAccepted() throws Exception {
        TcpPair p = new TcpPair(4, TcpPair.config(128 * 1024).build(), Impairments.none().withDelay(Time.millis(1)));
        TcpListener l = p.b.tcp().listen(0, 21);
        TcpSocket[] c = new TcpSocket[3];
        for (int i = 0; i < 3; i++) c[i] = p.a.tcp().connect(TcpPair.B, 21);
        assertTrue(p.runUntil(() -> l.pending() == 3, Time.seconds(5)));
        long before = p.b.budget().used();
        l.close();
        assertEquals(0, p.b.tcp().connections(), "freed at once");
        assertTrue(p.b.budget().used() < before);
        assertTrue(p.runUntil(() -> Arrays.stream(c).allMatch(TcpSocket::isEnded), Time.seconds(5)));
        for (TcpSocket x : c) {
            assertEquals(TcpError.RESET, x.error());
            x.close();
        }
        p.finish();
    }
}
