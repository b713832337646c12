package net.sloop.wire;

import java.lang.foreign.MemorySegment;

/**
 * Runs every view's check() over the same bytes and, when one accepts them, every getter and the
 * matching Repr. Used by the "never throws" properties and tests.
 */
final class Fuzz {
    private final EthernetView eth = new EthernetView();
    private final ArpView arp = new ArpView();
    private final Ipv4View ip = new Ipv4View();
    private final Icmpv4View icmp = new Icmpv4View();
    private final UdpView udp = new UdpView();
    private final TcpView tcp = new TcpView();
    private final TcpOptions opts = new TcpOptions();

    /** Returns the six check results (Ethernet, ARP, IPv4, ICMP, UDP, TCP) packed for reporting. */
    WireError[] all(MemorySegment seg, long off, int len) {
        WireError[] r = new WireError[7];
        r[0] = eth.wrap(seg, off, len).check();
        if (r[0] == WireError.NONE) {
            EthernetRepr.of(eth);
            sink(eth.payloadOffset() + eth.payloadLength());
        }
        r[1] = arp.wrap(seg, off, len).check();
        if (r[1] == WireError.NONE) {
            ArpRepr.of(arp);
        }
        r[2] = ip.wrap(seg, off, len).check();
        if (r[2] == WireError.NONE) {
            Ipv4Repr.of(ip);
            sink(ip.payloadOffset() + ip.payloadLength() + ip.dscp() + ip.ecn() + (ip.isFragment() ? 1 : 0)
                    + ip.computeHeaderChecksum());
            if (ip.payloadOffset() + ip.payloadLength() > off + len) {
                throw new AssertionError("IPv4 payload past wrapped range");
            }
        }
        r[3] = icmp.wrap(seg, off, len).check();
        if (r[3] == WireError.NONE) {
            Icmpv4Repr.of(icmp);
            sink(icmp.identifier() + icmp.sequence() + icmp.nextHopMtu());
        }
        r[4] = udp.wrap(seg, off, len).check();
        if (r[4] == WireError.NONE) {
            UdpRepr.of(udp);
            sink(udp.verifyChecksum(1, 2) ? 1 : 0);
            if (udp.payloadOffset() + udp.payloadLength() > off + len) {
                throw new AssertionError("UDP payload past wrapped range");
            }
        }
        r[5] = tcp.wrap(seg, off, len).check();
        if (r[5] == WireError.NONE) {
            TcpRepr.of(tcp);
            sink(tcp.segmentLength() + (tcp.verifyChecksum(1, 2) ? 1 : 0));
            if (tcp.payloadLength() < 0) {
                throw new AssertionError("TCP negative payload");
            }
        }
        r[6] = opts.parse(seg, off, Math.min(len, 40));
        return r;
    }

    private static long sunk;

    private static void sink(long v) {
        sunk += v;
    }
}
