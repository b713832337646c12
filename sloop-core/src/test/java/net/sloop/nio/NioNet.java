package net.sloop.nio;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import net.sloop.blocking.StackRunner;
import net.sloop.link.PairLink;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.wire.Ipv4Address;

/**
 * Two stacks, A (10.9.0.1) and B (10.9.0.2), joined by a {@link PairLink} and driven in real time
 * by one {@link StackRunner}, with a {@link SloopProvider} for each. Both budgets are tracked by
 * {@link LeakCheck}; at the end of the test the runner is stopped and the stacks drained.
 */
final class NioNet implements AutoCloseable {
    static final int A = Ipv4Address.parse("10.9.0.1");
    static final int B = Ipv4Address.parse("10.9.0.2");

    final Stack a, b;
    final StackRunner runner;
    final SloopProvider pa, pb;
    private boolean closed;

    NioNet(StackConfig c) {
        this(c, c);
    }

    NioNet(StackConfig ca, StackConfig cb) {
        a = new Stack(ca);
        b = new Stack(cb);
        LeakCheck.track(a.budget());
        LeakCheck.track(b.budget());
        PairLink[] link = PairLink.pair("p", 1500, 512 * 1024);
        a.addInterface(link[0], A, 24);
        b.addInterface(link[1], B, 24);
        runner = StackRunner.start(a, b);
        pa = SloopProvider.of(a, runner);
        pb = SloopProvider.of(b, runner);
        LeakCheck.closeLater(this);
    }

    static StackConfig config(long budget, int buffer) {
        return StackConfig.builder().budget(budget).maxMtu(1500)
                .tcp(TcpConfig.builder().sendBuffer(buffer).receiveBuffer(buffer).build()).build();
    }

    static InetSocketAddress at(int address, int port) {
        return new InetSocketAddress(Ipv4Address.toInet(address), port);
    }

    <T> T locked(Supplier<T> f) {
        runner.lock();
        try {
            return f.get();
        } finally {
            runner.unlock();
        }
    }

    /** Waits (real time) until {@code cond}, checked under the lock; false if {@code max} passed. */
    boolean settle(BooleanSupplier cond, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (locked(cond::getAsBoolean)) return true;
            if (System.nanoTime() - deadline > 0) return false;
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }

    /** No connection left on either stack and no socket, out-of-order or receive blocks, no commitments. */
    boolean quiet() {
        return quiet(a) && quiet(b);
    }

    static boolean quiet(Stack s) {
        var m = s.budget();
        return s.tcp().connections() == 0 && m.committedBlocks() == 0 && m.used(Category.SOCKET_SEND) == 0
                && m.used(Category.SOCKET_RECEIVE) == 0 && m.used(Category.OUT_OF_ORDER) == 0 && m.used(Category.RX) == 0;
    }

    /** Both budgets hold only what they held at start, TIME_WAIT records aside. */
    boolean atBaselineButTimeWait() {
        return atBaselineButTimeWait(a) && atBaselineButTimeWait(b);
    }

    static boolean atBaselineButTimeWait(Stack s) {
        var m = s.budget();
        return m.used() - m.used(Category.TIME_WAIT) == m.baseline() && m.committedBlocks() == 0;
    }

    String report() {
        return locked(() -> "A:\n" + a.report() + "\nB:\n" + b.report());
    }

    /** Stops the runner and drains both stacks (TIME_WAIT records, anything left open). Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        runner.close();
        if (runner.failure() != null) throw new AssertionError("runner failed", runner.failure());
        runner.lock();
        try {
            a.drain();
            b.drain();
        } finally {
            runner.unlock();
        }
    }
}
