package net.sloop.tcp;

import static net.sloop.tcp.TcpConnection.F_ACK_NOW;
import static net.sloop.tcp.TcpConnection.F_FIN_QUEUED;
import static net.sloop.tcp.TcpConnection.F_SACK;
import static net.sloop.tcp.TcpConnection.F_TS;
import static net.sloop.tcp.TcpConnection.F_WSCALE;
import static net.sloop.tcp.TcpConnection.OFF;

import net.sloop.mem.Budget;
import net.sloop.mem.Chains;
import net.sloop.stats.DropReason;
import net.sloop.wire.TcpOptions;
import net.sloop.wire.TcpView;

/**
 * Opening a connection (gVisor's connect.go and accept.go): LISTEN with its SYN queue of compact
 * entries and SYN cookies (RFC 9293 §3.10.7.2, RFC 4987), SYN-SENT (§3.10.7.3), the ACK that
 * completes a simultaneous open in SYN-RECEIVED, and {@link #established}, the one way into
 * ESTABLISHED.
 */
final class TcpHandshake {
    private final Tcp tcp;
    private final Budget m;

    TcpHandshake(Tcp tcp) {
        this.tcp = tcp;
        this.m = tcp.budget();
    }

    // ------------------------------------------------------------------ LISTEN

    /**
     * RFC 9293 §3.10.7.2, with a SYN queue of compact entries and SYN cookies (RFC 4987). Returns
     * the connection the segment established (its handshake's last ACK), or null.
     */
    TcpConnection listen(long now, TcpListener l, Segment seg) {
        int dst = seg.dst(), dport = seg.dstPort(), src = seg.src(), sport = seg.srcPort();
        if (seg.rst()) {
            int e = tcp.synQueue.find(dst, dport, src, sport);
            if (e >= 0 && seg.seq() == tcp.synQueue.irs(e) + 1) tcp.synQueue.remove(e); // RFC 5961 §3: exact match
            tcp.stats.drop(DropReason.TCP_RST_IGNORED);
            return null;
        }
        if (seg.hasAck() && !seg.syn()) {
            int e = tcp.synQueue.find(dst, dport, src, sport);
            if (e >= 0) {
                if (seg.ack() != tcp.synQueue.iss(e) + 1) {
                    TcpDemux.resetFor(now, tcp, seg);
                    tcp.stats.drop(DropReason.TCP_BAD_ACK);
                    return null;
                }
                return establishFromQueue(now, l, seg, e);
            }
            if (tcp.cfg.synCookies()) {
                int mss = tcp.cookies.check(now, dst, dport, src, sport, seg.seq() - 1, seg.ack());
                if (mss > 0) {
                    tcp.counters.cookiesAccepted++;
                    return admit(now, l, seg, seg.seq() - 1, seg.ack() - 1, mss, -1, false, false, 0); // a cookie carries no options
                }
            }
            TcpDemux.resetFor(now, tcp, seg);
            tcp.stats.drop(DropReason.TCP_NO_SOCKET);
            return null;
        }
        if (!seg.syn() || seg.hasAck()) {
            if (seg.syn()) TcpDemux.resetFor(now, tcp, seg);
            tcp.stats.drop(DropReason.TCP_NO_SOCKET);
            return null;
        }
        // A SYN.
        int e = tcp.synQueue.find(dst, dport, src, sport);
        if (e >= 0) {
            if (seg.seq() == tcp.synQueue.irs(e)) tcp.synQueue.resend(now, e); // retransmitted SYN: our SYN-ACK was lost
            tcp.stats.drop(DropReason.TCP_SYN_DUPLICATE);
            return null;
        }
        if (l.queued >= l.backlog) {
            tcp.stats.drop(DropReason.TCP_ACCEPT_QUEUE_FULL);
            if (tcp.observer != null) tcp.observeRefused(now, seg, DropReason.TCP_ACCEPT_QUEUE_FULL);
            return null;
        }
        if (!tcp.admission.canAdmit(l)) {
            tcp.stats.drop(DropReason.TCP_ADMISSION);
            if (tcp.observer != null) tcp.observeRefused(now, seg, DropReason.TCP_ADMISSION);
            return null;
        }
        TcpOptions opt = seg.options();
        int peerMss = opt.mss() > 0 ? opt.mss() : 536;
        int peerWs = opt.windowScale();
        boolean sackOk = opt.sackPermitted() && tcp.cfg.sack();
        boolean ts = seg.hasTimestamps() && tcp.cfg.timestamps();
        if (tcp.synQueue.full()) {
            if (tcp.cfg.synCookies()) {
                int cookie = tcp.cookies.make(now, dst, dport, src, sport, seg.seq(), Math.min(peerMss, tcp.output.ourMss(src)));
                tcp.counters.cookiesSent++;
                tcp.output.control(now, dst, dport, src, sport, cookie, seg.seq() + 1, TcpView.SYN | TcpView.ACK,
                        tcp.synWindow(l.receiveBuffer), tcp.output.ourMss(src), -1, false, false, 0, 0);
                return null;
            }
            tcp.synQueue.evictOldest();
        }
        int iss = tcp.isn.isn(now, dst, dport, src, sport);
        int peerWsOrNone = (tcp.cfg.windowScaling() && opt.windowScale() >= 0) ? peerWs : -1;
        e = tcp.synQueue.add(now, l, dst, dport, src, sport, seg.seq(), iss, peerMss, peerWsOrNone, sackOk, ts, seg.tsVal());
        tcp.counters.passiveOpens++;
        if (e >= 0) tcp.synQueue.resend(now, e);
        return null;
    }

    private TcpConnection establishFromQueue(long now, TcpListener l, Segment seg, int e) {
        SynQueue q = tcp.synQueue;
        TcpConnection c = admit(now, l, seg, q.irs(e), q.iss(e), q.mss(e), q.peerWs(e), q.sackOk(e), q.ts(e), q.tsRecent(e));
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
    private TcpConnection admit(long now, TcpListener l, Segment seg, int irs, int iss, int peerMss, int peerWs, boolean sackOk,
                                boolean ts, int tsRecent) {
        if (l.queued >= l.backlog) {
            tcp.stats.drop(DropReason.TCP_ACCEPT_QUEUE_FULL);
            if (tcp.observer != null) tcp.observeRefused(now, seg, DropReason.TCP_ACCEPT_QUEUE_FULL);
            return null;
        }
        TcpConnection c = new TcpConnection(tcp, tcp.cfg);
        if (!tcp.admission.admit(c, l)) {
            tcp.stats.drop(DropReason.TCP_ADMISSION);
            if (tcp.observer != null) tcp.observeRefused(now, seg, DropReason.TCP_ADMISSION);
            return null;
        }
        c.laddr = seg.dst();
        c.lport = seg.dstPort();
        c.raddr = seg.src();
        c.rport = seg.srcPort();
        c.rcvLimit = l.receiveBuffer;
        c.rcvMax = l.receiveMax;
        c.sendLimit = l.sendBuffer;
        c.sendMax = l.sendMax;
        c.set(TcpConnection.F_PASSIVE);
        c.iss = iss;
        c.recover = iss; // RFC 6582 §3.2 step 1 (left at 0, half of all ISNs could never enter fast recovery)
        c.irs = irs;
        c.sndUna = c.sndNxt = c.sndMax = c.sndSml = iss + 1;
        c.bufSeq = iss + 1;
        c.rcvNxt = irs + 1;
        c.rcvAdv = c.rcvNxt + tcp.synWindow(l.receiveBuffer); // what the SYN-ACK advertised: the guaranteed minimum
        c.lastAckSent = c.rcvNxt; // the SYN-ACK acknowledged the SYN (RFC 7323 §4.3 Last.ACK.sent)
        c.peerMss = peerMss;
        if (peerWs >= 0) {
            c.set(F_WSCALE);
            c.sndWscale = (byte) Math.min(peerWs, TcpOptions.MAX_WINDOW_SCALE);
            c.rcvWscale = TcpOutput.scaleFor(c.rcvMax); // for the most autotuning may grow the buffer to
        }
        if (sackOk) c.set(F_SACK);
        if (ts) {
            c.set(F_TS);
            c.tsRecent = tsRecent;
            c.tsRecentAt = now;
            c.tsOffset = tcp.tsOffset(c.laddr, c.lport, c.raddr, c.rport);
        }
        tcp.output.setSendMss(c);
        c.cc.init(now, c.smss);
        c.sndWnd = seg.window() << c.sndWscale;
        c.maxSndWnd = c.sndWnd;
        c.sndWl1 = seg.seq();
        c.sndWl2 = seg.ack();
        c.lastReceived = now;
        tcp.link(c);
        established(now, c, TcpState.ESTABLISHED, l);
        return c;
    }

    // ------------------------------------------------------------------ SYN-SENT, SYN-RECEIVED

    /** SYN-SENT (RFC 9293 §3.10.7.3). */
    void synSent(long now, TcpConnection c, Segment seg, int payload) {
        boolean ackOk = false;
        int ack = seg.ack();
        if (seg.hasAck()) {
            if (Seq.le(ack, c.iss) || Seq.gt(ack, c.sndMax)) {
                if (!seg.rst()) TcpDemux.resetFor(now, tcp, seg);
                tcp.dropped(payload, DropReason.TCP_BAD_ACK);
                return;
            }
            ackOk = true;
        }
        if (seg.rst()) {
            Chains.free(m, payload);
            if (ackOk) {
                tcp.counters.resetsReceived++;
                tcp.timers.abort(c, TcpError.REFUSED, false);
            } else {
                tcp.stats.drop(DropReason.TCP_RST_IGNORED);
            }
            return;
        }
        if (!seg.syn()) {
            tcp.dropped(payload, DropReason.TCP_NO_ACK);
            return;
        }
        TcpOptions opt = seg.options();
        c.irs = seg.seq();
        c.rcvNxt = seg.seq() + 1;
        c.rcvAdv = c.rcvNxt + (int) Math.min(65535, c.receiveCoverage(m));
        c.peerMss = opt.mss() > 0 ? opt.mss() : 536;
        if (tcp.cfg.windowScaling() && opt.windowScale() >= 0) {
            c.set(F_WSCALE);
            c.sndWscale = (byte) Math.min(opt.windowScale(), TcpOptions.MAX_WINDOW_SCALE);
        } else {
            c.rcvWscale = 0;
        }
        if (tcp.cfg.sack() && opt.sackPermitted()) c.set(F_SACK);
        if (tcp.cfg.timestamps() && seg.hasTimestamps()) {
            c.set(F_TS);
            c.tsRecent = seg.tsVal();
            c.tsRecentAt = now;
        }
        tcp.output.setSendMss(c);
        c.cc.init(now, c.smss);
        c.lastReceived = now;
        if (ackOk) {
            // Our SYN is acknowledged: established.
            tcp.sender.sampleRtt(now, c, seg, ack);
            c.sndUna = ack;
            c.bufSeq = c.iss + 1;
            c.sndWnd = seg.window(); // RFC 7323 §2.2: the window of a SYN segment is never scaled
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = seg.seq();
            c.sndWl2 = ack;
            established(now, c, TcpState.ESTABLISHED, null);
            c.set(F_ACK_NOW);
            // The text and FIN a SYN-ACK may carry begin after its SYN.
            int textSeq = seg.seq() + 1;
            if (seg.length() > 0) tcp.receiver.text(now, c, seg, textSeq, seg.length(), payload);
            else Chains.free(m, payload);
            if (!c.has(TcpConnection.F_FREED)) {
                if (seg.fin() && textSeq + seg.length() == c.rcvNxt) tcp.receiver.fin(now, c);
                tcp.events.output(now, c); // after the handle's CONNECTED, so what it writes goes with the ACK
            }
        } else {
            // Simultaneous open (RFC 9293 §3.5 figure 7): answer with SYN-ACK, wait for its ACK.
            Chains.free(m, payload);
            c.state = TcpState.SYN_RECEIVED;
            c.sndWnd = seg.window();
            c.sndWl1 = seg.seq();
            c.rtxAt = OFF;
            tcp.output.sendSyn(now, c);
        }
    }

    /**
     * The ACK field in SYN-RECEIVED (RFC 9293 §3.10.7.4 fifth): acknowledging our SYN, it
     * completes the handshake; otherwise the segment is answered with a reset and dropped (false).
     * {@code seq} is the segment's sequence number as the receive side took it;
     * {@code simultaneousSynAck}: the segment is the peer's SYN-ACK of a simultaneous open, whose
     * window (a SYN's) is not scaled (RFC 7323 §2.2).
     */
    boolean synReceivedAck(long now, TcpConnection c, Segment seg, int seq, boolean simultaneousSynAck) {
        int ack = seg.ack();
        if (Seq.gt(ack, c.sndUna) && Seq.le(ack, c.sndMax)) {
            c.sndWnd = simultaneousSynAck ? seg.window() : seg.window() << c.sndWscale;
            c.maxSndWnd = c.sndWnd;
            c.sndWl1 = seq;
            c.sndWl2 = ack;
            c.sndUna = ack;
            c.bufSeq = c.iss + 1;
            TcpSender.heard(now, c);
            // A close during the handshake queued the FIN (TcpSocket.queueFin): it goes now.
            established(now, c, c.has(F_FIN_QUEUED) ? TcpState.FIN_WAIT_1 : TcpState.ESTABLISHED, null);
            return true;
        }
        TcpDemux.resetFor(now, tcp, seg);
        tcp.stats.drop(DropReason.TCP_BAD_ACK);
        return false;
    }

    // ------------------------------------------------------------------ ESTABLISHED

    /**
     * The handshake is over: enters {@code state} (ESTABLISHED, or FIN_WAIT_1 when a close during
     * the handshake queued the FIN) and does what that implies, on every path (a passive open's
     * last ACK or cookie, SYN-SENT's SYN-ACK, SYN-RECEIVED's ACK of a simultaneous open): the SYN's
     * retransmission state is cleared (RFC 6298 §5.7), the connection is counted, keepalive is
     * armed, and the application hears of it: a passive connection is queued on its listener
     * {@code l} (acceptable), an active one's handle hears CONNECTED.
     */
    void established(long now, TcpConnection c, TcpState state, TcpListener l) {
        // RFC 6298 §5.7: if our SYN (or SYN-ACK) was retransmitted and the handshake gave no valid
        // RTT sample, data transfer starts with an RTO of 3 s (and no backoff), not the 1 s default.
        if (c.retransmits > 0 && !c.rtt.hasSample()) c.rtt.reinitializeAfterSynTimeout();
        c.retransmits = 0;
        c.rtxAt = OFF;
        c.state = state;
        c.set(TcpConnection.F_OPENED);
        tcp.counters.established++;
        if (tcp.observer != null) tcp.observeOpened(now, c);
        tcp.timers.armKeepalive(now, c);
        if (l != null) {
            l.enqueue(c);
            tcp.events.acceptable(l);
        } else {
            tcp.events.raise(c, TcpSocket.CONNECTED);
        }
    }
}
