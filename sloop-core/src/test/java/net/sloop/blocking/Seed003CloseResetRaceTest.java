package net.sloop.blocking;

import static org.junit.jupiter.api.Assertions.*;

import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import net.sloop.tcp.TcpError;
import org.junit.jupiter.api.Test;

/**
 * Seed 003: "Close from the application and reset from the peer in every order, repeated 10,000
 * times across two threads: no double free, no leak." Each iteration establishes a connection;
 * then an application thread ends its socket X (close, abort, or shutdownOutput then close) while
 * the peer aborts Y, whose reset the runner's thread processes: X first, the reset first, or both
 * released together from a latch. Some iterations have a reader blocked on X, some unread data at
 * X. After every iteration both budgets are exactly where they were before it.
 */
class Seed003CloseResetRaceTest {
    static final int ITERATIONS = 10_000;

    @Test
    void closeAndPeerResetInEveryOrderLeaveNothingBehind() throws Exception {
        TwoStacks n = new TwoStacks(TwoStacks.config(256 * 1024, 16 * 1024, 16 * 1024));
        BlockingServerSocket server = n.tb.listen(0, 80, 16);
        long idleA = n.locked(() -> n.a.budget().used()), idleB = n.locked(() -> n.b.budget().used());
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        AtomicInteger readersClosed = new AtomicInteger(), readersReset = new AtomicInteger();
        int[] orders = new int[3], ops = new int[3];
        byte[] junk = new byte[1000];
        long t0 = System.nanoTime();
        for (int i = 0; i < ITERATIONS; i++) {
            BlockingSocket c = n.ta.connect(TwoStacks.B, 80, Duration.ofSeconds(5));
            BlockingSocket s = server.accept(Duration.ofSeconds(5));
            boolean xIsClient = (i & 1) == 0;
            BlockingSocket x = xIsClient ? c : s, y = xIsClient ? s : c;
            int op = (i >> 1) % 3;
            int order = (i / 6) % 3;
            ops[op]++;
            orders[order]++;
            if (i % 7 == 0) y.write(junk); // unread data at X: its close becomes a reset
            Thread reader = null;
            if (i % 4 == 3) {
                reader = Thread.ofVirtual().start(() -> {
                    try {
                        byte[] b = new byte[2000];
                        while (x.read(b) >= 0) {}
                        unexpected.add(new AssertionError("end of stream: the peer never sends a FIN"));
                    } catch (SocketException e) {
                        if ("socket closed".equals(e.getMessage())) readersClosed.incrementAndGet();
                        else if (TcpError.of(e) == TcpError.RESET) readersReset.incrementAndGet();
                        else unexpected.add(e);
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                });
            }
            Runnable endX = () -> {
                try {
                    switch (op) {
                        case 0 -> x.close();
                        case 1 -> x.abort();
                        default -> {
                            x.shutdownOutput();
                            x.close();
                        }
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            };
            switch (order) {
                case 0 -> { // the application first, then the peer's reset
                    endX.run();
                    y.abort();
                }
                case 1 -> { // the peer's reset processed first, then the application
                    y.abort();
                    if (!n.settle(() -> x.tcpSocket().isEnded() || x.isClosed(), Duration.ofSeconds(5))) fail("reset not processed, iteration " + i);
                    endX.run();
                }
                default -> { // race: both threads released together, the runner processing the reset meanwhile
                    CountDownLatch go = new CountDownLatch(1);
                    Thread tx = Thread.ofVirtual().start(() -> {
                        awaitQuietly(go);
                        endX.run();
                    });
                    Thread ty = Thread.ofVirtual().start(() -> {
                        awaitQuietly(go);
                        y.abort();
                    });
                    go.countDown();
                    tx.join();
                    ty.join();
                }
            }
            if (reader != null) {
                reader.join(5000);
                assertFalse(reader.isAlive(), "a blocked reader did not wake, iteration " + i);
            }
            x.close();
            y.close();
            y.abort();
            final int it = i;
            if (!n.settle(() -> n.a.budget().used() == idleA && n.b.budget().used() == idleB && n.quiet(), Duration.ofSeconds(5))) {
                fail("iteration " + it + " (op " + op + ", order " + order + ", x is " + (xIsClient ? "client" : "server") + ") left memory behind\n"
                        + n.locked(() -> n.a.budget().leakReport() + n.b.budget().leakReport()) + n.report());
            }
            if (!unexpected.isEmpty()) {
                AssertionError e = new AssertionError("unexpected exceptions in iteration " + i);
                unexpected.forEach(e::addSuppressed);
                throw e;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long failuresA = n.locked(() -> n.a.budget().failures()), failuresB = n.locked(() -> n.b.budget().failures());
        assertEquals(0, failuresA + failuresB, "no allocation failed");
        String counters = n.locked(() -> "A resets sent " + n.a.tcp().counters().resetsSent + " received " + n.a.tcp().counters().resetsReceived
                + ", B resets sent " + n.b.tcp().counters().resetsSent + " received " + n.b.tcp().counters().resetsReceived);
        System.out.printf("seed 003: %,d iterations in %.1f s (%.0f us each); ops close/abort/shutdown+close %d/%d/%d; orders app-first/reset-first/race %d/%d/%d;"
                        + " blocked readers woken by close %d, by reset %d; %s; budgets back at their idle level after every iteration%n",
                ITERATIONS, secs, secs * 1e6 / ITERATIONS, ops[0], ops[1], ops[2], orders[0], orders[1], orders[2],
                readersClosed.get(), readersReset.get(), counters);
        server.close();
    }

    static void awaitQuietly(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
