package net.sloop.testing;

import java.util.function.BooleanSupplier;
import net.sloop.fs.MemoryFs;
import net.sloop.link.Link;
import net.sloop.sim.Impairments;
import net.sloop.sim.SimNetwork;
import net.sloop.sim.SimPort;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;

/**
 * Three stacks on one simulated Ethernet segment with 1 ms of delay, in simulated time, as the
 * servers' tests use them: a client (198.18.0.1), a server (198.18.0.2) and a second client at
 * another address (198.18.0.3), and if asked a port with no stack to inject frames from. Every
 * budget is tracked by {@link LeakCheck}. A subclass starts
 * its server on {@link #server} and checks, at the end, what that server holds once idle;
 * {@link #runToEnd} first lets every connection end on its own.
 */
public class SimLan {
    public static final int CLIENT = Ipv4Address.parse("198.18.0.1");
    public static final int SERVER = Ipv4Address.parse("198.18.0.2");
    public static final int OTHER = Ipv4Address.parse("198.18.0.3");
    /** The wall clock in these tests: 2026-12-02 08:00:00 UTC. */
    public static final long WALL = java.time.Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();

    public static final long CLIENT_MAC = 0x020000000001L, SERVER_MAC = 0x020000000002L, OTHER_MAC = 0x020000000003L, INJECT_MAC = 0x020000000009L;

    public final SimNetwork net;
    /** The stacks' ports; {@code inject}, if asked for, a port on the same segment with no stack, for tests to send frames from. */
    public final SimPort pc, ps, po, inject;
    public final Stack client, server, other;

    /** The clients get 4 MiB each, the server {@code serverConfig}; 1 ms of delay each way ({@link #wire}). */
    protected SimLan(long seed, StackConfig serverConfig) {
        this(seed, StackConfig.builder().budget(4 << 20).tcp(TcpConfig.builder().secret(7).build()).build(), serverConfig, wire(), false);
    }

    /** {@code wire}: the impairments of every stack's port; {@code injectPort}: add {@link #inject}. */
    protected SimLan(long seed, StackConfig clientConfig, StackConfig serverConfig, Impairments wire, boolean injectPort) {
        net = new SimNetwork(seed);
        var lan = net.segment("lan");
        pc = net.port("c0", Link.Kind.ETHERNET, CLIENT_MAC, 1500, wire);
        ps = net.port("s0", Link.Kind.ETHERNET, SERVER_MAC, 1500, wire);
        po = net.port("o0", Link.Kind.ETHERNET, OTHER_MAC, 1500, wire);
        lan.join(pc).join(ps).join(po);
        inject = injectPort ? net.port("x0", Link.Kind.ETHERNET, INJECT_MAC, 1500, Impairments.none()) : null;
        if (inject != null) lan.join(inject);
        client = new Stack(clientConfig);
        server = new Stack(serverConfig);
        other = new Stack(clientConfig);
        LeakCheck.track(client.budget());
        LeakCheck.track(server.budget());
        LeakCheck.track(other.budget());
        client.addInterface(pc, CLIENT, 24);
        server.addInterface(ps, SERVER, 24);
        other.addInterface(po, OTHER, 24);
        net.addNode(client);
        net.addNode(server);
        net.addNode(other);
    }

    /** 1 ms each way. */
    public static Impairments wire() {
        return Impairments.none().withDelay(Time.millis(1));
    }

    /** A server stack of {@code budget} bytes with one application timer and a fixed secret. */
    public static StackConfig serverConfig(long budget) {
        return StackConfig.builder().budget(budget).applicationTimers(1).tcp(TcpConfig.builder().secret(42).build()).build();
    }

    /** An in-memory file system of {@code limit} bytes whose clock is {@link #WALL}. */
    public static MemoryFs memfs(long limit) {
        return new MemoryFs(limit, false, () -> WALL);
    }

    /** Makes the simulator wake every {@code period}, so a client polled by {@link #runUntil} acts at least that often. */
    public void pacemaker(long period) {
        long[] tick = {net.now()};
        net.addNode(now -> {
            while (tick[0] <= now) tick[0] += period;
            return tick[0];
        });
    }

    /** Brings every stack's clock to the simulator's. */
    public void sync() {
        client.advance(net.now());
        server.advance(net.now());
        other.advance(net.now());
    }

    /** Runs until {@code done} (which may act as applications do) or for {@code forNanos}; true if done. */
    public boolean runUntil(BooleanSupplier done, long forNanos) {
        return SimRun.until(net, this::sync, done, forNanos);
    }

    public void run(long nanos) {
        sync();
        net.runFor(nanos);
        sync();
    }

    /**
     * Runs {@code nanos} of simulated time, long enough for every connection to end on its own
     * (TIME_WAIT included), and checks that every one has: none is aborted for the test.
     */
    protected void runToEnd(long nanos) {
        run(nanos);
        for (Stack s : new Stack[] {client, server, other}) {
            if (s.tcp().connections() != 0 || s.tcp().timeWaitRecords() != 0) {
                throw new AssertionError("connections still alive when they should have ended:\n" + s.tcp().report());
            }
        }
    }

    /** Throws unless the server's budget is at {@code baseline} bytes in use, with {@code what} idle. */
    protected void checkServerAt(long baseline, String what) {
        if (server.budget().used() != baseline) {
            throw new AssertionError("server used " + server.budget().used() + " bytes with " + what + " idle, " + baseline
                    + " when it started:\n" + server.budget().leakReport());
        }
    }
}
