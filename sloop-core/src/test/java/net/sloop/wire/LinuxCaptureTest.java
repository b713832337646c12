package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Frames captured from Linux (linux-capture.txt): every header and checksum decodes and verifies,
 * specific values match what the kernel sent, and re-emitting through the Reprs gives the same
 * bytes.
 */
class LinuxCaptureTest {
    static final int A = Ipv4Address.parse("198.18.0.1");
    static final int B = Ipv4Address.parse("198.18.0.2");
    static final long MAC_A = MacAddress.parse("02:00:00:00:00:01");
    static final long MAC_B = MacAddress.parse("02:00:00:00:00:02");

    final EthernetView eth = new EthernetView();
    final ArpView arp = new ArpView();
    final Ipv4View ip = new Ipv4View();
    final Icmpv4View icmp = new Icmpv4View();
    final UdpView udp = new UdpView();
    final TcpView tcp = new TcpView();

    /** Wraps and checks Ethernet + IPv4 of a frame; returns its segment. */
    MemorySegment ipFrame(String label) {
        MemorySegment seg = MemorySegment.ofArray(LinuxCapture.frame(label));
        assertEquals(WireError.NONE, eth.wrap(seg, 0, (int) seg.byteSize()).check(), label);
        assertEquals(EthernetView.ETHERTYPE_IPV4, eth.etherType());
        assertEquals(WireError.NONE, ip.wrap(seg, eth.payloadOffset(), eth.payloadLength()).check(), label);
        assertTrue(ip.verifyHeaderChecksum());
        return seg;
    }

    @Test
    void everyFrameParsesVerifiesAndReEmitsIdentically() {
        int count = 0;
        for (String[] f : LinuxCapture.frames()) {
            byte[] original = Hex.bytes(f[1]);
            MemorySegment seg = MemorySegment.ofArray(original.clone());
            String label = f[0];
            assertEquals(WireError.NONE, eth.wrap(seg, 0, original.length).check(), label);
            byte[] copy = new byte[original.length];
            MemorySegment out = MemorySegment.ofArray(copy);
            EthernetRepr.of(eth).emit(new EthernetView().wrap(out, 0, copy.length));
            switch (eth.etherType()) {
                case EthernetView.ETHERTYPE_ARP -> {
                    assertEquals(WireError.NONE, arp.wrap(seg, 14, eth.payloadLength()).check(), label);
                    ArpRepr.of(arp).emit(new ArpView().wrap(out, 14, copy.length - 14));
                }
                case EthernetView.ETHERTYPE_IPV4 -> {
                    assertEquals(WireError.NONE, ip.wrap(seg, 14, eth.payloadLength()).check(), label);
                    Ipv4View ipOut = new Ipv4View().wrap(out, 14, copy.length - 14);
                    Ipv4Repr.of(ip).emit(ipOut);
                    long p = ip.payloadOffset();
                    int n = ip.payloadLength();
                    MemorySegment.copy(seg, p, out, p, n); // payload bytes, then the transport header over them
                    if (ip.isFragment()) {
                        break; // transport header only in the first fragment, checksum over the whole datagram
                    }
                    switch (ip.protocol()) {
                        case Ipv4View.PROTO_ICMP -> {
                            assertEquals(WireError.NONE, icmp.wrap(seg, p, n).check(), label);
                            Icmpv4View v = new Icmpv4View().wrap(out, p, n);
                            Icmpv4Repr.of(icmp).emit(v);
                            v.fillChecksum();
                        }
                        case Ipv4View.PROTO_UDP -> {
                            assertEquals(WireError.NONE, udp.wrap(seg, p, n).check(), label);
                            assertTrue(udp.checksum() != 0 && udp.verifyChecksum(ip.src(), ip.dst()), label);
                            UdpView v = new UdpView().wrap(out, p, n);
                            UdpRepr.of(udp).emit(v);
                            v.fillChecksum(ip.src(), ip.dst());
                        }
                        case Ipv4View.PROTO_TCP -> {
                            assertEquals(WireError.NONE, tcp.wrap(seg, p, n).check(), label);
                            assertTrue(tcp.verifyChecksum(ip.src(), ip.dst()), label);
                            TcpView v = new TcpView().wrap(out, p, n);
                            TcpRepr.of(tcp).emit(v);
                            v.fillChecksum(ip.src(), ip.dst());
                        }
                        default -> fail("unexpected protocol in " + label);
                    }
                }
                default -> fail("unexpected EtherType in " + label);
            }
            assertEquals(Hex.of(MemorySegment.ofArray(original), 0, original.length), Hex.of(out, 0, copy.length), label);
            count++;
        }
        assertEquals(23, count);
    }

    @Test
    void arpRequestAndReply() {
        MemorySegment seg = MemorySegment.ofArray(LinuxCapture.frame("arp-request"));
        assertEquals(WireError.NONE, eth.wrap(seg, 0, (int) seg.byteSize()).check());
        assertTrue(MacAddress.isBroadcast(eth.dst()));
        assertEquals(MAC_A, eth.src());
        assertEquals(WireError.NONE, arp.wrap(seg, eth.payloadOffset(), eth.payloadLength()).check());
        assertEquals(new ArpRepr(ArpView.OP_REQUEST, MAC_A, A, 0, B), ArpRepr.of(arp));

        seg = MemorySegment.ofArray(LinuxCapture.frame("arp-reply"));
        assertEquals(WireError.NONE, eth.wrap(seg, 0, (int) seg.byteSize()).check());
        assertEquals(MAC_A, eth.dst());
        assertEquals(WireError.NONE, arp.wrap(seg, eth.payloadOffset(), eth.payloadLength()).check());
        assertEquals(new ArpRepr(ArpView.OP_REPLY, MAC_B, B, MAC_A, A), ArpRepr.of(arp));
    }

    @Test
    void echoRequestAndReply() {
        ipFrame("icmp-echo-request");
        assertEquals(A, ip.src());
        assertEquals(B, ip.dst());
        assertEquals(Ipv4View.PROTO_ICMP, ip.protocol());
        assertTrue(ip.dontFragment());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(84, ip.totalLength());
        assertEquals(WireError.NONE, icmp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertEquals(Icmpv4View.TYPE_ECHO_REQUEST, icmp.type());
        int id = icmp.identifier();
        assertEquals(1, icmp.sequence());
        assertEquals(56, icmp.payloadLength());

        ipFrame("icmp-echo-reply");
        assertEquals(B, ip.src());
        assertEquals(WireError.NONE, icmp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertEquals(Icmpv4View.TYPE_ECHO_REPLY, icmp.type());
        assertEquals(id, icmp.identifier());
        assertEquals(1, icmp.sequence());
    }

    @Test
    void fragmentedPingReassemblesAndVerifies() {
        for (String dir : new String[] {"request", "reply"}) {
            byte[] whole = new byte[8 + 3000];
            int[] offsets = {0, 1480, 2960};
            int id = -1;
            for (int i = 0; i < 3; i++) {
                MemorySegment seg = ipFrame("frag-" + dir + "-" + offsets[i]);
                assertTrue(ip.isFragment());
                assertEquals(offsets[i], ip.fragmentOffset());
                assertEquals(i < 2, ip.moreFragments());
                assertFalse(ip.dontFragment());
                assertEquals(i < 2 ? 1500 : 68, ip.totalLength());
                if (id < 0) {
                    id = ip.identification();
                }
                assertEquals(id, ip.identification());
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, ip.payloadOffset(), whole, ip.fragmentOffset(), ip.payloadLength());
            }
            // The ICMP checksum covers the reassembled message; check it both in one go and as the
            // three fragment chunks (all at even offsets), and as odd-split chunks with swap().
            MemorySegment w = MemorySegment.ofArray(whole);
            assertEquals(WireError.NONE, icmp.wrap(w, 0, whole.length).check(), dir);
            assertEquals(dir.equals("request") ? Icmpv4View.TYPE_ECHO_REQUEST : Icmpv4View.TYPE_ECHO_REPLY, icmp.type());
            long acc = 0;
            int[] cuts = {0, 1, 1480, 2001, 2960, whole.length};
            for (int c = 0; c + 1 < cuts.length; c++) {
                int part = Checksum.fold(Checksum.add(0, w, cuts[c], cuts[c + 1] - cuts[c]));
                acc += (cuts[c] & 1) == 0 ? part : Checksum.swap(part);
            }
            assertEquals(0xFFFF, Checksum.fold(acc));
        }
    }

    @Test
    void udpAndPortUnreachable() {
        ipFrame("udp-to-closed-port");
        assertEquals(Ipv4View.PROTO_UDP, ip.protocol());
        assertEquals(WireError.NONE, udp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertEquals(9, udp.dstPort());
        int srcPort = udp.srcPort();
        assertEquals(18, udp.length());
        assertTrue(udp.verifyChecksum(A, B));
        assertFalse(udp.verifyChecksum(A, A));
        assertEquals("sloop udp\n", text(udp.segment(), udp.payloadOffset(), udp.payloadLength()));

        MemorySegment seg = ipFrame("icmp-port-unreachable");
        assertEquals(B, ip.src());
        assertEquals(A, ip.dst());
        assertEquals(0xC0, ip.dscpEcn());
        assertEquals(48, ip.dscp());
        assertEquals(WireError.NONE, icmp.wrap(seg, ip.payloadOffset(), ip.payloadLength()).check());
        assertEquals(Icmpv4View.TYPE_DEST_UNREACHABLE, icmp.type());
        assertEquals(Icmpv4View.CODE_PORT_UNREACHABLE, icmp.code());
        // The quoted datagram: the original IPv4 header and UDP header.
        Ipv4View inner = new Ipv4View().wrap(seg, icmp.payloadOffset(), icmp.payloadLength());
        assertEquals(WireError.NONE, inner.check());
        assertEquals(A, inner.src());
        assertEquals(Ipv4View.PROTO_UDP, inner.protocol());
        UdpView innerUdp = new UdpView().wrap(seg, inner.payloadOffset(), inner.payloadLength());
        assertEquals(WireError.NONE, innerUdp.check());
        assertEquals(srcPort, innerUdp.srcPort());
        assertEquals(9, innerUdp.dstPort());
    }

    @Test
    void tcpHandshakeOptionsAndData() {
        ipFrame("tcp-syn");
        assertEquals(WireError.NONE, tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertEquals(TcpView.SYN, tcp.flags());
        assertEquals(5000, tcp.dstPort());
        int clientPort = tcp.srcPort();
        int isn = tcp.seq();
        assertEquals(40, tcp.headerLength());
        assertEquals(64240, tcp.window());
        TcpOptions o = tcp.options();
        assertEquals(1460, o.mss);
        assertTrue(o.sackPermitted);
        assertEquals(10, o.windowScale);
        assertTrue(o.hasTimestamps);
        assertEquals(0, o.tsEcr);
        int synTsVal = o.tsVal;
        assertEquals(1, tcp.segmentLength());

        ipFrame("tcp-syn-ack");
        assertEquals(WireError.NONE, tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertEquals(TcpView.SYN | TcpView.ACK, tcp.flags());
        assertEquals(clientPort, tcp.dstPort());
        assertEquals(isn + 1, tcp.ack());
        assertEquals(1460, tcp.options().mss);
        assertTrue(tcp.options().sackPermitted);
        assertEquals(10, tcp.options().windowScale);
        assertEquals(synTsVal, tcp.options().tsEcr);
        int serverIsn = tcp.seq();

        ipFrame("tcp-data-client");
        assertEquals(WireError.NONE, tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertEquals(TcpView.PSH | TcpView.ACK, tcp.flags());
        assertEquals(isn + 1, tcp.seq());
        assertEquals(serverIsn + 1, tcp.ack());
        assertEquals(32, tcp.headerLength());
        assertEquals(-1, tcp.options().mss);
        assertEquals(-1, tcp.options().windowScale);
        assertTrue(tcp.options().hasTimestamps);
        assertEquals("hello sloop\n", text(tcp.segment(), tcp.payloadOffset(), tcp.payloadLength()));

        ipFrame("tcp-data-server");
        assertEquals(WireError.NONE, tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertEquals("pong\n", text(tcp.segment(), tcp.payloadOffset(), tcp.payloadLength()));

        ipFrame("tcp-fin-server");
        assertEquals(WireError.NONE, tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertTrue(tcp.fin() && tcp.hasAck());
        assertEquals(serverIsn + 6, tcp.seq());
        assertEquals(1, tcp.segmentLength());

        ipFrame("tcp-fin-client");
        assertEquals(WireError.NONE, tcp.wrap(ip.segment(), ip.payloadOffset(), ip.payloadLength()).check());
        assertTrue(tcp.fin());
        assertEquals(isn + 13, tcp.seq());
    }

    @Test
    void corruptingAnyCapturedByteIsDetectedSomewhere() {
        // Flip one bit in each IPv4 frame's IP header or transport part: some check must fail.
        for (String[] f : LinuxCapture.frames()) {
            byte[] original = Hex.bytes(f[1]);
            if ((original[12] & 0xFF) != 0x08 || original[13] != 0) {
                continue;
            }
            // Later fragments carry no transport header: only their IP header is checkable.
            int end = f[0].startsWith("frag-") ? 34 : original.length;
            for (int i = 14; i < end; i += 3) {
                byte[] b = original.clone();
                b[i] ^= 0x04;
                assertFalse(allValid(MemorySegment.ofArray(b)), f[0] + " byte " + i);
            }
        }
    }

    private boolean allValid(MemorySegment seg) {
        if (ip.wrap(seg, 14, (int) seg.byteSize() - 14).check() != WireError.NONE) {
            return false;
        }
        if (ip.isFragment()) {
            return true;
        }
        long p = ip.payloadOffset();
        int n = ip.payloadLength();
        return switch (ip.protocol()) {
            case Ipv4View.PROTO_ICMP -> icmp.wrap(seg, p, n).check() == WireError.NONE;
            case Ipv4View.PROTO_UDP -> udp.wrap(seg, p, n).check() == WireError.NONE && udp.verifyChecksum(ip.src(), ip.dst());
            case Ipv4View.PROTO_TCP -> tcp.wrap(seg, p, n).check() == WireError.NONE && tcp.verifyChecksum(ip.src(), ip.dst());
            default -> false;
        };
    }

    private static String text(MemorySegment seg, long off, int len) {
        return new String(seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
    }
}
