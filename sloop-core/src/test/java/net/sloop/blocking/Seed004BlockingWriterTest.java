package net.sloop.blocking;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import net.sloop.mem.Category;
import net.sloop.stack.StackConfig;
import org.junit.jupiter.api.Test;

/**
 * Seed 004, blocking half: "A writer ten times faster than the reader: the blocking writer waits
 * and resumes; memory stays bounded." First the writer's own speed is measured with a reader that
 * keeps up; then 5 MB go to a reader paced at a tenth of that. The writer must spend most of its
 * time blocked (woken by WRITABLE events), all data must arrive intact, and the sender's send
 * blocks never exceed its send buffer rounded up to blocks.
 */
class Seed004BlockingWriterTest {
    static final int SEND_BUFFER = 64 * 1024, RECEIVE_BUFFER = 64 * 1024, MTU = 9000;

    @Test
    void aWriterTenTimesFasterThanItsReaderWaitsAndResumesInBoundedMemory() throws Exception {
        StackConfig config = TwoStacks.config(1024 * 1024, SEND_BUFFER, RECEIVE_BUFFER, MTU);
        TwoStacks n = new TwoStacks(config, config, MTU);
        BlockingServerSocket server = n.tb.listen(0, 4004, 4);
        CompletableFuture<BlockingSocket> acc = BlockingEchoTest.virtual(() -> server.accept(Duration.ofSeconds(5)));
        BlockingSocket w = n.ta.connect(TwoStacks.B, 4004, Duration.ofSeconds(5));
        BlockingSocket r = acc.get(5, TimeUnit.SECONDS);
        int bs = n.a.budget().blockSize();

        // 1. The writer's pace with a reader that keeps up (4 MB).
        byte[] warm = BlockingEchoTest.data(4 * 1024 * 1024, 3);
        long t0 = System.nanoTime();
        CompletableFuture<Void> fastWriter = BlockingEchoTest.virtual(() -> {
            w.write(warm);
            return null;
        });
        byte[] buf = new byte[16 * 1024];
        for (int got = 0; got < warm.length; ) got += r.read(buf, 0, Math.min(buf.length, warm.length - got));
        fastWriter.get(10, TimeUnit.SECONDS);
        double fastRate = warm.length / ((System.nanoTime() - t0) / 1e9);

        // 2. 5 MB to a reader paced at a tenth of that.
        byte[] data = BlockingEchoTest.data(5 * 1024 * 1024, 4);
        double slowRate = fastRate / 10;
        long waitsBefore = w.writeWaits(), wakeupsBefore = w.writeWakeups();
        AtomicLong written = new AtomicLong(), read = new AtomicLong(), maxLead = new AtomicLong();
        long[] blockedNanos = {0}, longestWrite = {0};
        long start = System.nanoTime();
        CompletableFuture<Long> writer = BlockingEchoTest.virtual(() -> {
            OutputStream out = w.getOutputStream();
            for (int off = 0; off < data.length; off += 64 * 1024) {
                int len = Math.min(64 * 1024, data.length - off);
                long a = System.nanoTime();
                out.write(data, off, len);
                long took = System.nanoTime() - a;
                blockedNanos[0] += took;
                longestWrite[0] = Math.max(longestWrite[0], took);
                written.addAndGet(len);
            }
            w.shutdownOutput();
            return System.nanoTime();
        });
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        InputStream in = r.getInputStream();
        byte[] small = new byte[4096];
        int k;
        long maxSend = 0;
        while ((k = in.read(small)) >= 0) {
            md.update(small, 0, k);
            long total = read.addAndGet(k);
            maxLead.accumulateAndGet(written.get() - total, Math::max);
            // Pace: sleep until the reader's average is down to slowRate.
            long due = start + (long) (total / slowRate * 1e9);
            long now = System.nanoTime();
            if (due > now) LockSupport.parkNanos(due - now);
            maxSend = Math.max(maxSend, n.locked(() -> n.a.budget().used(Category.SOCKET_SEND)));
        }
        long readerDone = System.nanoTime();
        long writerDone = writer.get(30, TimeUnit.SECONDS);
        double secs = (readerDone - start) / 1e9;
        assertEquals(data.length, read.get());
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), md.digest(), "data intact");

        long waits = w.writeWaits() - waitsBefore, wakeups = w.writeWakeups() - wakeupsBefore;
        long peakSend = n.locked(() -> n.a.budget().peak(Category.SOCKET_SEND));
        // The send buffer limits bytes and the blocks holding them: the limit rounded up to blocks,
        // even when the oldest block is partly acknowledged (its freed head is not reused).
        long sendBound = (long) ((SEND_BUFFER + bs - 1) / bs) * bs;
        System.out.printf("seed 004 blocking: writer alone %.1f MB/s, reader paced at %.1f MB/s; 5 MB in %.2f s; writer blocked %.2f s (%.0f%%) in %d waits"
                        + " woken by %d WRITABLE events, longest write %.0f ms, finished %.0f ms before the reader; lead at most %,d bytes;"
                        + " SOCKET_SEND peak %,d bytes (sampled max %,d; send buffer %,d, bound %,d in %d-byte blocks); budget peaks A %,d B %,d of %,d%n",
                fastRate / 1e6, slowRate / 1e6, secs, blockedNanos[0] / 1e9, 100.0 * blockedNanos[0] / (writerDone - start), waits, wakeups,
                longestWrite[0] / 1e6, (readerDone - writerDone) / 1e6, maxLead.get(), peakSend, maxSend, SEND_BUFFER, sendBound, bs,
                n.a.budget().peak(), n.b.budget().peak(), n.a.budget().capacity());
        assertTrue(waits > 0, "the writer waited");
        assertTrue(wakeups >= waits, "every wait ended with an event: " + wakeups + " events for " + waits + " waits");
        assertTrue(blockedNanos[0] > 0.5 * (writerDone - start), "the writer spent most of its time blocked");
        assertTrue(readerDone - writerDone < 0.5 * (readerDone - start), "the writer could not run far ahead of the reader");
        assertTrue(peakSend <= sendBound, "send blocks peaked at " + peakSend + " bytes, more than the send buffer in whole blocks, " + sendBound);
        assertTrue(maxLead.get() <= SEND_BUFFER + RECEIVE_BUFFER + 64 * 1024 + 2 * bs, "writer's lead " + maxLead.get());
        assertEquals(0, n.a.budget().failures() + n.b.budget().failures());
        r.close();
        w.close();
        server.close();
        assertTrue(n.settle(n::quiet, Duration.ofSeconds(5)), n::report);
    }
}
