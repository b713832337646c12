package net.sloop.link;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.Random;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.stats.DropReason;
import net.sloop.tcp.TcpConfig;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.testing.CaptureLink;
import net.sloop.testing.LeakCheck;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Checksum;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4View;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checksum offload ({@link Link#checksumOffload}): on a link that offloads, TCP and UDP checksums
 * are left 0 on the way out and not verified on the way in; on one that does not, they are filled
 * and verified; a stack with both kinds of interface does each per interface.
 */
class ChecksumOffloadTest {
    static final int A = Ipv4Address.parse("10.0.0.1"), B = Ipv4Address.parse("10.0.0.2");

    /** Records every IP packet transmitted through it, and flips one byte of the next one if asked. */
    static final class Spy implements Link {
        final Link inner;
        final List<byte[]> sent = new ArrayList<>();
        int corruptAt = -1; // byte of the next packet at least this long to flip, or -1
        int corruptMinLength;

        Spy(Link inner) {
            this.inner = inner;
        }

        @Override public Kind kind() { return inner.kind(); }
        @Override public int mtu() { return inner.mtu(); }
        @Override public long mac() { return inner.mac(); }
        @Override public String name() { return inner.name(); }
        @Override public boolean checksumOffload() { return inner.checksumOffload(); }
        @Override public void attach(FrameReceiver r) { inner.attach(r); }
        @Override public int poll(long now) { return inner.poll(now); }
        @Override public boolean pending() { return inner.pending(); }

        @Override
        public boolean transmit(long now, MemorySegment frame, long off, int len) {
            byte[] p = frame.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
            sent.add(p);
            if (corruptAt >= 0 && len >= corruptMinLength) {
                p = p.clone();
                p[corruptAt] ^= 0x20;
                corruptAt = -1;
                return inner.transmit(now, MemorySegment.ofArray(p), 0, p.length);
            }
            return inner.transmit(now, frame, off, len);
        }
    }

    /** Two stacks on a pair link, A's end spied on. */
    static final class Pair {
        final PairLink[] link;
        final Spy spy;
        final Stack a, b;
        long now = 1;

        Pair(boolean offload, int mtu) {
            link = PairLink.pair("p", mtu, 1 << 20, offload);
            spy = new Spy(link[0]);
            StackConfig cfg = StackConfig.builder().budget(1 << 20).blockSize(2048).maxMtu(mtu)
                    .tcp(TcpConfig.builder().secret(1).sendBuffer(64 * 1024).receiveBuffer(64 * 1024).build()).build();
            a = new Stack(cfg);
            b = new Stack(cfg);
            LeakCheck.track(a.budget());
            LeakCheck.track(b.budget());
            LeakCheck.closeLater(a);
            LeakCheck.closeLater(b);
            a.addInterface(spy, A, 24);
            b.addInterface(link[1], B, 24);
        }

        void pump() {
            do {
                now += 1000;
                a.poll(now);
                b.poll(now);
            } while (link[0].pending() || link[1].pending());
        }

        /** Moves {@code data} from A to B over a new connection, closes it; returns what B read. */
        byte[] transfer(byte[] data) throws Exception {
            TcpListener l = b.tcp().listen(0, 80);
            a.advance(now);
            TcpSocket c = a.tcp().connect(B, 80);
            pump();
            TcpSocket s = l.accept();
            assertNotNull(s);
            byte[] got = new byte[data.length];
            int sent = 0, received = 0;
            for (int round = 0; received < data.length && round < 100_000; round++) {
                now += 1_000_000; // 1 ms a round, so a retransmission timeout can pass
                a.advance(now);
                if (sent < data.length) sent += c.write(data, sent, data.length - sent);
                pump();
                int n;
                while (received < got.length && (n = s.read(got, received, got.length - received)) > 0) received += n;
            }
            c.close();
            pump();
            s.close();
            pump();
            l.close();
            assertTrue(c.isEnded() && s.isEnded());
            a.drain();
            b.drain();
            LeakCheck.verifyNow();
            return got;
        }

        List<byte[]> sentWithProtocol(int protocol) {
            return spy.sent.stream().filter(p -> (p[9] & 0xFF) == protocol).toList();
        }
    }

    static int transportChecksum(byte[] p) {
        int ihl = (p[0] & 0x0F) * 4;
        int at = ihl + ((p[9] & 0xFF) == 6 ? 16 : 6);
        return (p[at] & 0xFF) << 8 | (p[at + 1] & 0xFF);
    }

    static boolean transportChecksumVerifies(byte[] p) {
        int ihl = (p[0] & 0x0F) * 4;
        MemorySegment s = MemorySegment.ofArray(p);
        long acc = Checksum.pseudoHeaderV4(src(p), dst(p), p[9] & 0xFF, p.length - ihl);
        return Checksum.fold(Checksum.add(acc, s, ihl, p.length - ihl)) == 0xFFFF;
    }

    static boolean ipHeaderVerifies(byte[] p) {
        Ipv4View v = new Ipv4View();
        v.wrap(MemorySegment.ofArray(p), 0, p.length);
        return v.verifyHeaderChecksum();
    }

    static int src(byte[] p) {
        return (p[12] & 0xFF) << 24 | (p[13] & 0xFF) << 16 | (p[14] & 0xFF) << 8 | (p[15] & 0xFF);
    }

    static int dst(byte[] p) {
        return (p[16] & 0xFF) << 24 | (p[17] & 0xFF) << 16 | (p[18] & 0xFF) << 8 | (p[19] & 0xFF);
    }

    static byte[] random(int n) {
        byte[] d = new byte[n];
        new Random(n).nextBytes(d);
        return d;
    }

    @Test
    void inMemoryLinksOffloadByDefaultAndSayWhenTheyDoNot(@TempDir Path dir) throws Exception {
        assertTrue(PairLink.pair()[0].checksumOffload());
        assertTrue(new LoopbackLink().checksumOffload());
        assertFalse(PairLink.pair("p", 1500, 4096, false)[1].checksumOffload());
        assertFalse(new LoopbackLink(1500, 4096, false).checksumOffload());
        assertFalse(new CaptureLink("c", Link.Kind.IP, 0, 1500).checksumOffload(), "the default is off");
        try (PcapTap tap = new PcapTap(new LoopbackLink(), new PcapWriter(dir.resolve("t.pcap"), Link.Kind.IP));
             PcapTap off = new PcapTap(new LoopbackLink(1500, 4096, false), new PcapWriter(dir.resolve("u.pcap"), Link.Kind.IP))) {
            assertTrue(tap.checksumOffload(), "a tap says what its link says");
            assertFalse(off.checksumOffload());
        }
    }

    @Test
    void offloadingLinkCarriesTcpWithChecksumsLeftZeroAndDataIntact() throws Exception {
        Pair p = new Pair(true, 1500);
        byte[] data = random(200_000);
        assertArrayEquals(data, p.transfer(data));
        List<byte[]> tcp = p.sentWithProtocol(6);
        assertTrue(tcp.size() > 100, "segments: " + tcp.size());
        for (byte[] seg : tcp) {
            assertEquals(0, transportChecksum(seg), "TCP checksum left unfilled");
            assertTrue(ipHeaderVerifies(seg), "the IP header checksum is still filled");
        }
        assertEquals(0, p.a.stats().drops(DropReason.TCP_BAD_CHECKSUM) + p.b.stats().drops(DropReason.TCP_BAD_CHECKSUM));
    }

    @Test
    void linkWithoutOffloadCarriesTcpWithEveryChecksumFilled() throws Exception {
        Pair p = new Pair(false, 1500);
        byte[] data = random(200_000);
        assertArrayEquals(data, p.transfer(data));
        List<byte[]> tcp = p.sentWithProtocol(6);
        assertTrue(tcp.size() > 100, "segments: " + tcp.size());
        for (byte[] seg : tcp) assertTrue(transportChecksumVerifies(seg), "TCP checksum filled");
    }

    @Test
    void withoutOffloadACorruptedSegmentIsDroppedAndResent() throws Exception {
        Pair p = new Pair(false, 1500);
        p.spy.corruptMinLength = 1000;
        p.spy.corruptAt = 700; // in the payload of the first full data segment
        byte[] data = random(100_000);
        assertArrayEquals(data, p.transfer(data));
        assertEquals(1, p.b.stats().drops(DropReason.TCP_BAD_CHECKSUM));
    }

    @Test
    void withOffloadTheLinkIsTrustedSoCorruptionIsNotSeen() {
        // The contract: a link that offloads promises it cannot corrupt. A frame it did corrupt is
        // taken as it is (what Linux does with a packet marked CHECKSUM_UNNECESSARY).
        Pair p = new Pair(true, 1500);
        UdpSocket rx = p.b.udp().open(0, 9000);
        UdpSocket tx = p.a.udp().open(0, 9001);
        p.spy.corruptMinLength = 40;
        p.spy.corruptAt = 30;
        byte[] d = random(64);
        assertTrue(tx.send(p.now, B, 9000, d));
        p.pump();
        UdpSocket.Datagram got = rx.receive();
        assertNotNull(got);
        assertEquals(d[2] ^ 0x20, got.data()[2]);
        assertEquals(0, p.b.stats().drops(DropReason.UDP_BAD_CHECKSUM));
        rx.close();
        tx.close();
    }

    @Test
    void udpChecksumIsZeroWithOffloadAndFilledWithoutEvenWhenFragmented() {
        for (boolean offload : new boolean[] {true, false}) {
            Pair p = new Pair(offload, 1500);
            UdpSocket rx = p.b.udp().open(0, 9000);
            UdpSocket tx = p.a.udp().open(0, 9001);
            for (int n : new int[] {0, 1, 33, 1472, 1473, 5000}) {
                byte[] d = random(n);
                p.spy.sent.clear();
                assertTrue(tx.send(p.now, B, 9000, d));
                p.pump();
                UdpSocket.Datagram got = rx.receive();
                assertNotNull(got, "offload " + offload + ", " + n + " bytes");
                assertArrayEquals(d, got.data());
                List<byte[]> frags = p.sentWithProtocol(17);
                assertEquals(n + 8 <= 1480 ? 1 : (n + 8 + 1479) / 1480, frags.size(), n + " bytes");
                int sum = transportChecksum(frags.get(0));
                if (offload) assertEquals(0, sum, "UDP checksum 0 means none (RFC 768)");
                else assertNotEquals(0, sum, "filled, never 0");
            }
            assertEquals(0, p.b.stats().drops(DropReason.UDP_BAD_CHECKSUM));
            rx.close();
            tx.close();
        }
    }

    @Test
    void aStackFillsChecksumsOnTheInterfacesThatNeedThemOnly() throws Exception {
        // A has an offloading pair link to B and a capture link (no offload) to 10.1.0.0/24.
        Pair p = new Pair(true, 1500);
        CaptureLink cap = new CaptureLink("cap", Link.Kind.IP, 0, 1500);
        p.a.addInterface(cap, Ipv4Address.parse("10.1.0.1"), 24);
        UdpSocket tx = p.a.udp().open(0, 9001);
        int far = Ipv4Address.parse("10.1.0.9");
        byte[] d = random(300);
        assertTrue(tx.send(p.now, far, 9000, d));
        assertTrue(tx.send(p.now, B, 9000, d));
        byte[] out = cap.take();
        assertNotNull(out);
        assertTrue(transportChecksumVerifies(out), "the capture link gets a filled UDP checksum");
        assertEquals(0, transportChecksum(p.sentWithProtocol(17).get(0)), "the pair link does not");
        p.a.advance(p.now);
        TcpSocket c = p.a.tcp().connect(far, 80);
        byte[] syn = cap.take();
        assertNotNull(syn);
        assertEquals(6, syn[9]);
        assertTrue(transportChecksumVerifies(syn), "the SYN on the capture link has a filled checksum");
        // A frame with a bad checksum arriving on the capture link is dropped: receive follows the arrival interface.
        syn[20 + 16] ^= 1;
        byte[] fromFar = syn.clone();
        System.arraycopy(syn, 12, fromFar, 16, 4); // swap addresses (the IP header checksum is unchanged by a swap)
        System.arraycopy(syn, 16, fromFar, 12, 4);
        cap.inject(p.now, fromFar);
        assertEquals(1, p.a.stats().drops(DropReason.TCP_BAD_CHECKSUM));
        c.abort();
        tx.close();
        p.pump();
        p.a.drain();
        p.b.drain();
    }
}
