package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import net.sloop.sim.Impairments;
import net.sloop.stack.StackConfig;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * Buffer autotuning in simulated time: 8 MB over a 200 Mbit/s link with a 20 ms round trip
 * (a bandwidth-delay product of 500 KB, thirty times the 16 KiB buffers a connection starts
 * with). With the defaults the buffers grow with use (the receiver's with what its application
 * reads per round trip, the sender's with its congestion window) and the transfer runs several
 * times faster than with fixed 16 KiB buffers; a slow reader's buffer does not grow; fixed
 * buffers stay fixed. Memory returns to the baseline after each.
 */
class TcpAutotuneTest {
    static final int BYTES = 8_000_000;
    static final Impairments LINK = Impairments.none().withDelay(Time.millis(10)).withBandwidth(200_000_000L, 4 << 20);

    /** Moves BYTES from A to B, B reading everything it can each step; returns the simulated nanoseconds taken. */
    private static long transfer(TcpPair p, TcpSocket[] ends) throws Exception {
        TcpSocket c = ends[0], s = ends[1];
        byte[] data = new byte[BYTES];
        new Random(7).nextBytes(data);
        ByteArrayOutputStream got = new ByteArrayOutputStream(BYTES);
        int[] sent = {0};
        long t0 = p.net.now();
        assertTrue(p.runUntil(() -> {
            try {
                if (sent[0] < BYTES) sent[0] += c.write(data, sent[0], BYTES - sent[0]);
                TcpPair.drain(s, got);
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            return got.size() == BYTES;
        }, Time.seconds(120)), "moved " + got.size());
        long took = p.net.now() - t0;
        assertArrayEquals(data, got.toByteArray());
        return took;
    }

    private static TcpSocket[] open(TcpPair p) throws TcpException {
        TcpListener l = p.b.tcp().listen(0, 80);
        TcpSocket c = p.a.tcp().connect(TcpPair.B, 80);
        TcpSocket[] s = new TcpSocket[1];
        assertTrue(p.runUntil(() -> (s[0] = s[0] != null ? s[0] : l.accept()) != null && c.isConnected(), Time.seconds(5)));
        l.close();
        return new TcpSocket[] {c, s[0]};
    }

    private static void close(TcpPair p, TcpSocket[] ends) {
        ends[0].close();
        assertTrue(p.runUntil(() -> ends[1].inputEnded(), Time.seconds(5)));
        ends[1].close();
        assertTrue(p.runUntil(() -> ends[0].isEnded() && ends[1].isEnded(), Time.seconds(5)));
        p.finish();
    }

    private static StackConfig config(TcpConfig.Builder t) {
        return StackConfig.builder().budget(16 << 20).tcp(t.secret(42).build()).build();
    }

    @Test
    void buffersGrowWithUseAndTheTransferIsSeveralTimesFasterThanWithFixedBuffers() throws Exception {
        TcpPair tuned = new TcpPair(1, config(TcpConfig.builder()), LINK);
        TcpSocket[] t = open(tuned);
        assertEquals(16 * 1024, t[0].sendBuffer(), "starts at the default");
        assertEquals(16 * 1024, t[1].receiveBuffer(), "starts at the default");
        long autotuned = transfer(tuned, t);
        int grownSend = t[0].sendBuffer(), grownReceive = t[1].receiveBuffer();
        close(tuned, t);

        TcpPair fixed = new TcpPair(1, config(TcpConfig.builder().sendBuffer(16 * 1024).receiveBuffer(16 * 1024)), LINK);
        TcpSocket[] f = open(fixed);
        long fixedTook = transfer(fixed, f);
        assertEquals(16 * 1024, f[0].sendBuffer(), "fixed buffers stay fixed");
        assertEquals(16 * 1024, f[1].receiveBuffer(), "fixed buffers stay fixed");
        close(fixed, f);

        System.out.printf("autotune: 8 MB at 200 Mbit/s, 20 ms RTT: %.2f s autotuned (send buffer %d, receive %d), %.2f s fixed 16 KiB%n",
                autotuned / 1e9, grownSend, grownReceive, fixedTook / 1e9);
        assertTrue(grownReceive >= 256 * 1024, "the receive buffer grew to " + grownReceive);
        assertTrue(grownSend >= 256 * 1024, "the send buffer grew to " + grownSend);
        assertTrue(grownReceive <= TcpConfig.AUTOTUNE_MAX && grownSend <= TcpConfig.AUTOTUNE_MAX);
        assertTrue(fixedTook > 4 * autotuned, "autotuned " + autotuned / 1e9 + " s against fixed " + fixedTook / 1e9 + " s");
    }

    @Test
    void skippingIsReadingWithoutTheCopy() throws Exception {
        // A receiver that drops what it gets (TcpSocket.skip, the discard service's way) opens
        // the window and grows its buffer as a reader does, sees the end of stream, and frees
        // the blocks: memory is back at the baseline once both ends have closed.
        TcpPair p = new TcpPair(3, config(TcpConfig.builder()), LINK);
        TcpSocket[] e = open(p);
        byte[] data = new byte[BYTES];
        long[] skipped = {0};
        int[] sent = {0};
        boolean[] ended = {false};
        assertTrue(p.runUntil(() -> {
            try {
                if (sent[0] < BYTES) {
                    sent[0] += e[0].write(data, sent[0], BYTES - sent[0]);
                    if (sent[0] == BYTES) e[0].shutdownOutput();
                }
                int n;
                while ((n = e[1].skip(Integer.MAX_VALUE)) > 0) skipped[0] += n;
                ended[0] = n < 0;
            } catch (TcpException x) {
                throw new AssertionError(x);
            }
            return ended[0];
        }, Time.seconds(120)), "skipped " + skipped[0]);
        assertEquals(BYTES, skipped[0]);
        assertEquals(-1, e[1].skip(10), "the end of stream stays");
        assertTrue(e[1].receiveBuffer() >= 256 * 1024, "the receive buffer grew to " + e[1].receiveBuffer());
        close(p, e);
    }

    @Test
    void aSlowReadersBufferDoesNotGrow() throws Exception {
        TcpPair p = new TcpPair(2, config(TcpConfig.builder()), LINK);
        TcpSocket[] e = open(p);
        byte[] data = new byte[100_000];
        byte[] small = new byte[1024];
        int sent = 0, got = 0;
        // 1 KiB every 10 ms: 100 KB/s, far below what the link carries.
        for (int step = 0; step < 2000 && got < data.length; step++) {
            if (sent < data.length) sent += e[0].write(data, sent, data.length - sent);
            int n = e[1].read(small);
            if (n > 0) got += n;
            p.run(Time.millis(10));
        }
        assertEquals(data.length, got);
        assertEquals(16 * 1024, e[1].receiveBuffer(), "a reader that never keeps up earns no larger buffer");
        close(p, e);
    }
}
