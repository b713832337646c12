package net.sloop.sim;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import net.sloop.link.Link;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.stats.Counter;
import net.sloop.stats.Proto;
import net.sloop.stats.Stats;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two stacks over a link with 10% loss, reordering and duplication (and some corruption): pings,
 * then 10,000 UDP datagrams one way. Every datagram that arrives is intact; every frame the link
 * carried is accounted for as delivered to the application or dropped with a counted reason; the
 * budgets end at their baselines.
 */
class LossyLinkSimulationTest {
    static final int A = Ipv4Address.parse("198.18.0.1");
    static final int B = Ipv4Address.parse("198.18.0.2");

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void tenThousandDatagramsOverALossyLink(long seed) {
        SimNetwork net = new SimNetwork(seed);
        Impairments imp = Impairments.none().withLoss(0.10).withDelay(Time.millis(1)).withJitter(Time.micros(200))
                .withReorder(0.10, Time.millis(2)).withDuplicate(0.10).withCorrupt(0.02);
        SimPort pa = net.port("a0", Link.Kind.ETHERNET, 0x020000000001L, 1500, imp);
        SimPort pb = net.port("b0", Link.Kind.ETHERNET, 0x020000000002L, 1500, imp);
        net.connect(pa, pb);
        StackConfig config = StackConfig.builder().budget(64 * 1024).build();
        Stack a = new Stack(config);
        Stack b = new Stack(config);
        LeakCheck.track(a.budget());
        LeakCheck.track(b.budget());
        a.addInterface(pa, A, 24);
        b.addInterface(pb, B, 24);
        net.addNode(a);
        net.addNode(b);

        // Pings: most come back (10% loss each way).
        int[] replies = {0};
        a.icmp().echoListener((now, from, id, seq, len) -> replies[0]++);
        for (int i = 0; i < 100; i++) {
            a.icmp().sendEcho(net.now(), B, 1, i, MemorySegment.ofArray(new byte[56]), 0, 56);
            net.runFor(Time.millis(50));
        }
        assertTrue(replies[0] >= 60, "ping replies: " + replies[0]);

        // UDP one way; B's application reads everything as it arrives and checks it.
        UdpSocket rx = b.udp().open(0, 9000);
        UdpSocket tx = a.udp().open(0, 9001);
        int n = 10_000;
        boolean[] seen = new boolean[n];
        int[] got = {0, 0, 0}; // unique, duplicate copies, damaged
        rx.onReadable(() -> {
            UdpSocket.Datagram d;
            while ((d = rx.receive()) != null) {
                int k = decode(d.data());
                if (k < 0) got[2]++;
                else if (seen[k]) got[1]++;
                else {
                    seen[k] = true;
                    got[0]++;
                }
            }
        });
        long aSent = pa.stats().transmitted(), bSent = pb.stats().transmitted();
        long aDup = pa.stats().duplicated(), aDelivered = pa.stats().delivered(), aLost = pa.stats().lost();
        long bLinkIn = b.stats().get(Proto.LINK, Counter.RECEIVED);
        long bDrops = b.stats().totalDrops();
        for (int i = 0; i < n; i++) {
            assertTrue(tx.send(net.now(), B, 9000, encode(i, 200 + i % 1000)));
            net.runFor(Time.micros(500));
        }
        net.runFor(Time.seconds(1));

        assertEquals(0, got[2], "every datagram that arrives is intact");
        assertEquals(n, pa.stats().transmitted() - aSent, "A sent exactly the datagrams (ARP already resolved)");
        assertEquals(0, pb.stats().transmitted() - bSent, "B sent nothing back");
        long carried = n + (pa.stats().duplicated() - aDup);
        long delivered = pa.stats().delivered() - aDelivered;
        long lost = pa.stats().lost() - aLost;
        assertEquals(carried, delivered + lost, "the link accounts for every copy");
        long bIn = b.stats().get(Proto.LINK, Counter.RECEIVED) - bLinkIn;
        long dropped = b.stats().totalDrops() - bDrops;
        assertEquals(delivered, bIn, "B's link counter saw every delivered frame");
        assertEquals(bIn, got[0] + got[1] + dropped, "every frame B received reached the application or was dropped with a reason:\n" + b.report());
        assertTrue(got[0] > n * 0.85 && got[0] < n * 0.95, "about 90% arrive: " + got[0]);
        assertTrue(got[1] > 0, "duplicates were delivered as UDP does");
        assertTrue(dropped > 0 && b.stats().get(Proto.UDP, Counter.CHECKSUM_ERRORS) + b.stats().get(Proto.IPV4, Counter.CHECKSUM_ERRORS) > 0,
                "corrupted frames were caught by checksums");
        assertEquals(0, a.budget().failures() + b.budget().failures(), "no allocation failure at this load");

        rx.close();
        tx.close();
        a.drain();
        b.drain();
        LeakCheck.closeLater(a);
        LeakCheck.closeLater(b);
    }

    static byte[] encode(int k, int size) {
        byte[] d = new byte[size];
        for (int i = 0; i < 4; i++) d[i] = (byte) (k >>> (24 - 8 * i));
        for (int i = 4; i < size; i++) d[i] = (byte) (k ^ i * 131);
        return d;
    }

    static int decode(byte[] d) {
        if (d.length < 4) return -1;
        int k = ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
        if (k < 0 || k >= 10_000 || d.length != 200 + k % 1000) return -1;
        for (int i = 4; i < d.length; i++) if (d[i] != (byte) (k ^ i * 131)) return -1;
        return k;
    }
}
