package net.sloop.ftp.sim;

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

/**
 * An FTP client stack (198.18.0.1), an FTP server stack (198.18.0.2) and another client stack
 * (198.18.0.3, "another address") on a simulated Ethernet segment in simulated time, each with its
 * own budget (tracked by {@link LeakCheck}), and a port on the same segment from which tests inject
 * frames (broadcast storms). {@link #finish()}
 * lets every connection end on its own (no abort: TIME_WAIT, FIN_WAIT_2 and retransmission limits
 * run out), then checks that none is left and both budgets are at their baseline.
 */
public final class FtpNet {
    public static final int CLIENT = Ipv4Address.parse("198.18.0.1");
    public static final int SERVER = Ipv4Address.parse("198.18.0.2");
    public static final int OTHER = Ipv4Address.parse("198.18.0.3");
    public static final long CLIENT_MAC = 0x020000000001L, SERVER_MAC = 0x020000000002L, OTHER_MAC = 0x020000000003L, INJECT_MAC = 0x020000000009L;

    public final SimNetwork net;
    public final SimPort pc, ps, po, inject;
    public final Stack client, server, other;

    /** {@code wire}: the impairments of each direction between client and server. */
    public FtpNet(long seed, StackConfig clientConfig, StackConfig serverConfig, Impairments wire) {
        net = new SimNetwork(seed);
        var lan = net.segment("lan");
        pc = net.port("c0", Link.Kind.ETHERNET, CLIENT_MAC, 1500, wire);
        ps = net.port("s0", Link.Kind.ETHERNET, SERVER_MAC, 1500, wire);
        po = net.port("o0", Link.Kind.ETHERNET, OTHER_MAC, 1500, wire);
        inject = net.port("x0", Link.Kind.ETHERNET, INJECT_MAC, 1500, Impairments.none());
        lan.join(pc).join(ps).join(po).join(inject);
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

    /** A stack configuration: {@code budget} bytes, {@code timers} application timers, seeded TCP secret. */
    public static StackConfig.Builder config(long budget, int timers, long secret) {
        return StackConfig.builder().budget(budget).applicationTimers(timers).tcp(TcpConfig.builder().secret(secret).build());
    }

    /** 1 ms each way. */
    public static Impairments wire() {
        return Impairments.none().withDelay(Time.millis(1));
    }

    public void sync() {
        client.advance(net.now());
        server.advance(net.now());
        other.advance(net.now());
    }

    /** Runs until {@code done} (which may act as applications do), at most {@code forNanos}; true if it held. */
    public boolean runUntil(BooleanSupplier done, long forNanos) {
        return SimRun.until(net, this::sync, done, forNanos);
    }

    public void run(long nanos) {
        sync();
        net.runFor(nanos);
        sync();
    }

    /** The simulated time within which any connection of either stack ends on its own. */
    public long settleNanos() {
        long t = 0;
        for (Stack s : new Stack[] {client, server, other}) {
            TcpConfig c = s.config().tcp();
            t = Math.max(t, c.timeWaitNanos() + c.finWait2Nanos() + c.orphanTimeoutNanos()
                    + (long) (c.maxRetransmits() + c.synRetries() + 2) * c.maxRtoNanos());
        }
        return t;
    }

    /**
     * Lets every connection end on its own, checks none is left, closes {@code servers} (which
     * then hold no connection: nothing is aborted) and checks every budget is at its baseline.
     */
    public void finish(AutoCloseable... servers) {
        run(settleNanos());
        for (Stack s : new Stack[] {client, server, other}) {
            if (s.tcp().connections() != 0 || s.tcp().timeWaitRecords() != 0) {
                throw new AssertionError("connections still alive when they should have ended:\n" + s.tcp().report());
            }
        }
        for (AutoCloseable c : servers) {
            try {
                c.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        if (!server.budget().atBaseline()) throw new AssertionError("server budget not at baseline: " + server.budget().leakReport());
        if (!client.budget().atBaseline()) throw new AssertionError("client budget not at baseline: " + client.budget().leakReport());
        if (!other.budget().atBaseline()) throw new AssertionError("other client's budget not at baseline: " + other.budget().leakReport());
        LeakCheck.verifyNow();
    }
}
