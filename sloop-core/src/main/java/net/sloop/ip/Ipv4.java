package net.sloop.ip;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import net.sloop.iface.LinkOutput;
import net.sloop.iface.NetIf;
import net.sloop.link.Link;
import net.sloop.mem.Budget;
import net.sloop.mem.Chains;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.stats.Stats;
import net.sloop.wire.Checksum;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4View;
import net.sloop.wire.WireError;

/**
 * IPv4 input and output: validation, local delivery by protocol, reassembly of fragments, and
 * fragmentation on output. A host, not a router: datagrams for other hosts are dropped (RFC 1122
 * §3.3.1 permits a host not to forward).
 */
public final class Ipv4 {
    public static final int HEADER = 20;

    private final TransportContext stack;
    private final LinkOutput output;
    private final Budget m;
    private final MemorySegment mem;
    private final Stats stats;
    private final Reassembly reassembly;
    private Transport icmp, udp, tcp;
    private final Ipv4View view = new Ipv4View();
    private final Ipv4View out = new Ipv4View();
    private int identification;

    public Ipv4(TransportContext stack, LinkOutput output, Reassembly reassembly) {
        this.stack = stack;
        this.output = output;
        this.m = stack.budget();
        this.mem = m.memory();
        this.stats = stack.stats();
        this.reassembly = reassembly;
    }

    /** Registers the handler of an IP protocol number. */
    public void register(int protocol, Transport t) {
        switch (protocol) {
            case 1 -> icmp = t;
            case 6 -> tcp = t;
            case 17 -> udp = t;
            default -> throw new IllegalArgumentException("no transport slot for IP protocol " + protocol);
        }
    }

    /** The handler of an IP protocol number, or null. */
    public Transport transport(int protocol) {
        return switch (protocol) {
            case 1 -> icmp;
            case 6 -> tcp;
            case 17 -> udp;
            default -> null;
        };
    }

    public Reassembly reassembly() {
        return reassembly;
    }

    /** Takes ownership of a received IPv4 packet (chain {@code head}, starting at the IP header). */
    public void input(long now, NetIf nif, int head) {
        stats.received(Proto.IPV4);
        int length = Chains.length(m, head);
        if (length < HEADER || !Chains.pullUp(m, head, HEADER)) {
            drop(head, DropReason.IP_TRUNCATED);
            return;
        }
        int ihl = (mem.get(ValueLayout.JAVA_BYTE, m.address(head)) & 0x0F) * 4;
        if (ihl > HEADER && !Chains.pullUp(m, head, Math.min(ihl, length))) {
            drop(head, DropReason.IP_TRUNCATED);
            return;
        }
        view.wrap(mem, m.address(head), length);
        WireError e = view.check(!nif.checksumOffload()); // a link that cannot corrupt: no header checksum to verify
        if (e != WireError.NONE) {
            drop(head, reason(e));
            return;
        }
        int total = view.totalLength();
        if (total < length) Chains.truncate(m, head, total); // link-layer padding
        int src = view.src();
        int dst = view.dst();
        if (Ipv4Address.isBroadcast(src) || Ipv4Address.isMulticast(src) || nif.isBroadcast(src)) {
            drop(head, DropReason.IP_BAD_SOURCE);
            return;
        }
        boolean broadcast;
        if (stack.isLocalAddress(dst)) broadcast = false;
        else if (nif.isBroadcast(dst) || Ipv4Address.isMulticast(dst)) broadcast = true;
        else {
            drop(head, DropReason.IP_NOT_FOR_US);
            return;
        }
        int protocol = view.protocol();
        if (view.isFragment()) {
            nif.frameChecksumTrusted(false); // a reassembled datagram is verified whole
            head = reassembly.add(now, head, ihl, view.identification(), src, dst, protocol,
                    view.fragmentOffset(), view.moreFragments(), total - ihl);
            if (head < 0) return; // kept for later, or dropped and counted
            // The datagram starts with the first fragment's header, whose length may differ from
            // this fragment's (options that are not copied appear in the first fragment only).
            ihl = (mem.get(ValueLayout.JAVA_BYTE, m.address(head)) & 0x0F) * 4;
        }
        Transport t = transport(protocol);
        if (t == null) {
            if (!broadcast) stack.icmp().sendError(now, Icmp.DEST_UNREACHABLE, Icmp.CODE_PROTOCOL_UNREACHABLE, 0, head, ihl);
            drop(head, DropReason.IP_UNKNOWN_PROTOCOL);
            return;
        }
        t.input(now, nif, head, ihl, src, dst, broadcast);
    }

    /**
     * Sends one transport message to {@code dst}, fragmenting it if it is larger than the
     * interface MTU allows and {@code dontFragment} is false. The message is read from
     * {@code g}. Returns false (counted) if there is no route, it is too big, or no frame could
     * be sent.
     *
     * @param src source address, or 0 for the address of the outgoing interface
     */
    public boolean send(long now, int src, int dst, int protocol, boolean dontFragment, Gather g) {
        int route = stack.routes().lookup(dst);
        NetIf nif;
        int nextHop;
        if (dst == -1) { // limited broadcast: out of the interface that owns the source address
            nif = stack.interfaceFor(src);
            nextHop = dst;
        } else if (route >= 0) {
            nif = stack.routes().via(route);
            nextHop = stack.routes().nextHop(route, dst);
        } else {
            nif = null;
            nextHop = 0;
        }
        if (nif == null) {
            stats.drop(DropReason.IP_NO_ROUTE);
            return false;
        }
        if (src == 0) src = nif.address();
        int length = g.length();
        int room = nif.mtu() - HEADER;
        // A TCP message of several segments goes whole to a link that cuts it itself (TSO).
        boolean segmented = g.segmentSize() > 0 && length > room && HEADER + length <= nif.segmentOffload();
        if (segmented) room = length;
        if (length > 65535 - HEADER || (length > room && dontFragment)) {
            stats.drop(DropReason.IP_TOO_BIG);
            return false;
        }
        int id = identification++ & 0xFFFF;
        int ttl = stack.config().ttl();
        // The header's sum from the values written below, less the two that vary per fragment:
        // version/IHL 0x45, DSCP/ECN 0, identification, TTL/protocol, addresses (RFC 791).
        long fixedSum = 0x4500 + id + (ttl << 8 | protocol) + (src >>> 16) + (src & 0xFFFF) + (dst >>> 16) + (dst & 0xFFFF);
        long frame = output.txFrame() + nif.linkHeaderLength();
        int perFragment = length <= room ? length : room & ~7;
        // A checksum left to us (Gather.checksumAt) is filled unless the link offloads checksums.
        // One fragment: summed where it was just copied to (in cache). Several: the first carries
        // the transport header, so the whole message is summed before anything is copied.
        int csumAt = g.checksumField();
        // A link that completes checksums itself (Link.transmitChecksumPartial: the kernel behind
        // a TUN with virtio-net headers) gets the pseudo-header sum only, on unfragmented packets.
        boolean partial = csumAt >= 0 && perFragment == length && nif.transmitChecksumPartial();
        boolean fill = csumAt >= 0 && !nif.checksumOffload() && !partial;
        if (fill && perFragment < length) {
            g.fillChecksum();
            fill = false;
        }
        boolean ok = true;
        Link link = nif.link();
        for (int pos = 0; pos < length; pos += perFragment) {
            int n = Math.min(perFragment, length - pos);
            boolean more = pos + n < length;
            // An IP link that keeps frames in its own memory takes the packet written there in
            // place (Link.reserveTransmit); otherwise it is built in the transmit frame.
            long at = nif.ethernet() || segmented ? -1 : link.reserveTransmit(HEADER + n);
            MemorySegment fmem = at >= 0 ? link.transmitMemory() : mem;
            long f = at >= 0 ? at : frame;
            out.wrap(fmem, f, HEADER + n);
            out.setHeaderLength(HEADER);
            out.setDscpEcn(0);
            out.setTotalLength(HEADER + n);
            out.setIdentification(id);
            out.setFragment(dontFragment, more, pos);
            out.setTtl(ttl);
            out.setProtocol(protocol);
            out.setSrc(src);
            out.setDst(dst);
            // Computed from the values rather than read back (Ipv4View.fillHeaderChecksum would sum the same 20 bytes).
            int fragmentWord = (dontFragment ? 0x4000 : 0) | (more ? 0x2000 : 0) | ((pos >>> 3) & 0x1FFF);
            out.setHeaderChecksum(Checksum.finish(fixedSum + (HEADER + n) + fragmentWord));
            g.copy(pos, fmem, f + HEADER, n);
            if (partial) Gather.putField(fmem, f + HEADER + csumAt, g.partialValue());
            else if (fill) Gather.putField(fmem, f + HEADER + csumAt, g.checksumValue(Checksum.add(0, fmem, f + HEADER, n)));
            stats.sent(Proto.IPV4);
            if (more || pos > 0) stats.sent(Proto.FRAG);
            ok &= at >= 0 ? output.commitTransmit(now, nif, at, HEADER + n)
                    : segmented ? output.linkOutputSegmented(now, nif, HEADER + n, g.segmentSize())
                    : output.linkOutput(now, nif, nextHop, HEADER + n);
        }
        return ok;
    }

    private void drop(int head, DropReason r) {
        Chains.free(m, head);
        stats.drop(r);
    }

    private static DropReason reason(WireError e) {
        return switch (e) {
            case TRUNCATED -> DropReason.IP_TRUNCATED;
            case BAD_VERSION -> DropReason.IP_BAD_VERSION;
            case BAD_HEADER_LENGTH -> DropReason.IP_BAD_HEADER_LENGTH;
            case BAD_TOTAL_LENGTH -> DropReason.IP_BAD_TOTAL_LENGTH;
            case BAD_CHECKSUM -> DropReason.IP_BAD_CHECKSUM;
            case BAD_OPTION -> DropReason.IP_BAD_OPTION;
            case BAD_FRAGMENT -> DropReason.FRAG_TOO_BIG; // fragment offset + payload > 65535
            default -> DropReason.IP_BAD_HEADER_LENGTH;
        };
    }
}
