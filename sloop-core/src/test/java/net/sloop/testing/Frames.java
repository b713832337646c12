package net.sloop.testing;

import java.lang.foreign.MemorySegment;
import net.sloop.wire.EthernetRepr;
import net.sloop.wire.EthernetView;
import net.sloop.wire.Icmpv4Repr;
import net.sloop.wire.Icmpv4View;
import net.sloop.wire.Ipv4Repr;
import net.sloop.wire.Ipv4View;
import net.sloop.wire.UdpRepr;
import net.sloop.wire.UdpView;

/** Builds whole Ethernet frames for tests, with correct checksums, through the wire codecs. */
public final class Frames {
    private Frames() {}

    /** An Ethernet frame holding an IPv4 packet whose payload is {@code transport}. */
    public static byte[] ipv4(long dstMac, long srcMac, Ipv4Repr ip, byte[] transport) {
        byte[] f = new byte[14 + 20 + transport.length];
        MemorySegment s = MemorySegment.ofArray(f);
        new EthernetRepr(dstMac, srcMac, EthernetView.ETHERTYPE_IPV4).emit(new EthernetView().wrap(s, 0, 14));
        ip.emit(new Ipv4View().wrap(s, 14, 20 + transport.length));
        MemorySegment.copy(MemorySegment.ofArray(transport), 0, s, 34, transport.length);
        return f;
    }

    /** A UDP datagram (header and payload) with its checksum. */
    public static byte[] udp(int src, int dst, int srcPort, int dstPort, byte[] payload) {
        byte[] u = new byte[8 + payload.length];
        MemorySegment s = MemorySegment.ofArray(u);
        UdpView v = new UdpView().wrap(s, 0, u.length);
        new UdpRepr(srcPort, dstPort, payload.length).emit(v);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, s, 8, payload.length);
        v.fillChecksum(src, dst);
        return u;
    }

    /** An ICMP echo request with its checksum. */
    public static byte[] echoRequest(int id, int seq, byte[] payload) {
        byte[] m = new byte[8 + payload.length];
        MemorySegment s = MemorySegment.ofArray(m);
        Icmpv4View v = new Icmpv4View().wrap(s, 0, m.length);
        Icmpv4Repr.echo(8, id, seq, payload.length).emit(v);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, s, 8, payload.length);
        v.fillChecksum();
        return m;
    }

    /** Whole UDP-in-IPv4-in-Ethernet frame. */
    public static byte[] udpFrame(long dstMac, long srcMac, int src, int dst, int srcPort, int dstPort, int ipId, byte[] payload) {
        byte[] u = udp(src, dst, srcPort, dstPort, payload);
        return ipv4(dstMac, srcMac, new Ipv4Repr(src, dst, 17, 64, ipId, false, false, 0, u.length), u);
    }

    /** A fragment carrying {@code data} at {@code offset} of datagram {@code ipId}. */
    public static byte[] fragment(long dstMac, long srcMac, int src, int dst, int ipId, int offset, boolean more, byte[] data) {
        return ipv4(dstMac, srcMac, new Ipv4Repr(src, dst, 17, 64, ipId, false, more, offset, data.length), data);
    }

    /** Whole echo-request frame. */
    public static byte[] pingFrame(long dstMac, long srcMac, int src, int dst, int id, int seq) {
        byte[] m = echoRequest(id, seq, new byte[32]);
        return ipv4(dstMac, srcMac, new Ipv4Repr(src, dst, 1, 64, seq, false, false, 0, m.length), m);
    }

    /** True if {@code frame} is an IPv4 ICMP echo reply with this sequence number. */
    public static boolean isEchoReply(byte[] frame, int seq) {
        if (frame.length < 14 + 20 + 8) return false;
        MemorySegment s = MemorySegment.ofArray(frame);
        if (new EthernetView().wrap(s, 0, frame.length).etherType() != EthernetView.ETHERTYPE_IPV4) return false;
        Ipv4View ip = new Ipv4View().wrap(s, 14, frame.length - 14);
        if (ip.protocol() != 1) return false;
        Icmpv4View icmp = new Icmpv4View().wrap(s, 14 + ip.headerLength(), frame.length - 14 - ip.headerLength());
        return icmp.type() == 0 && icmp.sequence() == seq;
    }
}
