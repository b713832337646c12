package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import net.sloop.sim.Impairments;
import net.sloop.time.Time;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * 10 MB each way at once over a link with 5% loss, reordering, duplication and corruption: the
 * SHA-256 of what arrives equals what was sent, at both ends, and both budgets end at baseline.
 */
class TcpLossySimulationTest {
    static final int SIZE = 10 * 1000 * 1000;

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void tenMegabytesEachWayOverABadLink(long seed) throws Exception {
        Impairments imp = Impairments.none().withLoss(0.05).withDelay(Time.millis(2)).withJitter(Time.micros(300))
                .withReorder(0.05, Time.millis(3)).withDuplicate(0.05).withCorrupt(0.01);
        TcpPair p = new TcpPair(seed, TcpPair.config(256 * 1024).build(), imp);
        TcpListener l = p.b.tcp().listen(0, 5001);
        TcpSocket c = p.a.tcp().connect(TcpPair.B, 5001);
        TcpSocket[] s = new TcpSocket[1];
        assertTrue(p.runUntil(() -> (s[0] = s[0] != null ? s[0] : l.accept()) != null && c.isConnected(), Time.seconds(30)));
        byte[] up = new byte[SIZE], down = new byte[SIZE];
        new Random(seed).nextBytes(up);
        new Random(seed + 100).nextBytes(down);
        Pump pu = new Pump(c, s[0], up, true), pd = new Pump(s[0], c, down, true);
        boolean done = p.runUntil(() -> pu.step() & pd.step(), Time.seconds(600));
        assertTrue(done, "up " + pu.received + "/" + SIZE + ", down " + pd.received + "/" + SIZE + " at " + p.net.now() / 1e9 + " s\n"
                + p.a.report() + p.b.report());
        assertArrayEquals(Pump.sha256(up), pu.receivedHash());
        assertArrayEquals(Pump.sha256(down), pd.receivedHash());
        System.out.printf("seed %d: %.1f s simulated; A retransmitted %d segments (%d timeouts, %d fast), B %d%n", seed,
                p.net.now() / 1e9, p.a.tcp().counters().retransmittedSegments, p.a.tcp().counters().timeouts,
                p.a.tcp().counters().fastRetransmits, p.b.tcp().counters().retransmittedSegments);
        c.close();
        s[0].close();
        l.close();
        assertTrue(p.runUntil(() -> c.isEnded() && s[0].isEnded(), Time.seconds(120)));
        p.run(Time.seconds(61));
        p.finish();
    }
}
