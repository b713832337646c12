package net.sloop.tcp;

import static net.sloop.tcp.TcpConnection.F_ACK_NOW;
import static net.sloop.tcp.TcpConnection.F_FIN_RCVD;
import static net.sloop.tcp.TcpConnection.F_ORPHAN;
import static net.sloop.tcp.TcpConnection.F_RCV_SHUT;
import static net.sloop.tcp.TcpConnection.F_TS;
import static net.sloop.tcp.TcpConnection.OFF;

import net.sloop.mem.Budget;
import net.sloop.mem.Chains;
import net.sloop.stats.DropReason;
import net.sloop.time.Time;

/**
 * The receive side of a synchronized connection (RFC 9293 §3.10.7.4; gVisor's rcv.go): PAWS (RFC
 * 7323), sequence acceptability, RFC 5961's checks of RST and SYN, trimming to the window, the
 * ACK field handed to {@link TcpSender} (or to {@link TcpHandshake} in SYN-RECEIVED), segment
 * text (in order into the receive queue, adopted in its own blocks or copied; out of order to
 * {@link OutOfOrderQueue}), the FIN, and the ACK decision (at once or delayed).
 */
final class TcpReceiver {
    private static final long PAWS_IDLE = Time.seconds(24L * 24 * 3600); // RFC 7323 §5.5: 24 days
    private final Tcp tcp;
    private final Budget m;

    TcpReceiver(Tcp tcp) {
        this.tcp = tcp;
        this.m = tcp.budget();
    }

    /** A segment for {@code c}, in a synchronized state or SYN-RECEIVED; {@code payload} is its data (or -1). */
    void segment(long now, TcpConnection c, Segment seg, int payload) {
        // PAWS (RFC 7323 §5.3): an old timestamp marks an old duplicate.
        if (c.has(F_TS) && seg.hasTimestamps() && !seg.rst() && Seq.lt(seg.tsVal(), c.tsRecent) && now - c.tsRecentAt < PAWS_IDLE) {
            invalidAck(now, c, seg.seqLength(), seg.syn());
            tcp.output.output(now, c);
            tcp.dropped(payload, DropReason.TCP_PAWS);
            return;
        }
        // Simultaneous open (RFC 9293 §3.5 figure 7, line 6): the peer's SYN-ACK acknowledges our
        // SYN and repeats the SYN we already hold. Its SYN falls before RCV.NXT, so the strict
        // sequence test would drop it and wait for a retransmission; take it, as Linux does, as the
        // ACK that completes the handshake: without its SYN, beginning at RCV.NXT.
        boolean simultaneousSynAck = c.state == TcpState.SYN_RECEIVED && !c.has(TcpConnection.F_PASSIVE) && seg.syn()
                && seg.hasAck() && seg.seq() == c.irs && seg.ack() == c.iss + 1;
        boolean syn = seg.syn() && !simultaneousSynAck;
        int seq = simultaneousSynAck ? c.irs + 1 : seg.seq();
        int space = seg.length() + (syn ? 1 : 0) + (seg.fin() ? 1 : 0); // the sequence space it occupies, so taken
        // 1. Sequence number acceptable? (RFC 9293 §3.10.7.4, first)
        int rcvWnd = Math.max(0, c.rcvAdv - c.rcvNxt);
        boolean ok;
        // A bare segment exactly at the right edge is taken too (as Linux does): the peer may have
        // filled the window we offered, and its ACKs must still be heard.
        if (space == 0) ok = rcvWnd == 0 ? seq == c.rcvNxt : Seq.inWindow(seq, c.rcvNxt, c.rcvNxt + rcvWnd + 1);
        else ok = rcvWnd != 0 && (Seq.inWindow(seq, c.rcvNxt, c.rcvNxt + rcvWnd) || Seq.inWindow(seq + space - 1, c.rcvNxt, c.rcvNxt + rcvWnd));
        if (!ok) {
            // RFC 9293 §3.10.7.4: with a zero window "special allowance should be made to accept
            // valid ACKs". A peer that sends its bare ACKs at SND.NXT beyond our shut window
            // (lwIP does) still acknowledges our data: take the acknowledgment (not the window,
            // whose SND.WL1 order such a sequence number would upset), or neither side would
            // ever hear the other's ACKs. The same after we shrank the window under pressure: the
            // peer had sent up to the old edge, and its ACKs carry that SND.MAX (RFC 1122
            // §4.2.2.16 asks senders to be robust against shrinking; a receiver that shrinks must
            // still hear them, or its own data is never acknowledged).
            if ((rcvWnd == 0 || c.has(TcpConnection.F_SHRUNK)) && space == 0 && seg.hasAck() && !seg.rst() && !syn
                    && Seq.gt(seq, c.rcvNxt) && Seq.gt(seg.ack(), c.sndUna) && Seq.le(seg.ack(), c.sndMax)) {
                acknowledgment(now, c, seg, seq, seg.length(), seg.fin(), false, simultaneousSynAck);
                if (c.has(TcpConnection.F_FREED)) return;
            }
            if (!seg.rst()) {
                invalidAck(now, c, space, syn);
                tcp.events.output(now, c);
            }
            // Even an unacceptable segment may carry a usable ACK of a zero-window probe; RFC 9293 drops it.
            tcp.dropped(payload, DropReason.TCP_OUT_OF_WINDOW);
            return;
        }
        // 2. RST (RFC 5961 §3.2): only an exact match resets; anything else in the window gets a challenge ACK.
        if (seg.rst()) {
            Chains.free(m, payload);
            if (seq == c.rcvNxt) {
                tcp.counters.resetsReceived++;
                TcpError e = c.state == TcpState.SYN_RECEIVED && !c.has(TcpConnection.F_PASSIVE) ? TcpError.REFUSED : TcpError.RESET;
                boolean quiet = c.state == TcpState.CLOSING || c.state == TcpState.LAST_ACK;
                tcp.timers.abort(c, quiet ? TcpError.NONE : e, false);
            } else {
                tcp.challengeAck(now, c);
                tcp.stats.drop(DropReason.TCP_RST_CHALLENGED);
            }
            return;
        }
        // 3. (security: not used) 4. SYN in a synchronized state (RFC 5961 §4): challenge ACK.
        if (syn) {
            if (c.state == TcpState.SYN_RECEIVED && seq == c.irs) { // our SYN-ACK was lost: send it again
                tcp.output.sendSyn(now, c);
                tcp.dropped(payload, DropReason.TCP_SYN_DUPLICATE);
                return;
            }
            tcp.challengeAck(now, c);
            tcp.dropped(payload, DropReason.TCP_SYN_CHALLENGED);
            return;
        }
        // 5. ACK.
        if (!seg.hasAck()) {
            tcp.dropped(payload, DropReason.TCP_NO_ACK);
            return;
        }
        // Trim what was already received and what lies beyond the window (RFC 9293 §3.10.7.4:
        // "trimmed"): the text taken is textLen bytes at textSeq, and the FIN only if within.
        int textSeq = seq, textLen = seg.length();
        boolean fin = seg.fin();
        if (Seq.lt(textSeq, c.rcvNxt)) {
            int dup = c.rcvNxt - textSeq;
            if (dup >= textLen) {
                Chains.free(m, payload);
                payload = -1;
                if (textLen > 0) c.set(F_ACK_NOW);
                textLen = 0;
            } else {
                payload = Chains.trimFront(m, payload, dup);
                textLen -= dup;
            }
            textSeq = c.rcvNxt;
        }
        int room = c.rcvAdv - textSeq;
        if (textLen > room) {
            tcp.counters.dataBeyondWindow++; // a window shrunk under pressure, or a peer that overruns it
            int keep = Math.max(0, room);
            if (keep == 0) {
                Chains.free(m, payload);
                payload = -1;
            } else {
                Chains.truncate(m, payload, keep);
            }
            textLen = keep;
            fin = false; // the FIN lies beyond the window
            c.set(F_ACK_NOW);
        }
        if (!acknowledgment(now, c, seg, textSeq, textLen, fin, true, simultaneousSynAck)) {
            Chains.free(m, payload);
            return;
        }
        if (c.has(TcpConnection.F_FREED)) { // the ACK completed LAST_ACK
            Chains.free(m, payload);
            return;
        }
        // 6. URG: not supported (RFC 6093 recommends against its use); the data is delivered inline.
        // 7. Segment text.
        if (textLen > 0) text(now, c, seg, textSeq, textLen, payload);
        else Chains.free(m, payload);
        if (c.has(TcpConnection.F_FREED)) return;
        // 8. FIN, once everything before it has arrived.
        if (fin && textSeq + textLen == c.rcvNxt && !c.has(F_FIN_RCVD)) fin(now, c);
        if (!c.has(TcpConnection.F_FREED)) tcp.events.output(now, c); // after the handle's events, if any
    }

    /**
     * The ACK field (RFC 9293 §3.10.7.4 fifth): in SYN-RECEIVED it completes the handshake, in
     * the synchronized states it is the send side's. {@code seq}, {@code len} and {@code fin} are
     * the segment as taken (trimmed). Returns false if the segment must be dropped.
     */
    private boolean acknowledgment(long now, TcpConnection c, Segment seg, int seq, int len, boolean fin, boolean inWindow,
                                   boolean simultaneousSynAck) {
        if (c.state == TcpState.SYN_RECEIVED) return tcp.handshake.synReceivedAck(now, c, seg, seq, simultaneousSynAck);
        return tcp.sender.ack(now, c, seg, seq, len, fin, inWindow);
    }

    /**
     * An ACK in answer to a segment dropped as out of the window or by PAWS (RFC 9293 §3.10.7.4,
     * RFC 7323 §5.3), rate-limited per connection as Linux's tcp_oow_rate_limited does: a bare ACK
     * (or a SYN) is answered at most once per 500 ms, so that two ends that disagree cannot loop
     * ACKs; a segment carrying data or a FIN ({@code space} beyond a SYN) is always answered (its
     * sender is retransmitting because our ACK was lost).
     */
    private void invalidAck(long now, TcpConnection c, int space, boolean syn) {
        if ((space > 0 && !syn) || tcp.oowAllowed(now, c)) c.set(F_ACK_NOW);
        else tcp.counters.invalidAcksSuppressed++;
    }

    // ------------------------------------------------------------------ data and FIN

    /**
     * Segment text (RFC 9293 §3.10.7.4 seventh): {@code len} bytes at {@code seq} in
     * {@code payload}; delivers in order, keeps out of order, decides the ACK.
     */
    void text(long now, TcpConnection c, Segment seg, int seq, int len, int payload) {
        if (!c.state.canReceive()) {
            tcp.dropped(payload, DropReason.TCP_DATA_AFTER_FIN);
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
            if (stored < len && c.oooHead >= 0) {
                // Out-of-order data holds the blocks the segment that reaches it needs: it goes
                // first (what is pruned first under pressure; its sender still holds it), and the
                // rest of the segment is stored in the room it leaves.
                tcp.ooo.clear(c);
                tcp.counters.reclaimedOutOfOrder++;
                stored += store(c, payload, stored, len - stored);
            }
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
        if (seg.psh() && len < c.smss) c.set(TcpConnection.F_ACK_PUSHED);
        if (c.quickAcks > 0) {
            c.quickAcks--;
            c.set(F_ACK_NOW);
        } else if (c.segsUnacked >= 2 || tcp.cfg.delayedAckNanos() == 0) c.set(F_ACK_NOW);
        else if (c.delackAt == OFF) c.delackAt = now + tcp.cfg.delayedAckNanos();
        tcp.events.raise(c, TcpSocket.READABLE);
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
        c.recvBuf.append(m, payload, len);
        c.filled(len);
        tcp.counters.segmentsAdopted++;
        return true;
    }

    /** Copies {@code n} bytes of a chain into the receive queue; returns how many fit. */
    private int store(TcpConnection c, int chain, int from, int n) {
        int frameBlocks = 0;
        for (int b = chain; b >= 0; b = m.next(b)) frameBlocks++;
        int done = 0;
        while (done < n) {
            if (c.recvBuf.tailRoom(m) == 0) {
                int b = c.takeReceiveBlock(m, frameBlocks);
                if (b < 0) break;
                c.recvBuf.link(m, b);
            }
            done += c.recvBuf.fillFromChain(m, chain, from + done, n - done);
        }
        c.filled(done);
        return done;
    }

    /** The peer's FIN, in order (RFC 9293 §3.10.7.4 eighth). */
    void fin(long now, TcpConnection c) {
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
        tcp.events.raise(c, TcpSocket.READABLE);
    }
}
