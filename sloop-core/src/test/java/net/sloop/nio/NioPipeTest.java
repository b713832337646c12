package net.sloop.nio;

import static java.nio.channels.SelectionKey.OP_READ;
import static java.nio.channels.SelectionKey.OP_WRITE;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sloop's pipe: selectable with a Sloop selector, bounded, charged to the budget while open. */
class NioPipeTest {
    @Test
    void thePipesChargeCoversWhatItRetains() throws Exception {
        NioNet n = new NioNet(NioNet.config(128 * 1024, 8 * 1024));
        SloopPipe p = (SloopPipe) n.pa.openPipe();
        SloopPipe.Source src = (SloopPipe.Source) p.source();
        SloopPipe.Sink sink = (SloopPipe.Sink) p.sink();
        // The stack, its runner and its lock are shared; a condition of that lock is two references (counted by hand).
        long conditions = 2 * 16;
        try {
            net.sloop.testing.ChargeSizes.assertChargeCovers("nio pipe", p, SloopPipe.CHARGE - conditions, n.pa, src.net(), src.readable, sink.writable);
        } finally {
            src.close();
            sink.close();
        }
    }

    @Test
    void aPipeIsSelectableBoundedAndCharged() throws Exception {
        NioNet n = new NioNet(NioNet.config(128 * 1024, 8 * 1024));
        long before = n.locked(() -> n.a.budget().used());
        Pipe p = n.pa.openPipe();
        assertTrue(n.locked(() -> n.a.budget().used()) > before, "the pipe is charged");
        try (Selector s = n.pa.openSelector()) {
            p.source().configureBlocking(false);
            p.sink().configureBlocking(false);
            SelectionKey r = p.source().register(s, OP_READ);
            SelectionKey w = p.sink().register(s, OP_WRITE);
            assertEquals(1, s.selectNow());
            assertEquals(java.util.Set.of(w), s.selectedKeys());
            s.selectedKeys().clear();
            // Fill it: a non-blocking write takes what fits, then the sink is not writable.
            ByteBuffer big = ByteBuffer.allocate(10_000);
            new Random(1).nextBytes(big.array());
            assertEquals(SloopPipe.CAPACITY, p.sink().write(big));
            assertEquals(0, p.sink().write(big));
            assertEquals(1, s.selectNow());
            assertEquals(java.util.Set.of(r), s.selectedKeys());
            s.selectedKeys().clear();
            // A reader on another thread, with a selector of its own, drains it; the rest goes through in order.
            r.cancel();
            s.selectNow(); // the source leaves this selector
            CompletableFuture<byte[]> reader = NioSelectorTest.virtual(() -> {
                ByteBuffer got = ByteBuffer.allocate(10_000);
                try (Selector rs = n.pa.openSelector()) {
                    p.source().register(rs, OP_READ);
                    while (got.hasRemaining()) {
                        if (p.source().read(got) > 0) continue;
                        rs.select(2000);
                        rs.selectedKeys().clear();
                    }
                }
                return got.array();
            });
            while (big.hasRemaining()) {
                s.select(2000);
                s.selectedKeys().clear();
                p.sink().write(big);
            }
            assertArrayEquals(big.array(), reader.get(10, TimeUnit.SECONDS));
            p.sink().close();
            ByteBuffer end = ByteBuffer.allocate(1);
            assertEquals(-1, p.source().read(end), "end of stream once the sink is closed and the ring empty");
            p.source().close();
        }
        assertEquals(before, n.locked(() -> n.a.budget().used()), "closing both ends gives the charge back");
        Pipe q = n.pa.openPipe();
        q.source().close();
        assertThrows(IOException.class, () -> q.sink().write(ByteBuffer.allocate(1)), "broken pipe");
        q.sink().close();
        assertEquals(before, n.locked(() -> n.a.budget().used()));
    }
}
