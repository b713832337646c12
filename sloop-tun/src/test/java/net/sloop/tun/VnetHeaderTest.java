package net.sloop.tun;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import net.sloop.testing.Frames;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4Repr;
import org.junit.jupiter.api.Test;

/** struct virtio_net_hdr (linux/virtio_net.h) as {@link VnetHeader} reads and writes it. */
class VnetHeaderTest {
    static final int A = Ipv4Address.parse("10.0.0.1"), B = Ipv4Address.parse("10.0.0.2");

    @Test
    void fieldsAreAtTheirOffsetsLittleEndian() {
        MemorySegment s = MemorySegment.ofArray(new byte[12]);
        VnetHeader.encode(s, 1, VnetHeader.F_NEEDS_CSUM, VnetHeader.GSO_TCPV4 | VnetHeader.GSO_ECN, 0x0142, 1448, 0x1234, 16);
        byte[] b = s.toArray(ValueLayout.JAVA_BYTE);
        assertArrayEquals(new byte[] {0, 1, (byte) 0x81, 0x42, 0x01, (byte) 0xA8, 0x05, 0x34, 0x12, 16, 0, 0}, b);
        assertEquals(VnetHeader.F_NEEDS_CSUM, VnetHeader.flags(s, 1));
        assertEquals(VnetHeader.GSO_TCPV4, VnetHeader.gsoType(s, 1));
        assertTrue(VnetHeader.ecn(s, 1));
        assertEquals(0x0142, VnetHeader.hdrLen(s, 1));
        assertEquals(1448, VnetHeader.gsoSize(s, 1));
        assertEquals(0x1234, VnetHeader.csumStart(s, 1));
        assertEquals(16, VnetHeader.csumOffset(s, 1));
    }

    @Test
    void largeValuesRoundTripUnsigned() {
        MemorySegment s = MemorySegment.ofArray(new byte[10]);
        VnetHeader.encode(s, 0, 0xFF, 0x7F, 65535, 65535, 65535, 65535);
        assertEquals(0xFF, VnetHeader.flags(s, 0));
        assertEquals(0x7F, VnetHeader.gsoType(s, 0));
        assertFalse(VnetHeader.ecn(s, 0));
        assertEquals(65535, VnetHeader.hdrLen(s, 0));
        assertEquals(65535, VnetHeader.gsoSize(s, 0));
        assertEquals(65535, VnetHeader.csumStart(s, 0));
        assertEquals(65535, VnetHeader.csumOffset(s, 0));
    }

    @Test
    void trustedMeansNeedsCsumOrDataValid() {
        assertFalse(VnetHeader.checksumTrusted(0));
        assertTrue(VnetHeader.checksumTrusted(VnetHeader.F_NEEDS_CSUM));
        assertTrue(VnetHeader.checksumTrusted(VnetHeader.F_DATA_VALID));
        assertFalse(VnetHeader.checksumTrusted(4)); // VIRTIO_NET_HDR_F_RSC_INFO
    }

    /** The header {@link VnetHeader#encodeForFrame} writes for {@code frame} behind {@code linkHeader} bytes. */
    static byte[] forFrame(byte[] frame, int linkHeader) {
        MemorySegment h = MemorySegment.ofArray(new byte[10]);
        h.fill((byte) 0x77);
        VnetHeader.encodeForFrame(h, 0, MemorySegment.ofArray(frame), 0, frame.length, linkHeader);
        return h.toArray(ValueLayout.JAVA_BYTE);
    }

    static byte[] ip(byte[] ethernetFrame) {
        return java.util.Arrays.copyOfRange(ethernetFrame, 14, ethernetFrame.length);
    }

    @Test
    void outgoingTcpAndUdpAskForTheChecksumAtTheirField() {
        byte[] tcp = new byte[40];
        tcp[12] = 0x50;
        byte[] tcpFrame = Frames.ipv4(1, 2, new Ipv4Repr(A, B, 6, 64, 1, true, false, 0, tcp.length), tcp);
        byte[] udpFrame = Frames.udpFrame(1, 2, A, B, 1, 2, 3, new byte[10]);
        // TUN: the IP packet alone; csum_start is the IP header's length.
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 20, 0, 16, 0}, forFrame(ip(tcpFrame), 0));
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 20, 0, 6, 0}, forFrame(ip(udpFrame), 0));
        // TAP: after the Ethernet header.
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 34, 0, 16, 0}, forFrame(tcpFrame, 14));
        assertArrayEquals(new byte[] {1, 0, 0, 0, 0, 0, 34, 0, 6, 0}, forFrame(udpFrame, 14));
    }

    @Test
    void everythingElseGoesWithoutOffload() {
        byte[] none = new byte[10];
        byte[] ping = Frames.pingFrame(1, 2, A, B, 1, 1);
        assertArrayEquals(none, forFrame(ip(ping), 0));
        assertArrayEquals(none, forFrame(ping, 14));
        byte[] fragment = Frames.fragment(1, 2, A, B, 9, 0, true, new byte[64]);
        assertArrayEquals(none, forFrame(ip(fragment), 0));
        byte[] later = Frames.fragment(1, 2, A, B, 9, 64, false, new byte[64]);
        assertArrayEquals(none, forFrame(ip(later), 0));
        byte[] arp = new byte[42];
        arp[12] = 0x08;
        arp[13] = 0x06;
        assertArrayEquals(none, forFrame(arp, 14));
        assertArrayEquals(none, forFrame(new byte[10], 0)); // too short for an IP header
        byte[] v6 = new byte[60];
        v6[0] = 0x60;
        v6[9] = 6;
        assertArrayEquals(none, forFrame(v6, 0));
    }
}
