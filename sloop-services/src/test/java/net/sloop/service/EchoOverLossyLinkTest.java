package net.sloop.service;

import static org.junit.jupiter.api.Assertions.*;

import java.security.MessageDigest;
import java.util.Random;
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
import org.junit.jupiter.api.Test;

/**
 * Echo through a harsh link in tight budgets: 256 KiB to the echo service and back over 15% loss
 * (with reordering, duplication and corruption), 64 KiB per stack, for 16 seeds. Both ends run
 * out of room at times (the echo server's send buffer fills while its window is shut, out-of-order
 * data piles up): every transfer must still finish intact, and never stall.
 *
 * <p>Found two bugs the gentler tests missed: committed blocks were counted as the receive
 * reserve (out-of-order data kept the reserve, and the segment that filled the gap could not be
 * received), and a WRITABLE event fired from inside the application's own read ran its handler
 * re-entrantly (the echo service's spill block was taken twice).
 */
class EchoOverLossyLinkTest {
    @Test
    void everyTransferFinishesIntactWithoutStalling() throws Exception {
        int bytes = 256 * 1024;
        for (long seed = 1; seed <= 16; seed++) {
            double loss = 0.15;
            Impairments imp = Impairments.none().withLoss(loss).withDelay(Time.millis(2)).withJitter(Time.micros(500))
                    .withReorder(loss / 2, Time.millis(3)).withDuplicate(loss / 2).withCorrupt(loss / 4);
            SimNetwork net = new SimNetwork(seed);
            SimPort pa = net.port("a0", Link.Kind.ETHERNET, 0x020000000001L, 1500, imp);
            SimPort pb = net.port("b0", Link.Kind.ETHERNET, 0x020000000002L, 1500, imp);
            net.connect(pa, pb);
            StackConfig cfg = StackConfig.builder().budget(64 * 1024).tcp(TcpConfig.builder().secret(seed).build()).build();
            Stack a = new Stack(cfg), b = new Stack(cfg);
            LeakCheck.track(a.budget());
            LeakCheck.track(b.budget());
            a.addInterface(pa, Ipv4Address.parse("198.18.0.1"), 24);
            b.addInterface(pb, Ipv4Address.parse("198.18.0.2"), 24);
            net.addNode(a);
            net.addNode(b);
            Services services = Services.start(b, ServiceConfig.builder().tcp(ServiceKind.ECHO).udp().build());
            TcpSocket c = a.tcp().connect(Ipv4Address.parse("198.18.0.2"), 7);
            byte[] data = new byte[bytes];
            new Random(seed).nextBytes(data);
            MessageDigest back = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[4096];
            int[] sent = {0}, got = {0};
            // A stall is time without progress that the link does not explain: a retransmission (or
            // its ACK) lost several times in a row legitimately waits out the RTO's backoff
            // (1 + 2 + 4 + 8 + 16 s: four timeouts or more in the stall), and that is the link.
            long[] lastProgress = {0}, timeoutsAtProgress = {0}, longestStall = {0};
            boolean done = net.runUntil(() -> {
                a.advance(net.now());
                try {
                    if (c.isConnected() && sent[0] < bytes) sent[0] += c.write(data, sent[0], bytes - sent[0]);
                    int n;
                    while ((n = c.read(buf)) > 0) {
                        back.update(buf, 0, n);
                        got[0] += n;
                        long timeouts = a.tcp().counters().timeouts + b.tcp().counters().timeouts;
                        if (timeouts - timeoutsAtProgress[0] < 4) longestStall[0] = Math.max(longestStall[0], net.now() - lastProgress[0]);
                        lastProgress[0] = net.now();
                        timeoutsAtProgress[0] = timeouts;
                    }
                } catch (TcpException e) {
                    throw new AssertionError("the echo connection failed at " + net.now() / 1e9 + " s", e);
                }
                if (got[0] < bytes) net.poke();
                return got[0] >= bytes;
            }, net.now() + Time.seconds(120));
            long seedF = seed;
            assertTrue(done, () -> "seed " + seedF + ": " + got[0] + " of " + bytes + " came back\n" + a.report() + b.report());
            assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), back.digest(), "seed " + seed);
            assertTrue(longestStall[0] < Time.seconds(30), "seed " + seed + ": stalled " + longestStall[0] / 1e9 + " s, not explained by a retransmission lost again and again");
            c.close();
            net.runUntil(c::isEnded, net.now() + Time.seconds(30));
            services.close();
            net.runFor(Time.seconds(61));
            a.drain();
            b.drain();
            assertTrue(a.budget().atBaseline() && b.budget().atBaseline(), "seed " + seed);
        }
    }
}
