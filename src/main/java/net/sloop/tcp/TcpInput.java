package net.sloop.tcp;

import static net.sloop.tcp.TcpConnection.F_ACK_NOW;
import static net.sloop.tcp.TcpConnection.F_FIN_QUEUED;
import static net.sloop.tcp.TcpConnection.F_FIN_RCVD;
import static net.sloop.tcp.TcpConnection.F_IN_RECOVERY;
import static net.sloop.tcp.TcpConnection.F_ORPHAN;
import static net.sloop.tcp.TcpConnection.F_PERSIST;
import static net.sloop.tcp.TcpConnection.F_RCV_SHUT;
import static net.sloop.tcp.TcpConnection.F_RTT_TIMING;
import static net.sloop.tcp.TcpConnection.F_SACK;
import static net.sloop.tcp.TcpConnection.F_TS;
import static net.sloop.tcp.TcpConnection.F_WSCALE;
import static net.sloop.tcp.TcpConnection.OFF;

import java.lang.foreign.MemorySegment;
import net.sloop.iface.NetIf;
import net.sloop.mem.Budget;
import net.sloop.mem.Chains;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.time.Time;
import net.sloop.wire.Checksum;
import net.sloop.wire.TcpOptions;
import net.sloop.wire.TcpView;
import net.sloop.wire.WireError;

/**
 * Segment arrival (RFC 9293 §3.10.7): validation, demultiplexing, the LISTEN, SYN-SENT and
 * synchronized-state rules, RFC 5961's defences, RFC 7323's PAWS, acknowledgement processing
 * with fast retransmit and recovery, and delivery of data. A segment's header fields are copied
 * out before its chain is trimmed to the payload, so nothing reads freed memory.
 */
final class TcpInput {
    /** Smallest path MTU believed from an ICMP "fragmentation needed" (Linux's ip_rt_min_pmtu). */
    static final int MIN_PMTU = 552;
    private static final long PAWS_IDLE = Time.seconds(24L * 24 * 3600); // RFC 7323 §5.5: 24 days
    private final Tcp tcp;
    private final Budget m;
    private final MemorySegment mem;
    private final TcpView view = new TcpView();
    /** The options of the segment being processed: parsed once, by {@link TcpView#check()}. */
    final TcpOptions opt = view.options();
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[8]);
    private final int[] sackEdges = new int[2 * TcpOptions.MAX_SACK_BLOCKS];

    // The segment being processed.
    int seq, ack, flags, wnd, len;
    int src, dst, sport, dport;
    boolean hasTs;
    int tsVal, tsEcr;
    /** SEG.SEQ as it arrived, before trimming moves {@link #seq} (RFC 7323 §4.3 compares this one). */
    private int segSeq;
    /** The segment is the peer's SYN-ACK completing a simultaneous open (its SYN flag taken off). */
    private boolean synAck;

    TcpInput(Tcp tcp) {
        this.tcp = tcp;
        this.m = tcp.budget();
        this.mem = m.memory();
    }

    private boolean is(int f) {
        return (flags & f) != 0;
    }

    /** Sequence space the segment occupies: data plus SYN and FIN. */
    private int segLength() {
        return len + (is(TcpView.SYN) ? 1 : 0) + (is(TcpView.FIN) ? 1 : 0);
    }

    void input(long now, NetIf nif, int head, int ihl, int src, int dst, boolean broadcast) {
        tcp.stats.received(Proto.TCP);
        if (broadcast) { // RFC 1122 §4.2.3.10: TCP is unicast only
            drop(head, DropReason.TCP_BROADCAST);
            return;
        }
        int length = Chains.length(m, head) - ihl;
        if (length < TcpView.MIN_HEADER_LENGTH || !Chains.pullUp(m, head, ihl + TcpView.MIN_HEADER_LENGTH)) {
            drop(head, DropReason.TCP_TRUNCATED);
            return;
        }
        view.wrap(mem, m.address(head) + ihl, length);
        int hl = view.headerLength();
        if (hl < TcpView.MIN_HEADER_LENGTH || hl > length || !Chains.pullUp(m, head, ihl + hl)) {
            drop(head, DropReason.TCP_TRUNCATED);
            return;
        }
        view.wrap(mem, m.address(head) + ihl, length);
        WireError err = view.check(); // also parses the options into `opt`
        if (err != WireError.NONE) {
            drop(head, err == WireError.BAD_OPTION ? DropReason.TCP_BAD_OPTION : DropReason.TCP_TRUNCATED);
            return;
        }
        if (!nif.skipTransportChecksum() // the link cannot corrupt, or vouches for this frame (NetIf.skipTransportChecksum)
                && Checksum.finish(Chains.checksum(m, head, ihl, length, Checksum.pseudoHeaderV4(src, dst, Tcp.PROTOCOL, length))) != 0) {
            drop(head, DropReason.TCP_BAD_CHECKSUM);
            return;
        }
        this.src = src;
        this.dst = dst;
        sport = view.srcPort();
        dport = view.dstPort();
        seq = view.seq();
        ack = view.ack();
        flags = view.flags();
        wnd = view.window();
        len = length - hl;
        hasTs = opt.hasTimestamps();
        tsVal = opt.tsVal();
        tsEcr = opt.tsEcr();
        int payload = len > 0 ? Chains.trimFront(m, head, ihl + hl) : -1;
        if (len == 0) Chains.free(m, head);
        else if (Chains.length(m, payload) > len) Chains.truncate(m, payload, len);
        // From here on the header is only in the fields above; `payload` is the data (or -1).
        segSeq = seq;
        if (is(TcpView.SYN) && is(TcpView.FIN)) { // no valid segment has both: a scan (Linux drops it too)
            dropped(payload, DropReason.TCP_SYN_FIN);
            return;
        }

        TcpConnection c = tcp.find(dst, dport, src, sport);
        if (c != null) {
            connection(now, c, payload);
            return;
        }
        int tw = tcp.timeWait.find(dst, dport, src, sport);
        if (tw >= 0 && timeWait(now, tw)) {
            Chains.free(m, payload);
            return;
        }
        TcpListener l = tcp.findListener(dst, dport);
        if (l != null && !l.closed) {
            TcpConnection born = listen(now, l);
            // The ACK that completes a handshake may carry data (and a FIN): process it as the new connection's.
            if (born != null) connection(now, born, payload);
            else Chains.free(m, payload);
            return;
        }
        Chains.free(m, payload);
        closed(now);
    }

    private void drop(int head, DropReason r) {
        Chains.free(m, head);
        tcp.stats.drop(r);
    }

    private void dropped(int payload, DropReason r) {
        Chains.free(m, payload);
        tcp.stats.drop(r);
    }

    /** No connection, record or listener (RFC 9293 §3.10.7.1): answer with a reset unless it was one. */
    private void closed(long now) {
        tcp.stats.drop(DropReason.TCP_NO_SOCKET);
        if (is(TcpView.RST)) return;
        tcp.output.resetFor(now, dst, dport, src, sport, is(TcpView.ACK), ack, seq, segLength());
    }

    // ------------------------------------------------------------------ TIME_WAIT records

    /**
     * A segment for a TIME_WAIT record. Returns false if the record was ended so that a new
     * connection may use the pair (a SYN beyond the old sequence space: RFC 9293 §3.10.7.4 note
     * on TIME-WAIT and RFC 6191 with timestamps).
     */
    private boolean timeWait(long now, int r) {
        TimeWaitTable t = tcp.timeWait;
        if (is(TcpView.RST)) { // RFC 1337: never let a reset end TIME_WAIT early
            tcp.stats.drop(DropReason.TCP_TIME_WAIT);
            return true;
        }
        boolean bothTs = (t.flags(r) & TimeWaitTable.TIMESTAMPS) != 0 && hasTs;
        if (is(TcpView.SYN) && !is(TcpView.ACK)) {
            // RFC 6191 §2: with timestamps on the old incarnation and on the SYN, the timestamp
            // alone decides (TSval > TS.Recent of the record, whatever the sequence number: a
            // higher one with an old timestamp is an old duplicate); without them, the ISN rule
            // of RFC 9293 §3.10.7.4 (a sequence number beyond the old RCV.NXT).
            boolean newer = bothTs ? Seq.gt(tsVal, t.tsRecent(r)) : Seq.gt(seq, t.rcvNxt(r));
            if (newer && tcp.findListener(dst, dport) != null) {
                t.remove(r);
                tcp.counters.timeWaitReused++;
                return false;
            }
        }
        if (is(TcpView.FIN)) {
            // A retransmitted FIN: our ACK was lost. Acknowledge it and restart the 2*MSL wait.
            r = t.restart(r, now);
            // RFC 7323 §4.3: the FIN's sequence number is at Last.ACK.sent; its TSval is the newest.
            if (r >= 0 && bothTs && Seq.ge(tsVal, t.tsRecent(r))) t.tsRecent(r, tsVal);
        }
        tcp.stats.drop(DropReason.TCP_TIME_WAIT);
        if (r >= 0 && tcp.challengeAllowed(now, null)) {
            boolean ts = (t.flags(r) & TimeWaitTable.TIMESTAMPS) != 0;
            tcp.output.ackFor(now, dst, dport, src, sport, t.sndNxt(r), t.rcvNxt(r), ts,
                    TcpOutput.tsClock(now) + t.tsOffset(r), t.tsRecent(r));
        }
        return true;
    }

    // ------------------------------------------------------------------ LISTEN

    /**
     * RFC 9293 §3.10.7.2, with a SYN queue of compact entries and SYN cookies (RFC 4987). Returns
     * the connection the segment established (its handshake's last ACK), or null.
     */
    private TcpConnection listen(long now, TcpListener l) {
        if (is(TcpView.RST)) {
            int e = tcp.synQueue.find(dst, dport, src, sport);
            if (e >= 0 && seq == tcp.synQueue.irs(e) + 1) tcp.synQueue.remove(e); // RFC 5961 §3: exact match
            tcp.stats.drop(DropReason.TCP_RST_IGNORED);
            return null;
        }
        if (is(TcpView.ACK) && !is(TcpView.SYN)) {
            int e = tcp.synQueue.find(dst, dport, src, sport);
            if (e >= 0) {
                if (ack != tcp.synQueue.iss(e) + 1) {
                    tcp.output.resetFor(now, dst, dport, src, sport, true, ack, seq, segLength());
                    tcp.stats.drop(DropReason.TCP_BAD_ACK);
                    return null;
                }
                return establishFromQueue(now, l, e);
            }
            if (tcp.cfg.synCookies()) {
                int mss = tcp.cookies.check(now, dst, dport, src, sport, seq - 1, ack);
                if (mss > 0) {
                    tcp.counters.cookiesAccepted++;
                    return establish(now, l, seq - 1, ack - 1, mss, -1, false, false, 0); // a cookie carries no options
                }
            }
            tcp.output.resetFor(now, dst, dport, src, sport, true, ack, seq, segLength());
            tcp.stats.drop(DropReason.TCP_NO_SOCKET);
            return null;
        }
        if (!is(TcpView.SYN) || is(TcpView.ACK)) {
            if (is(TcpView.SYN)) tcp.output.resetFor(now, dst, dport, src, sport, true, ack, seq, segLength());
            tcp.stats.drop(DropReason.TCP_NO_SOCKET);
            return null;
        }
        // A SYN.
        int e = tcp.synQueue.find(dst, dport, src, sport);
        if (e >= 0) {
            if (seq == tcp.synQueue.irs(e)) tcp.synQueue.resend(now, e); // retransmitted SYN: our SYN-ACK was lost
            tcp.stats.drop(DropReason.TCP_SYN_DUPLICATE);
            return null;
        }
        if (l.queued >= l.backlog) {
            tcp.stats.drop(DropReason.TCP_ACCEPT_QUEUE_FULL);
            return null;
        }
        if (!tcp.canAdmit(l)) {
            tcp.stats.drop(DropReason.TCP_ADMISSION);
            return null;
        }
        int peerMss = opt.mss() > 0 ? opt.mss() : 536;
        int peerWs = opt.windowScale();
        boolean sackOk = opt.sackPermitted() && tcp.cfg.sack();
        boolean ts = hasTs && tcp.cfg.timestamps();
        if (tcp.synQueue.full()) {
            if (tcp.cfg.synCookies()) {
                int cookie = tcp.cookies.make(now, dst, dport, src, sport, seq, Math.min(peerMss, tcp.output.ourMss(src)));
                tcp.counters.cookiesSent++;
                tcp.output.control(now, dst, dport, src, sport, cookie, seq + 1, TcpView.SYN | TcpView.ACK,
                        tcp.synWindow(l.receiveBuffer), tcp.output.ourMss(src), -1, false, false, 0, 0);
                return null;
            }
            tcp.synQueue.evictOldest();
        }
        int iss = tcp.isn.isn(now, dst, dport, src, sport);
        int peerWsOrNone = (tcp.cfg.windowScaling() && opt.windowScale() >= 0) ? peerWs : -1;
        e = tcp.synQueue.add(now, l, dst, dport, src, sport, seq, iss, peerMss, peerWsOrNone, sackOk, ts, tsVal);
        tcp.counters.passiveOpens++;
        if (e >= 0) tcp.synQueue.resend(now, e);
        return null;
    }

    private TcpConnection establishFromQueue(long now, TcpListener l, int e) {
        SynQueue q = tcp.synQueue;
        TcpConnection c = establish(now, l, q.irs(e), q.iss(e), q.mss(e), q.peerWs(e), q.sackOk(e), q.ts(e), q.tsRecent(e));
        if (c != null) {
            long sample = q.rttSample(now, e);
            if (sample >= 0) {
                c.rtt.sample(sample);
                c.cc.onRttSample(now, sample);
            } else if (q.retransmitted(e)) {
                c.rtt.reinitializeAfterSynTimeout(); // RFC 6298 §5.7
            }
            q.remove(e);
        }
        return c;
    }

    /**
     * The handshake's last ACK arrived: admit a connection in ESTABLISHED, queue it for accept,
     * and return it for the rest of the segment to be processed (it may carry data). Null if it
     * could not be admitted (the segment is dropped; the peer will retransmit).
     */
    private TcpConnection establish(long now, TcpListener l, int irs, int iss, int peerMss, int peerWs, boolean sackOk,
                              boolean ts, int tsRecent) {
        if (l.queued >= l.backlog) {
            tcp.stats.drop(DropReason.TCP_ACCEPT_QUEUE_FULL);
            return null;
        }
        TcpConnection c = new TcpConnection(tcp, tcp.cfg);
        if (!tcp.admit(c, l)) {
            tcp.stats.drop(DropReason.TCP_ADMISSION);
            return null;
        }
        c.laddr = dst;
        c.lport = dport;
        c.raddr = src;
        c.rport = sport;
        c.rcvLimit = l.receiveBuffer;
        c.sendLimit = l.sendBuffer;
        c.set(TcpConnection.F_PASSIVE);
        c.iss = iss;
        c.recover = iss; // RFC 6582 §3.2 step 1 (left at 0, half of all ISNs could never enter fast recovery)
        c.irs = irs;
        c.sndUna = c.sndNxt = c.sndMax = iss + 1;
        c.bufSeq = iss + 1;
        c.rcvNxt = irs + 1;
        c.rcvAdv = c.rcvNxt + tcp.synWindow(l.receiveBuffer); // what the SYN-ACK advertised: the guaranteed minimum
        c.lastAckSent = c.rcvNxt; // the SYN-ACK acknowledged the SYN (RFC 7323 §4.3 Last.ACK.sent)
        c.peerMss = peerMss;
        if (peerWs >= 0) {
            c.set(F_WSCALE);
            c.sndWscale = (byte) Math.min(peerWs, TcpOptions.MAX_WINDOW_SCALE);
            c.rcvWscale = TcpOutput.scaleFor(c.rcvLimit);
        }
        if (sackOk) c.set(F_SACK);
        if (ts) {
            c.set(F_TS);
            c.tsRecent = tsRecent;
            c.tsRecentAt = now;
            c.tsOffset = tcp.tsOffset(dst, dport, src, sport);
        }
        TcpOutput.setSendMss(c, tcp.output.ourMss(src));
        c.cc.init(now, c.smss);
        c.sndWnd = wnd << c.sndWscale;
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = seq;
        c.sndWl2 = ack;
        c.state = TcpState.ESTABLISHED;
        c.lastReceived = now;
        tcp.link(c);
        l.enqueue(c);
        tcp.counters.established++;
        tcp.timers.armKeepalive(now, c);
        l.notifyAcceptable();
        return c;
    }

    // ------------------------------------------------------------------ connections

    private void connection(long now, TcpConnection c, int payload) {
        synAck = false;
        if (c.state == TcpState.SYN_SENT) {
            synSent(now, c, payload);
            return;
        }
        // PAWS (RFC 7323 §5.3): an old timestamp marks an old duplicate.
        if (c.has(F_TS) && hasTs && !is(TcpView.RST) && Seq.lt(tsVal, c.tsRecent) && now - c.tsRecentAt < PAWS_IDLE) {
            invalidAck(now, c);
            tcp.output.output(now, c);
            dropped(payload, DropReason.TCP_PAWS);
            return;
        }
        // Simultaneous open (RFC 9293 §3.5 figure 7, line 6): the peer's SYN-ACK acknowledges our
        // SYN and repeats the SYN we already hold. Its SYN falls before RCV.NXT, so the strict
        // sequence test would drop it and wait for a retransmission; take it, as Linux does, as the
        // ACK that completes the handshake.
        if (c.state == TcpState.SYN_RECEIVED && !c.has(TcpConnection.F_PASSIVE) && is(TcpView.SYN)
                && is(TcpView.ACK) && seq == c.irs && ack == c.iss + 1) {
            flags &= ~TcpView.SYN;
            seq = c.irs + 1;
            synAck = true;
        }
        // 1. Sequence number acceptable? (RFC 9293 §3.10.7.4, first)
        int rcvWnd = Math.max(0, c.rcvAdv - c.rcvNxt);
        int sl = segLength();
        boolean ok;
        // A bare segment exactly at the right edge is taken too (as Linux does): the peer may have
        // filled the window we offered, and its ACKs must still be heard.
        if (sl == 0) ok = rcvWnd == 0 ? seq == c.rcvNxt : Seq.inWindow(seq, c.rcvNxt, c.rcvNxt + rcvWnd + 1);
        else ok = rcvWnd != 0 && (Seq.inWindow(seq, c.rcvNxt, c.rcvNxt + rcvWnd) || Seq.inWindow(seq + sl - 1, c.rcvNxt, c.rcvNxt + rcvWnd));
        if (!ok) {
            // RFC 9293 §3.10.7.4: with a zero window "special allowance should be made to accept
            // valid ACKs". A peer that sends its bare ACKs at SND.NXT beyond our shut window
            // (lwIP does) still acknowledges our data: take the acknowledgment (not the window,
            // whose SND.WL1 order such a sequence number would upset), or neither side would
            // ever hear the other's ACKs.
            if (rcvWnd == 0 && sl == 0 && is(TcpView.ACK) && !is(TcpView.RST) && !is(TcpView.SYN)
                    && Seq.gt(seq, c.rcvNxt) && Seq.gt(ack, c.sndUna) && Seq.le(ack, c.sndMax)) {
                ack(now, c, false);
                if (c.has(TcpConnection.F_FREED)) return;
            }
            if (!is(TcpView.RST)) {
                invalidAck(now, c);
                tcp.output.output(now, c);
            }
            // Even an unacceptable segment may carry a usable ACK of a zero-window probe; RFC 9293 drops it.
            dropped(payload, DropReason.TCP_OUT_OF_WINDOW);
            return;
        }
        // 2. RST (RFC 5961 §3.2): only an exact match resets; anything else in the window gets a challenge ACK.
        if (is(TcpView.RST)) {
            Chains.free(m, payload);
            if (seq == c.rcvNxt) {
                tcp.counters.resetsReceived++;
                TcpError e = c.state == TcpState.SYN_RECEIVED && !c.has(TcpConnection.F_PASSIVE) ? TcpError.REFUSED : TcpError.RESET;
                boolean quiet = c.state == TcpState.CLOSING || c.state == TcpState.LAST_ACK;
                tcp.timers.abort(c, quiet ? TcpError.NONE : e, false);
            } else {
                challenge(now, c);
                tcp.stats.drop(DropReason.TCP_RST_CHALLENGED);
            }
            return;
        }
        // 3. (security: not used) 4. SYN in a synchronized state (RFC 5961 §4): challenge ACK.
        if (is(TcpView.SYN)) {
            if (c.state == TcpState.SYN_RECEIVED && seq == c.irs) { // our SYN-ACK was lost: send it again
                tcp.output.sendSyn(now, c);
                dropped(payload, DropReason.TCP_SYN_DUPLICATE);
                return;
            }
            challenge(now, c);
            dropped(payload, DropReason.TCP_SYN_CHALLENGED);
            return;
        }
        // 5. ACK.
        if (!is(TcpView.ACK)) {
            dropped(payload, DropReason.TCP_NO_ACK);
            return;
        }
        // Trim what was already received and what lies beyond the window (RFC 9293 §3.10.7.4: "trimmed").
        if (Seq.lt(seq, c.rcvNxt)) {
            int dup = c.rcvNxt - seq;
            if (dup >= len) {
                Chains.free(m, payload);
                payload = -1;
                if (len > 0) c.set(F_ACK_NOW);
                len = 0;
            } else {
                payload = Chains.trimFront(m, payload, dup);
                len -= dup;
            }
            seq = c.rcvNxt;
        }
        int room = c.rcvAdv - seq;
        if (len > room) {
            tcp.counters.dataBeyondWindow++; // a window shrunk under pressure, or a peer that overruns it
            int keep = Math.max(0, room);
            if (keep == 0) {
                Chains.free(m, payload);
                payload = -1;
            } else {
                Chains.truncate(m, payload, keep);
            }
            len = keep;
            flags &= ~TcpView.FIN; // the FIN lies beyond the window
            c.set(F_ACK_NOW);
        }
        if (!ack(now, c, true)) {
            Chains.free(m, payload);
            return;
        }
        if (c.has(TcpConnection.F_FREED)) { // the ACK completed LAST_ACK
            Chains.free(m, payload);
            return;
        }
        // 6. URG: not supported (RFC 6093 recommends against its use); the data is delivered inline.
        // 7. Segment text.
        if (len > 0) text(now, c, payload);
        else Chains.free(m, payload);
        if (c.has(TcpConnection.F_FREED)) return;
        // 8. FIN, once everything before it has arrived.
        if (is(TcpView.FIN) && seq + len == c.rcvNxt && !c.has(F_FIN_RCVD)) fin(now, c);
        if (!c.has(TcpConnection.F_FREED)) tcp.output.output(now, c);
    }

    /**
     * An ACK in answer to a segment dropped as out of the window or by PAWS (RFC 9293 §3.10.7.4,
     * RFC 7323 §5.3), rate-limited per connection as Linux's tcp_oow_rate_limited does: a bare ACK
     * (or a SYN) is answered at most once per 500 ms, so that two ends that disagree cannot loop
     * ACKs; a segment carrying data or a FIN is always answered (its sender is retransmitting
     * because our ACK was lost).
     */
    private void invalidAck(long now, TcpConnection c) {
        if ((segLength() > 0 && !is(TcpView.SYN)) || tcp.oowAllowed(now, c)) c.set(F_ACK_NOW);
        else tcp.counters.invalidAcksSuppressed++;
    }

    private void challenge(long now, TcpConnection c) {
        tcp.counters.challengeAcks++;
        if (tcp.challengeAllowed(now, c)) tcp.output.sendAck(now, c);
    }

    /** SYN-SENT (RFC 9293 §3.10.7.3). */
    private void synSent(long now, TcpConnection c, int payload) {
        boolean ackOk = false;
        if (is(TcpView.ACK)) {
            if (Seq.le(ack, c.iss) || Seq.gt(ack, c.sndMax)) {
                if (!is(TcpView.RST)) tcp.output.resetFor(now, dst, dport, src, sport, true, ack, seq, segLength());
                dropped(payload, DropReason.TCP_BAD_ACK);
                return;
            }
            ackOk = true;
        }
        if (is(TcpView.RST)) {
            Chains.free(m, payload);
            if (ackOk) {
                tcp.counters.resetsReceived++;
                tcp.timers.abort(c, TcpError.REFUSED, false);
            } else {
                tcp.stats.drop(DropReason.TCP_RST_IGNORED);
            }
            return;
        }
        if (!is(TcpView.SYN)) {
            dropped(payload, DropReason.TCP_NO_ACK);
            return;
        }
        c.irs = seq;
        c.rcvNxt = seq + 1;
        c.rcvAdv = c.rcvNxt + (int) Math.min(65535, c.receiveCoverage(m));
        c.peerMss = opt.mss() > 0 ? opt.mss() : 536;
        if (tcp.cfg.windowScaling() && opt.windowScale() >= 0) {
            c.set(F_WSCALE);
            c.sndWscale = (byte) Math.min(opt.windowScale(), TcpOptions.MAX_WINDOW_SCALE);
        } else {
            c.rcvWscale = 0;
        }
        if (tcp.cfg.sack() && opt.sackPermitted()) c.set(F_SACK);
        if (tcp.cfg.timestamps() && hasTs) {
            c.set(F_TS);
            c.tsRecent = tsVal;
            c.tsRecentAt = now;
        }
        TcpOutput.setSendMss(c, tcp.output.ourMss(c.raddr));
        c.cc.init(now, c.smss);
        c.lastReceived = now;
        if (ackOk) {
            // Our SYN is acknowledged: established.
            sampleRtt(now, c, ack);
            afterHandshake(c);
            c.sndUna = ack;
            c.bufSeq = c.iss + 1;
            c.sndWnd = wnd; // RFC 7323 §2.2: the window of a SYN segment is never scaled
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = seq;
            c.sndWl2 = ack;
            c.retransmits = 0;
            c.rtxAt = OFF;
            c.state = TcpState.ESTABLISHED;
            tcp.counters.established++;
            tcp.timers.armKeepalive(now, c);
            c.set(F_ACK_NOW);
            seq = seq + 1;
            if (len > 0) text(now, c, payload);
            else Chains.free(m, payload);
            if (c.socket != null) c.socket.connected();
            if (!c.has(TcpConnection.F_FREED)) {
                if (is(TcpView.FIN) && seq + len == c.rcvNxt) fin(now, c);
                tcp.output.output(now, c);
            }
        } else {
            // Simultaneous open (RFC 9293 §3.5 figure 7): answer with SYN-ACK, wait for its ACK.
            Chains.free(m, payload);
            c.state = TcpState.SYN_RECEIVED;
            c.sndWnd = wnd;
            c.sndWl1 = seq;
            c.rtxAt = OFF;
            tcp.output.sendSyn(now, c);
        }
    }

    /**
     * The ACK field (RFC 9293 §3.10.7.4 fifth, RFC 5961 §5). Returns false if the segment must be
     * dropped (its ACK was not acceptable).
     */
    private boolean ack(long now, TcpConnection c, boolean inWindow) {
        if (c.state == TcpState.SYN_RECEIVED) {
            if (Seq.gt(ack, c.sndUna) && Seq.le(ack, c.sndMax)) {
                // A close during the handshake queued the FIN (TcpSocket.queueFin): it goes now.
                c.state = c.has(F_FIN_QUEUED) ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED;
                c.sndWnd = synAck ? wnd : wnd << c.sndWscale; // RFC 7323 §2.2: a SYN's window is never scaled
                c.maxSndWnd = c.sndWnd;
                c.sndWl1 = seq;
                c.sndWl2 = ack;
                c.sndUna = ack;
                c.bufSeq = c.iss + 1;
                afterHandshake(c);
                c.retransmits = 0;
                c.rtxAt = OFF;
                heard(now, c);
                tcp.counters.established++;
                tcp.timers.armKeepalive(now, c);
                if (c.socket != null) c.socket.connected();
                return true;
            }
            tcp.output.resetFor(now, dst, dport, src, sport, true, ack, seq, segLength());
            tcp.stats.drop(DropReason.TCP_BAD_ACK);
            return false;
        }
        // RFC 5961 §5.2: acceptable if SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT (our SND.MAX).
        if (Seq.gt(ack, c.sndMax) || Seq.lt(ack, c.sndUna - Math.max(c.maxSndWnd, 1))) {
            challenge(now, c);
            tcp.stats.drop(DropReason.TCP_BAD_ACK);
            return false;
        }
        // The peer is alive only if it sent an acceptable segment whose ACK is not older than
        // SND.UNA (Linux's tcp_ack: icsk_probes_out, rcv_tstamp). Anyone can send junk: a segment
        // out of the window never gets here, so it cannot hold off keepalive, the window-probe
        // limit or the user timeout (RFC 1122 §4.2.3.6, §4.2.2.17; RFC 5482).
        if (Seq.ge(ack, c.sndUna)) heard(now, c);
        int oldWnd = c.sndWnd;
        boolean sackNews = false;
        if (c.has(F_SACK) && opt.sackBlockCount() > 0 && Seq.gt(c.sndMax, c.sndUna)) sackNews = sackUpdate(c);
        // Window update (RFC 9293 §3.10.7.4: SND.WL1/SND.WL2 guard against old segments).
        // RFC 9293 §3.10.7.4: only "if SND.UNA =< SEG.ACK =< SND.NXT": an older ACK (acceptable
        // within MAX.SND.WND, RFC 5961 §5.2) is reordered and its window stale, whatever its SEG.SEQ.
        if (inWindow && Seq.ge(ack, c.sndUna) && (Seq.lt(c.sndWl1, seq) || (c.sndWl1 == seq && Seq.le(c.sndWl2, ack)))) {
            c.sndWnd = wnd << c.sndWscale;
            c.sndWl1 = seq;
            c.sndWl2 = ack;
            if (c.sndWnd > c.maxSndWnd) c.maxSndWnd = c.sndWnd;
            if (c.sndWnd > 0 && c.has(F_PERSIST)) {
                c.clear(F_PERSIST);
                c.rtxAt = OFF;
                c.persistProbes = 0;
            }
        }
        // Timestamps (RFC 7323 §4.3): remember the peer's clock if this segment covers Last.ACK.sent,
        // judged by the segment's own SEG.SEQ: after trimming, `seq` is RCV.NXT, which may lie
        // beyond Last.ACK.sent while an ACK is delayed, though the segment began at or before it.
        if (inWindow && c.has(F_TS) && hasTs && Seq.ge(tsVal, c.tsRecent) && Seq.le(segSeq, c.lastAckSent)) {
            c.tsRecent = tsVal;
            c.tsRecentAt = now;
        }
        if (Seq.gt(ack, c.sndUna)) newAck(now, c);
        else if (ack == c.sndUna && len == 0 && !is(TcpView.FIN) && Seq.gt(c.sndMax, c.sndUna)
                && (c.sndWnd == oldWnd || sackNews) && (!c.has(F_SACK) || sackNews || opt.sackBlockCount() == 0)) {
            duplicateAck(now, c, sackNews);
        }
        return true;
    }

    /**
     * RFC 6298 §5.7: if our SYN (or SYN-ACK) was retransmitted and the handshake gave no valid RTT
     * sample, data transfer starts with an RTO of 3 s (and no backoff), not the 1 s default.
     */
    private static void afterHandshake(TcpConnection c) {
        if (c.retransmits > 0 && !c.rtt.hasSample()) c.rtt.reinitializeAfterSynTimeout();
    }

    /** An acceptable segment arrived: the idle time and the unanswered-probe count start again. */
    private static void heard(long now, TcpConnection c) {
        c.lastReceived = now;
        c.probes = 0;
    }

    private boolean sackUpdate(TcpConnection c) {
        if (c.scoreboard == null && !tcp.borrowScoreboard(c)) return false;
        int n = opt.sackBlockCount();
        for (int i = 0; i < n; i++) {
            sackEdges[2 * i] = opt.sackLeft(i);
            sackEdges[2 * i + 1] = opt.sackRight(i);
        }
        // Judged against SEG.ACK, not SND.UNA: RFC 2883 §4, a first block below the cumulative
        // ACK (or inside the second block) is a D-SACK, the peer telling us it received a
        // segment twice: a retransmission was spurious. Counted; it is not new SACK information.
        boolean news = c.scoreboard.update(Seq.gt(ack, c.sndUna) ? ack : c.sndUna, c.sndMax, sackEdges, n) > 0;
        if (c.scoreboard.lastUpdateHadDsack()) tcp.counters.dsacksReceived++;
        return news;
    }

    private void sampleRtt(long now, TcpConnection c, int ackNo) {
        long sample = -1;
        int expected = 1;
        if (c.has(F_TS) && hasTs && tsEcr != 0) {
            // RFC 7323 §4.1: the echoed timestamp times the segment being acknowledged.
            sample = (long) (TcpOutput.tsClock(now) + c.tsOffset - tsEcr) * Time.MILLIS;
            if (sample < 0) sample = -1;
            // RFC 7323 Appendix G: with a sample on every ACK, about ExpectedSamples per RTT, the
            // gains are divided so SRTT and RTTVAR keep the history of one sample per RTT, and
            // RTTVAR (the RTO's margin) does not collapse within one window of ACKs.
            if (c.smss > 0) expected = RttEstimator.expectedSamples(c.sndMax - c.sndUna, c.smss);
        } else if (c.has(F_RTT_TIMING) && Seq.gt(ackNo, c.rttSeq)) {
            sample = now - c.rttStart;
        }
        if (Seq.gt(ackNo, c.rttSeq)) c.clear(F_RTT_TIMING);
        if (sample >= 0) {
            c.rtt.sample(sample, expected);
            c.cc.onRttSample(now, sample);
        }
    }

    /** New data acknowledged: free it, sample the RTT, grow the window or advance recovery. */
    private void newAck(long now, TcpConnection c) {
        int acked = ack - c.sndUna;
        int flight = c.sndMax - c.sndUna;
        sampleRtt(now, c, ack);
        // Free acknowledged data at once ("eager out").
        int dataEnd = c.bufSeq + c.sendBuf.length;
        int dataAcked = Seq.lt(ack, dataEnd) ? ack - c.bufSeq : c.sendBuf.length;
        if (dataAcked > 0) {
            int freed = c.sendBuf.consume(m, dataAcked);
            c.freeSendBlocks(m, freed);
            c.bufSeq += dataAcked;
        }
        c.sndUna = ack;
        if (Seq.lt(c.sndNxt, c.sndUna)) c.sndNxt = c.sndUna;
        c.retransmits = 0;
        c.persistProbes = 0;
        // No resetBackoff() here: RFC 6298 §5 (the note after 5.7) and Karn's algorithm keep the
        // backed-off RTO until a valid RTT sample (RttEstimator.sample clears the backoff): the
        // ACK of a retransmitted segment, timed by nothing, proves nothing about the path.
        if (c.scoreboard != null) c.scoreboard.advance(ack);
        if (c.has(F_IN_RECOVERY)) {
            if (Seq.ge(ack, c.recover)) {
                c.clear(F_IN_RECOVERY);
                c.cc.onExitRecovery(now, c.sndMax - c.sndUna);
                c.dupAcks = 0;
                if (c.scoreboard != null) tcp.returnScoreboard(c);
            } else if (c.scoreboard == null) {
                // NewReno partial ACK (RFC 6582 §3.2 step 4): retransmit the next unacknowledged segment.
                c.cc.onPartialAck(now, acked);
                retransmitFirst(now, c);
                c.rtxAt = now + c.rtt.rto();
            }
        } else {
            c.dupAcks = 0;
            c.cc.onAck(now, acked, flight);
            if (c.scoreboard != null && c.scoreboard.rangeCount() == 0) tcp.returnScoreboard(c);
        }
        // RFC 6298 §5.2-5.3: stop the timer when all is acknowledged, else restart it.
        if (c.sndUna == c.sndMax) {
            c.rtxAt = OFF;
            c.unackedSince = OFF;
        } else {
            c.rtxAt = now + c.rtt.rto();
            c.unackedSince = now;
            TcpTimers.capByUserTimeout(c);
        }
        // Our FIN acknowledged?
        if (c.has(F_FIN_QUEUED) && Seq.gt(ack, c.sendEnd())) finAcked(now, c);
        if (!c.has(TcpConnection.F_FREED) && c.socket != null && c.has(TcpConnection.F_WANT_WRITE) && c.sendSpace() > 0) {
            c.clear(TcpConnection.F_WANT_WRITE);
            c.socket.writable();
        }
    }

    private void finAcked(long now, TcpConnection c) {
        switch (c.state) {
            case FIN_WAIT_1 -> {
                c.state = TcpState.FIN_WAIT_2;
                // Everything we sent, FIN included, is acknowledged: output is done. Tell the
                // handle (a lingering close waits for this), as poll(2) reports POLLOUT then.
                if (c.socket != null) c.socket.writable();
                if (c.has(F_ORPHAN)) { // within the orphan's own deadline
                    c.finWait2At = Math.min(c.finWait2At, now + tcp.cfg.finWait2Nanos());
                    c.schedule();
                }
            }
            case CLOSING -> tcp.timers.enterTimeWait(now, c);
            case LAST_ACK -> tcp.timers.finish(c);
            default -> {}
        }
    }

    private void duplicateAck(long now, TcpConnection c, boolean sackNews) {
        c.dupAcks++;
        tcp.counters.duplicateAcks++;
        if (!c.has(F_IN_RECOVERY)) {
            boolean lost = c.dupAcks >= 3 || (c.scoreboard != null && c.scoreboard.isLost(c.sndUna, c.smss));
            // RFC 6582 §3.2 step 2: enter recovery only if the ACK covers more than `recover`.
            if (lost && Seq.gt(ack, c.recover)) {
                c.set(F_IN_RECOVERY);
                c.recover = c.sndMax;
                c.cc.setSack(c.scoreboard != null);
                c.cc.onEnterRecovery(now, c.sndMax - c.sndUna);
                tcp.counters.fastRetransmits++;
                if (c.scoreboard != null) {
                    // RFC 6675 §5 (4.3): the first segment presumed lost is retransmitted at once,
                    // whatever the pipe says; the rest follow NextSeg as the pipe drains.
                    c.rescueRxt = c.sndUna - 1; // RescueRxt undefined: HighACK is above it
                    c.highRxt = c.sndUna + retransmitFirst(now, c);
                    c.clear(F_RTT_TIMING);
                    c.rtxAt = now + c.rtt.rto();
                } else {
                    retransmitFirst(now, c);
                    c.rtxAt = now + c.rtt.rto();
                }
            }
        } else if (c.scoreboard == null) {
            c.cc.onDuplicateAckInRecovery(now);
        }
    }

    /**
     * Retransmits the first unacknowledged segment (fast retransmit, NewReno partial ACK); returns
     * the sequence space it covered (0 if there was nothing to resend).
     */
    int retransmitFirst(long now, TcpConnection c) {
        int avail = c.bufSeq + c.sendBuf.length - c.sndUna;
        int n = Math.min(c.smss, Math.max(0, avail));
        int flags = TcpView.ACK | resentFin(c, c.sndUna, n);
        if (n == 0 && (flags & TcpView.FIN) == 0) return 0;
        c.clear(F_RTT_TIMING); // Karn: never time a retransmitted segment
        tcp.output.sendData(now, c, c.sndUna, n, flags);
        return n + ((flags & TcpView.FIN) != 0 ? 1 : 0);
    }

    /** FIN if a retransmission of {@code n} bytes at {@code s} ends where the FIN we already sent was. */
    private static int resentFin(TcpConnection c, int s, int n) {
        int fin = c.sendEnd();
        return c.has(F_FIN_QUEUED) && s + n == fin && Seq.gt(c.sndMax, fin) ? TcpView.FIN : 0;
    }

    /**
     * One step of SACK-based loss recovery (RFC 6675 §5): if the pipe leaves room for a segment,
     * send the next one NextSeg() picks. Returns true if something was sent.
     */
    boolean sackRecoverySend(long now, TcpConnection c) {
        SackScoreboard sb = c.scoreboard;
        long pipe = sb.pipe(c.sndUna, c.sndMax, c.highRxt, c.smss);
        if (c.cc.cwnd() - pipe < c.smss) return false;
        int dataEnd = c.bufSeq + c.sendBuf.length;
        int newData = Math.max(0, Math.min(dataEnd - c.sndMax, c.sndUna + c.sndWnd - c.sndMax));
        // NextSeg rule 4 (RFC 6675 §4): one rescue retransmission per recovery, while HighACK is
        // above RescueRxt, so a lost tail (nothing SACKed above it, no new data) is resent
        // without waiting for the RTO.
        int kind = sb.nextSeg(c.sndUna, c.sndMax, c.highRxt, c.smss, newData, Seq.gt(c.sndUna, c.rescueRxt));
        if (kind == SackScoreboard.NONE) return false;
        int s = sb.nextSeq();
        int n = sb.nextLength();
        if (kind == SackScoreboard.NEW_DATA) {
            s = c.sndMax;
            n = Math.min(c.smss, Math.min(dataEnd - s, c.sndUna + c.sndWnd - s));
            if (n <= 0) return false;
            c.sndNxt = s;
            tcp.output.sendData(now, c, s, n, TcpView.ACK);
            c.sndNxt = s + n;
            if (Seq.gt(c.sndNxt, c.sndMax)) c.sndMax = c.sndNxt;
            return true;
        }
        n = Math.min(n, Math.max(0, dataEnd - s));
        int fl = TcpView.ACK | resentFin(c, s, n);
        if (n == 0 && (fl & TcpView.FIN) == 0) return false;
        c.clear(F_RTT_TIMING);
        tcp.output.sendData(now, c, s, n, fl);
        if (kind == SackScoreboard.RESCUE) {
            c.rescueRxt = c.recover; // RescueRxt = RecoveryPoint; HighRxt untouched (RFC 6675 §5 C.4)
            tcp.counters.rescueRetransmits++;
            return true;
        }
        int end = s + n + ((fl & TcpView.FIN) != 0 ? 1 : 0);
        if (Seq.gt(end, c.highRxt)) c.highRxt = end;
        return true;
    }

    // ------------------------------------------------------------------ data and FIN

    /** Segment text (RFC 9293 §3.10.7.4 seventh): deliver in order, keep out of order, decide the ACK. */
    private void text(long now, TcpConnection c, int payload) {
        if (!c.state.canReceive()) {
            dropped(payload, DropReason.TCP_DATA_AFTER_FIN);
            return;
        }
        if (c.has(F_ORPHAN)) {
            // RFC 2525 §2.17 / Linux: data for a connection the application closed cannot be read: reset.
            Chains.free(m, payload);
            tcp.stats.drop(DropReason.TCP_DATA_AFTER_CLOSE);
            tcp.output.sendReset(now, c);
            tcp.timers.abort(c, TcpError.NONE, false);
            return;
        }
        if (seq != c.rcvNxt) {
            tcp.ooo.insert(c, seq, payload, len);
            c.set(F_ACK_NOW); // RFC 5681 §4.2: out-of-order data is acknowledged at once
            return;
        }
        if (c.has(F_RCV_SHUT)) { // input shut down: acknowledge and discard
            Chains.free(m, payload);
            c.rcvNxt += len;
        } else if (adopt(c, payload, len)) {
            c.rcvNxt += len;
            tcp.output.backWindow(c);
        } else {
            int stored = store(c, payload, 0, len);
            Chains.free(m, payload);
            c.rcvNxt += stored;
            if (stored < len) {
                tcp.counters.receiveOverruns++;
                tcp.stats.drop(DropReason.TCP_NO_MEMORY);
            }
        }
        boolean filled = c.oooHead >= 0;
        if (filled) {
            tcp.ooo.deliver(c);
            c.set(F_ACK_NOW); // filling a gap is acknowledged at once
        }
        // Delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2): at least every second full segment.
        c.segsUnacked += len > c.smss ? 2 : 1; // a segment of several MSS (GSO through TUN) counts as two
        if (is(TcpView.PSH) && len < c.smss) c.set(TcpConnection.F_ACK_PUSHED);
        if (c.quickAcks > 0) {
            c.quickAcks--;
            c.set(F_ACK_NOW);
        } else if (c.segsUnacked >= 2 || tcp.cfg.delayedAckNanos() == 0) c.set(F_ACK_NOW);
        else if (c.delackAt == OFF) c.delackAt = now + tcp.cfg.delayedAckNanos();
        if (c.socket != null) c.socket.readable();
    }

    /**
     * Keeps an in-order segment in the blocks it arrived in, appended to the receive queue (no
     * copy), when it fills them well (at least half of each on average; smaller segments are
     * copied densely). The commitment backing the window pays for the blocks: a loan made for this
     * frame ({@link ReceiveLoan}) first, then committed blocks are released one for one. A frame's
     * blocks hold a little less than the bytes they cost (its headers, the room given up in the old
     * last block): unless the pool can make that up or the frame came on a loan (it is in those
     * blocks already), the segment is copied instead. False, and nothing changed, if it is to be
     * copied, or the receive reserve would not be whole.
     */
    private boolean adopt(TcpConnection c, int payload, int len) {
        int n = 0, last = payload;
        for (int b = payload; b >= 0; b = m.next(b)) {
            n++;
            last = b;
        }
        int bs = m.blockSize();
        if (2L * len < (long) n * bs) return false;
        int repaid = tcp.loan.repay(c, n);
        int k = Math.min(c.rcvCommit, n - repaid);
        long promise = Math.max(0, c.rcvAdv - (c.rcvNxt + len)) - tcp.ooo.bytesHeld(c);
        long cover = bs - (m.off(last) + m.len(last)) + (long) (c.rcvCommit - k) * bs;
        int topUp = cover >= promise ? 0 : (int) ((promise - cover + bs - 1) / bs);
        // Keeping blocks the receive path may have taken from its reserve needs the reserve whole.
        if (m.freeBlocks() - m.committedBlocks() + k < m.reserveBlocks() || (repaid == 0 && topUp > m.uncommittedFreeBlocks() - k)) {
            tcp.loan.unrepay(c, repaid);
            return false;
        }
        m.release(k);
        c.rcvCommit -= k;
        if (!m.transferChain(payload, net.sloop.mem.Category.SOCKET_RECEIVE, c.owner)) throw new IllegalStateException("receive reserve");
        c.recvBuf.append(m, payload, len, n);
        c.filled(len);
        tcp.counters.segmentsAdopted++;
        return true;
    }

    /** Copies {@code n} bytes of a chain into the receive queue; returns how many fit. */
    private int store(TcpConnection c, int chain, int from, int n) {
        int done = 0;
        while (done < n) {
            if (c.recvBuf.tailRoom(m) == 0) {
                int b = c.takeReceiveBlock(m);
                if (b < 0) break;
                c.recvBuf.link(m, b);
            }
            done += c.recvBuf.fillFromChain(m, chain, from + done, n - done);
        }
        c.filled(done);
        return done;
    }

    /** The peer's FIN, in order (RFC 9293 §3.10.7.4 eighth). */
    private void fin(long now, TcpConnection c) {
        c.rcvNxt += 1;
        c.set(F_FIN_RCVD);
        c.set(F_ACK_NOW);
        switch (c.state) {
            case ESTABLISHED -> c.state = TcpState.CLOSE_WAIT;
            case FIN_WAIT_1 -> c.state = TcpState.CLOSING; // our FIN not yet acknowledged (else we would be in FIN_WAIT_2)
            case FIN_WAIT_2 -> {
                tcp.output.sendAck(now, c);
                tcp.timers.enterTimeWait(now, c);
                return;
            }
            default -> {}
        }
        if (c.socket != null) c.socket.readable();
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
            TcpOutput.setSendMss(c, tcp.output.ourMss(c.raddr));
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
