package net.sloop.sim;

import static org.junit.jupiter.api.Assertions.*;

import net.sloop.link.Link;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.stats.DropReason;
import net.sloop.testing.CaptureLink;
import net.sloop.testing.Frames;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Time;
import net.sloop.wire.EthernetRepr;
import net.sloop.wire.EthernetView;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.MacAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seed 001's broadcast storm and a fragment flood against a stack of 32 blocks: 100,000
 * broadcast frames and 100,000 fragments that never complete, with a ping from a real peer every
 * 1,000 frames. Every ping is answered; running out of memory is counted, never thrown; afterwards
 * the budget is at its baseline.
 */
class FloodTest {
    static final int VICTIM = Ipv4Address.parse("198.18.0.2");
    static final int PEER = Ipv4Address.parse("198.18.0.1");
    static final long VICTIM_MAC = 0x020000000002L;
    static final long PEER_MAC = 0x020000000001L;

    /**
     * @param reassemblyCap bytes fragments may hold: a quarter of the budget (the default), or the
     *     whole budget, so that the budget itself runs dry and its failures are counted
     */
    @ParameterizedTest
    @ValueSource(ints = {4 * 1024, 16 * 1024})
    void broadcastAndFragmentFloodLeavesPingAnswered(int reassemblyCap) {
        StackConfig config = StackConfig.builder().budget(32 * 512).blockSize(512)
                .reassembly(16, reassemblyCap, Time.seconds(30)).timerCapacity(64).tcp(TcpConfig.builder()
                        .synQueue(4).timeWaitRecords(12).sackScoreboards(0).build()).build();
        assertEquals(32, config.blocks());
        Stack victim = new Stack(config);
        LeakCheck.track(victim.budget());
        LeakCheck.closeLater(victim);
        CaptureLink link = new CaptureLink("v0", Link.Kind.ETHERNET, VICTIM_MAC, 1500);
        victim.addInterface(link, VICTIM, 24);
        long now = Time.seconds(1);

        // The peer pings first; the victim learns its MAC by ARP.
        link.inject(now, arpRequest(PEER_MAC, PEER, VICTIM));
        assertNotNull(link.take(), "ARP reply");
        int pings = 0, answered = 0;
        byte[] fragmentPayload = new byte[1000];
        byte[] chatter = new byte[200];
        for (int i = 0; i < 100_000; i++) {
            now += Time.micros(10);
            int src = Ipv4Address.parse("198.18.0.100") + (i % 50);
            long mac = 0x02AA00000000L + (i % 50);
            // Broadcast storm: NetBIOS-like UDP to the subnet broadcast, ARP for other hosts,
            // frames of unknown EtherTypes.
            byte[] b = switch (i % 3) {
                case 0 -> Frames.udpFrame(MacAddress.BROADCAST, mac, src, Ipv4Address.parse("198.18.0.255"), 137, 137, i & 0xFFFF, chatter);
                case 1 -> arpRequest(mac, src, Ipv4Address.parse("198.18.0.200"));
                default -> rawBroadcast(mac, 0x88CC, 100);
            };
            link.inject(now, b);
            // A first fragment whose rest never comes.
            link.inject(now, Frames.fragment(VICTIM_MAC, mac, src, VICTIM, i & 0xFFFF, 0, true, fragmentPayload));
            if (i % 1000 == 999) {
                pings++;
                link.inject(now, Frames.pingFrame(VICTIM_MAC, PEER_MAC, PEER, VICTIM, 1, pings));
                byte[] out;
                while ((out = link.take()) != null) if (Frames.isEchoReply(out, pings)) answered++;
            }
            victim.poll(now);
        }
        assertEquals(100, pings);
        assertEquals(pings, answered, "every ping answered during the flood:\n" + victim.report());
        var stats = victim.stats();
        assertEquals(33_334, stats.drops(DropReason.IP_BROADCAST), "UDP broadcasts with no listener");
        assertEquals(33_333, stats.drops(DropReason.ARP_NOT_FOR_US));
        assertEquals(33_333, stats.drops(DropReason.ETH_UNSUPPORTED));
        long fragmentsLost = stats.drops(DropReason.FRAG_EVICTED) + stats.drops(DropReason.FRAG_NO_MEMORY);
        assertTrue(fragmentsLost > 99_000, "incomplete datagrams were evicted or refused: " + fragmentsLost + "\n" + victim.report());
        assertTrue(victim.ipv4().reassembly().heldBytes() <= reassemblyCap);
        if (reassemblyCap == 16 * 1024) {
            assertTrue(victim.budget().failures() > 0, "the budget ran dry and said so: " + victim.budget().failures());
        }
        assertTrue(victim.budget().minFree() >= 0);
        System.out.printf("flood, reassembly cap %d: budget failures %d, fragments evicted %d, refused %d, min-ever-free %d bytes%n",
                reassemblyCap, victim.budget().failures(), stats.drops(DropReason.FRAG_EVICTED), stats.drops(DropReason.FRAG_NO_MEMORY), victim.budget().minFree());
        // After the reassembly timeout everything the flood left is freed.
        now += Time.seconds(31);
        victim.poll(now);
        assertEquals(0, victim.ipv4().reassembly().inProgress());
        victim.drain();
    }

    static byte[] arpRequest(long senderMac, int senderIp, int targetIp) {
        byte[] f = new byte[42];
        var s = java.lang.foreign.MemorySegment.ofArray(f);
        new EthernetRepr(MacAddress.BROADCAST, senderMac, EthernetView.ETHERTYPE_ARP).emit(new EthernetView().wrap(s, 0, 14));
        new net.sloop.wire.ArpRepr(1, senderMac, senderIp, 0, targetIp).emit(new net.sloop.wire.ArpView().wrap(s, 14, 28));
        return f;
    }

    static byte[] rawBroadcast(long src, int etherType, int payload) {
        byte[] f = new byte[14 + payload];
        new EthernetRepr(MacAddress.BROADCAST, src, etherType).emit(new EthernetView().wrap(java.lang.foreign.MemorySegment.ofArray(f), 0, 14));
        return f;
    }
}
