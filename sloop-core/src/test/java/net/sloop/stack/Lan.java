package net.sloop.stack;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;
import net.sloop.iface.NetIf;
import net.sloop.link.Link;
import net.sloop.testing.CaptureLink;
import net.sloop.testing.Frames;
import net.sloop.testing.LeakCheck;
import net.sloop.wire.ArpRepr;
import net.sloop.wire.ArpView;
import net.sloop.wire.EthernetRepr;
import net.sloop.wire.EthernetView;
import net.sloop.wire.Icmpv4View;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4Repr;
import net.sloop.wire.Ipv4View;

/**
 * One stack on one Ethernet capture link at 198.18.0.1/24, with the budget tracked by LeakCheck,
 * and the frames the packet-level tests send and expect. Not a test itself.
 */
final class Lan {
    static final long OUR_MAC = 0x02_00_00_00_00_01L;
    static final long PEER_MAC = 0x02_00_00_00_00_02L;
    static final long OTHER_MAC = 0x02_00_00_00_00_03L;
    static final int US = Ipv4Address.parse("198.18.0.1");
    static final int PEER = Ipv4Address.parse("198.18.0.2");
    static final int OTHER = Ipv4Address.parse("198.18.0.3");
    static final int SUBNET_BROADCAST = Ipv4Address.parse("198.18.0.255");
    static final int OFF_LINK = Ipv4Address.parse("203.0.113.9");

    final CaptureLink link = new CaptureLink("t0", Link.Kind.ETHERNET, OUR_MAC, 1500);
    final Stack stack;
    final NetIf nif;

    Lan(StackConfig config) {
        stack = new Stack(config);
        LeakCheck.track(stack.budget());
        LeakCheck.closeLater(stack);
        nif = stack.addInterface(link, US, 24);
    }

    Lan() {
        this(StackConfig.builder().budget(128 * 1024).build());
    }

    // ------------------------------------------------------------------ frames

    static byte[] arp(long ethDst, long ethSrc, int op, long sha, int spa, long tha, int tpa) {
        byte[] f = new byte[14 + 28];
        MemorySegment s = MemorySegment.ofArray(f);
        new EthernetRepr(ethDst, ethSrc, EthernetView.ETHERTYPE_ARP).emit(new EthernetView().wrap(s, 0, 14));
        new ArpRepr(op, sha, spa, tha, tpa).emit(new ArpView().wrap(s, 14, 28));
        return f;
    }

    /** The ARP request the stack broadcasts for {@code ip}. */
    static byte[] ourRequestFor(int ip) {
        return arp(-1L & 0xFFFF_FFFF_FFFFL, OUR_MAC, ArpView.OP_REQUEST, OUR_MAC, US, 0, ip);
    }

    /** Tells the stack {@code ip} is at {@code mac} with an ARP reply addressed to us (which flushes what waited for it). */
    void learn(long now, int ip, long mac) {
        link.inject(now, arp(OUR_MAC, mac, ArpView.OP_REPLY, mac, ip, OUR_MAC, US));
    }

    /** An IPv4 frame from the peer's MAC. */
    static byte[] ip(Ipv4Repr ip, byte[] payload) {
        return Frames.ipv4(OUR_MAC, PEER_MAC, ip, payload);
    }

    /** An IPv4 frame from the peer's MAC whose header may carry options. */
    static byte[] ipWithOptions(Ipv4Repr ip, byte[] payload) {
        int hl = ip.bufferLength();
        byte[] f = new byte[14 + hl + payload.length];
        MemorySegment s = MemorySegment.ofArray(f);
        new EthernetRepr(OUR_MAC, PEER_MAC, EthernetView.ETHERTYPE_IPV4).emit(new EthernetView().wrap(s, 0, 14));
        ip.emit(new Ipv4View().wrap(s, 14, hl + payload.length));
        System.arraycopy(payload, 0, f, 14 + hl, payload.length);
        return f;
    }

    /** Recomputes the IPv4 header checksum of a frame after a test edited the header. */
    static byte[] refillIpChecksum(byte[] frame) {
        ipView(frame).fillHeaderChecksum();
        return frame;
    }

    /** What the stack sends to the peer: IPv4 with TTL 64, no options, not fragmented. */
    static byte[] ourIp(long dstMac, int dst, int protocol, int id, byte[] payload) {
        return Frames.ipv4(dstMac, OUR_MAC, new Ipv4Repr(US, dst, protocol, 64, id, false, false, 0, payload.length), payload);
    }

    static byte[] icmp(int type, int code, int rest, byte[] body) {
        byte[] m = new byte[8 + body.length];
        MemorySegment s = MemorySegment.ofArray(m);
        Icmpv4View v = new Icmpv4View().wrap(s, 0, m.length);
        v.setType(type);
        v.setCode(code);
        v.setRestOfHeader(rest);
        System.arraycopy(body, 0, m, 8, body.length);
        v.fillChecksum();
        return m;
    }

    /** The IP packet inside an Ethernet frame. */
    static byte[] ipPacket(byte[] frame) {
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    /** The first {@code n} bytes of the IP packet inside an Ethernet frame (an ICMP error's quote). */
    static byte[] quote(byte[] frame, int n) {
        return Arrays.copyOfRange(frame, 14, 14 + n);
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + seed * 17 + (i >> 8));
        return b;
    }

    static Ipv4View ipView(byte[] frame) {
        return new Ipv4View().wrap(MemorySegment.ofArray(frame), 14, frame.length - 14);
    }

    // ------------------------------------------------------------------ assertions

    /** The next frame out is exactly {@code expected}. */
    void expect(byte[] expected) {
        byte[] got = link.take();
        assertNotNull(got, "expected a frame out, got none");
        if (!Arrays.equals(expected, got)) {
            fail("frame out differs\nexpected " + HexFormat.of().formatHex(expected) + "\n     got " + HexFormat.of().formatHex(got));
        }
    }

    void expectNothing() {
        byte[] got = link.take();
        if (got != null) fail("expected no frame out, got " + HexFormat.of().formatHex(got));
    }

    void assertAtBaseline() {
        assertEquals("", stack.budget().leakReport());
    }
}
