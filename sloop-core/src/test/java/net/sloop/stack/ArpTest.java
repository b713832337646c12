package net.sloop.stack;

import static net.sloop.stack.Lan.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import net.sloop.mem.Category;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.testing.Frames;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.ArpView;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/** ARP at the frame level: replies, the cache, the queue of packets waiting for resolution, expiry, reuse. */
class ArpTest {
    static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;
    static final long RETRY = Time.seconds(1);
    static final long REACHABLE = Time.seconds(60);

    long now = 5_000_000_000L;

    static StackConfig config(int entries, int queue) {
        return StackConfig.builder().budget(128 * 1024).arp(entries, queue).arpTimes(REACHABLE, RETRY, 3).build();
    }

    /** The UDP frame the stack sends from 5000 to the peer's 7000 with this payload and IP id. */
    static byte[] udpOut(long mac, int dst, int id, byte[] payload) {
        return ourIp(mac, dst, 17, id, Frames.udp(US, dst, 5000, 7000, payload));
    }

    @Test
    void requestForOurAddressIsAnsweredAndTheSenderCached() {
        Lan lan = new Lan(config(8, 3));
        byte[] request = arp(BROADCAST_MAC, PEER_MAC, ArpView.OP_REQUEST, PEER_MAC, PEER, 0, US);
        lan.link.inject(now, Arrays.copyOf(request, 60)); // padded to the Ethernet minimum, as on the wire
        lan.expect(arp(PEER_MAC, OUR_MAC, ArpView.OP_REPLY, OUR_MAC, US, PEER_MAC, PEER));
        lan.expectNothing();
        assertEquals(PEER_MAC, lan.stack.arp().lookup(lan.nif, PEER));
        assertEquals(1, lan.stack.stats().get(Proto.ARP, Counter.RECEIVED));
        assertEquals(1, lan.stack.stats().get(Proto.ARP, Counter.SENT));
        assertEquals(0, lan.stack.stats().totalDrops());
        lan.assertAtBaseline();
    }

    @Test
    void requestForAnotherAddressIsNeitherAnsweredNorCached() {
        Lan lan = new Lan(config(8, 3));
        lan.link.inject(now, arp(BROADCAST_MAC, PEER_MAC, ArpView.OP_REQUEST, PEER_MAC, PEER, 0, OTHER));
        lan.expectNothing();
        assertEquals(1, lan.stack.stats().drops(DropReason.ARP_NOT_FOR_US));
        assertEquals(0, lan.stack.arp().size());
        assertEquals(-1, lan.stack.arp().lookup(lan.nif, PEER));
        lan.assertAtBaseline();
    }

    @Test
    void unresolvedNextHopQueuesAtMostTheLimitOldestDroppedAndAReplyFlushesInOrder() {
        Lan lan = new Lan(config(8, 3));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        byte[][] payloads = new byte[5][];
        for (int i = 0; i < 5; i++) {
            payloads[i] = bytes(20 + i, i);
            assertTrue(s.send(now, PEER, 7000, payloads[i]), "datagram " + i + " is queued");
        }
        lan.expect(ourRequestFor(PEER)); // one request, however many packets wait
        lan.expectNothing();
        assertEquals(3, lan.stack.arp().queued());
        assertEquals(2, lan.stack.stats().drops(DropReason.ARP_QUEUE_FULL));
        assertEquals(3L * 512, lan.stack.budget().used(Category.ARP_QUEUE), "each waiting packet holds one block");

        now += 1000;
        lan.learn(now, PEER, PEER_MAC);
        for (int i = 2; i < 5; i++) lan.expect(udpOut(PEER_MAC, PEER, i, payloads[i]));
        lan.expectNothing();
        assertEquals(0, lan.stack.arp().queued());
        assertEquals(0, lan.stack.budget().used(Category.ARP_QUEUE));
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void aRequestFromTheHostBeingResolvedAlsoFlushesTheQueue() {
        Lan lan = new Lan(config(8, 3));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        s.send(now, PEER, 7000, bytes(10, 1));
        lan.expect(ourRequestFor(PEER));
        lan.link.inject(now, arp(BROADCAST_MAC, PEER_MAC, ArpView.OP_REQUEST, PEER_MAC, PEER, 0, US));
        lan.expect(udpOut(PEER_MAC, PEER, 0, bytes(10, 1)));
        lan.expect(arp(PEER_MAC, OUR_MAC, ArpView.OP_REPLY, OUR_MAC, US, PEER_MAC, PEER));
        lan.expectNothing();
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void retriesEveryIntervalThenDropsTheQueueAndFreesItsBlocks() {
        Lan lan = new Lan(config(8, 3));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        long t0 = now;
        s.send(t0, PEER, 7000, bytes(30, 1));
        s.send(t0, PEER, 7000, bytes(30, 2));
        lan.expect(ourRequestFor(PEER));
        assertEquals(t0 + RETRY, lan.stack.poll(t0));
        lan.stack.poll(t0 + RETRY - 1);
        lan.expectNothing();
        lan.stack.poll(t0 + RETRY);
        lan.expect(ourRequestFor(PEER));
        lan.stack.poll(t0 + 2 * RETRY - 1);
        lan.expectNothing();
        lan.stack.poll(t0 + 2 * RETRY);
        lan.expect(ourRequestFor(PEER));
        assertEquals(2, lan.stack.arp().queued());
        assertEquals(0, lan.stack.stats().drops(DropReason.ARP_UNRESOLVED));
        lan.stack.poll(t0 + 3 * RETRY);
        lan.expectNothing(); // three requests (arpRetries), then it gives up
        assertEquals(2, lan.stack.stats().drops(DropReason.ARP_UNRESOLVED));
        assertEquals(0, lan.stack.arp().queued());
        assertEquals(0, lan.stack.arp().size());
        assertEquals(0, lan.stack.budget().used(Category.ARP_QUEUE));
        assertEquals(3, lan.stack.stats().get(Proto.ARP, Counter.SENT));
        lan.stack.poll(t0 + 100 * RETRY);
        lan.expectNothing();

        // The next packet starts over.
        now = t0 + 200 * RETRY;
        s.send(now, PEER, 7000, bytes(30, 3));
        lan.expect(ourRequestFor(PEER));
        lan.learn(now, PEER, PEER_MAC);
        lan.expect(udpOut(PEER_MAC, PEER, 2, bytes(30, 3)));
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void queueOfZeroSendsTheRequestButKeepsNothing() {
        Lan lan = new Lan(config(8, 0));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        assertFalse(s.send(now, PEER, 7000, bytes(10, 1)));
        lan.expect(ourRequestFor(PEER));
        assertEquals(1, lan.stack.stats().drops(DropReason.ARP_QUEUE_FULL));
        lan.learn(now, PEER, PEER_MAC);
        lan.expectNothing();
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void aResolvedEntryExpiresAndTheNextSendAsksAgain() {
        Lan lan = new Lan(config(8, 3));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        long t0 = now;
        lan.learn(t0, PEER, PEER_MAC);
        assertEquals(t0 + REACHABLE, lan.stack.poll(t0));
        lan.stack.poll(t0 + REACHABLE - 1);
        s.send(t0 + REACHABLE - 1, PEER, 7000, bytes(8, 1));
        lan.expect(udpOut(PEER_MAC, PEER, 0, bytes(8, 1)));
        lan.stack.poll(t0 + REACHABLE);
        assertEquals(-1, lan.stack.arp().lookup(lan.nif, PEER));
        assertEquals(0, lan.stack.arp().size());
        s.send(t0 + REACHABLE, PEER, 7000, bytes(8, 2));
        lan.expect(ourRequestFor(PEER));
        lan.expectNothing();
        lan.learn(t0 + REACHABLE + 5, PEER, PEER_MAC);
        lan.expect(udpOut(PEER_MAC, PEER, 1, bytes(8, 2)));
        assertEquals(0, lan.stack.stats().drops(DropReason.ARP_UNRESOLVED));
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void aFullCacheReusesTheLeastRecentlyUsedResolvedEntry() {
        Lan lan = new Lan(config(2, 3));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        int third = Ipv4Address.parse("198.18.0.4");
        long thirdMac = 0x02_00_00_00_00_04L;
        lan.learn(now, PEER, PEER_MAC);
        lan.learn(now + 10, OTHER, OTHER_MAC);
        s.send(now + 20, PEER, 7000, bytes(8, 1)); // PEER is now more recently used than OTHER
        lan.expect(udpOut(PEER_MAC, PEER, 0, bytes(8, 1)));
        lan.learn(now + 30, third, thirdMac);
        assertEquals(PEER_MAC, lan.stack.arp().lookup(lan.nif, PEER));
        assertEquals(-1, lan.stack.arp().lookup(lan.nif, OTHER), "OTHER was least recently used");
        assertEquals(thirdMac, lan.stack.arp().lookup(lan.nif, third));
        assertEquals(2, lan.stack.arp().size());

        // Sending to a fourth address reuses the least recently used again (PEER, used at +20).
        int fourth = Ipv4Address.parse("198.18.0.5");
        s.send(now + 40, fourth, 7000, bytes(8, 2));
        lan.expect(ourRequestFor(fourth));
        assertEquals(-1, lan.stack.arp().lookup(lan.nif, PEER));
        assertEquals(thirdMac, lan.stack.arp().lookup(lan.nif, third));
        assertEquals(1, lan.stack.arp().queued());
        s.close();
        lan.stack.drain();
        lan.assertAtBaseline();
    }

    @Test
    void gratuitousAndUnsolicitedArpUpdateAnExistingEntryOnly() {
        Lan lan = new Lan(config(8, 3));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        long newMac = 0x02_00_00_00_00_22L;
        lan.learn(now, PEER, PEER_MAC);

        // Gratuitous request (sender = target = PEER), broadcast: updates, is not answered.
        lan.link.inject(now + 1, arp(BROADCAST_MAC, newMac, ArpView.OP_REQUEST, newMac, PEER, 0, PEER));
        lan.expectNothing();
        assertEquals(newMac, lan.stack.arp().lookup(lan.nif, PEER));
        s.send(now + 2, PEER, 7000, bytes(8, 1));
        lan.expect(udpOut(newMac, PEER, 0, bytes(8, 1)));

        // Unsolicited reply addressed to us moves it back.
        lan.link.inject(now + 3, arp(OUR_MAC, PEER_MAC, ArpView.OP_REPLY, PEER_MAC, PEER, OUR_MAC, US));
        lan.expectNothing();
        assertEquals(PEER_MAC, lan.stack.arp().lookup(lan.nif, PEER));

        // A gratuitous announcement of an address we do not know is not cached.
        lan.link.inject(now + 4, arp(BROADCAST_MAC, OTHER_MAC, ArpView.OP_REQUEST, OTHER_MAC, OTHER, 0, OTHER));
        lan.expectNothing();
        assertEquals(-1, lan.stack.arp().lookup(lan.nif, OTHER));
        assertEquals(1, lan.stack.arp().size());
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void broadcastSenderHardwareIsRejected() {
        Lan lan = new Lan(config(8, 3));
        lan.link.inject(now, arp(BROADCAST_MAC, PEER_MAC, ArpView.OP_REQUEST, BROADCAST_MAC, PEER, 0, US));
        lan.expectNothing();
        assertEquals(1, lan.stack.stats().drops(DropReason.ARP_UNSUPPORTED));
        assertEquals(0, lan.stack.arp().size());
        lan.assertAtBaseline();
    }

    @Test
    void broadcastDestinationsNeedNoResolution() {
        Lan lan = new Lan(config(8, 3));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        assertTrue(s.send(now, SUBNET_BROADCAST, 7000, bytes(8, 1)));
        lan.expect(udpOut(BROADCAST_MAC, SUBNET_BROADCAST, 0, bytes(8, 1)));
        assertTrue(s.send(now, -1, 7000, bytes(8, 2)));
        lan.expect(udpOut(BROADCAST_MAC, -1, 1, bytes(8, 2)));
        lan.expectNothing();
        assertEquals(0, lan.stack.arp().size());
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void whenEveryEntryIsResolvingTheOldestIsReusedAndItsQueueDropped() {
        Lan lan = new Lan(config(2, 3));
        UdpSocket s = lan.stack.udp().open(0, 5000);
        int third = Ipv4Address.parse("198.18.0.4");
        s.send(now, PEER, 7000, bytes(8, 1));
        s.send(now, PEER, 7000, bytes(8, 2));
        s.send(now + 1, OTHER, 7000, bytes(8, 3));
        lan.expect(ourRequestFor(PEER));
        lan.expect(ourRequestFor(OTHER));
        assertEquals(3, lan.stack.arp().queued());
        s.send(now + 2, third, 7000, bytes(8, 4));
        lan.expect(ourRequestFor(third));
        assertEquals(2, lan.stack.stats().drops(DropReason.ARP_TABLE_FULL), "PEER's two packets");
        assertEquals(2, lan.stack.arp().queued());
        assertEquals(2L * 512, lan.stack.budget().used(Category.ARP_QUEUE));
        lan.learn(now + 3, OTHER, OTHER_MAC);
        lan.expect(udpOut(OTHER_MAC, OTHER, 2, bytes(8, 3)));
        lan.expectNothing();
        s.close();
        lan.stack.drain();
        lan.assertAtBaseline();
    }

    @Test
    void truncatedAndForeignArpPacketsAreDroppedAndCounted() {
        Lan lan = new Lan(config(8, 3));
        byte[] request = arp(BROADCAST_MAC, PEER_MAC, ArpView.OP_REQUEST, PEER_MAC, PEER, 0, US);
        lan.link.inject(now, Arrays.copyOf(request, 14 + 27));
        assertEquals(1, lan.stack.stats().drops(DropReason.ARP_MALFORMED));
        byte[] rarp = request.clone();
        rarp[14 + 7] = 3; // operation 3: RARP request
        lan.link.inject(now, rarp);
        byte[] tokenRing = request.clone();
        tokenRing[14 + 1] = 6; // hardware type 6
        lan.link.inject(now, tokenRing);
        assertEquals(2, lan.stack.stats().drops(DropReason.ARP_UNSUPPORTED));
        lan.expectNothing();
        assertEquals(0, lan.stack.arp().size());
        lan.assertAtBaseline();
    }
}
