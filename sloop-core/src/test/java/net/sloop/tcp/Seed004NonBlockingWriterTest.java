package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.*;

import java.security.MessageDigest;
import java.util.Random;
import net.sloop.mem.Category;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * Seed 004, event-driven half, in simulated time: "A writer ten times faster than the reader:
 * the non-blocking writer gets would-block and a wake-up; memory stays bounded." The writer
 * offers 10 KB per simulated millisecond and writes only after a WRITABLE event once refused; the
 * reader takes 1 KB per millisecond.
 */
class Seed004NonBlockingWriterTest {
    @Test
    void theNonBlockingWriterGetsWouldBlockThenAWakeUpAndMemoryStaysBounded() throws Exception {
        int sendBuffer = 16 * 1024;
        TcpPair p = new TcpPair(44, TcpPair.config(256 * 1024).tcp(TcpConfig.builder().secret(44).sendBuffer(sendBuffer).receiveBuffer(8192).build()).build(),
                SeedScenariosTest.WIRE);
        TcpListener l = p.b.tcp().listen(0, 4004);
        TcpSocket w = p.a.tcp().connect(TcpPair.B, 4004);
        TcpSocket[] r = new TcpSocket[1];
        assertTrue(p.runUntil(() -> (r[0] = r[0] != null ? r[0] : l.accept()) != null && w.isConnected(), Time.seconds(5)));
        byte[] data = new byte[1_000_000];
        new Random(4).nextBytes(data);
        int[] written = {0}, wouldBlock = {0}, wakeups = {0};
        boolean[] canWrite = {true};
        w.setListener((s, ev) -> {
            if ((ev & TcpSocket.WRITABLE) != 0) {
                wakeups[0]++;
                canWrite[0] = true;
            }
        });
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long[] got = {0}, maxSend = {0}, maxLead = {0};
        byte[] buf = new byte[1024];
        long start = p.net.now();
        long[] tick = {start};
        // A pacemaker: the applications act once per simulated millisecond.
        p.net.addNode(now -> {
            while (tick[0] <= now) tick[0] += Time.millis(1);
            return tick[0];
        });
        long[] lastStep = {start - Time.millis(1)};
        assertTrue(p.runUntil(() -> {
            long now = p.net.now();
            if (now - lastStep[0] < Time.millis(1)) return false;
            lastStep[0] = now;
            try {
                // Writer: offers 10 KB a millisecond, but only when it has been told it may.
                int offer = Math.min(10 * 1024, data.length - written[0]);
                if (canWrite[0] && offer > 0) {
                    int n = w.write(data, written[0], offer);
                    written[0] += n;
                    if (n < offer) {
                        wouldBlock[0]++;
                        canWrite[0] = false; // wait for WRITABLE
                    }
                }
                if (written[0] == data.length && w.state() == TcpState.ESTABLISHED) w.shutdownOutput();
                // Reader: 1 KB a millisecond.
                int n = r[0].read(buf);
                if (n > 0) {
                    md.update(buf, 0, n);
                    got[0] += n;
                }
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            maxSend[0] = Math.max(maxSend[0], p.a.budget().used(Category.SOCKET_SEND));
            maxLead[0] = Math.max(maxLead[0], written[0] - got[0]);
            return got[0] == data.length;
        }, Time.seconds(30)), () -> "received " + got[0] + " of " + data.length + ", written " + written[0]);
        assertArrayEquals(Pump.sha256(data), md.digest());
        int bs = p.a.budget().blockSize();
        long bound = (long) ((sendBuffer + bs - 1) / bs) * bs; // the buffer, in whole blocks
        long peak = p.a.budget().peak(Category.SOCKET_SEND);
        System.out.printf("seed 004 event-driven: 1 MB in %.2f s simulated; %d would-blocks, %d WRITABLE wake-ups; SOCKET_SEND peak %,d bytes (sampled %,d; send buffer %,d, bound %,d); writer's lead at most %,d%n",
                (p.net.now() - start) / 1e9, wouldBlock[0], wakeups[0], peak, maxSend[0], sendBuffer, bound, maxLead[0]);
        assertTrue(wouldBlock[0] > 0, "the writer was refused");
        assertTrue(wakeups[0] >= wouldBlock[0] - 1, "each refusal was followed by a wake-up: " + wakeups[0] + " for " + wouldBlock[0]);
        assertTrue(peak <= bound, "send blocks peaked at " + peak + ", bound " + bound);
        assertTrue(maxLead[0] <= sendBuffer + 8192 + 10 * 1024, "lead " + maxLead[0]);
        assertEquals(0, p.a.budget().failures());
        w.close();
        assertTrue(p.runUntil(() -> {
            try {
                return r[0].read(buf) < 0;
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
        }, Time.seconds(5)));
        r[0].close();
        l.close();
        p.finish();
    }
}
