package net.sloop.service;

import net.sloop.testing.SimRun;
import java.util.function.BooleanSupplier;
import net.sloop.link.Link;
import net.sloop.sim.Impairments;
import net.sloop.sim.SimNetwork;
import net.sloop.sim.SimPort;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;

/**
 * A client stack (198.18.0.1) and a server stack (198.18.0.2) running {@link Services}, on a
 * simulated Ethernet link with 1 ms of delay, in simulated time (the conventions of the TCP tests'
 * TcpPair). Both budgets are tracked by {@link LeakCheck}; {@link #finish()} closes the services,
 * lets TIME_WAIT expire and checks both budgets are at their baseline.
 */
final class ServiceNet {
    static final int CLIENT = Ipv4Address.parse("198.18.0.1");
    static final int SERVER = Ipv4Address.parse("198.18.0.2");
    /** The wall clock daytime reads in these tests: Sunday, November 22, 2026 03:00:00 UTC. */
    static final long WALL = java.time.Instant.parse("2026-11-22T03:00:00Z").toEpochMilli();

    final SimNetwork net;
    final SimPort pc, ps;
    final Stack client, server;
    Services services;

    ServiceNet(long seed, StackConfig config) {
        net = new SimNetwork(seed);
        Impairments imp = Impairments.none().withDelay(Time.millis(1));
        pc = net.port("c0", Link.Kind.ETHERNET, 0x020000000001L, 1500, imp);
        ps = net.port("s0", Link.Kind.ETHERNET, 0x020000000002L, 1500, imp);
        net.connect(pc, ps);
        client = new Stack(config);
        server = new Stack(config);
        LeakCheck.track(client.budget());
        LeakCheck.track(server.budget());
        client.addInterface(pc, CLIENT, 24);
        server.addInterface(ps, SERVER, 24);
        net.addNode(client);
        net.addNode(server);
    }

    static StackConfig.Builder config(long budget) {
        return StackConfig.builder().budget(budget).applicationTimers(1).tcp(TcpConfig.builder().secret(42).build());
    }

    static ServiceConfig.Builder services() {
        return ServiceConfig.builder().wallClockMillis(() -> WALL);
    }

    Services start(ServiceConfig cfg) {
        sync();
        services = Services.start(server, cfg);
        return services;
    }

    /** Makes the simulator wake every {@code period}, so that applications polled by {@link #runUntil} act at least that often. */
    void pacemaker(long period) {
        long[] tick = {net.now()};
        net.addNode(now -> {
            while (tick[0] <= now) tick[0] += period;
            return tick[0];
        });
    }

    void sync() {
        client.advance(net.now());
        server.advance(net.now());
    }

    /** Runs until {@code done} (which may act as applications do), polling the stacks again after it acts. */
    boolean runUntil(BooleanSupplier done, long forNanos) {
        return SimRun.until(net, this::sync, done, forNanos);
    }

    void run(long nanos) {
        net.runFor(nanos);
        sync();
    }

    TcpSocket connect(ServiceKind kind) throws TcpException {
        sync();
        return client.tcp().connect(SERVER, kind.port());
    }

    /** Closes the services, lets the stacks finish (TIME_WAIT included) and checks both budgets are at baseline. */
    void finish() {
        if (services != null) services.close();
        run(Time.seconds(61));
        for (Stack s : new Stack[] {client, server}) { // every connection ended on its own: none is aborted for the test
            if (s.tcp().connections() != 0 || s.tcp().timeWaitRecords() != 0) {
                throw new AssertionError("connections still alive when they should have ended:\n" + s.tcp().report());
            }
        }
        if (!server.budget().atBaseline()) throw new AssertionError("server budget not at baseline: " + server.budget().leakReport());
        if (!client.budget().atBaseline()) throw new AssertionError("client budget not at baseline: " + client.budget().leakReport());
        LeakCheck.verifyNow();
    }
}
