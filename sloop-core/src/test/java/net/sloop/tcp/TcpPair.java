package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import net.sloop.testing.SimRun;
import java.io.ByteArrayOutputStream;
import java.util.function.BooleanSupplier;
import net.sloop.link.Link;
import net.sloop.sim.Impairments;
import net.sloop.sim.SimNetwork;
import net.sloop.sim.SimPort;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;

/**
 * Two stacks, A (198.18.0.1) and B (198.18.0.2), on a simulated Ethernet link, for TCP tests in
 * simulated time. Both budgets are tracked by {@link LeakCheck}; {@link #finish()} lets the
 * connections end on their own and checks nothing is left beyond the baseline.
 */
final class TcpPair {
    static final int A = Ipv4Address.parse("198.18.0.1");
    static final int B = Ipv4Address.parse("198.18.0.2");

    final SimNetwork net;
    final SimPort pa, pb;
    final Stack a, b;

    TcpPair(long seed, StackConfig config, Impairments imp) {
        this(seed, config, config, imp, 1500);
    }

    TcpPair(long seed, StackConfig ca, StackConfig cb, Impairments imp, int mtu) {
        net = new SimNetwork(seed);
        pa = net.port("a0", Link.Kind.ETHERNET, 0x020000000001L, mtu, imp);
        pb = net.port("b0", Link.Kind.ETHERNET, 0x020000000002L, mtu, imp);
        net.connect(pa, pb);
        a = new Stack(ca);
        b = new Stack(cb);
        LeakCheck.track(a.budget());
        LeakCheck.track(b.budget());
        a.addInterface(pa, A, 24);
        b.addInterface(pb, B, 24);
        net.addNode(a);
        net.addNode(b);
    }

    static StackConfig.Builder config(long budget) {
        return StackConfig.builder().budget(budget).tcp(TcpConfig.builder().secret(42).build());
    }

    /** Brings both stacks' clocks to the simulator's, for application calls between runs. */
    void sync() {
        a.advance(net.now());
        b.advance(net.now());
    }

    /**
     * Runs until {@code done}, which may act as the applications do (read, write, close): after it
     * runs, the stacks are polled again so that timers it armed are known to the simulator.
     */
    boolean runUntil(BooleanSupplier done, long forNanos) {
        return SimRun.until(net, this::sync, done, forNanos);
    }

    void run(long nanos) {
        net.runFor(nanos);
        sync();
    }

    /** Reads everything available from {@code s} into {@code out}; returns -1 at end of stream, else bytes read. */
    static int drain(TcpSocket s, ByteArrayOutputStream out) throws TcpException {
        byte[] buf = new byte[4096];
        int total = 0;
        while (true) {
            int n = s.read(buf);
            if (n < 0) return total == 0 ? -1 : total;
            if (n == 0) return total;
            out.write(buf, 0, n);
            total += n;
        }
    }

    /**
     * Lets the simulated time pass that connections need to end on their own (retransmission
     * limits, FIN_WAIT_2, TIME_WAIT), fails if one is still alive on either stack (naming its
     * state) or a TIME_WAIT record is left, then checks the budgets are at baseline. Nothing is
     * aborted for the test.
     */
    void finish() {
        run(settleNanos(a.config().tcp(), b.config().tcp()));
        for (Stack s : new Stack[] {a, b}) {
            String alive = Peer.alive(s.tcp());
            if (!alive.isEmpty()) fail("connections still alive when they should have ended: " + alive);
            assertEquals(0, s.tcp().timeWaitRecords(), "TIME_WAIT records left");
        }
        LeakCheck.verifyNow();
    }

    /** The simulated time within which any connection ends on its own, whatever the peer does. */
    static long settleNanos(TcpConfig... configs) {
        long t = 0;
        for (TcpConfig c : configs) {
            t = Math.max(t, c.timeWaitNanos() + c.finWait2Nanos() + (long) (c.maxRetransmits() + c.synRetries() + 2) * c.maxRtoNanos());
        }
        return t;
    }
}
