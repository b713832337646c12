package net.sloop.tcp;

import static net.sloop.wire.TcpView.ACK;
import static net.sloop.wire.TcpView.FIN;
import static net.sloop.wire.TcpView.PSH;
import static net.sloop.wire.TcpView.RST;
import static net.sloop.wire.TcpView.SYN;

import java.lang.foreign.MemorySegment;
import net.sloop.iface.NetIf;
import net.sloop.ip.Gather;
import net.sloop.mem.Budget;
import net.sloop.stats.Proto;
import net.sloop.time.Time;
import net.sloop.wire.Checksum;
import net.sloop.wire.TcpOptions;
import net.sloop.wire.TcpView;

/**
 * What a connection sends and when: segments built in a scratch header and sent from the send
 * queue's blocks through the stack's transmit frame (so sending needs no memory), the receive
 * window (always backed by committed blocks), Nagle and silly-window avoidance, and control
 * segments for no connection (RST, SYN-ACK from the SYN queue).
 */
final class TcpOutput {
    static final int HEADER = 20;
    private final Tcp tcp;
    private final Budget m;
    private final Gather gather;
    private final MemorySegment hdr = MemorySegment.ofArray(new byte[TcpView.MAX_HEADER_LENGTH]);
    private final TcpView v = new TcpView();
    private final int[] sack = new int[2 * TcpOptions.MAX_SACK_BLOCKS];

    TcpOutput(Tcp tcp, Gather gather) {
        this.tcp = tcp;
        this.m = tcp.budget();
        this.gather = gather;
    }

    /** Smallest window scale that lets a window of {@code bytes} be advertised (RFC 7323 §2.3). */
    static byte scaleFor(int bytes) {
        byte s = 0;
        while (s < TcpOptions.MAX_WINDOW_SCALE && (65535L << s) < bytes) s++;
        return s;
    }

    /** The MSS we offer on the path to {@code raddr}: interface MTU less IPv4 and TCP headers (RFC 9293 §3.7.1). */
    int ourMss(int raddr) {
        return ourMss(routeTo(raddr));
    }

    private int ourMss(NetIf nif) {
        int mtu = nif == null ? 576 : nif.mtu();
        return Math.min(tcp.cfg.maxSegment(), mtu - 40);
    }

    /** The interface packets to {@code raddr} leave by (or the first one; null if none). */
    private NetIf routeTo(int raddr) {
        int r = tcp.stack.routes().lookup(raddr);
        return r >= 0 ? tcp.stack.routes().via(r) : tcp.stack.interfaceFor(0);
    }

    /** Smallest MSS used, whatever the peer offers (Linux's tcp_min_snd_mss is 48). */
    static final int MIN_MSS = 64;

    /**
     * Data bytes per segment: the smaller MSS, less the options every segment carries (RFC 6691
     * §2: the MSS counts data and options together). The floor applies before the options are
     * taken off, as Linux's does, so a peer's small MSS is never exceeded because of them.
     */
    static void setSendMss(TcpConnection c, int ourMss) {
        int mss = Math.max(MIN_MSS, Math.min(c.peerMss, ourMss));
        if (c.has(TcpConnection.F_TS)) mss -= 12;
        c.smss = mss;
        c.sendBurst = mss;
    }

    /**
     * Sets the send MSS for the connection's route ({@link #setSendMss(TcpConnection, int)}), and
     * how much data one segment we build may carry: one MSS, or, on a link that segments TCP
     * itself (TSO, {@link NetIf#segmentOffload}), as many whole MSS as fit in its largest packet
     * with the largest IP and TCP headers. Such a segment is one unit only to the link: sequence
     * space, windows, the congestion window and retransmission all count bytes, and what is
     * resent is resent one MSS at a time.
     */
    void setSendMss(TcpConnection c) {
        NetIf nif = routeTo(c.raddr);
        setSendMss(c, ourMss(nif));
        int tso = nif == null ? 0 : nif.segmentOffload();
        if (tso > 0) c.sendBurst = Math.max(1, (tso - 60 - 60) / c.smss) * c.smss;
    }

    // ------------------------------------------------------------------ the window

    /**
     * Acknowledged send data freed blocks: if the window we offer is shorter than one segment
     * (memory was short when it was last computed: the connection's own send queue, as an echo's,
     * may have taken the blocks it needed) and can now open, open it and have the ACK go at
     * once. A sender avoiding silly windows sends nothing into a window shorter than its MSS,
     * and would otherwise wait for its persist timer, backing off to seconds (RFC 9293
     * §3.8.6.2.1). Only a window that really moves is announced: an ACK repeating the same
     * window would count as a duplicate ACK at the peer.
     */
    void reopenShortWindow(TcpConnection c) {
        TcpState s = c.state;
        if (c.rcvAdv - c.rcvNxt >= c.smss || c.has(TcpConnection.F_RCV_SHUT)
                || !(s == TcpState.ESTABLISHED || s == TcpState.FIN_WAIT_1 || s == TcpState.FIN_WAIT_2)) return;
        int before = c.rcvAdv;
        window(c);
        if (c.rcvAdv != before) c.set(TcpConnection.F_ACK_NOW);
    }

    /**
     * The window to advertise, already scaled, and the right edge recorded. The right edge never
     * moves left (RFC 9293 §3.8.6) except when {@link #shrinkWindow} takes its backing back under
     * pressure; it moves right only by a worthwhile amount (receiver SWS avoidance,
     * §3.8.6.2.2) and only as far as the window the connection has earned
     * ({@link TcpConnection#windowLimit}); and every byte of it is backed by committed blocks, so
     * the peer is never invited to send what the budget could not hold. Input shut down: what
     * arrives is discarded, so the window costs nothing and nothing is committed for it.
     */
    int window(TcpConnection c) {
        int bs = m.blockSize();
        long cur = Math.max(0, c.rcvAdv - c.rcvNxt);
        long max = 65535L << c.rcvWscale;
        long want;
        if (c.has(TcpConnection.F_RCV_SHUT)) {
            want = Math.min(c.rcvLimit, max);
            releaseReceiveMemory(c);
        } else {
            int limit = c.windowLimit();
            want = Math.min(Math.max(0, (long) limit - c.recvBuf.length), max);
            int mss = c.smss > 0 ? c.smss : 536;
            if (want > cur && want - cur < Math.min(limit / 2, mss) && want < max) want = cur;
            long cover = backWindow(c);
            int floorKeep = Math.max(0, tcp.floorBlocks - c.recvBuf.blocks);
            if (want > cover) {
                int need = (int) ((want - cover + bs - 1) / bs);
                int got = 0;
                // A window held back for want of memory is not a failure: only commit what is free,
                // the guaranteed minimum first, then growth within the rules of TcpAdmission.mayGrow.
                while (got < need && (c.rcvCommit + got < floorKeep || tcp.admission.mayGrow(c, 1, false))
                        && m.commit(1, net.sloop.mem.Category.SOCKET_RECEIVE, c.owner)) got++;
                c.rcvCommit += got;
                cover += (long) got * bs;
                if (want > cover) {
                    want = cover;
                    tcp.counters.windowsLimitedByMemory++;
                }
            }
            if (want < cur) want = cur; // the right edge never moves left
            int excess = (int) Math.min((cover - want) / bs, c.rcvCommit - floorKeep);
            if (excess > 0) {
                m.release(excess);
                c.rcvCommit -= excess;
            }
        }
        if (want < cur) want = cur;
        long scaled = want >> c.rcvWscale;
        if (scaled > 65535) scaled = 65535;
        int edge = c.rcvNxt + (int) (scaled << c.rcvWscale);
        if (Seq.gt(edge, c.rcvAdv)) c.rcvAdv = edge;
        return (int) scaled;
    }

    /**
     * Keeps the window already advertised backed, and returns the coverage: after a segment was
     * kept in its own blocks (the room given up in the old last block, or the headers in front of
     * its first block, may leave the commitment a block short), after out-of-order data that held
     * part of it was pruned, or after a loan. A promise made comes before any growth, so this may
     * take from the headroom; if the budget has no block at all, the unbacked part of the window
     * is taken back (it shrinks, as under pressure). (Out-of-order data already held covers its
     * own part.)
     */
    long backWindow(TcpConnection c) {
        long promise = Math.max(0, c.rcvAdv - c.rcvNxt) - tcp.ooo.bytesHeld(c);
        long cover = c.receiveCoverage(m);
        if (cover >= promise) return cover;
        int need = (int) ((promise - cover + m.blockSize() - 1) / m.blockSize());
        if (m.commit(need, net.sloop.mem.Category.SOCKET_RECEIVE, c.owner)) {
            c.rcvCommit += need;
            return cover + (long) need * m.blockSize();
        }
        // The budget has no block to keep the promise with (a frame on loan kept in its own blocks
        // when nothing else was free): take the unbacked part back, as under any pressure.
        if (shrinkEdgeTo(c, cover + tcp.ooo.bytesHeld(c))) tcp.counters.windowsShrunk++;
        return cover;
    }

    /**
     * Moves the advertised right edge back to what {@code bytes} from RCV.NXT back, if it lies
     * beyond them (in whole units of the window scale, as a window is sent); true if it moved.
     */
    private boolean shrinkEdgeTo(TcpConnection c, long bytes) {
        long allowed = Math.min(bytes, 65535L << c.rcvWscale);
        if (!Seq.lt(c.rcvNxt + (int) allowed, c.rcvAdv)) return false;
        c.rcvAdv = c.rcvNxt + (int) (allowed >> c.rcvWscale << c.rcvWscale);
        c.set(TcpConnection.F_SHRUNK);
        return true;
    }

    /** Input shut down (or the handle closed): nothing will be stored, so nothing needs backing. */
    void releaseReceiveMemory(TcpConnection c) {
        if (c.has(TcpConnection.F_RCV_SHUT) && c.rcvCommit > 0 && !c.has(TcpConnection.F_FREED)) {
            m.release(c.rcvCommit);
            c.rcvCommit = 0;
        }
    }

    /**
     * Memory pressure: takes back the commitments beyond the guaranteed minimum that back a
     * window the peer has not filled, and moves the advertised right edge back to what is still
     * backed. Shrinking a window is discouraged but allowed (RFC 9293 §3.8.6.2.2 requires a sender
     * to cope; Linux does it with net.ipv4.tcp_shrink_window); the new window is sent at once.
     * Data the peer had already sent beyond the new edge is dropped and counted
     * (dataBeyondWindow); the peer retransmits it. The window earned goes back to the minimum.
     * Returns true if anything was released.
     */
    boolean shrinkWindow(TcpConnection c) {
        if (c.has(TcpConnection.F_FREED) || !c.has(TcpConnection.F_ADMITTED)) return false;
        c.rcvGrant = Math.max(1, tcp.floorBlocks * m.blockSize());
        c.rcvFilled = 0;
        int floorKeep = c.has(TcpConnection.F_RCV_SHUT) ? 0 : Math.max(0, tcp.floorBlocks - c.recvBuf.blocks);
        int excess = c.rcvCommit - floorKeep;
        if (excess <= 0) return false;
        m.release(excess);
        c.rcvCommit -= excess;
        if (c.state.synchronizedState() && !c.has(TcpConnection.F_RCV_SHUT) && shrinkEdgeTo(c, c.receiveCoverage(m))) {
            sendAck(tcp.now(), c);
        }
        return true;
    }

    // ------------------------------------------------------------------ segments of a connection

    /**
     * Sends one segment of {@code c}: {@code len} data bytes from the send queue starting at
     * sequence {@code seq}, with {@code flags}. Options: timestamps and SACK blocks as negotiated.
     */
    boolean segment(long now, TcpConnection c, int seq, int flags, int len) {
        boolean syn = (flags & SYN) != 0;
        int tsVal = tsClock(now) + c.tsOffset;
        boolean ts;
        int optLen;
        int sackCount = 0;
        if (syn) {
            ts = tcp.cfg.timestamps() && (c.state == TcpState.SYN_SENT || c.has(TcpConnection.F_TS));
            boolean sackOk = tcp.cfg.sack() && (c.state == TcpState.SYN_SENT || c.has(TcpConnection.F_SACK));
            int ws = (c.state == TcpState.SYN_SENT ? tcp.cfg.windowScaling() : c.has(TcpConnection.F_WSCALE)) ? c.rcvWscale : -1;
            optLen = TcpOptions.write(hdr, HEADER, ourMss(c.raddr), ws, sackOk, ts, tsVal, c.tsRecent, 0, null);
        } else {
            ts = c.has(TcpConnection.F_TS);
            if (c.has(TcpConnection.F_SACK) && c.oooHead >= 0) {
                sackCount = tcp.ooo.sackBlocks(c, sack);
                if (len > 0) {
                    // SACK blocks must not push a full segment past the MSS (the data length was
                    // chosen for timestamps only): keep as many as fit.
                    int room = c.smss - len - 4;
                    sackCount = Math.min(sackCount, Math.max(0, room / 8));
                }
            }
            optLen = (ts || sackCount > 0) ? TcpOptions.write(hdr, HEADER, -1, -1, false, ts, tsVal, c.tsRecent, sackCount, sack) : 0;
        }
        int window = syn ? (int) Math.min(65535, Math.max(0, Math.min(c.rcvLimit, c.receiveCoverage(m)))) : window(c);
        if (syn) c.rcvAdv = c.rcvNxt + window;
        v.wrap(hdr, 0, HEADER + optLen);
        v.setSrcPort(c.lport);
        v.setDstPort(c.rport);
        v.setSeq(seq);
        boolean ack = c.state != TcpState.SYN_SENT || (flags & ACK) != 0;
        if (ack) flags |= ACK;
        v.setAck(ack ? c.rcvNxt : 0);
        v.setHeaderLength(HEADER + optLen);
        v.setFlags(flags);
        v.setWindow(window);
        v.setChecksum(0);
        v.setUrgentPointer(0);
        if (len > 0) {
            int b = c.sendBuf.locate(m, seq - c.bufSeq);
            gather.setChain(hdr, 0, HEADER + optLen, b, seq - c.bufSeq - c.sendBuf.cursorPos(), len);
        } else {
            gather.set(hdr, 0, HEADER + optLen, hdr, 0, 0);
        }
        int total = HEADER + optLen + len;
        gather.checksumAt(16, Checksum.pseudoHeaderV4(c.laddr, c.raddr, Tcp.PROTOCOL, total), false); // filled by Ipv4.send unless offloaded
        if (len > c.smss) gather.segmentSize(c.smss); // several segments at once, for the link to cut (TSO)
        if (ack) {
            c.lastAckSent = c.rcvNxt;
            c.clear(TcpConnection.F_ACK_NOW | TcpConnection.F_ACK_PUSHED);
            c.segsUnacked = 0;
            c.delackAt = TcpConnection.OFF;
        }
        tcp.stats.sent(Proto.TCP);
        tcp.counters.segmentsSent++;
        if ((flags & RST) != 0) tcp.counters.resetsSent++;
        return tcp.stack.ipv4().send(now, c.laddr, c.raddr, Tcp.PROTOCOL, true, gather);
    }

    /** Our timestamp clock: milliseconds (RFC 7323 §5.4 asks for 1 ms to 1 s per tick). */
    static int tsClock(long now) {
        return (int) (now / Time.MILLIS);
    }

    void sendSyn(long now, TcpConnection c) {
        int flags = c.state == TcpState.SYN_SENT ? SYN : SYN | ACK;
        segment(now, c, c.iss, flags, 0);
        if (Seq.gt(c.iss + 1, c.sndMax)) c.sndMax = c.iss + 1;
        c.sndNxt = c.iss + 1;
        if (c.rtxAt == TcpConnection.OFF) c.rtxAt = now + c.rtt.rto();
        if (c.retransmits == 0 && !c.has(TcpConnection.F_RTT_TIMING)) {
            c.rttSeq = c.iss;
            c.rttStart = now;
            c.set(TcpConnection.F_RTT_TIMING);
        }
        c.schedule();
    }

    /** A bare ACK, at {@link #ackSeq}. */
    void sendAck(long now, TcpConnection c) {
        segment(now, c, ackSeq(c), ACK, 0);
    }

    /**
     * The sequence number of a bare ACK, chosen so that the peer accepts it, as Linux's
     * tcp_acceptable_seq does:
     * <ul>
     *   <li>SND.MAX, the highest we have sent, not SND.NXT: a timeout rewinds SND.NXT, the peer may
     *       already hold that data, and an ACK with an old sequence number is dropped as unacceptable
     *       with the acknowledgment in it (both sides retransmitting would never hear each other);</li>
     *   <li>but never beyond the peer's window: when the window has shut below what we sent, a
     *       segment at SND.MAX is unacceptable too (RFC 9293 §3.10.7.4: with a zero window only
     *       SEG.SEQ = RCV.NXT is), and the peer would never see our ACKs of its data. Found by the
     *       demo: an echo server whose window shut retransmitted to a client whose every ACK it
     *       dropped, until it gave up.</li>
     * </ul>
     */
    static int ackSeq(TcpConnection c) {
        int edge = c.sndUna + c.sndWnd;
        return Seq.le(c.sndMax, edge) ? c.sndMax : edge;
    }

    /** A segment the peer must answer with an ACK: sequence one below SND.UNA, no data (keepalive, window probe). */
    void sendProbe(long now, TcpConnection c) {
        segment(now, c, c.sndUna - 1, ACK, 0);
    }

    /** Abortive close: RST with our next sequence number (RFC 9293 §3.10.5 ABORT). */
    void sendReset(long now, TcpConnection c) {
        segment(now, c, c.sndMax, RST | ACK, 0);
    }

    /**
     * Sends what the connection may send now: new data within the send and congestion windows,
     * subject to Nagle (RFC 1122 §4.2.3.4, unless no-delay) and sender silly-window avoidance
     * (RFC 9293 §3.8.6.2.1), then the FIN once all data is sent, then a pending ACK.
     */
    void output(long now, TcpConnection c) {
        if (c.has(TcpConnection.F_FREED)) return;
        TcpState s = c.state;
        boolean canSend = s == TcpState.ESTABLISHED || s == TcpState.CLOSE_WAIT || s == TcpState.FIN_WAIT_1
                || s == TcpState.CLOSING || s == TcpState.LAST_ACK;
        boolean sent = false;
        if (canSend) {
            if (c.sndNxt == c.sndUna && now - c.lastSent > c.rtt.rto() && c.lastSent != 0) c.cc.onIdleRestart(now);
            while (true) {
                int flight = c.sndNxt - c.sndUna;
                int offset = c.sndNxt - c.bufSeq;
                int unsent = offset >= 0 ? c.sendBuf.length - offset : 0;
                if (unsent < 0) unsent = 0;
                int cwnd = c.cc.cwnd();
                // Limited transmit (RFC 3042 §2, a SHOULD of RFC 5681 §3.2): the first and second
                // duplicate ACKs each let one new segment out beyond cwnd (never beyond the peer's
                // window), so that a small window can still draw the third duplicate ACK.
                if (c.dupAcks > 0 && c.dupAcks < 3 && !c.has(TcpConnection.F_IN_RECOVERY)) cwnd += c.dupAcks * c.smss;
                int win = Math.min(c.sndWnd, cwnd);
                if (c.has(TcpConnection.F_IN_RECOVERY) && c.scoreboard != null) {
                    if (!tcp.sender.sackRecoverySend(now, c)) break;
                    sent = true;
                    continue;
                }
                int usable = win - flight;
                boolean finPending = c.has(TcpConnection.F_FIN_QUEUED) && Seq.le(c.sndNxt, c.sendEnd());
                if (unsent > 0 && usable > 0) {
                    int len = Math.min(Math.min(unsent, Math.max(c.sendBurst, c.smss)), usable);
                    if (len > c.smss && len < unsent) len -= len % c.smss; // whole segments, unless it is the last of the data
                    boolean all = len == unsent;
                    if (len < c.smss) {
                        // Nagle (RFC 1122 §4.2.3.4) waits for a full segment, in Minshall's form as
                        // Linux has it: only while a segment smaller than the MSS is unacknowledged
                        // (full segments in flight do not hold back the tail of a write, which
                        // would otherwise wait for the peer's delayed ACK of an odd segment). When the writer is
                        // already held back (buffer or budget full) none can come, so push, as
                        // Linux's tcp_sendmsg does (TCP_NAGLE_PUSH) before it waits for memory;
                        // and when output is shut down none will come either: the last segment
                        // goes with the FIN at once (Linux's tcp_nagle_check passes a FIN).
                        boolean nagle = c.has(TcpConnection.F_NODELAY) || flight == 0 || c.has(TcpConnection.F_WANT_WRITE)
                                || (all && finPending) || Seq.le(c.sndSml, c.sndUna);
                        boolean sws = (all && nagle) || (c.maxSndWnd > 0 && len >= c.maxSndWnd / 2);
                        if (!sws) break;
                    }
                    int flags = ACK | (all ? PSH : 0);
                    boolean fin = all && finPending && c.sndNxt + len == c.sendEnd();
                    if (fin) flags |= FIN;
                    sendData(now, c, c.sndNxt, len, flags);
                    c.sndNxt += len + (fin ? 1 : 0);
                    sent = true;
                    continue;
                }
                if (unsent == 0 && finPending && c.sndNxt == c.sendEnd()) {
                    sendData(now, c, c.sndNxt, 0, ACK | FIN);
                    c.sndNxt += 1;
                    sent = true;
                    continue;
                }
                break;
            }
            if (Seq.gt(c.sndNxt, c.sndMax)) c.sndMax = c.sndNxt;
            int offset = c.sndNxt - c.bufSeq;
            int unsent = offset >= 0 ? Math.max(0, c.sendBuf.length - offset) : 0;
            if (c.sndNxt == c.sndUna && unsent > 0 && c.rtxAt == TcpConnection.OFF) {
                // Zero window (or a window too small to use) with nothing in flight: probe it (RFC 9293 §3.8.6.1).
                c.set(TcpConnection.F_PERSIST);
                c.rtxAt = now + tcp.timers.persistInterval(c);
            }
        }
        if (!sent && c.has(TcpConnection.F_ACK_NOW) && s != TcpState.SYN_SENT && s != TcpState.CLOSED) {
            if (!tcp.holdAck(c)) sendAck(now, c);
        }
        c.schedule();
    }

    /** Sends (or resends) data and arms the retransmission timer; times the segment for an RTT sample if none is being timed. */
    void sendData(long now, TcpConnection c, int seq, int len, int flags) {
        boolean fresh = Seq.ge(seq, c.sndMax);
        if (len > 0 && len < c.smss && Seq.gt(seq + len, c.sndSml)) c.sndSml = seq + len;
        segment(now, c, seq, flags, len);
        c.lastSent = now;
        if (fresh) tcp.counters.dataBytesSent += len;
        else {
            tcp.counters.retransmittedSegments++;
            tcp.counters.retransmittedBytes += len;
        }
        if (fresh && !c.has(TcpConnection.F_RTT_TIMING) && !c.has(TcpConnection.F_TS)) {
            c.rttSeq = seq;
            c.rttStart = now;
            c.set(TcpConnection.F_RTT_TIMING);
        }
        if (c.rtxAt == TcpConnection.OFF || c.has(TcpConnection.F_PERSIST)) {
            c.clear(TcpConnection.F_PERSIST);
            c.rtxAt = now + c.rtt.rto();
        }
        if (c.unackedSince == TcpConnection.OFF) c.unackedSince = now;
        TcpTimers.capByUserTimeout(c);
    }

    // ------------------------------------------------------------------ segments without a connection

    /**
     * A reset in answer to a segment for no connection (RFC 9293 §3.10.7.1): if it had an ACK,
     * {@code <SEQ=SEG.ACK><CTL=RST>}; otherwise {@code <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>}.
     */
    void resetFor(long now, int laddr, int lport, int raddr, int rport, boolean hadAck, int segAck, int segSeq, int segLen) {
        control(now, laddr, lport, raddr, rport, hadAck ? segAck : 0, hadAck ? 0 : segSeq + segLen, hadAck ? RST : RST | ACK, 0,
                -1, -1, false, false, 0, 0);
        tcp.counters.resetsSent++;
    }

    /** A bare ACK for a TIME_WAIT record or a challenge with no connection object. */
    void ackFor(long now, int laddr, int lport, int raddr, int rport, int seq, int ack, boolean ts, int tsVal, int tsEcr) {
        control(now, laddr, lport, raddr, rport, seq, ack, ACK, 0, -1, -1, false, ts, tsVal, tsEcr);
    }

    /** Sends a control segment (no data) built from explicit fields. */
    void control(long now, int laddr, int lport, int raddr, int rport, int seq, int ack, int flags, int window,
                 int mss, int ws, boolean sackOk, boolean ts, int tsVal, int tsEcr) {
        int optLen = (mss >= 0 || ws >= 0 || sackOk || ts) ? TcpOptions.write(hdr, HEADER, mss, ws, sackOk, ts, tsVal, tsEcr, 0, null) : 0;
        v.wrap(hdr, 0, HEADER + optLen);
        v.setSrcPort(lport);
        v.setDstPort(rport);
        v.setSeq(seq);
        v.setAck(ack);
        v.setHeaderLength(HEADER + optLen);
        v.setFlags(flags);
        v.setWindow(window);
        v.setChecksum(0);
        v.setUrgentPointer(0);
        gather.set(hdr, 0, HEADER + optLen, hdr, 0, 0);
        gather.checksumAt(16, Checksum.pseudoHeaderV4(laddr, raddr, Tcp.PROTOCOL, HEADER + optLen), false);
        tcp.stats.sent(Proto.TCP);
        tcp.counters.segmentsSent++;
        tcp.stack.ipv4().send(now, laddr, raddr, Tcp.PROTOCOL, true, gather);
    }
}
