package net.sloop.tcp;

import static net.sloop.tcp.TcpConnection.F_FIN_QUEUED;
import static net.sloop.tcp.TcpConnection.F_IN_RECOVERY;
import static net.sloop.tcp.TcpConnection.F_ORPHAN;
import static net.sloop.tcp.TcpConnection.F_PERSIST;
import static net.sloop.tcp.TcpConnection.F_RTT_TIMING;
import static net.sloop.tcp.TcpConnection.F_SACK;
import static net.sloop.tcp.TcpConnection.F_TS;
import static net.sloop.tcp.TcpConnection.OFF;

import net.sloop.mem.Budget;
import net.sloop.stats.DropReason;
import net.sloop.time.Time;
import net.sloop.wire.TcpOptions;
import net.sloop.wire.TcpView;

/**
 * The send side's answer to acknowledgments (gVisor's snd.go): the ACK field's checks (RFC 9293
 * §3.10.7.4 fifth, RFC 5961 §5), window updates, RTT samples (RFC 6298, RFC 7323), freeing what
 * was acknowledged, our FIN acknowledged, duplicate ACKs, fast retransmit and loss recovery:
 * NewReno (RFC 6582) or SACK (RFC 6675, whose NextSeg {@link TcpOutput} calls while recovering).
 */
final class TcpSender {
    private final Tcp tcp;
    private final Budget m;
    private final int[] sackEdges = new int[2 * TcpOptions.MAX_SACK_BLOCKS];

    TcpSender(Tcp tcp) {
        this.tcp = tcp;
        this.m = tcp.budget();
    }

    /**
     * The ACK field of a segment for a synchronized connection (RFC 9293 §3.10.7.4 fifth, RFC 5961
     * §5). {@code seq}, {@code len} and {@code fin} are the segment as the receive side took it
     * (trimmed to the window); {@code inWindow}: the segment was acceptable, so its window and
     * timestamp count. Returns false if the segment must be dropped (its ACK was not acceptable).
     */
    boolean ack(long now, TcpConnection c, Segment seg, int seq, int len, boolean fin, boolean inWindow) {
        int ack = seg.ack();
        TcpOptions opt = seg.options();
        // RFC 5961 §5.2: acceptable if SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT (our SND.MAX).
        if (Seq.gt(ack, c.sndMax) || Seq.lt(ack, c.sndUna - Math.max(c.maxSndWnd, 1))) {
            tcp.challengeAck(now, c);
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
        if (c.has(F_SACK) && opt.sackBlockCount() > 0 && Seq.gt(c.sndMax, c.sndUna)) sackNews = sackUpdate(c, seg);
        // Window update (RFC 9293 §3.10.7.4: SND.WL1/SND.WL2 guard against old segments).
        // RFC 9293 §3.10.7.4: only "if SND.UNA =< SEG.ACK =< SND.NXT": an older ACK (acceptable
        // within MAX.SND.WND, RFC 5961 §5.2) is reordered and its window stale, whatever its SEG.SEQ.
        if (inWindow && Seq.ge(ack, c.sndUna) && (Seq.lt(c.sndWl1, seq) || (c.sndWl1 == seq && Seq.le(c.sndWl2, ack)))) {
            c.sndWnd = seg.window() << c.sndWscale;
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
        // judged by the segment's own SEG.SEQ as it arrived: the trimmed `seq` is RCV.NXT, which may
        // lie beyond Last.ACK.sent while an ACK is delayed, though the segment began at or before it.
        if (inWindow && c.has(F_TS) && seg.hasTimestamps() && Seq.ge(seg.tsVal(), c.tsRecent) && Seq.le(seg.seq(), c.lastAckSent)) {
            c.tsRecent = seg.tsVal();
            c.tsRecentAt = now;
        }
        if (Seq.gt(ack, c.sndUna)) newAck(now, c, seg);
        else if (ack == c.sndUna && len == 0 && !fin && Seq.gt(c.sndMax, c.sndUna)
                && (c.sndWnd == oldWnd || sackNews) && (!c.has(F_SACK) || sackNews || opt.sackBlockCount() == 0)) {
            duplicateAck(now, c, ack);
        }
        return true;
    }

    /** An acceptable segment arrived: the idle time and the unanswered-probe count start again. */
    static void heard(long now, TcpConnection c) {
        c.lastReceived = now;
        c.probes = 0;
    }

    private boolean sackUpdate(TcpConnection c, Segment seg) {
        if (c.scoreboard == null && !tcp.borrowScoreboard(c)) return false;
        TcpOptions opt = seg.options();
        int n = opt.sackBlockCount();
        for (int i = 0; i < n; i++) {
            sackEdges[2 * i] = opt.sackLeft(i);
            sackEdges[2 * i + 1] = opt.sackRight(i);
        }
        // Judged against SEG.ACK, not SND.UNA: RFC 2883 §4, a first block below the cumulative
        // ACK (or inside the second block) is a D-SACK, the peer telling us it received a
        // segment twice: a retransmission was spurious. Counted; it is not new SACK information.
        boolean news = c.scoreboard.update(Seq.gt(seg.ack(), c.sndUna) ? seg.ack() : c.sndUna, c.sndMax, sackEdges, n) > 0;
        if (c.scoreboard.lastUpdateHadDsack()) tcp.counters.dsacksReceived++;
        return news;
    }

    /** An RTT sample from {@code seg}, which acknowledges up to {@code ackNo}: its echoed timestamp, else the timed segment. */
    void sampleRtt(long now, TcpConnection c, Segment seg, int ackNo) {
        long sample = -1;
        int expected = 1;
        if (c.has(F_TS) && seg.hasTimestamps() && seg.tsEcr() != 0) {
            // RFC 7323 §4.1: the echoed timestamp times the segment being acknowledged.
            sample = (long) (TcpOutput.tsClock(now) + c.tsOffset - seg.tsEcr()) * Time.MILLIS;
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
    private void newAck(long now, TcpConnection c, Segment seg) {
        int ack = seg.ack();
        int acked = ack - c.sndUna;
        int flight = c.sndMax - c.sndUna;
        sampleRtt(now, c, seg, ack);
        // Free acknowledged data at once ("eager out").
        int dataEnd = c.bufSeq + c.sendBuf.length;
        int dataAcked = Seq.lt(ack, dataEnd) ? ack - c.bufSeq : c.sendBuf.length;
        if (dataAcked > 0) {
            int freed = c.sendBuf.consume(m, dataAcked);
            c.freeSendBlocks(m, freed);
            c.bufSeq += dataAcked;
            if (freed >= 0) tcp.output.reopenShortWindow(c);
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
        // A writer held back hears WRITABLE once a third of its buffer is free (Linux's
        // sk_stream_write_space waits for a like share): woken for every few hundred bytes an ACK
        // frees, it would write them at once as small pushed segments.
        if (!c.has(TcpConnection.F_FREED) && c.socket != null && c.has(TcpConnection.F_WANT_WRITE)
                && c.sendSpace() >= Math.max(1, c.sendLimit / 3)) {
            c.clear(TcpConnection.F_WANT_WRITE);
            tcp.events.raise(c, TcpSocket.WRITABLE);
        }
    }

    private void finAcked(long now, TcpConnection c) {
        switch (c.state) {
            case FIN_WAIT_1 -> {
                c.state = TcpState.FIN_WAIT_2;
                // Everything we sent, FIN included, is acknowledged: output is done. Tell the
                // handle (a lingering close waits for this), as poll(2) reports POLLOUT then.
                tcp.events.raise(c, TcpSocket.WRITABLE);
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

    // ------------------------------------------------------------------ loss recovery

    /** A duplicate ACK of {@code ack} (RFC 5681 §3.2): after three, or a SACKed loss, fast retransmit and recovery. */
    private void duplicateAck(long now, TcpConnection c, int ack) {
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
        // What was sent, never beyond SND.MAX: the first segment may have been shorter than an
        // SMSS (a window probe, a small write), and resending data never sent would not move
        // SND.MAX, so the peer's ACK of it would be refused as acknowledging something never sent.
        int avail = Math.min(c.bufSeq + c.sendBuf.length, c.sndMax) - c.sndUna;
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
        // A retransmission resends only what was sent: never past SND.MAX (a hole's segment may be
        // a full SMSS while the hole ends sooner). Data beyond it is new data, which must move
        // SND.MAX; sent here it did not, and the peer's ACK of it was then rejected as
        // acknowledging something never sent (a stall found with EchoOverLossyLinkTest's seed 3).
        n = Math.min(n, Math.max(0, Math.min(dataEnd, c.sndMax) - s));
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
}
