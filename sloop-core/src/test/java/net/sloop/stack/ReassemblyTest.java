package net.sloop.stack;

import static net.sloop.stack.Lan.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.sloop.ip.Reassembly;
import net.sloop.mem.Category;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.testing.Frames;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Repr;
import org.junit.jupiter.api.Test;

/** IPv4 fragment reassembly within its slots, byte cap and timeout, frame by frame. */
class ReassemblyTest {
    static final long TIMEOUT = Time.seconds(30);
    /** A full 1500-byte IP fragment received on Ethernet takes 3 blocks of 512 (1514 + 16 headroom). */
    static final int FULL_FRAGMENT_COST = 3 * 512;

    long now = 3_000_000_000L;

    static StackConfig config(int slots, int maxBytes) {
        return StackConfig.builder().budget(128 * 1024).reassembly(slots, maxBytes, TIMEOUT).build();
    }

    /** The frames of one UDP datagram from the peer to our port 7000, cut every {@code chunk} bytes (a multiple of 8). */
    static List<byte[]> fragments(int id, byte[] payload, int chunk) {
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, payload);
        List<byte[]> out = new ArrayList<>();
        for (int off = 0; off < udp.length; off += chunk) {
            int n = Math.min(chunk, udp.length - off);
            out.add(Frames.fragment(OUR_MAC, PEER_MAC, PEER, US, id, off, off + n < udp.length, Arrays.copyOfRange(udp, off, off + n)));
        }
        return out;
    }

    static byte[] fragment(int id, int offset, boolean more, byte[] data) {
        return Frames.fragment(OUR_MAC, PEER_MAC, PEER, US, id, offset, more, data);
    }

    final class Rig {
        final Lan lan;
        final UdpSocket sock;
        final Reassembly r;

        Rig(StackConfig config) {
            lan = new Lan(config);
            sock = lan.stack.udp().open(0, 7000, 16, 64 * 1024);
            r = lan.stack.ipv4().reassembly();
        }

        void inject(byte[] frame) {
            lan.link.inject(now, frame);
            assertEquals(r.heldBytes(), lan.stack.budget().used(Category.REASSEMBLY), "what is held is what is charged");
            assertTrue(r.heldBytes() <= lan.stack.config().reassemblyMaxBytes(), "cap exceeded: " + r.heldBytes());
        }

        void expectDatagram(byte[] payload) {
            UdpSocket.Datagram d = sock.receive();
            assertNotNull(d, () -> lan.stack.report());
            assertArrayEquals(payload, d.data());
            assertEquals(PEER, d.source());
        }

        void finish() {
            assertEquals(0, sock.queued());
            sock.close();
            lan.stack.drain();
            lan.assertAtBaseline();
        }

        long drops(DropReason reason) {
            return lan.stack.stats().drops(reason);
        }
    }

    @Test
    void inOrderFragmentsReassembleExactly() {
        Rig rig = new Rig(config(4, 32 * 1024));
        byte[] payload = bytes(3000, 1);
        List<byte[]> frags = fragments(1, payload, 1000);
        assertEquals(4, frags.size());
        for (int i = 0; i < frags.size(); i++) {
            rig.inject(frags.get(i));
            assertEquals(i < 3 ? 1 : 0, rig.r.inProgress());
        }
        rig.expectDatagram(payload);
        assertEquals(0, rig.r.heldBytes());
        assertEquals(4, rig.lan.stack.stats().get(Proto.FRAG, Counter.RECEIVED));
        assertEquals(1, rig.lan.stack.stats().get(Proto.FRAG, Counter.SENT));
        assertEquals(0, rig.lan.stack.stats().totalDrops());
        rig.finish();
    }

    @Test
    void reverseOrderFragmentsReassembleExactly() {
        Rig rig = new Rig(config(4, 32 * 1024));
        byte[] payload = bytes(4000, 2);
        List<byte[]> frags = fragments(2, payload, 1480);
        Collections.reverse(frags);
        for (byte[] f : frags) rig.inject(f);
        rig.expectDatagram(payload);
        assertEquals(0, rig.lan.stack.stats().totalDrops());
        rig.finish();
    }

    @Test
    void randomOrderFragmentsReassembleExactly() {
        Rig rig = new Rig(config(4, 32 * 1024));
        for (int seed = 0; seed < 40; seed++) {
            Random rnd = new Random(seed);
            byte[] payload = bytes(500 + rnd.nextInt(6000), seed);
            int chunk = 8 * (10 + rnd.nextInt(175));
            List<byte[]> frags = fragments(100 + seed, payload, chunk);
            Collections.shuffle(frags, rnd);
            for (byte[] f : frags) rig.inject(f);
            int s = seed;
            UdpSocket.Datagram d = rig.sock.receive();
            assertNotNull(d, () -> "seed " + s + "\n" + rig.lan.stack.report());
            assertArrayEquals(payload, d.data(), "seed " + seed);
            assertEquals(0, rig.r.inProgress());
            assertEquals(0, rig.r.heldBytes());
        }
        assertEquals(0, rig.lan.stack.stats().totalDrops());
        rig.finish();
    }

    @Test
    void anExactDuplicateIsDroppedAloneAndReassemblyCompletes() {
        Rig rig = new Rig(config(4, 32 * 1024));
        byte[] payload = bytes(2500, 3);
        List<byte[]> f = fragments(3, payload, 1000);
        rig.inject(f.get(1));
        rig.inject(f.get(1));
        rig.inject(f.get(0));
        rig.inject(f.get(0));
        assertEquals(2, rig.drops(DropReason.FRAG_DUPLICATE));
        assertEquals(1, rig.r.inProgress());
        rig.inject(f.get(2));
        rig.expectDatagram(payload);
        assertNull(rig.sock.receive(), "delivered once");
        assertEquals(2, rig.lan.stack.stats().totalDrops());
        rig.finish();
    }

    @Test
    void aFragmentOverlappingTheOneBeforeItDropsTheWholeDatagram() {
        Rig rig = new Rig(config(4, 32 * 1024));
        byte[] payload = bytes(2992, 4); // 3000 bytes of UDP
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, payload);
        rig.inject(fragment(4, 0, true, Arrays.copyOfRange(udp, 0, 1000)));
        rig.inject(fragment(4, 2000, false, Arrays.copyOfRange(udp, 2000, 3000)));
        assertTrue(rig.r.heldBytes() > 0);
        rig.inject(fragment(4, 992, true, Arrays.copyOfRange(udp, 992, 2000))); // 8 bytes over the first
        assertEquals(1, rig.drops(DropReason.FRAG_INVALID));
        assertEquals(0, rig.r.inProgress());
        assertEquals(0, rig.r.heldBytes());
        assertEquals(0, rig.lan.stack.budget().used(Category.REASSEMBLY));
        // The proper middle fragment now completes nothing: the rest went with the datagram.
        rig.inject(fragment(4, 1000, true, Arrays.copyOfRange(udp, 1000, 2000)));
        assertNull(rig.sock.receive());
        rig.finish();
    }

    @Test
    void aFragmentOverlappingTheOneAfterItDropsTheWholeDatagram() {
        Rig rig = new Rig(config(4, 32 * 1024));
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, bytes(2992, 5));
        rig.inject(fragment(5, 1000, true, Arrays.copyOfRange(udp, 1000, 2000)));
        rig.inject(fragment(5, 0, true, Arrays.copyOfRange(udp, 0, 1008)));
        assertEquals(1, rig.drops(DropReason.FRAG_INVALID));
        assertEquals(0, rig.r.inProgress());
        assertEquals(0, rig.r.heldBytes());
        rig.finish();
    }

    @Test
    void twoDifferentLastFragmentsDropTheDatagram() {
        Rig rig = new Rig(config(4, 32 * 1024));
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, bytes(2992, 6));
        rig.inject(fragment(6, 2000, false, Arrays.copyOfRange(udp, 2000, 3000)));
        rig.inject(fragment(6, 1000, false, Arrays.copyOfRange(udp, 1000, 2000)));
        assertEquals(1, rig.drops(DropReason.FRAG_INVALID));
        assertEquals(0, rig.r.heldBytes());
        rig.finish();
    }

    @Test
    void aNonLastFragmentNotAMultipleOfEightIsDropped() {
        Rig rig = new Rig(config(4, 32 * 1024));
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, bytes(2992, 7));
        rig.inject(fragment(7, 0, true, Arrays.copyOfRange(udp, 0, 1001)));
        assertEquals(1, rig.drops(DropReason.FRAG_INVALID));
        assertEquals(0, rig.r.inProgress());
        assertEquals(0, rig.r.heldBytes());
        rig.finish();
    }

    @Test
    void moreDatagramsThanSlotsEvictTheOldest() {
        Rig rig = new Rig(config(2, 32 * 1024));
        List<byte[]> d1 = fragments(11, bytes(1500, 11), 800);
        List<byte[]> d2 = fragments(12, bytes(1500, 12), 800);
        List<byte[]> d3 = fragments(13, bytes(1500, 13), 800);
        rig.inject(d1.get(0));
        now += 1;
        rig.inject(d2.get(0));
        now += 1;
        assertEquals(2, rig.r.inProgress());
        assertEquals(0, rig.drops(DropReason.FRAG_EVICTED));
        rig.inject(d3.get(0));
        assertEquals(1, rig.drops(DropReason.FRAG_EVICTED));
        assertEquals(2, rig.r.inProgress());
        rig.inject(d2.get(1));
        rig.expectDatagram(bytes(1500, 12));
        rig.inject(d3.get(1));
        rig.expectDatagram(bytes(1500, 13));
        rig.inject(d1.get(1)); // its first half was evicted
        assertNull(rig.sock.receive());
        assertEquals(1, rig.r.inProgress());
        assertEquals(1, rig.drops(DropReason.FRAG_EVICTED));
        rig.finish();
    }

    @Test
    void theByteCapIsNeverExceededAndEvictionLetsNewerDatagramsComplete() {
        int cap = 4 * FULL_FRAGMENT_COST;
        Rig rig = new Rig(config(4, cap));
        byte[] pa = bytes(4000, 21), pb = bytes(4000, 22), pc = bytes(4000, 23);
        List<byte[]> a = fragments(21, pa, 1480), b = fragments(22, pb, 1480), c = fragments(23, pc, 1480);
        assertEquals(3, a.size());
        // A loses its last fragment and stays incomplete, holding half the cap.
        rig.inject(a.get(0));
        rig.inject(a.get(1));
        assertEquals(2 * FULL_FRAGMENT_COST, rig.r.heldBytes());
        now += 1;
        rig.inject(b.get(0));
        rig.inject(b.get(1));
        assertEquals(cap, rig.r.heldBytes());
        assertEquals(0, rig.drops(DropReason.FRAG_EVICTED));
        rig.inject(b.get(2)); // over the cap: A goes
        assertEquals(1, rig.drops(DropReason.FRAG_EVICTED));
        rig.expectDatagram(pb);
        assertEquals(0, rig.r.heldBytes());
        now += 1;
        for (byte[] f : c) rig.inject(f);
        rig.expectDatagram(pc);
        // A's last fragment alone now is a new, incomplete datagram.
        rig.inject(a.get(2));
        assertNull(rig.sock.receive());
        assertEquals(1, rig.drops(DropReason.FRAG_EVICTED));
        rig.finish();
    }

    @Test
    void manyInterleavedDatagramsNeverPassTheCap() {
        int cap = 5 * FULL_FRAGMENT_COST;
        Rig rig = new Rig(config(3, cap));
        Random rnd = new Random(42);
        List<byte[]> all = new ArrayList<>();
        for (int d = 0; d < 12; d++) all.addAll(fragments(300 + d, bytes(3000 + d * 100, d), 1480));
        Collections.shuffle(all, rnd);
        int delivered = 0;
        for (byte[] f : all) {
            now += 1000;
            rig.inject(f);
            while (rig.sock.receive() != null) delivered++;
        }
        assertTrue(delivered > 0, "some datagrams complete");
        assertTrue(rig.drops(DropReason.FRAG_EVICTED) > 0, "the cap and slots forced evictions");
        rig.finish();
    }

    @Test
    void anIncompleteDatagramTimesOutAndFreesEverything() {
        Rig rig = new Rig(config(4, 32 * 1024));
        List<byte[]> f = fragments(8, bytes(2500, 8), 1000);
        long t0 = now;
        rig.inject(f.get(0));
        assertEquals(t0 + TIMEOUT, rig.lan.stack.poll(t0));
        now = t0 + Time.seconds(10);
        rig.inject(f.get(2)); // a later fragment does not extend the deadline
        assertEquals(t0 + TIMEOUT, rig.lan.stack.poll(now));
        rig.lan.stack.poll(t0 + TIMEOUT - 1);
        assertEquals(1, rig.r.inProgress());
        assertEquals(0, rig.drops(DropReason.FRAG_TIMEOUT));
        rig.lan.stack.poll(t0 + TIMEOUT);
        assertEquals(1, rig.drops(DropReason.FRAG_TIMEOUT));
        assertEquals(0, rig.r.inProgress());
        assertEquals(0, rig.r.heldBytes());
        assertEquals(0, rig.lan.stack.budget().used(Category.REASSEMBLY));
        rig.sock.close();
        rig.lan.assertAtBaseline(); // without drain: the timeout freed it all
        rig.lan.expectNothing();
    }

    @Test
    void noSlotsMeansFragmentsAreDropped() {
        Rig rig = new Rig(config(0, 32 * 1024));
        for (byte[] f : fragments(9, bytes(2500, 9), 1000)) rig.inject(f);
        assertEquals(3, rig.drops(DropReason.FRAG_DISABLED));
        assertNull(rig.sock.receive());
        rig.sock.close();
        rig.lan.assertAtBaseline();
    }

    @Test
    void aFragmentEndingPast65535IsDropped() {
        Rig rig = new Rig(config(4, 32 * 1024));
        rig.inject(fragment(10, 0, true, bytes(1000, 1)));
        rig.inject(fragment(10, 65512, false, bytes(10, 2))); // 20 + 65512 + 10 > 65535
        assertEquals(1, rig.drops(DropReason.FRAG_TOO_BIG));
        assertEquals(1, rig.r.inProgress());
        rig.finish();
    }

    @Test
    void aDatagramWhoseFirstHeaderMakesItLongerThan65535IsDropped() {
        // Each fragment on its own is in range (20 + offset + length <= 65535), but the first
        // fragment carries 40 bytes of options, so the datagram would be 60 + 65500 bytes.
        StackConfig cfg = StackConfig.builder().budget(256 * 1024).reassembly(2, 100 * 1024, TIMEOUT).build();
        Rig rig = new Rig(cfg);
        byte[] options = new byte[40];
        Arrays.fill(options, (byte) 1);
        int total = 65500;
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, bytes(total - 8, 30)); // UDP length field 65500
        rig.inject(ipWithOptions(new Ipv4Repr(PEER, US, 17, 64, 30, false, true, 0, 1440, options, 0), Arrays.copyOfRange(udp, 0, 1440)));
        for (int off = 1440; off < total; off += 1480) {
            int n = Math.min(1480, total - off);
            rig.inject(fragment(30, off, off + n < total, Arrays.copyOfRange(udp, off, off + n)));
        }
        assertEquals(1, rig.drops(DropReason.FRAG_TOO_BIG), () -> rig.lan.stack.report());
        assertNull(rig.sock.receive());
        assertEquals(0, rig.r.inProgress());
        assertEquals(0, rig.r.heldBytes());
        rig.lan.expectNothing();
        rig.finish();
    }

    @Test
    void aFragmentWhoseOffsetAndLengthPass65535IsCountedTooBig() {
        Rig rig = new Rig(config(4, 32 * 1024));
        rig.inject(fragment(12, 65000, true, bytes(1000, 1))); // 65000 + 1000 > 65535 even without a header
        assertEquals(1, rig.drops(DropReason.FRAG_TOO_BIG), () -> rig.lan.stack.stats().report());
        assertEquals(1, rig.lan.stack.stats().totalDrops());
        assertEquals(0, rig.r.inProgress());
        rig.finish();
    }

    @Test
    void aTimerQueueTooSmallForEverySlotAndArpEntryIsRejectedAtStart() {
        // Every reassembly slot and ARP entry arms its own timer; one that cannot be armed never
        // times out, and its fragments would be held until evicted.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StackConfig.builder().arp(8, 3).reassembly(20, 32 * 1024, TIMEOUT).timerCapacity(16).build());
        assertTrue(e.getMessage().contains("timerCapacity"), e.getMessage());
    }

    @Test
    void everySlotTimesOutWhenTheTimerQueueIsSizedExactly() { // 8 + 24 + TCP's 2 tables + 1 connection
        Rig rig = new Rig(StackConfig.builder().budget(256 * 1024).arp(8, 3)
                .reassembly(24, 100 * 1024, TIMEOUT).timerCapacity(35).build());
        UdpSocket out = rig.lan.stack.udp().open(0, 5000);
        long t0 = now;
        for (int i = 0; i < 8; i++) out.send(t0, US + 10 + i, 7000, bytes(8, i)); // 8 ARP entries resolving
        for (int d = 0; d < 24; d++) rig.inject(fragments(400 + d, bytes(1000, d), 512).get(0));
        assertEquals(24, rig.r.inProgress());
        for (int sec = 1; sec <= 3; sec++) rig.lan.stack.poll(t0 + Time.seconds(sec)); // ARP retries, then gives up
        assertEquals(0, rig.lan.stack.arp().size());
        rig.lan.stack.poll(t0 + TIMEOUT);
        assertEquals(24, rig.drops(DropReason.FRAG_TIMEOUT));
        assertEquals(0, rig.r.heldBytes());
        assertEquals(0, rig.lan.stack.arp().queued());
        out.close();
        rig.sock.close();
        rig.lan.assertAtBaseline();
    }

    @Test
    void optionsInTheFirstFragmentOnlyAreSkippedWhicheverFragmentCompletes() {
        // RFC 791: options without the copy flag (NOP, record route...) appear in the first fragment only.
        Rig rig = new Rig(config(4, 32 * 1024));
        byte[] nops = {1, 1, 1, 0};
        for (int order = 0; order < 2; order++) {
            int id = 40 + order;
            byte[] payload = bytes(2500, id);
            byte[] udp = Frames.udp(PEER, US, 9000, 7000, payload);
            byte[] first = ipWithOptions(new Ipv4Repr(PEER, US, 17, 64, id, false, true, 0, 1000, nops, 0), Arrays.copyOfRange(udp, 0, 1000));
            byte[] second = fragment(id, 1000, true, Arrays.copyOfRange(udp, 1000, 2000));
            byte[] last = fragment(id, 2000, false, Arrays.copyOfRange(udp, 2000, udp.length));
            if (order == 0) { // a fragment without options completes the datagram
                rig.inject(first);
                rig.inject(last);
                rig.inject(second);
            } else { // the first fragment, with options, completes it
                rig.inject(last);
                rig.inject(second);
                rig.inject(first);
            }
            rig.expectDatagram(payload);
        }
        assertEquals(0, rig.lan.stack.stats().totalDrops(), () -> rig.lan.stack.stats().report());
        rig.finish();
    }
}
