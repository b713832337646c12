package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import net.sloop.link.Link;
import net.sloop.mem.Category;
import net.sloop.sim.Impairments;
import net.sloop.sim.SimNetwork;
import net.sloop.sim.SimPort;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.testing.Frames;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Pollable;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/** The failures that motivate the project (an FTP server out of memory, a sender deadlocked under a broadcast storm, a dead peer) replayed against Sloop in simulated time. */
class SeedScenariosTest {
    static String debug(TcpConnection c) {
        return c + " " + c.state + " una=" + (c.sndUna - c.iss) + " nxt=" + (c.sndNxt - c.iss) + " max=" + (c.sndMax - c.iss)
                + " wnd=" + c.sndWnd + " cwnd=" + c.cc.cwnd() + " buf=" + c.sendBuf.length + " rtxAt=" + c.rtxAt + " persist="
                + c.has(TcpConnection.F_PERSIST) + " armed=" + c.armed() + " deadline=" + c.deadline() + " unackedSince=" + c.unackedSince
                + " ut=" + c.userTimeoutNanos + " retx=" + c.retransmits;
    }

    static final Impairments WIRE = Impairments.none().withDelay(Time.micros(200));

    /**
     * Seed 000: an FTP server opens a passive data listener, the client connects, 300 bytes go
     * out, the server closes, the listener is aborted; 10,000 times, in a 64 KiB budget with 4 KiB
     * buffers. No allocation ever fails, and after every cycle the budget holds exactly its
     * baseline plus the TIME_WAIT records.
     */
    @Test
    void seed000PassiveFtpCyclesNeverRunOutOfMemory() throws Exception {
        TcpConfig tcp = TcpConfig.builder().secret(7).sendBuffer(4096).receiveBuffer(4096).build();
        StackConfig server = StackConfig.builder().budget(64 * 1024).tcp(tcp).build();
        StackConfig client = StackConfig.builder().budget(256 * 1024).tcp(tcp).build();
        TcpPair p = new TcpPair(11, server, client, WIRE, 1500);
        Stack srv = p.a, cli = p.b;
        byte[] listing = new byte[300];
        new Random(1).nextBytes(listing);
        byte[] buf = new byte[1024];
        long baseline = srv.budget().baseline();
        int maxRecords = 0;
        for (int cycle = 0; cycle < 10_000; cycle++) {
            TcpListener l = srv.tcp().listen(0, 20_000);
            TcpSocket c = cli.tcp().connect(TcpPair.A, 20_000);
            TcpSocket[] s = new TcpSocket[1];
            assertTrue(p.runUntil(() -> (s[0] = s[0] != null ? s[0] : l.accept()) != null, Time.seconds(5)), "cycle " + cycle);
            assertEquals(300, s[0].write(listing));
            s[0].close();
            l.abort();
            int[] got = {0};
            boolean[] eof = {false};
            assertTrue(p.runUntil(() -> {
                try {
                    int n;
                    while ((n = c.read(buf)) > 0) got[0] += n;
                    if (n < 0) eof[0] = true;
                } catch (TcpException e) {
                    throw new AssertionError(e);
                }
                return eof[0];
            }, Time.seconds(5)), "cycle " + cycle);
            assertEquals(300, got[0]);
            c.close();
            assertTrue(p.runUntil(() -> c.isEnded() && s[0].isEnded(), Time.seconds(5)), "cycle " + cycle);
            assertEquals(0, srv.budget().failures(), "allocation failures in cycle " + cycle + "\n" + srv.report());
            assertEquals(0, srv.tcp().connections());
            long records = srv.budget().used(Category.TIME_WAIT);
            assertEquals(baseline + records, srv.budget().used(), "cycle " + cycle + ": usage is baseline plus TIME_WAIT records\n" + srv.report());
            assertEquals(0, srv.budget().committedBlocks());
            maxRecords = Math.max(maxRecords, srv.tcp().timeWaitRecords());
        }
        System.out.printf("seed 000: 10,000 cycles, %d TIME_WAIT records at most (table of %d), peak %d of %d bytes, 0 failures%n",
                maxRecords, srv.tcp().timeWaitTable().capacity(), srv.budget().peak(), srv.budget().capacity());
        p.run(Time.seconds(61));
        assertEquals(baseline, srv.budget().used());
        p.finish();
    }

    /**
     * Seed 001: a device with 32 blocks sends at full speed while its peer sends ACKs and 10,000
     * broadcast frames a second arrive. The transfer completes, and never stalls for longer than
     * two retransmission timeouts.
     */
    @Test
    void seed001BulkSendUnderABroadcastStormCompletes() throws Exception {
        TcpConfig tcp = TcpConfig.builder().secret(9).sendBuffer(4096).receiveBuffer(2048).synQueue(4).timeWaitRecords(12)
                .sackScoreboards(1).build();
        StackConfig device = StackConfig.builder().budget(32 * 512).blockSize(512).timerCapacity(32).tcp(tcp).build();
        StackConfig peer = StackConfig.builder().budget(256 * 1024).tcp(TcpConfig.builder().secret(10).build()).build();
        SimNetwork net = new SimNetwork(21);
        var seg = net.segment("lan");
        SimPort pd = net.port("dev", Link.Kind.ETHERNET, 0x020000000001L, 1500, WIRE);
        SimPort pp = net.port("peer", Link.Kind.ETHERNET, 0x020000000002L, 1500, WIRE);
        SimPort pf = net.port("storm", Link.Kind.ETHERNET, 0x020000000003L, 1500, Impairments.none());
        seg.join(pd).join(pp).join(pf);
        Stack dev = new Stack(device), other = new Stack(peer);
        LeakCheck.track(dev.budget());
        LeakCheck.track(other.budget());
        dev.addInterface(pd, TcpPair.A, 24);
        other.addInterface(pp, TcpPair.B, 24);
        net.addNode(dev);
        net.addNode(other);
        byte[] storm = Frames.udpFrame(-1L & 0xFFFF_FFFF_FFFFL, 0x020000000003L, Ipv4Address.parse("198.18.0.9"),
                Ipv4Address.parse("198.18.0.255"), 137, 137, 1, new byte[200]);
        MemorySegment stormFrame = MemorySegment.ofArray(storm);
        long[] sentStorm = {0};
        long period = Time.micros(100); // 10,000 a second
        long[] nextStorm = {0};
        net.addNode((Pollable) now -> {
            while (nextStorm[0] <= now) {
                pf.transmit(now, stormFrame, 0, storm.length);
                sentStorm[0]++;
                nextStorm[0] += period;
            }
            return nextStorm[0];
        });
        TcpListener l = other.tcp().listen(0, 20);
        TcpSocket c = dev.tcp().connect(TcpPair.B, 20);
        TcpSocket[] s = new TcpSocket[1];
        assertTrue(net.runUntil(() -> (s[0] = s[0] != null ? s[0] : l.accept()) != null && c.isConnected(), net.now() + Time.seconds(5)));
        byte[] data = new byte[2_000_000];
        new Random(2).nextBytes(data);
        Pump pump = new Pump(c, s[0], data, true);
        long[] lastProgress = {net.now()}, maxStall = {0}, maxRto = {0};
        long[] lastReceived = {0};
        boolean done = net.runUntil(() -> {
            dev.advance(net.now());
            other.advance(net.now());
            boolean fin = pump.step();
            long now = net.now();
            if (pump.received > lastReceived[0]) {
                maxStall[0] = Math.max(maxStall[0], now - lastProgress[0]);
                lastProgress[0] = now;
                lastReceived[0] = pump.received;
            }
            if (!c.isEnded()) maxRto[0] = Math.max(maxRto[0], c.connection().rtt.rto());
            if (!fin) net.poke();
            return fin;
        }, net.now() + Time.seconds(600));
        assertTrue(done, "received " + pump.received + " of " + data.length + "\n" + dev.report());
        assertArrayEquals(Pump.sha256(data), pump.receivedHash());
        // The storm ran throughout the transfer, at its rate (the transfer itself takes well under a second).
        assertTrue(sentStorm[0] >= net.now() / period - 1 && sentStorm[0] > 5_000, "storm frames: " + sentStorm[0]);
        assertTrue(maxStall[0] <= 2 * maxRto[0], "longest stall " + maxStall[0] / 1e6 + " ms, RTO up to " + maxRto[0] / 1e6 + " ms");
        System.out.printf("seed 001: 2 MB sent from 32 blocks through %,d broadcast frames in %.2f s; longest stall %.1f ms (RTO %.0f ms); device min-ever-free %d bytes, failures %d%n",
                sentStorm[0], net.now() / 1e9, maxStall[0] / 1e6, maxRto[0] / 1e6, dev.budget().minFree(), dev.budget().failures());
        c.close();
        s[0].close();
        l.close();
        net.runUntil(() -> c.isEnded() && s[0].isEnded(), net.now() + Time.seconds(10));
        net.runFor(TcpPair.settleNanos(dev.config().tcp(), other.config().tcp()));
        for (Stack st : new Stack[] {dev, other}) { // ended on their own: nothing to drain
            assertEquals("", Peer.alive(st.tcp()), "connections still alive");
            assertEquals(0, st.tcp().timeWaitRecords(), "TIME_WAIT records left");
        }
    }

    /**
     * Seed 001, second half: the peer vanishes mid-transfer. The connection is aborted within its
     * configured limit (a user timeout here, the retransmission limit otherwise), and everything
     * it held is freed; the application hears why.
     */
    @Test
    void seed001DeadPeerIsAbortedAndFreed() throws Exception {
        TcpPair p = new TcpPair(31, TcpPair.config(64 * 1024).build(), WIRE);
        TcpListener l = p.b.tcp().listen(0, 21);
        TcpSocket c = p.a.tcp().connect(TcpPair.B, 21);
        TcpSocket[] s = new TcpSocket[1];
        assertTrue(p.runUntil(() -> (s[0] = s[0] != null ? s[0] : l.accept()) != null && c.isConnected(), Time.seconds(5)));
        c.setUserTimeout(Time.seconds(20));
        byte[] data = new byte[1_000_000];
        Pump pump = new Pump(c, s[0], data, false);
        p.runUntil(() -> pump.step() || pump.received > 200_000, Time.seconds(30));
        p.pa.setOutbound(Impairments.none().withLoss(1.0));
        p.pb.setOutbound(Impairments.none().withLoss(1.0));
        long vanished = p.net.now();
        long[] held = {0};
        assertTrue(p.runUntil(() -> {
            try {
                if (!c.isEnded()) c.write(data, 0, 4096); // the application keeps writing into the void
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            held[0] = Math.max(held[0], p.a.budget().used());
            return c.isEnded();
        }, Time.seconds(60)), () -> "not aborted: " + debug(c.connection()));
        long took = p.net.now() - vanished;
        assertEquals(TcpError.USER_TIMEOUT, c.error());
        assertTrue(took <= Time.seconds(21), "aborted after " + took / 1e9 + " s");
        assertTrue(held[0] > p.a.budget().baseline() + 4096, "it held data while the peer was gone: " + held[0]);
        assertEquals(p.a.budget().baseline(), p.a.budget().used(), "everything freed (held " + held[0] + " bytes before)");
        assertEquals(0, p.a.budget().committedBlocks());
        assertThrows(TcpException.class, () -> c.write(new byte[1]));
        c.close();
        System.out.printf("dead peer: aborted %.1f s after it vanished; %d bytes freed%n", took / 1e9, held[0] - p.a.budget().used());
        // Without a user timeout the retransmission limit ends it: the other side, still writing nothing, hears nothing.
        s[0].abort();
        l.close();
        p.finish();
    }
}
