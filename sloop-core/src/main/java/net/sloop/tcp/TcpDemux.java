package net.sloop.tcp;

import java.lang.foreign.MemorySegment;
import net.sloop.iface.NetIf;
import net.sloop.mem.Budget;
import net.sloop.mem.Chains;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.time.Time;
import net.sloop.wire.Checksum;
import net.sloop.wire.TcpView;
import net.sloop.wire.WireError;

/**
 * Where an arriving segment goes (RFC 9293 §3.10.7): validation, the header copied into the
 * {@link Segment} before the chain is trimmed to its payload (so nothing reads freed memory), and
 * demultiplexing: to a connection ({@link TcpReceiver}, or {@link TcpHandshake} in SYN-SENT), a
 * TIME_WAIT record (answered here), a listener ({@link TcpHandshake}) or no one (a reset). ICMP
 * errors are matched to their connection here too.
 */
final class TcpDemux {
    /** Smallest path MTU believed from an ICMP "fragmentation needed" (Linux's ip_rt_min_pmtu). */
    static final int MIN_PMTU = 552;
    private final Tcp tcp;
    private final Budget m;
    private final MemorySegment mem;
    private final TcpView view = new TcpView();
    /** The segment being processed: filled once per segment, from {@link TcpView#check()}'s parse. */
    private final Segment seg = new Segment(view.options());
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[8]);

    TcpDemux(Tcp tcp) {
        this.tcp = tcp;
        this.m = tcp.budget();
        this.mem = m.memory();
    }

    void input(long now, NetIf nif, int head, int ihl, int src, int dst, boolean broadcast) {
        tcp.stats.received(Proto.TCP);
        if (broadcast) { // RFC 1122 §4.2.3.10: TCP is unicast only
            tcp.dropped(head, DropReason.TCP_BROADCAST);
            return;
        }
        int length = Chains.length(m, head) - ihl;
        if (length < TcpView.MIN_HEADER_LENGTH || !Chains.pullUp(m, head, ihl + TcpView.MIN_HEADER_LENGTH)) {
            tcp.dropped(head, DropReason.TCP_TRUNCATED);
            return;
        }
        view.wrap(mem, m.address(head) + ihl, length);
        int hl = view.headerLength();
        if (hl < TcpView.MIN_HEADER_LENGTH || hl > length || !Chains.pullUp(m, head, ihl + hl)) {
            tcp.dropped(head, DropReason.TCP_TRUNCATED);
            return;
        }
        view.wrap(mem, m.address(head) + ihl, length);
        WireError err = view.check(); // also parses the options into seg.options()
        if (err != WireError.NONE) {
            tcp.dropped(head, err == WireError.BAD_OPTION ? DropReason.TCP_BAD_OPTION : DropReason.TCP_TRUNCATED);
            return;
        }
        if (!nif.skipTransportChecksum() // the link cannot corrupt, or vouches for this frame (NetIf.skipTransportChecksum)
                && Checksum.finish(Chains.checksum(m, head, ihl, length, Checksum.pseudoHeaderV4(src, dst, Tcp.PROTOCOL, length))) != 0) {
            tcp.dropped(head, DropReason.TCP_BAD_CHECKSUM);
            return;
        }
        int len = length - hl;
        seg.fill(src, dst, view, len);
        int payload = len > 0 ? Chains.trimFront(m, head, ihl + hl) : -1;
        if (len == 0) Chains.free(m, head);
        else if (Chains.length(m, payload) > len) Chains.truncate(m, payload, len);
        // From here on the header is only in `seg`; `payload` is the data (or -1).
        if (seg.syn() && seg.fin()) { // no valid segment has both: a scan (Linux drops it too)
            tcp.dropped(payload, DropReason.TCP_SYN_FIN);
            return;
        }

        TcpConnection c = tcp.find(dst, seg.dstPort(), src, seg.srcPort());
        if (c != null) {
            connection(now, c, payload);
            return;
        }
        int tw = tcp.timeWait.find(dst, seg.dstPort(), src, seg.srcPort());
        if (tw >= 0 && timeWait(now, tw)) {
            Chains.free(m, payload);
            return;
        }
        TcpListener l = tcp.findListener(dst, seg.dstPort());
        if (l != null && !l.closed) {
            TcpConnection born = tcp.handshake.listen(now, l, seg);
            // The ACK that completes a handshake may carry data (and a FIN): process it as the new connection's.
            if (born != null) connection(now, born, payload);
            else Chains.free(m, payload);
            return;
        }
        Chains.free(m, payload);
        closed(now);
    }

    private void connection(long now, TcpConnection c, int payload) {
        if (c.state == TcpState.SYN_SENT) tcp.handshake.synSent(now, c, seg, payload);
        else tcp.receiver.segment(now, c, seg, payload);
    }

    /** No connection, record or listener (RFC 9293 §3.10.7.1): answer with a reset unless it was one. */
    private void closed(long now) {
        tcp.stats.drop(DropReason.TCP_NO_SOCKET);
        if (tcp.observer != null && seg.syn() && !seg.hasAck()) tcp.observeRefused(now, seg, DropReason.TCP_NO_SOCKET);
        if (seg.rst()) return;
        resetFor(now, tcp, seg);
    }

    /** A reset in answer to {@code seg}, from no connection (RFC 9293 §3.10.7.1's two forms). */
    static void resetFor(long now, Tcp tcp, Segment seg) {
        tcp.output.resetFor(now, seg.dst(), seg.dstPort(), seg.src(), seg.srcPort(), seg.hasAck(), seg.ack(), seg.seq(), seg.seqLength());
    }

    // ------------------------------------------------------------------ TIME_WAIT records

    /**
     * A segment for a TIME_WAIT record. Returns false if the record was ended so that a new
     * connection may use the pair (a SYN beyond the old sequence space: RFC 9293 §3.10.7.4 note
     * on TIME-WAIT and RFC 6191 with timestamps).
     */
    private boolean timeWait(long now, int r) {
        TimeWaitTable t = tcp.timeWait;
        if (seg.rst()) { // RFC 1337: never let a reset end TIME_WAIT early
            tcp.stats.drop(DropReason.TCP_TIME_WAIT);
            return true;
        }
        boolean bothTs = (t.flags(r) & TimeWaitTable.TIMESTAMPS) != 0 && seg.hasTimestamps();
        if (seg.syn() && !seg.hasAck()) {
            // RFC 6191 §2: with timestamps on the old incarnation and on the SYN, the timestamp
            // alone decides (TSval > TS.Recent of the record, whatever the sequence number: a
            // higher one with an old timestamp is an old duplicate); without them, the ISN rule
            // of RFC 9293 §3.10.7.4 (a sequence number beyond the old RCV.NXT).
            boolean newer = bothTs ? Seq.gt(seg.tsVal(), t.tsRecent(r)) : Seq.gt(seg.seq(), t.rcvNxt(r));
            if (newer && tcp.findListener(seg.dst(), seg.dstPort()) != null) {
                t.remove(r);
                tcp.counters.timeWaitReused++;
                return false;
            }
        }
        if (seg.fin()) {
            // A retransmitted FIN: our ACK was lost. Acknowledge it and restart the 2*MSL wait.
            r = t.restart(r, now);
            // RFC 7323 §4.3: the FIN's sequence number is at Last.ACK.sent; its TSval is the newest.
            if (r >= 0 && bothTs && Seq.ge(seg.tsVal(), t.tsRecent(r))) t.tsRecent(r, seg.tsVal());
        }
        tcp.stats.drop(DropReason.TCP_TIME_WAIT);
        if (r >= 0 && tcp.challengeAllowed(now, null)) {
            boolean ts = (t.flags(r) & TimeWaitTable.TIMESTAMPS) != 0;
            tcp.output.ackFor(now, seg.dst(), seg.dstPort(), seg.src(), seg.srcPort(), t.sndNxt(r), t.rcvNxt(r), ts,
                    TcpOutput.tsClock(now) + t.tsOffset(r), t.tsRecent(r));
        }
        return true;
    }

    // ------------------------------------------------------------------ ICMP

    void icmpError(long now, int type, int code, int mtu, int origSrc, int origDst, int quote, int quoteOffset, int qhl) {
        MemorySegment q = scratch;
        Chains.copyOut(m, quote, quoteOffset + qhl, q, 0, 8);
        view.wrap(q, 0, 8);
        int lport = view.srcPort(), rport = view.dstPort(), s = view.seq();
        TcpConnection c = tcp.find(origSrc, lport, origDst, rport);
        if (c == null) {
            tcp.stats.drop(DropReason.ICMP_ERROR_UNMATCHED);
            return;
        }
        // RFC 5927 §4.1: believe only errors quoting a sequence number we have in flight.
        if (!(Seq.ge(s, c.sndUna) && Seq.le(s, c.sndMax))) {
            tcp.stats.drop(DropReason.TCP_ICMP_INVALID);
            return;
        }
        tcp.counters.icmpErrors++;
        if (type == 3 && code == 4) { // fragmentation needed: path MTU discovery (RFC 1191)
            // RFC 5927 §7.2 / Linux's min_pmtu: an MTU below 552 is taken as 552, so a forged
            // ICMP cannot shrink segments to a few bytes each (RFC 1191 §3's 68 would allow it).
            int pathMss = Math.max(mtu, MIN_PMTU) - 40;
            if (pathMss >= Math.min(c.peerMss, tcp.output.ourMss(c.raddr))) return; // only a decrease counts
            c.peerMss = pathMss;
            tcp.output.setSendMss(c);
            c.cc.setMss(c.smss);
            tcp.counters.pmtuUpdates++;
            // Resend what was too big at once, but at most once per RTO (a round trip, bounded
            // below): a stream of ever-smaller MTUs must not make us send the whole flight again
            // per ICMP. Segments still too big are otherwise resent, smaller, by the RTO timer.
            int ms = TcpOutput.tsClock(now);
            if (c.pmtuGoBackAt == 0 || ms - c.pmtuGoBackAt >= c.rtt.rto() / Time.MILLIS || ms - c.pmtuGoBackAt < 0) {
                c.pmtuGoBackAt = ms == 0 ? 1 : ms;
                c.sndNxt = c.sndUna;
                tcp.output.output(now, c);
            }
            return;
        }
        TcpError e = switch (code) {
            case 0 -> TcpError.NETWORK_UNREACHABLE;
            case 1 -> TcpError.HOST_UNREACHABLE;
            case 2, 3 -> TcpError.PORT_UNREACHABLE;
            default -> TcpError.HOST_UNREACHABLE;
        };
        if (type != 3) return;
        // RFC 1122 §4.2.3.9 / RFC 5927: in SYN-SENT the error ends the attempt; later it is a soft error,
        // reported if the connection times out.
        if (c.state == TcpState.SYN_SENT) tcp.timers.abort(c, code == 2 || code == 3 ? TcpError.REFUSED : e, false);
        else c.softError = e;
    }
}
