package net.sloop.ip;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import net.sloop.iface.NetIf;
import net.sloop.mem.Budget;
import net.sloop.mem.Chains;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.stats.Stats;
import net.sloop.time.Time;
import net.sloop.wire.Checksum;
import net.sloop.wire.Icmpv4View;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4View;

/**
 * ICMPv4 (RFC 792, RFC 1122 §3.2.2): answers echo requests, sends rate-limited errors, hands
 * errors about our own datagrams to the protocol that sent them, and sends echo requests for
 * applications ({@link #sendEcho}), delivering replies to an {@link EchoListener}.
 */
public final class Icmp implements Transport {
    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int SOURCE_QUENCH = 4;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    private static final int HEADER = 8;

    /** What an application hears back from {@link #sendEcho}. */
    @FunctionalInterface
    public interface EchoListener {
        void echoReply(long now, int from, int identifier, int sequence, int payloadLength);
    }

    private final TransportContext stack;
    private final Budget m;
    private final MemorySegment mem;
    private final Stats stats;
    private final Gather gather;
    private final MemorySegment header = Arena.ofAuto().allocate(HEADER);
    private final Icmpv4View view = new Icmpv4View();
    private final Icmpv4View outView = new Icmpv4View();
    private final Ipv4View quoted = new Ipv4View();
    private EchoListener echoListener;
    // Token bucket for errors (RFC 1812 §4.3.2.8).
    private final long errorInterval;
    private final long errorBurst;
    private long errorTat = Long.MIN_VALUE;

    public Icmp(TransportContext stack, Gather gather) {
        this.stack = stack;
        this.m = stack.budget();
        this.mem = m.memory();
        this.stats = stack.stats();
        this.gather = gather;
        int rate = stack.config().icmpErrorsPerSecond();
        this.errorInterval = rate == 0 ? Long.MAX_VALUE : Time.SECONDS / rate;
        this.errorBurst = rate == 0 ? -1 : (long) (rate - 1) * errorInterval;
    }

    public void echoListener(EchoListener l) {
        this.echoListener = l;
    }

    @Override
    public void input(long now, NetIf nif, int head, int ihl, int src, int dst, boolean broadcast) {
        stats.received(Proto.ICMP);
        int length = Chains.length(m, head) - ihl;
        if (length < HEADER || !Chains.pullUp(m, head, ihl + HEADER)) {
            drop(head, DropReason.ICMP_TRUNCATED);
            return;
        }
        if (Checksum.finish(Chains.checksum(m, head, ihl, length, 0)) != 0) {
            drop(head, DropReason.ICMP_BAD_CHECKSUM);
            return;
        }
        view.wrap(mem, m.address(head) + ihl, HEADER);
        int type = view.type();
        switch (type) {
            case ECHO_REQUEST -> {
                if (broadcast) { // RFC 1122 §3.2.2.6: MAY be silently discarded
                    drop(head, DropReason.ICMP_BROADCAST_ECHO);
                    return;
                }
                MemorySegment.copy(mem, m.address(head) + ihl, header, 0, HEADER);
                outView.wrap(header, 0, HEADER);
                outView.setType(ECHO_REPLY);
                outView.setCode(0);
                outView.setChecksum(0);
                gather.setChain(header, 0, HEADER, head, ihl + HEADER, length - HEADER);
                outView.setChecksum(Checksum.finish(gather.checksum(0)));
                stats.sent(Proto.ICMP);
                stack.ipv4().send(now, dst, src, 1, false, gather);
                Chains.free(m, head);
            }
            case ECHO_REPLY -> {
                if (echoListener != null) {
                    echoListener.echoReply(now, src, view.identifier(), view.sequence(), length - HEADER);
                }
                Chains.free(m, head);
            }
            case DEST_UNREACHABLE, TIME_EXCEEDED, PARAMETER_PROBLEM, SOURCE_QUENCH -> error(now, head, ihl, length, view.code(), type);
            default -> drop(head, DropReason.ICMP_UNHANDLED);
        }
    }

    private void error(long now, int head, int ihl, int length, int code, int type) {
        int q = ihl + HEADER;
        int qlen = length - HEADER;
        if (qlen < Ipv4.HEADER + 8 || !Chains.pullUp(m, head, Math.min(q + 60 + 8, ihl + length))) {
            drop(head, DropReason.ICMP_TRUNCATED);
            return;
        }
        quoted.wrap(mem, m.address(head) + q, qlen);
        int qihl = quoted.headerLength();
        if (quoted.version() != 4 || qihl < Ipv4.HEADER || qlen < qihl + 8 || !stack.isLocalAddress(quoted.src())) {
            drop(head, DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        int mtu = type == DEST_UNREACHABLE && code == CODE_FRAGMENTATION_NEEDED ? view.nextHopMtu() : 0;
        Transport t = stack.ipv4().transport(quoted.protocol());
        if (t == null || t == this) {
            drop(head, DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        t.icmpError(now, type, code, mtu, quoted.src(), quoted.dst(), head, q, qihl);
        Chains.free(m, head);
    }

    @Override
    public void icmpError(long now, int type, int code, int mtu, int origSrc, int origDst, int quote, int quoteOffset, int quoteHeaderLength) {
        // Errors about our own ICMP messages (a ping to a closed host) are not reported further.
    }

    /**
     * Sends an error about the received datagram in chain {@code offending} (which starts at its IP
     * header of {@code ihl} bytes; it is not consumed), unless RFC 1122 §3.2.2 forbids it: never
     * about an ICMP error, a broadcast or multicast datagram, a non-initial fragment, or a
     * datagram whose source is not a unicast address. Rate-limited.
     */
    public void sendError(long now, int type, int code, int rest, int offending, int ihl) {
        quoted.wrap(mem, m.address(offending), ihl);
        int src = quoted.src();
        int dst = quoted.dst();
        if (quoted.fragmentOffset() != 0 || !stack.isLocalAddress(dst) || Ipv4Address.isMulticast(src)
                || Ipv4Address.isBroadcast(src) || src == 0) {
            return;
        }
        if (quoted.protocol() == 1) {
            int len = Chains.length(m, offending);
            if (len < ihl + 1) return;
            Chains.copyOut(m, offending, ihl, header, 0, 1);
            int t = header.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
            if (t != ECHO_REQUEST && t != ECHO_REPLY) return; // never an error about an error
        }
        long tat = Math.max(errorTat, now); // generic cell rate algorithm: a token bucket in one number
        if (tat - now > errorBurst) return; // over the rate
        errorTat = tat + errorInterval;
        int quote = Math.min(Chains.length(m, offending), ihl + 8);
        outView.wrap(header, 0, HEADER);
        outView.setType(type);
        outView.setCode(code);
        outView.setChecksum(0);
        outView.setRestOfHeader(rest);
        gather.setChain(header, 0, HEADER, offending, 0, quote);
        outView.setChecksum(Checksum.finish(gather.checksum(0)));
        stats.sent(Proto.ICMP);
        stack.ipv4().send(now, dst, src, 1, false, gather);
    }

    /** Sends an echo request with {@code len} bytes of payload from {@code payload}. */
    public boolean sendEcho(long now, int dst, int identifier, int sequence, MemorySegment payload, long off, int len) {
        outView.wrap(header, 0, HEADER);
        outView.setType(ECHO_REQUEST);
        outView.setCode(0);
        outView.setChecksum(0);
        outView.setIdentifier(identifier);
        outView.setSequence(sequence);
        gather.set(header, 0, HEADER, payload, off, len);
        outView.setChecksum(Checksum.finish(gather.checksum(0)));
        stats.sent(Proto.ICMP);
        return stack.ipv4().send(now, 0, dst, 1, false, gather);
    }

    private void drop(int head, DropReason r) {
        Chains.free(m, head);
        stats.drop(r);
    }
}
