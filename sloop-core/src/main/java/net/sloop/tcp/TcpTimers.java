package net.sloop.tcp;

import static net.sloop.tcp.TcpConnection.F_ACK_NOW;
import static net.sloop.tcp.TcpConnection.F_IN_RECOVERY;
import static net.sloop.tcp.TcpConnection.F_KEEPALIVE;
import static net.sloop.tcp.TcpConnection.F_PERSIST;
import static net.sloop.tcp.TcpConnection.F_RTT_TIMING;
import static net.sloop.tcp.TcpConnection.OFF;

import net.sloop.wire.TcpView;

/**
 * What happens when a connection's deadlines pass: delayed ACK, retransmission timeout (RFC 6298
 * §5, RFC 5681 §3.1), window probes (RFC 9293 §3.8.6.1), keepalive (RFC 1122 §4.2.3.6), the
 * FIN_WAIT_2 limit; and the ends of a connection: abort, TIME_WAIT, closed.
 */
final class TcpTimers {
    private final Tcp tcp;

    TcpTimers(Tcp tcp) {
        this.tcp = tcp;
    }

    /**
     * Timers run inside Stack.poll, whose end (Tcp.afterPoll) wakes writers waiting for memory an
     * abort here freed. The events a timer causes are delivered once it is done ({@link TcpEvents}).
     */
    void fire(TcpConnection c, long now) {
        tcp.events.enter();
        try {
            deadlines(c, now);
        } finally {
            tcp.events.leave();
        }
        tcp.events.deliver();
    }

    private void deadlines(TcpConnection c, long now) {
        if (c.delackAt <= now) {
            c.delackAt = OFF;
            c.set(F_ACK_NOW);
            tcp.output.output(now, c);
        }
        if (c.has(TcpConnection.F_FREED)) return;
        if (c.rtxAt <= now) {
            c.rtxAt = OFF;
            if (c.has(F_PERSIST)) persist(now, c);
            else retransmit(now, c);
        }
        if (c.has(TcpConnection.F_FREED)) return;
        if (c.keepAt <= now) keepalive(now, c);
        if (c.has(TcpConnection.F_FREED)) return;
        if (c.finWait2At <= now) {
            c.finWait2At = OFF;
            if (c.state == TcpState.FIN_WAIT_2) {
                tcp.counters.finWait2Timeouts++;
                abort(c, TcpError.NONE, false);
            } else { // an orphan past its lifetime (TcpConfig.orphanTimeoutNanos), whatever its peer answers
                tcp.counters.orphanTimeouts++;
                abort(c, TcpError.NONE, true);
            }
            return;
        }
        c.schedule();
    }

    private void retransmit(long now, TcpConnection c) {
        TcpState s = c.state;
        if (s == TcpState.SYN_SENT || s == TcpState.SYN_RECEIVED) {
            if (++c.retransmits > tcp.cfg.synRetries()) {
                abort(c, softOr(c, TcpError.TIMED_OUT), false);
                return;
            }
            c.rtt.backoff();
            c.clear(F_RTT_TIMING);
            tcp.counters.timeouts++;
            tcp.output.sendSyn(now, c);
            return;
        }
        if (c.sndUna == c.sndMax) return; // nothing outstanding
        if (c.userTimeoutNanos > 0 && c.unackedSince != OFF && now - c.unackedSince >= c.userTimeoutNanos) {
            abort(c, TcpError.USER_TIMEOUT, true);
            return;
        }
        if (++c.retransmits > tcp.cfg.maxRetransmits()) {
            abort(c, softOr(c, TcpError.TIMED_OUT), true);
            return;
        }
        tcp.counters.timeouts++;
        // RFC 5681 §3.1 eq. 4 and RFC 6582 §4: collapse the window, remember the highest sequence sent.
        c.cc.onTimeout(now, c.sndMax - c.sndUna);
        c.clear(F_IN_RECOVERY);
        c.dupAcks = 0;
        c.recover = c.sndMax;
        if (c.scoreboard != null) tcp.returnScoreboard(c); // RFC 6675 §5.1: start over after a timeout
        c.rtt.backoff(); // RFC 6298 §5.5
        c.clear(F_RTT_TIMING); // Karn's rule
        c.sndNxt = c.sndUna; // go back: resend from the first unacknowledged byte
        tcp.output.output(now, c);
        if (c.rtxAt == OFF && !c.has(TcpConnection.F_FREED)) c.rtxAt = now + c.rtt.rto();
        capByUserTimeout(c);
    }

    /** RFC 5482: the user timeout ends the connection on time, not at the next backed-off retransmission. */
    static void capByUserTimeout(TcpConnection c) {
        if (c.userTimeoutNanos > 0 && c.unackedSince != OFF && c.rtxAt != OFF) {
            c.rtxAt = Math.min(c.rtxAt, c.unackedSince + c.userTimeoutNanos);
        }
    }

    private static TcpError softOr(TcpConnection c, TcpError e) {
        return c.softError != TcpError.NONE ? c.softError : e;
    }

    /** Interval before the next window probe: the RTO, doubled per probe sent while the window stays shut, capped at the maximum RTO. */
    long persistInterval(TcpConnection c) {
        long t = c.rtt.rto() << Math.min(c.persistProbes, 16);
        return Math.min(Math.max(t, tcp.cfg.minRtoNanos()), tcp.cfg.maxRtoNanos());
    }

    private void persist(long now, TcpConnection c) {
        c.clear(F_PERSIST);
        int unsent = c.bufSeq + c.sendBuf.length - c.sndNxt;
        if (unsent <= 0 && !c.has(TcpConnection.F_FIN_QUEUED)) return;
        if (c.sndWnd > 0 && c.sndNxt == c.sndUna) {
            // The window is open but smaller than sender SWS avoidance will use (RFC 9293
            // §3.8.6.2.1): this is the override timeout of RFC 1122 §4.2.3.4 (d). Send what the
            // window allows, or the window simply opened and its update was lost: send normally.
            int n = Math.min(Math.min(unsent, c.sndWnd), c.smss);
            if (n > 0 && n < unsent) {
                tcp.output.sendData(now, c, c.sndNxt, n, TcpView.ACK);
                c.sndNxt += n;
                if (Seq.gt(c.sndNxt, c.sndMax)) c.sndMax = c.sndNxt;
                c.schedule();
            } else {
                tcp.output.output(now, c);
            }
            return;
        }
        // RFC 1122 §4.2.2.17: while the peer answers the probes the connection MUST stay open, however
        // long its window stays shut; one that stops answering is dead. `probes` counts probes since
        // the last acceptable segment received (TcpSender.heard), `persistProbes` the backoff, as Linux
        // keeps icsk_probes_out and icsk_backoff apart.
        if (c.userTimeoutNanos > 0 && now - c.lastReceived >= c.userTimeoutNanos) {
            abort(c, TcpError.USER_TIMEOUT, true);
            return;
        }
        if (++c.probes > tcp.cfg.maxRetransmits()) {
            abort(c, TcpError.TIMED_OUT, true);
            return;
        }
        c.persistProbes++;
        tcp.counters.windowProbes++;
        tcp.output.sendProbe(now, c);
        c.set(F_PERSIST);
        c.rtxAt = now + persistInterval(c);
        if (c.userTimeoutNanos > 0) c.rtxAt = Math.min(c.rtxAt, c.lastReceived + c.userTimeoutNanos);
    }

    void armKeepalive(long now, TcpConnection c) {
        c.keepAt = c.has(F_KEEPALIVE) && c.state.synchronizedState() ? c.lastReceived + c.keepIdleNanos : OFF;
        c.schedule();
    }

    private void keepalive(long now, TcpConnection c) {
        c.keepAt = OFF;
        if (!c.has(F_KEEPALIVE) || !(c.state == TcpState.ESTABLISHED || c.state == TcpState.CLOSE_WAIT)) return;
        long idleSince = c.lastReceived;
        if (c.probes == 0 && now - idleSince < c.keepIdleNanos) {
            c.keepAt = idleSince + c.keepIdleNanos;
            return;
        }
        if (c.probes >= c.keepCount) {
            abort(c, TcpError.KEEPALIVE_TIMEOUT, true);
            return;
        }
        c.probes++;
        tcp.counters.keepaliveProbes++;
        tcp.output.sendProbe(now, c);
        c.keepAt = now + c.keepIntervalNanos;
    }

    // ------------------------------------------------------------------ ends

    /**
     * Ends the connection now: optionally sends a reset, frees everything it holds, and tells the
     * application (if it still has a handle) why. Safe to call more than once.
     */
    void abort(TcpConnection c, TcpError why, boolean sendReset) {
        if (c.has(TcpConnection.F_FREED)) return;
        if (sendReset && (c.state.synchronizedState() || c.state == TcpState.SYN_RECEIVED) && c.state != TcpState.TIME_WAIT) {
            tcp.output.sendReset(tcp.now(), c);
        }
        if (why != TcpError.NONE) tcp.counters.aborted++;
        c.error = why;
        c.state = TcpState.CLOSED;
        if (c.listener != null) c.listener.remove(c);
        c.release();
        tcp.events.raise(c, TcpSocket.CLOSED);
    }

    /** LAST_ACK done, or an orphan finished: closed without error. */
    void finish(TcpConnection c) {
        c.state = TcpState.CLOSED;
        if (c.listener != null) c.listener.remove(c);
        c.release();
        tcp.counters.closed++;
        tcp.events.raise(c, TcpSocket.CLOSED);
    }

    /**
     * Enters TIME_WAIT: the connection keeps only a compact record (no buffers, no control block)
     * for 2*MSL, enough to acknowledge a retransmitted FIN and to keep old duplicates out.
     */
    void enterTimeWait(long now, TcpConnection c) {
        int flags = c.has(TcpConnection.F_TS) ? TimeWaitTable.TIMESTAMPS : 0;
        if (tcp.cfg.timeWaitRecords() > 0) {
            int window = Math.max(0, c.rcvAdv - c.rcvNxt) >> c.rcvWscale;
            int r = tcp.timeWait.add(now, c.laddr, c.lport, c.raddr, c.rport, c.sndNxt, c.rcvNxt, c.tsRecent, c.tsOffset,
                    Math.min(window, 65535), flags);
            if (r < 0) tcp.counters.timeWaitDropped++;
        }
        c.state = TcpState.TIME_WAIT;
        if (c.listener != null) c.listener.remove(c);
        c.release();
        tcp.counters.closed++;
        tcp.events.raise(c, TcpSocket.CLOSED);
    }
}
