package net.sloop.status;

import java.util.function.BooleanSupplier;
import net.sloop.link.Link;
import net.sloop.sim.Impairments;
import net.sloop.sim.SimNetwork;
import net.sloop.sim.SimPort;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.testing.SimRun;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;

/** Two stacks (client 198.18.0.1, server 198.18.0.2) on a simulated Ethernet link with 1 ms of delay, in simulated time; both budgets leak-checked. */
final class StatusNet {
    static final int CLIENT = Ipv4Address.parse("198.18.0.1");
    static final int SERVER = Ipv4Address.parse("198.18.0.2");

    final SimNetwork net;
    final Stack client, server;

    StatusNet(long seed, StackConfig clientConfig, StackConfig serverConfig) {
        net = new SimNetwork(seed);
        Impairments imp = Impairments.none().withDelay(Time.millis(1));
        SimPort pc = net.port("c0", Link.Kind.ETHERNET, 0x020000000001L, 1500, imp);
        SimPort ps = net.port("s0", Link.Kind.ETHERNET, 0x020000000002L, 1500, imp);
        net.connect(pc, ps);
        client = new Stack(clientConfig);
        server = new Stack(serverConfig);
        LeakCheck.track(client.budget());
        LeakCheck.track(server.budget());
        client.addInterface(pc, CLIENT, 24);
        server.addInterface(ps, SERVER, 24);
        net.addNode(client);
        net.addNode(server);
    }

    StatusNet(long seed, long budget) {
        this(seed, config(budget).build(), config(budget).build());
    }

    static StackConfig.Builder config(long budget) {
        return StackConfig.builder().budget(budget).applicationTimers(1).tcp(TcpConfig.builder().secret(42).build());
    }

    void sync() {
        client.advance(net.now());
        server.advance(net.now());
    }

    boolean runUntil(BooleanSupplier done, long forNanos) {
        return SimRun.until(net, this::sync, done, forNanos);
    }

    void run(long nanos) {
        net.runFor(nanos);
        sync();
    }
}
