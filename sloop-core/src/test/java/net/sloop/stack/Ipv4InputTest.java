package net.sloop.stack;

import static net.sloop.stack.Lan.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.testing.Frames;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4Repr;
import org.junit.jupiter.api.Test;

/** IPv4 input validation and local delivery, frame by frame. */
class Ipv4InputTest {
    static final byte[] NOP_OPTIONS = {1, 1, 1, 0}; // NOP NOP NOP EOL

    final Lan lan = new Lan();
    final UdpSocket sock = lan.stack.udp().open(0, 7000);
    long now = 2_000_000_000L;

    Ipv4InputTest() {
        lan.learn(now, PEER, PEER_MAC);
    }

    static byte[] udpFrom(int src, int dst, byte[] payload) {
        return Frames.udpFrame(OUR_MAC, PEER_MAC, src, dst, 9000, 7000, 1, payload);
    }

    static byte[] udpIn(byte[] payload) {
        return udpFrom(PEER, US, payload);
    }

    void assertDroppedOnly(DropReason r) {
        assertEquals(1, lan.stack.stats().drops(r), () -> lan.stack.stats().report());
        assertEquals(1, lan.stack.stats().totalDrops(), () -> lan.stack.stats().report());
        assertEquals(0, sock.queued());
        lan.expectNothing();
        sock.close();
        lan.assertAtBaseline();
    }

    @Test
    void aWellFormedDatagramIsDelivered() {
        lan.link.inject(now, udpIn(bytes(40, 1)));
        UdpSocket.Datagram d = sock.receive();
        assertNotNull(d);
        assertArrayEquals(bytes(40, 1), d.data());
        assertEquals(1, lan.stack.stats().get(Proto.IPV4, Counter.RECEIVED));
        assertEquals(0, lan.stack.stats().totalDrops());
        sock.close();
        lan.assertAtBaseline();
    }

    @Test
    void badVersionIsDropped() {
        byte[] f = udpIn(bytes(40, 1));
        f[14] = 0x65;
        lan.link.inject(now, refillIpChecksum(f));
        assertDroppedOnly(DropReason.IP_BAD_VERSION);
    }

    @Test
    void headerLengthBelowFiveWordsIsDropped() {
        byte[] f = udpIn(bytes(40, 1));
        f[14] = 0x44;
        lan.link.inject(now, f);
        assertDroppedOnly(DropReason.IP_BAD_HEADER_LENGTH);
    }

    @Test
    void headerLengthBeyondThePacketIsDropped() {
        byte[] f = udpIn(new byte[0]); // 28 bytes of IP
        f[14] = 0x4F; // claims 60 bytes of header
        lan.link.inject(now, f);
        assertDroppedOnly(DropReason.IP_TRUNCATED);
    }

    @Test
    void badHeaderChecksumIsDropped() {
        byte[] f = udpIn(bytes(40, 1));
        f[14 + 10] ^= 0x01;
        lan.link.inject(now, f);
        assertDroppedOnly(DropReason.IP_BAD_CHECKSUM);
    }

    @Test
    void totalLengthLargerThanTheFrameIsDropped() {
        byte[] f = udpIn(bytes(40, 1));
        int total = f.length - 14 + 1;
        f[16] = (byte) (total >> 8);
        f[17] = (byte) total;
        lan.link.inject(now, refillIpChecksum(f));
        assertDroppedOnly(DropReason.IP_BAD_TOTAL_LENGTH);
    }

    @Test
    void totalLengthSmallerThanTheHeaderIsDropped() {
        byte[] f = udpIn(bytes(40, 1));
        f[16] = 0;
        f[17] = 19;
        lan.link.inject(now, refillIpChecksum(f));
        assertDroppedOnly(DropReason.IP_BAD_TOTAL_LENGTH);
    }

    @Test
    void ethernetPaddingAfterTheTotalLengthIsIgnored() {
        byte[] f = Arrays.copyOf(udpIn(bytes(3, 7)), 60);
        Arrays.fill(f, 14 + 20 + 8 + 3, 60, (byte) 0xEE);
        lan.link.inject(now, f);
        UdpSocket.Datagram d = sock.receive();
        assertNotNull(d, () -> lan.stack.stats().report());
        assertArrayEquals(bytes(3, 7), d.data());

        // An echo request with padding: the reply carries the payload only (and the ICMP checksum,
        // computed over the datagram, must not include the padding).
        byte[] echo = Frames.echoRequest(0x4242, 9, bytes(4, 2));
        byte[] ping = Arrays.copyOf(ip(new Ipv4Repr(PEER, US, 1, 64, 77, false, false, 0, echo.length), echo), 60);
        Arrays.fill(ping, 14 + 20 + echo.length, 60, (byte) 0xA5);
        lan.link.inject(now, ping);
        lan.expect(ourIp(PEER_MAC, PEER, 1, 0, icmp(0, 0, 0x4242_0009, bytes(4, 2))));
        lan.expectNothing();
        assertEquals(0, lan.stack.stats().totalDrops(), () -> lan.stack.stats().report());
        sock.close();
        lan.assertAtBaseline();
    }

    @Test
    void broadcastAndMulticastSourcesAreDropped() {
        int[] sources = {-1, SUBNET_BROADCAST, Ipv4Address.parse("224.0.0.5")};
        for (int src : sources) {
            lan.link.inject(now, udpFrom(src, US, bytes(10, 1)));
            lan.link.inject(now, Frames.udpFrame(OUR_MAC, PEER_MAC, src, US, 9000, 7001, 2, bytes(10, 1))); // closed port
        }
        assertEquals(6, lan.stack.stats().drops(DropReason.IP_BAD_SOURCE));
        assertEquals(6, lan.stack.stats().totalDrops());
        assertEquals(0, sock.queued());
        lan.expectNothing(); // in particular, no port unreachable
        sock.close();
        lan.assertAtBaseline();
    }

    @Test
    void unicastForAnotherHostIsDroppedWithoutAnError() {
        lan.link.inject(now, Frames.udpFrame(OUR_MAC, PEER_MAC, PEER, OTHER, 9000, 7001, 2, bytes(10, 1)));
        lan.link.inject(now, udpFrom(PEER, OTHER, bytes(10, 1)));
        assertEquals(2, lan.stack.stats().drops(DropReason.IP_NOT_FOR_US));
        assertEquals(2, lan.stack.stats().totalDrops());
        assertEquals(0, sock.queued());
        lan.expectNothing();
        sock.close();
        lan.assertAtBaseline();
    }

    @Test
    void unknownProtocolIsAnsweredWithProtocolUnreachableQuotingHeaderAndEightBytes() {
        byte[] f = ip(new Ipv4Repr(PEER, US, 253, 64, 0x1234, false, false, 0, 30), bytes(30, 3));
        lan.link.inject(now, f);
        lan.expect(ourIp(PEER_MAC, PEER, 1, 0, icmp(3, 2, 0, quote(f, 20 + 8))));
        lan.expectNothing();
        assertEquals(1, lan.stack.stats().drops(DropReason.IP_UNKNOWN_PROTOCOL));
        assertEquals(1, lan.stack.stats().get(Proto.ICMP, Counter.SENT));

        // The same to the subnet broadcast: no error.
        byte[] b = Frames.ipv4(0xFFFF_FFFF_FFFFL, PEER_MAC, new Ipv4Repr(PEER, SUBNET_BROADCAST, 253, 64, 0x1235, false, false, 0, 30), bytes(30, 3));
        lan.link.inject(now, b);
        lan.expectNothing();
        assertEquals(2, lan.stack.stats().drops(DropReason.IP_UNKNOWN_PROTOCOL));
        sock.close();
        lan.assertAtBaseline();
    }

    @Test
    void aShortUnknownProtocolDatagramIsQuotedWhole() {
        byte[] f = ip(new Ipv4Repr(PEER, US, 99, 64, 0x1234, false, false, 0, 3), bytes(3, 3));
        lan.link.inject(now, f);
        lan.expect(ourIp(PEER_MAC, PEER, 1, 0, icmp(3, 2, 0, quote(f, 23))));
        sock.close();
        lan.assertAtBaseline();
    }

    @Test
    void optionsAreAcceptedAndSkipped() {
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, bytes(50, 5));
        lan.link.inject(now, ipWithOptions(new Ipv4Repr(PEER, US, 17, 64, 5, false, false, 0, udp.length, NOP_OPTIONS, 0), udp));
        UdpSocket.Datagram d = sock.receive();
        assertNotNull(d, () -> lan.stack.stats().report());
        assertArrayEquals(bytes(50, 5), d.data());
        assertEquals(9000, d.sourcePort());

        byte[] echo = Frames.echoRequest(7, 8, bytes(16, 1));
        lan.link.inject(now, ipWithOptions(new Ipv4Repr(PEER, US, 1, 64, 6, false, false, 0, echo.length, NOP_OPTIONS, 0), echo));
        lan.expect(ourIp(PEER_MAC, PEER, 1, 0, icmp(0, 0, 0x0007_0008, bytes(16, 1))));

        byte[] unknown = ipWithOptions(new Ipv4Repr(PEER, US, 200, 64, 7, false, false, 0, 12, NOP_OPTIONS, 0), bytes(12, 2));
        lan.link.inject(now, unknown);
        lan.expect(ourIp(PEER_MAC, PEER, 1, 1, icmp(3, 2, 0, quote(unknown, 24 + 8))));
        lan.expectNothing();
        assertEquals(1, lan.stack.stats().totalDrops());
        sock.close();
        lan.assertAtBaseline();
    }

    @Test
    void malformedOptionsAreDropped() {
        byte[] udp = Frames.udp(PEER, US, 9000, 7000, bytes(10, 5));
        byte[] badOption = {7, 0, 0, 0}; // record route with length 0
        lan.link.inject(now, ipWithOptions(new Ipv4Repr(PEER, US, 17, 64, 5, false, false, 0, udp.length, badOption, 0), udp));
        assertDroppedOnly(DropReason.IP_BAD_OPTION);
    }

    @Test
    void onAnIpLinkAnEmptyOrIpv6PacketIsDroppedAndCounted() {
        Stack st = new Stack(StackConfig.builder().budget(64 * 1024).build());
        net.sloop.testing.LeakCheck.track(st.budget());
        net.sloop.testing.LeakCheck.closeLater(st);
        net.sloop.testing.CaptureLink tun = new net.sloop.testing.CaptureLink("tun0", net.sloop.link.Link.Kind.IP, 0, 1500);
        st.addInterface(tun, US, 24);
        tun.inject(now, new byte[0]);
        assertEquals(1, st.stats().drops(DropReason.IP_TRUNCATED), () -> st.stats().report());
        byte[] v6 = new byte[40];
        v6[0] = 0x60;
        tun.inject(now, v6);
        assertEquals(1, st.stats().drops(DropReason.IPV6_UNSUPPORTED));
        // And an ordinary IPv4 packet still gets through: an echo request is answered, with no link header.
        byte[] echo = Frames.echoRequest(3, 4, bytes(12, 1));
        byte[] ping = Arrays.copyOfRange(ip(new Ipv4Repr(PEER, US, 1, 64, 1, false, false, 0, echo.length), echo), 14, 14 + 20 + echo.length);
        tun.inject(now, ping);
        byte[] reply = tun.take();
        assertNotNull(reply);
        assertArrayEquals(Lan.ipPacket(ourIp(PEER_MAC, PEER, 1, 0, icmp(0, 0, 0x0003_0004, bytes(12, 1)))), reply);
        assertEquals("", st.budget().leakReport());
        sock.close();
        lan.assertAtBaseline();
    }
}
