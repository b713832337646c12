package net.sloop.ftp;

import java.util.function.BooleanSupplier;
import net.sloop.fs.FileSystem;
import net.sloop.fs.MemoryFs;
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
 * A client stack (198.18.0.1), a second client (198.18.0.3, "another address") and a server
 * stack (198.18.0.2) running an {@link FtpServer}, on simulated Ethernet with 1 ms of delay, in
 * simulated time. {@link #finish()} lets every connection end on its own, closes the server and
 * checks every budget is back at its baseline.
 */
final class FtpNet {
    static final int CLIENT = Ipv4Address.parse("198.18.0.1");
    static final int SERVER = Ipv4Address.parse("198.18.0.2");
    static final int OTHER = Ipv4Address.parse("198.18.0.3");
    /** The wall clock in these tests: 2026-12-02 08:00:00 UTC. */
    static final long WALL = java.time.Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();

    final SimNetwork net;
    final Stack client, server, other;
    FtpServer ftp;
    long serverBaseline;

    FtpNet(long seed, long serverBudget) {
        this(seed, StackConfig.builder().budget(serverBudget).applicationTimers(1).tcp(TcpConfig.builder().secret(42).build()).build());
    }

    FtpNet(long seed, StackConfig serverConfig) {
        net = new SimNetwork(seed);
        Impairments imp = Impairments.none().withDelay(Time.millis(1));
        SimPort pc = net.port("c0", Link.Kind.ETHERNET, 0x020000000001L, 1500, imp);
        SimPort ps = net.port("s0", Link.Kind.ETHERNET, 0x020000000002L, 1500, imp);
        SimPort po = net.port("o0", Link.Kind.ETHERNET, 0x020000000003L, 1500, imp);
        net.segment("lan").join(pc).join(ps).join(po);
        StackConfig clientCfg = StackConfig.builder().budget(4 << 20).tcp(TcpConfig.builder().secret(7).build()).build();
        client = new Stack(clientCfg);
        other = new Stack(clientCfg);
        server = new Stack(serverConfig);
        LeakCheck.track(client.budget());
        LeakCheck.track(other.budget());
        LeakCheck.track(server.budget());
        client.addInterface(pc, CLIENT, 24);
        server.addInterface(ps, SERVER, 24);
        other.addInterface(po, OTHER, 24);
        net.addNode(client);
        net.addNode(server);
        net.addNode(other);
    }

    static MemoryFs memfs(long limit) {
        return new MemoryFs(limit, false, () -> WALL);
    }

    static FtpConfig.Builder config(FileSystem fs) {
        return FtpConfig.builder(fs).wallClockMillis(() -> WALL).seed(1).users(FtpUsers.parse(java.util.List.of(
                FtpUsers.line("alice", "secret".toCharArray(), 1000), FtpUsers.line("bob", "bobpw".toCharArray(), 1000) + ":ro")));
    }

    FtpServer start(FtpConfig cfg) {
        sync();
        ftp = FtpServer.start(server, cfg);
        serverBaseline = server.budget().used();
        return ftp;
    }

    /** Makes the simulator wake every {@code period}, so a client polled by {@link #runUntil} acts at least that often. */
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
        other.advance(net.now());
    }

    boolean runUntil(BooleanSupplier done, long forNanos) {
        return SimRun.until(net, this::sync, done, forNanos);
    }

    void run(long nanos) {
        net.runFor(nanos);
        sync();
    }

    FtpClient login() {
        FtpClient c = new FtpClient(this, client);
        c.expect(220);
        c.expect("USER alice", 331);
        c.expect("PASS secret", 230);
        return c;
    }

    FtpClient connect() {
        FtpClient c = new FtpClient(this, client);
        c.expect(220);
        return c;
    }

    /**
     * Lets every connection end on its own (TIME_WAIT included), checks the server is back at
     * the budget it had once started, closes it and checks every budget is at its baseline.
     */
    void finish() {
        run(Time.seconds(130));
        for (Stack s : new Stack[] {client, server, other}) {
            if (s.tcp().connections() != 0 || s.tcp().timeWaitRecords() != 0) {
                throw new AssertionError("connections still alive when they should have ended:\n" + s.tcp().report());
            }
        }
        if (ftp != null) {
            if (server.budget().used() != serverBaseline) {
                throw new AssertionError("server used " + server.budget().used() + " bytes with the FTP server idle, " + serverBaseline
                        + " when it started:\n" + server.budget().leakReport());
            }
            ftp.close();
        }
        LeakCheck.verifyNow();
    }
}
