package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Header field errors and corrupted checksums. */
class CorruptionTest {
    static final int SRC = Ipv4Address.parse("198.18.0.1");
    static final int DST = Ipv4Address.parse("198.18.0.2");

    MemorySegment ipPacket(byte[] options, int payload) {
        Ipv4Repr r = new Ipv4Repr(SRC, DST, 17, 64, 99, true, false, 0, payload, options, 0);
        MemorySegment seg = MemorySegment.ofArray(new byte[r.bufferLength() + payload + 6]); // 6 bytes padding
        r.emit(new Ipv4View().wrap(seg, 0, (int) seg.byteSize()));
        return seg;
    }

    @Test
    void ipv4FieldErrors() {
        Ipv4View v = new Ipv4View();
        MemorySegment seg = ipPacket(null, 10);
        assertEquals(WireError.NONE, v.wrap(seg, 0, 36).check());
        assertEquals(10, v.payloadLength()); // trailing padding excluded

        Bytes.put8(seg, 0, 0x65);
        assertEquals(WireError.BAD_VERSION, v.check());
        Bytes.put8(seg, 0, 0x44);
        assertEquals(WireError.BAD_HEADER_LENGTH, v.check());
        Bytes.put8(seg, 0, 0x4F);
        assertEquals(WireError.TRUNCATED, v.wrap(seg, 0, 36).check());
        Bytes.put8(seg, 0, 0x45);

        v.setTotalLength(19);
        v.fillHeaderChecksum();
        assertEquals(WireError.BAD_TOTAL_LENGTH, v.check());
        v.setTotalLength(37);
        v.fillHeaderChecksum();
        assertEquals(WireError.BAD_TOTAL_LENGTH, v.check());
        v.setTotalLength(20);
        v.fillHeaderChecksum();
        assertEquals(WireError.NONE, v.check());
        assertEquals(0, v.payloadLength());

        v.setHeaderChecksum(v.headerChecksum() ^ 1);
        assertEquals(WireError.BAD_CHECKSUM, v.check());
        assertFalse(v.verifyHeaderChecksum());
    }

    @Test
    void ipv4Options() {
        Ipv4View v = new Ipv4View();
        // NOPs, an unknown option of length 4, EOL: valid.
        assertEquals(WireError.NONE, v.wrap(ipPacket(new byte[] {1, 1, (byte) 0x94, 4, 0, 0, 0, 0}, 0), 0, 28).check());
        // length 0 / 1 / past the area.
        assertEquals(WireError.BAD_OPTION, v.wrap(ipPacket(new byte[] {7, 0, 0, 0}, 0), 0, 24).check());
        assertEquals(WireError.BAD_OPTION, v.wrap(ipPacket(new byte[] {7, 1, 0, 0}, 0), 0, 24).check());
        assertEquals(WireError.BAD_OPTION, v.wrap(ipPacket(new byte[] {1, 7, 9, 0}, 0), 0, 24).check());
        // length byte missing at the very end.
        assertEquals(WireError.BAD_OPTION, v.wrap(ipPacket(new byte[] {1, 1, 1, 7}, 0), 0, 24).check());
        // garbage after EOL is ignored.
        assertEquals(WireError.NONE, v.wrap(ipPacket(new byte[] {0, 7, 0, 0}, 0), 0, 24).check());
        assertEquals(4, v.optionsLength());
    }

    @Test
    void ipv4FragmentPastMaximum() {
        Ipv4Repr r = new Ipv4Repr(SRC, DST, 1, 64, 1, false, false, 65528, 16);
        MemorySegment seg = MemorySegment.ofArray(new byte[36]);
        Ipv4View v = new Ipv4View().wrap(seg, 0, 36);
        r.emit(v);
        assertTrue(v.isFragment());
        assertEquals(WireError.BAD_FRAGMENT, v.check());
    }

    @Test
    void icmpUdpTcpChecksumCorruption() {
        MemorySegment seg = MemorySegment.ofArray(new byte[64]);
        Icmpv4View icmp = new Icmpv4View().wrap(seg, 0, 64);
        Icmpv4Repr.echo(Icmpv4View.TYPE_ECHO_REQUEST, 0x1234, 7, 56).emit(icmp);
        icmp.fillChecksum();
        assertEquals(WireError.NONE, icmp.check());
        assertEquals(0x1234, icmp.identifier());
        assertEquals(7, icmp.sequence());
        icmp.setChecksum(icmp.checksum() + 1);
        assertEquals(WireError.BAD_CHECKSUM, icmp.check());

        UdpView udp = new UdpView().wrap(seg, 0, 20);
        new UdpRepr(1000, 2000, 12).emit(udp);
        udp.fillChecksum(SRC, DST);
        assertTrue(udp.verifyChecksum(SRC, DST));
        udp.setChecksum(udp.checksum() ^ 0x8000);
        assertFalse(udp.verifyChecksum(SRC, DST));
        udp.setChecksum(0);
        assertTrue(udp.verifyChecksum(SRC, DST), "0 means no checksum over IPv4");
        udp.setLength(7);
        assertEquals(WireError.BAD_LENGTH, udp.check());
        udp.setLength(21);
        assertEquals(WireError.BAD_LENGTH, udp.check());

        TcpView tcp = new TcpView().wrap(seg, 0, 40);
        TcpRepr.plain(80, 1234, 1, 2, TcpView.ACK, 100, 20).emit(tcp);
        tcp.fillChecksum(SRC, DST);
        assertTrue(tcp.verifyChecksum(SRC, DST));
        assertFalse(tcp.verifyChecksum(DST, SRC + 1));
        tcp.setWindow(101);
        assertFalse(tcp.verifyChecksum(SRC, DST));
        tcp.setDataOffset(4);
        assertEquals(WireError.BAD_HEADER_LENGTH, tcp.check());
        tcp.setDataOffset(11);
        assertEquals(WireError.BAD_HEADER_LENGTH, tcp.wrap(seg, 0, 40).check());
    }

    /** A UDP checksum that computes to 0 is sent as 0xFFFF (RFC 768). */
    @Test
    void udpZeroChecksumSentAsAllOnes() {
        MemorySegment seg = MemorySegment.ofArray(new byte[10]);
        UdpView udp = new UdpView().wrap(seg, 0, 10);
        new UdpRepr(0, 0, 2).emit(udp);
        // Pick the payload word so the sum over pseudo-header and datagram is 0xFFFF.
        long acc = Checksum.pseudoHeaderV4(SRC, DST, 17, 10) + Checksum.add(0, seg, 0, 10);
        Bytes.put16(seg, 8, 0xFFFF - Checksum.fold(acc));
        udp.fillChecksum(SRC, DST);
        assertEquals(0xFFFF, udp.checksum());
        assertTrue(udp.verifyChecksum(SRC, DST));
    }

    @Test
    void ethernetAndArpUnsupported() {
        MemorySegment seg = MemorySegment.ofArray(LinuxCapture.frame("arp-request"));
        EthernetView eth = new EthernetView().wrap(seg, 0, 42);
        eth.setEtherType(0x05DC); // 802.3 length 1500
        assertEquals(WireError.UNSUPPORTED, eth.check());
        ArpView arp = new ArpView().wrap(seg, 14, 28);
        assertEquals(WireError.NONE, arp.check());
        Bytes.put16(seg, 14, 6); // IEEE 802 hardware
        assertEquals(WireError.UNSUPPORTED, arp.check());
        arp.setEthernetIpv4();
        Bytes.put8(seg, 19, 16); // protocol length 16
        assertEquals(WireError.UNSUPPORTED, arp.check());
        arp.setEthernetIpv4();
        arp.setOperation(3); // RARP
        assertEquals(WireError.UNSUPPORTED, arp.check());
    }
}
