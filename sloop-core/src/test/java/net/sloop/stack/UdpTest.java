package net.sloop.stack;

import static net.sloop.stack.Lan.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.sloop.mem.Category;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.testing.Frames;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Repr;
import org.junit.jupiter.api.Test;

/** UDP input checks, socket queues and the socket API's edges, frame by frame. */
class UdpTest {
    long now = 6_000_000_000L;

    static byte[] udpIn(int srcPort, byte[] payload) {
        return Frames.udpFrame(OUR_MAC, PEER_MAC, PEER, US, srcPort, 7000, 1, payload);
    }

    static byte[] udpIn(byte[] payload) {
        return udpIn(9000, payload);
    }

    Lan lan() {
        Lan lan = new Lan();
        lan.learn(now, PEER, PEER_MAC);
        return lan;
    }

    @Test
    void zeroChecksumMeansNoneAndIsAccepted() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        byte[] f = udpIn(bytes(25, 1));
        assertNotEquals(0, (f[40] | f[41]));
        f[40] = 0;
        f[41] = 0;
        lan.link.inject(now, f);
        UdpSocket.Datagram d = s.receive();
        assertNotNull(d);
        assertArrayEquals(bytes(25, 1), d.data());
        assertEquals(0, lan.stack.stats().totalDrops());
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void badChecksumIsDroppedSilently() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        byte[] f = udpIn(bytes(25, 1));
        f[50] ^= 0x10;
        lan.link.inject(now, f);
        byte[] g = Frames.udpFrame(OUR_MAC, PEER_MAC, PEER, US, 9000, 7001, 1, bytes(25, 1)); // closed port too
        g[50] ^= 0x10;
        lan.link.inject(now, g);
        assertEquals(0, s.queued());
        assertEquals(2, lan.stack.stats().drops(DropReason.UDP_BAD_CHECKSUM));
        assertEquals(2, lan.stack.stats().get(Proto.UDP, Counter.CHECKSUM_ERRORS));
        lan.expectNothing(); // no port unreachable for a corrupt datagram
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void lengthFieldLargerThanThePacketOrBelowTheHeaderIsDropped() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        byte[] f = udpIn(bytes(25, 1));
        f[39] += 4; // UDP length 33 + 4 in a 33-byte IP payload
        lan.link.inject(now, f);
        byte[] g = udpIn(bytes(25, 1));
        g[38] = 0;
        g[39] = 7;
        lan.link.inject(now, g);
        assertEquals(2, lan.stack.stats().drops(DropReason.UDP_BAD_LENGTH));
        assertEquals(0, s.queued());
        lan.expectNothing();
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void bytesAfterTheUdpLengthAreNotDelivered() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, bytes(5, 2));
        byte[] carried = Arrays.copyOf(udp, udp.length + 6);
        Arrays.fill(carried, udp.length, carried.length, (byte) 0x77);
        lan.link.inject(now, ip(new Ipv4Repr(PEER, US, 17, 64, 1, false, false, 0, carried.length), carried));
        UdpSocket.Datagram d = s.receive();
        assertNotNull(d, () -> lan.stack.report());
        assertArrayEquals(bytes(5, 2), d.data());
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void theQueueIsBoundedByDatagrams() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000, 3, 64 * 1024);
        for (int i = 0; i < 5; i++) lan.link.inject(now, udpIn(bytes(30, i)));
        assertEquals(3, s.queued());
        assertEquals(2, lan.stack.stats().drops(DropReason.UDP_QUEUE_FULL));
        assertEquals(3L * 512, lan.stack.budget().used(Category.SOCKET_RECEIVE));
        lan.expectNothing();
        for (int i = 0; i < 3; i++) assertArrayEquals(bytes(30, i), s.receive().data(), "oldest first");
        assertNull(s.receive());
        assertEquals(0, lan.stack.budget().used(Category.SOCKET_RECEIVE));
        lan.link.inject(now, udpIn(bytes(30, 9)));
        assertEquals(1, s.queued(), "room again once read");
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void theQueueIsBoundedByBytes() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000, 16, 2048);
        for (int i = 0; i < 6; i++) lan.link.inject(now, udpIn(bytes(100, i))); // one 512-byte block each
        assertEquals(4, s.queued());
        assertEquals(2048, s.queuedBytes());
        assertEquals(2, lan.stack.stats().drops(DropReason.UDP_QUEUE_FULL));
        assertEquals(2048, lan.stack.budget().used(Category.SOCKET_RECEIVE));
        byte[] buf = new byte[200];
        for (int i = 0; i < 4; i++) {
            assertEquals(100, s.receive(MemorySegment.ofArray(buf), 0, buf.length));
            assertArrayEquals(bytes(100, i), Arrays.copyOf(buf, 100));
        }
        assertEquals(-1, s.receive(MemorySegment.ofArray(buf), 0, buf.length), "would block");
        assertEquals(0, s.queuedBytes());
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void aZeroLengthDatagramIsDelivered() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        lan.link.inject(now, Arrays.copyOf(udpIn(new byte[0]), 60)); // padded to the Ethernet minimum
        lan.link.inject(now, udpIn(9001, new byte[0]));
        assertEquals(2, s.queued());
        UdpSocket.Datagram d = s.receive();
        assertNotNull(d);
        assertEquals(0, d.data().length);
        assertEquals(PEER, d.source());
        assertEquals(9000, d.sourcePort());
        byte[] buf = {9, 9, 9};
        assertEquals(0, s.receive(MemorySegment.ofArray(buf), 0, buf.length));
        assertArrayEquals(new byte[] {9, 9, 9}, buf);
        assertEquals(9001, s.lastSourcePort());
        assertEquals(0, lan.stack.stats().totalDrops());
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void connectFiltersOtherSources() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        s.connect(PEER, 9000);
        byte[] wrongPort = udpIn(9001, bytes(10, 1));
        lan.link.inject(now, wrongPort);
        lan.link.inject(now, Frames.udpFrame(OUR_MAC, OTHER_MAC, OTHER, US, 9000, 7000, 2, bytes(10, 2)));
        assertEquals(0, s.queued());
        assertEquals(2, lan.stack.stats().drops(DropReason.UDP_NO_SOCKET));
        // As Linux does: for the sender, a connected socket is no socket at all.
        lan.expect(ourIp(PEER_MAC, PEER, 1, 0, icmp(3, 3, 0, quote(wrongPort, 28))));
        lan.expect(ourRequestFor(OTHER));
        lan.link.inject(now, udpIn(9000, bytes(10, 3)));
        UdpSocket.Datagram d = s.receive();
        assertNotNull(d);
        assertArrayEquals(bytes(10, 3), d.data());
        assertTrue(s.send(now, bytes(4, 4)));
        lan.expect(ourIp(PEER_MAC, PEER, 17, 2, Frames.udp(US, PEER, 7000, 9000, bytes(4, 4))));
        s.close();
        lan.stack.drain();
        lan.assertAtBaseline();
    }

    @Test
    void ephemeralPortsAreDistinctAndInTheDynamicRange() {
        Lan lan = new Lan(StackConfig.builder().budget(8 * 1024 * 1024).build());
        UdpSocket fixed = lan.stack.udp().open(0, 49153);
        List<UdpSocket> all = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 16383; i++) {
            UdpSocket s = lan.stack.udp().open(0, 0, 1, 512);
            all.add(s);
            assertTrue(s.localPort() >= 49152 && s.localPort() <= 65535, "port " + s.localPort());
            assertTrue(ports.add(s.localPort()), "port " + s.localPort() + " given twice");
        }
        assertFalse(ports.contains(49153));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> lan.stack.udp().open(0, 0, 1, 512));
        assertTrue(e.getMessage().contains("ephemeral"), e.getMessage());
        UdpSocket freed = all.remove(100);
        freed.close();
        UdpSocket again = lan.stack.udp().open(0, 0, 1, 512);
        assertEquals(freed.localPort(), again.localPort(), "the only free port");
        again.close();
        for (UdpSocket s : all) s.close();
        fixed.close();
        assertEquals(0, lan.stack.udp().openSockets());
        lan.assertAtBaseline();
    }

    @Test
    void aPortInUseThrowsAndLeavesNothingBehind() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        UdpSocket t = lan.stack.udp().open(US, 7001);
        long used = lan.stack.budget().used();
        assertThrows(IllegalStateException.class, () -> lan.stack.udp().open(0, 7000));
        assertThrows(IllegalStateException.class, () -> lan.stack.udp().open(US, 7000));
        assertThrows(IllegalStateException.class, () -> lan.stack.udp().open(0, 7001));
        assertThrows(IllegalStateException.class, () -> lan.stack.udp().open(US, 7001));
        assertEquals(used, lan.stack.budget().used());
        assertEquals(2, lan.stack.udp().openSockets());
        s.close();
        UdpSocket again = lan.stack.udp().open(0, 7000); // free once closed
        again.close();
        t.close();
        lan.assertAtBaseline();
    }

    @Test
    void receiveIntoASmallerBufferTruncatesAndReturnsTheFullLength() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        byte[] payload = bytes(100, 3);
        lan.link.inject(now, udpIn(payload));
        byte[] buf = new byte[20];
        Arrays.fill(buf, (byte) 0x5A);
        assertEquals(100, s.receive(MemorySegment.ofArray(buf), 5, 10));
        assertArrayEquals(Arrays.copyOf(payload, 10), Arrays.copyOfRange(buf, 5, 15));
        for (int i : new int[] {0, 1, 2, 3, 4, 15, 16, 17, 18, 19}) assertEquals(0x5A, buf[i], "byte " + i + " untouched");
        assertEquals(PEER, s.lastSource());
        assertEquals(9000, s.lastSourcePort());
        assertEquals(0, s.queued(), "the rest is discarded");
        assertEquals(0, lan.stack.budget().used(Category.SOCKET_RECEIVE));
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void useAfterCloseThrowsAndCloseTwiceIsFine() {
        Lan lan = lan();
        UdpSocket s = lan.stack.udp().open(0, 7000);
        lan.link.inject(now, udpIn(bytes(10, 1)));
        lan.link.inject(now, udpIn(bytes(10, 2)));
        s.close(); // frees the queued datagrams
        assertTrue(s.isClosed());
        lan.assertAtBaseline();
        s.close();
        assertThrows(IllegalStateException.class, () -> s.receive());
        assertThrows(IllegalStateException.class, () -> s.receive(MemorySegment.ofArray(new byte[4]), 0, 4));
        assertThrows(IllegalStateException.class, () -> s.send(now, PEER, 9000, new byte[1]));
        assertThrows(IllegalStateException.class, () -> s.connect(PEER, 9000));
        assertThrows(IllegalStateException.class, () -> s.send(now, new byte[1]));
        assertEquals(0, lan.stack.udp().openSockets());
        lan.expectNothing();
        // The port is no longer bound: a datagram to it gets port unreachable.
        lan.link.inject(now, udpIn(bytes(10, 3)));
        assertEquals(1, lan.stack.stats().drops(DropReason.UDP_NO_SOCKET));
        lan.assertAtBaseline();
    }

    @Test
    void aSocketTheBudgetCannotHoldIsRefusedClearly() {
        Lan lan = new Lan(StackConfig.builder().budget(16 * 1024)
                .tcp(net.sloop.tcp.TcpConfig.builder().synQueue(4).timeWaitRecords(12).sackScoreboards(0).build()).build());
        long used = lan.stack.budget().used();
        IllegalStateException big = assertThrows(IllegalStateException.class, () -> lan.stack.udp().open(0, 7000, 100_000, 1024));
        assertTrue(big.getMessage().contains("budget"), big.getMessage());
        assertEquals(used, lan.stack.budget().used());
        assertEquals(0, lan.stack.udp().openSockets());
        lan.assertAtBaseline();

        List<UdpSocket> open = new ArrayList<>();
        IllegalStateException full = null;
        for (int port = 7000; port < 8000 && full == null; port++) {
            long before = lan.stack.budget().used();
            try {
                open.add(lan.stack.udp().open(0, port));
            } catch (IllegalStateException e) {
                full = e;
                assertEquals(before, lan.stack.budget().used(), "a refused socket holds nothing");
            }
        }
        assertNotNull(full, "a 16 KiB budget cannot hold a thousand sockets");
        assertTrue(full.getMessage().contains("out of memory"), full.getMessage());
        assertTrue(open.size() >= 1);
        assertEquals(open.size(), lan.stack.udp().openSockets());
        UdpSocket first = open.remove(0);
        int port = first.localPort();
        first.close();
        open.add(lan.stack.udp().open(0, port)); // room again
        for (UdpSocket s : open) s.close();
        lan.assertAtBaseline();
    }
}
