package net.sloop.udp;

import java.lang.foreign.MemorySegment;
import net.sloop.iface.NetIf;
import net.sloop.ip.Gather;
import net.sloop.ip.Icmp;
import net.sloop.ip.Transport;
import net.sloop.ip.TransportContext;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Chains;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.stats.Stats;
import net.sloop.wire.Checksum;
import net.sloop.wire.UdpView;
import net.sloop.wire.WireError;

/** UDP (RFC 768, RFC 1122 §4.1): demultiplexing to sockets, checksums, port unreachable. */
public final class Udp implements Transport {
    public static final int PROTOCOL = 17;
    private static final int HEADER = 8;
    private static final int BUCKETS = 64;
    private static final int EPHEMERAL_FIRST = 49152; // RFC 6335 §6
    private static final int EPHEMERAL_COUNT = 65536 - EPHEMERAL_FIRST;

    private final TransportContext stack;
    private final Budget m;
    private final MemorySegment mem;
    private final Stats stats;
    private final Gather gather;
    private final UdpSocket[] buckets = new UdpSocket[BUCKETS];
    private final MemorySegment header = MemorySegment.ofArray(new byte[HEADER]);
    private final UdpView view = new UdpView();
    private final UdpView outView = new UdpView();
    private int nextEphemeral;
    private int open;

    public Udp(TransportContext stack, Gather gather) {
        this.stack = stack;
        this.m = stack.budget();
        this.mem = m.memory();
        this.stats = stack.stats();
        this.gather = gather;
    }

    Budget budget() {
        return m;
    }

    /** Sockets open now. */
    public int openSockets() {
        return open;
    }

    /**
     * Opens a socket on {@code port} (0: an ephemeral port) of {@code address} (0: any), with the
     * stack's default queue bounds.
     *
     * @throws IllegalStateException if the port is taken or the budget cannot hold the socket
     */
    public UdpSocket open(int address, int port) {
        return open(address, port, stack.config().udpQueueDatagrams(), stack.config().udpQueueBytes());
    }

    public UdpSocket open(int address, int port, int queueDatagrams, int queueBytes) {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port);
        if (queueDatagrams < 1 || queueBytes < 1) throw new IllegalArgumentException("queue bounds must be positive");
        if (port == 0) port = ephemeral();
        else if (find(port, address) != null) throw new IllegalStateException("UDP port " + port + " is in use");
        if (port == 0) throw new IllegalStateException("no ephemeral UDP port free");
        UdpSocket s = new UdpSocket(this, address, port, queueDatagrams, queueBytes);
        if (!m.charge(Category.CONTROL, s.owner, UdpSocket.chargeFor(queueDatagrams))) {
            throw new IllegalStateException("out of memory: the budget cannot hold another UDP socket ("
                    + UdpSocket.chargeFor(queueDatagrams) + " bytes)");
        }
        int b = port & (BUCKETS - 1);
        s.nextInBucket = buckets[b];
        buckets[b] = s;
        open++;
        return s;
    }

    void closed(UdpSocket s) {
        int b = s.localPort & (BUCKETS - 1);
        if (buckets[b] == s) buckets[b] = s.nextInBucket;
        else {
            UdpSocket p = buckets[b];
            while (p.nextInBucket != s) p = p.nextInBucket;
            p.nextInBucket = s.nextInBucket;
        }
        s.nextInBucket = null;
        m.uncharge(Category.CONTROL, s.owner, UdpSocket.chargeFor(s.queueSlots()));
        open--;
    }

    private int ephemeral() {
        for (int i = 0; i < EPHEMERAL_COUNT; i++) {
            int p = EPHEMERAL_FIRST + Math.floorMod(nextEphemeral++, EPHEMERAL_COUNT);
            if (find(p, 0) == null) return p;
        }
        return 0;
    }

    /** The socket bound to {@code port} that takes datagrams for {@code address}, or null. */
    private UdpSocket find(int port, int address) {
        UdpSocket any = null;
        for (UdpSocket s = buckets[port & (BUCKETS - 1)]; s != null; s = s.nextInBucket) {
            if (s.localPort != port) continue;
            if (s.localAddress == address) return s;
            if (s.localAddress == 0 || address == 0) any = s;
        }
        return any;
    }

    boolean send(long now, UdpSocket s, int dst, int port, MemorySegment data, long off, int len) {
        if (len > 65535 - 20 - HEADER) {
            stats.drop(DropReason.IP_TOO_BIG);
            return false;
        }
        int src = s.localAddress != 0 ? s.localAddress : stack.sourceFor(dst);
        outView.wrap(header, 0, HEADER);
        outView.setSrcPort(s.localPort);
        outView.setDstPort(port);
        outView.setLength(HEADER + len);
        outView.setChecksum(0);
        gather.set(header, 0, HEADER, data, off, len);
        // Filled by Ipv4.send unless the link offloads checksums (then 0: "no checksum", RFC 768);
        // a computed zero is sent as all ones (RFC 768).
        gather.checksumAt(6, Checksum.pseudoHeaderV4(src, dst, PROTOCOL, HEADER + len), true);
        stats.sent(Proto.UDP);
        return stack.ipv4().send(now, src, dst, PROTOCOL, false, gather);
    }

    @Override
    public void input(long now, NetIf nif, int head, int ihl, int src, int dst, boolean broadcast) {
        stats.received(Proto.UDP);
        int length = Chains.length(m, head) - ihl;
        if (length < HEADER || !Chains.pullUp(m, head, ihl + HEADER)) {
            drop(head, DropReason.UDP_TRUNCATED);
            return;
        }
        view.wrap(mem, m.address(head) + ihl, length);
        WireError e = view.check();
        if (e != WireError.NONE) {
            drop(head, e == WireError.TRUNCATED ? DropReason.UDP_TRUNCATED : DropReason.UDP_BAD_LENGTH);
            return;
        }
        int udpLength = view.length();
        if (view.checksum() != 0 && !nif.skipTransportChecksum()
                && Checksum.finish(Chains.checksum(m, head, ihl, udpLength, Checksum.pseudoHeaderV4(src, dst, PROTOCOL, udpLength))) != 0) {
            drop(head, DropReason.UDP_BAD_CHECKSUM);
            return;
        }
        int srcPort = view.srcPort();
        UdpSocket s = find(view.dstPort(), broadcast ? 0 : dst);
        if (s == null || !s.accepts(src, srcPort)) {
            if (!broadcast) stack.icmp().sendError(now, Icmp.DEST_UNREACHABLE, Icmp.CODE_PORT_UNREACHABLE, 0, head, ihl);
            drop(head, broadcast ? DropReason.IP_BROADCAST : DropReason.UDP_NO_SOCKET);
            return;
        }
        int bytes = Chains.blocks(m, head) * m.blockSize();
        if (s.full(bytes)) {
            drop(head, DropReason.UDP_QUEUE_FULL);
            return;
        }
        if (!m.transferChain(head, Category.SOCKET_RECEIVE, s.owner)) {
            drop(head, DropReason.UDP_NO_MEMORY);
            return;
        }
        int payload = udpLength - HEADER;
        int data = Chains.trimFront(m, head, ihl + HEADER);
        if (data >= 0) {
            if (payload == 0) {
                Chains.free(m, data);
                data = -1;
            } else if (Chains.length(m, data) > payload) {
                Chains.truncate(m, data, payload);
            }
        }
        s.enqueue(data, payload, data < 0 ? 0 : Chains.blocks(m, data) * m.blockSize(), src, srcPort);
    }

    @Override
    public void icmpError(long now, int type, int code, int mtu, int origSrc, int origDst, int quote, int quoteOffset, int quoteHeaderLength) {
        header.fill((byte) 0);
        Chains.copyOut(m, quote, quoteOffset + quoteHeaderLength, header, 0, HEADER);
        outView.wrap(header, 0, HEADER);
        UdpSocket s = find(outView.srcPort(), origSrc);
        if (s == null) {
            stats.drop(DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        s.error(now, type, code, origDst, outView.dstPort());
    }

    private void drop(int head, DropReason r) {
        Chains.free(m, head);
        stats.drop(r);
    }
}
