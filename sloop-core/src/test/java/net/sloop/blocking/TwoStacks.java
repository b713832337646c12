package net.sloop.blocking;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import net.sloop.link.PairLink;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.wire.Ipv4Address;

/**
 * Two stacks, A (10.9.0.1) and B (10.9.0.2), joined by a {@link PairLink} and driven in real time
 * by one {@link StackRunner}. Both budgets are tracked by {@link LeakCheck}; at the end of the
 * test the runner is stopped and the stacks drained.
 */
final class TwoStacks implements AutoCloseable {
    static final int A = Ipv4Address.parse("10.9.0.1");
    static final int B = Ipv4Address.parse("10.9.0.2");

    final Stack a, b;
    final PairLink[] link;
    final StackRunner runner;
    final BlockingTcp ta, tb;
    private boolean closed;

    TwoStacks(StackConfig ca, StackConfig cb) {
        this(ca, cb, 1500);
    }

    TwoStacks(StackConfig ca, StackConfig cb, int mtu) {
        a = new Stack(ca);
        b = new Stack(cb);
        LeakCheck.track(a.budget());
        LeakCheck.track(b.budget());
        link = PairLink.pair("p", mtu, 512 * 1024);
        a.addInterface(link[0], A, 24);
        b.addInterface(link[1], B, 24);
        runner = StackRunner.start(a, b);
        ta = new BlockingTcp(runner, a);
        tb = new BlockingTcp(runner, b);
        LeakCheck.closeLater(this);
    }

    TwoStacks(StackConfig c) {
        this(c, c);
    }

    static StackConfig config(long budget, int sendBuffer, int receiveBuffer) {
        return config(budget, sendBuffer, receiveBuffer, 1500);
    }

    static StackConfig config(long budget, int sendBuffer, int receiveBuffer, int mtu) {
        return StackConfig.builder().budget(budget).maxMtu(mtu)
                .tcp(TcpConfig.builder().sendBuffer(sendBuffer).receiveBuffer(receiveBuffer).build()).build();
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
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
    }

    /**
     * No connection left on either stack and nothing held for one: no socket, out-of-order or
     * receive blocks, no commitments (listeners and TIME_WAIT records may remain).
     */
    boolean quiet() {
        return quiet(a) && quiet(b);
    }

    static boolean quiet(Stack s) {
        var m = s.budget();
        return s.tcp().connections() == 0 && m.committedBlocks() == 0 && m.used(Category.SOCKET_SEND) == 0
                && m.used(Category.SOCKET_RECEIVE) == 0 && m.used(Category.OUT_OF_ORDER) == 0 && m.used(Category.RX) == 0;
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
        runner.lock(); // socket events fire while draining; they expect the lock
        try {
            a.drain();
            b.drain();
        } finally {
            runner.unlock();
        }
    }
}
