package net.sloop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import net.sloop.blocking.BlockingTcp;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;

/**
 * One real-device test setup (the TUN device tests and the interop tests): a namespace of its own, a TUN or TAP device created here and moved
 * into it (nothing is ever sent in the root namespace: the device is configured and brought up
 * only there), host side 198.18.N.1/24, a Sloop stack at 198.18.N.2/24 on the device driven by a
 * {@link StackRunner}. {@link #close()} stops the runner, checks the stack's budget is back at
 * its baseline, closes the stack (and the device) and deletes the namespace, whatever failed.
 */
public final class TunRig implements AutoCloseable {
    public final Netns ns;
    public final TunLink link;
    public final Stack stack;
    public final StackRunner runner;
    public final BlockingTcp tcp;
    public final int mtu;
    private boolean closed;

    public TunRig(TunLink.Mode mode, long budget) throws IOException {
        this(mode, budget, 1500);
    }

    public TunRig(TunLink.Mode mode, long budget, int mtu) throws IOException {
        this(mode, StackConfig.builder().budget(budget).maxMtu(mtu).build(), "sloop-t", 0);
    }

    /**
     * A rig whose stack is built from {@code config} (the device's MTU is {@code config.maxMtu()}),
     * in a namespace "PREFIX-PID-N" with subnet 198.18.(base + N).0/24 (see {@link Netns}).
     */
    public TunRig(TunLink.Mode mode, StackConfig config, String prefix, int base) throws IOException {
        this(mode, config, prefix, base, TunLink.Options.defaults());
    }

    /** As {@link #TunRig(TunLink.Mode, StackConfig, String, int)}, the device opened with {@code options} (its MTU replaced by the config's). */
    public TunRig(TunLink.Mode mode, StackConfig config, String prefix, int base, TunLink.Options options) throws IOException {
        Netns.assumeDevices();
        this.mtu = config.maxMtu();
        Netns n = Netns.create(prefix, base);
        TunLink l = null;
        Stack s = null;
        try {
            l = TunLink.open(n.dev(mode == TunLink.Mode.TAP ? "slp" : "slt"), mode, options.mtu(mtu));
            HostNet.configureHostSide(n.name, l.name(), mtu, n.cidr(1));
            s = new Stack(config);
            LeakCheck.track(s.budget());
            s.addInterface(l, n.cidr(2));
        } catch (IOException | RuntimeException | Error e) {
            try {
                if (s != null) s.close();
                else if (l != null) l.close();
            } finally {
                n.close();
            }
            throw e;
        }
        this.ns = n;
        this.link = l;
        this.stack = s;
        this.runner = StackRunner.start(s);
        this.tcp = new BlockingTcp(runner, s);
        LeakCheck.closeLater(this);
    }

    public <T> T locked(java.util.function.Supplier<T> f) {
        runner.lock();
        try {
            return f.get();
        } finally {
            runner.unlock();
        }
    }

    /** Waits (real time) until {@code cond}, checked under the lock; false after {@code millis}. */
    public boolean settle(BooleanSupplier cond, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (true) {
            if (locked(cond::getAsBoolean)) return true;
            if (System.nanoTime() - deadline > 0) return false;
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }

    public String report() {
        return locked(stack::report);
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            runner.close();
            assertNull(runner.failure(), () -> "runner failed: " + runner.failure());
            runner.lock();
            try {
                stack.drain();
                assertEquals("", stack.budget().leakReport());
            } finally {
                runner.unlock();
            }
        } finally {
            try {
                stack.close(); // closes the device's descriptor: the device disappears
            } finally {
                ns.close();
            }
        }
    }
}
