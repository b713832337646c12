package net.sloop.tcp;

import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Chains;
import net.sloop.mem.Owner;
import net.sloop.time.Timer;
import net.sloop.time.TimerQueue;

/**
 * One connection's protocol state: the transmission control block of RFC 9293 §3.3.1. It is
 * owned by the protocol, not by the application: the application holds a {@link TcpSocket}
 * handle, and either side may end its part at any time. {@link #release} frees everything the
 * connection holds, exactly once.
 *
 * <p>Memory (the point of the project):
 * <ul>
 *   <li>The control block is charged ({@link #CHARGE} bytes of CONTROL, {@link #CUBIC_CHARGE}
 *       with CUBIC) when admitted.
 *   <li>A guaranteed minimum of {@code Tcp.floorBlocks} blocks each way (about two full
 *       segments) is committed at admission ({@link Budget#commit}) and topped up again as blocks
 *       are freed: the connection can always queue and receive that much, so once admitted it can
 *       always make progress.
 *   <li>Send blocks are taken when the application writes and freed when acknowledged; receive
 *       blocks are taken as data arrives in order and freed as the application reads.
 *   <li>The advertised receive window is always backed: blocks are committed for every byte of
 *       it beyond the room in the last receive block, so a peer that sends what we allowed is
 *       never dropped for lack of memory. It grows past the minimum only as the peer fills it
 *       ({@link #rcvGrant}), and under pressure what backs an unused window is taken back
 *       (the window shrinks).
 *   <li>Out-of-order data is kept in the blocks it arrived in (OUT_OF_ORDER), bounded, and the
 *       first thing pruned under pressure.
 * </ul>
 *
 * <p>The connection is its own (single) timer: retransmission or persist, delayed ACK, keepalive
 * and the FIN_WAIT_2 limit are deadlines in fields, and the timer is armed for the earliest.
 */
public final class TcpConnection extends Timer {
    /**
     * CONTROL bytes charged per connection with NewReno (the default): the control block with its
     * estimator, controller, owner, buffer heads and the application's handle. JOL measures 656
     * bytes with compressed oops and 760 without them (heaps over 32 GiB; `Measure` run with
     * -XX:-UseCompressedOops); the charge covers both (TcpChargeTest checks the running JVM). It
     * was 608 and 704 before the memory rule's and the event queue's fields (the window earned,
     * the orphan time, block counts, per-connection rate limits, pending events).
     */
    public static final int CHARGE = 760;
    /** The same with CUBIC, whose state (doubles for W_max, K and the epoch) is 80 bytes larger: 736 and 840 bytes. */
    public static final int CUBIC_CHARGE = 840;

    /** What each connection of a TCP so configured is charged. */
    static int chargeFor(TcpConfig cfg) {
        return "cubic".equals(cfg.congestionControl()) ? CUBIC_CHARGE : CHARGE;
    }

    // Flags.
    static final int F_SACK = 1;
    static final int F_TS = 1 << 1;
    static final int F_WSCALE = 1 << 2;
    static final int F_NODELAY = 1 << 3;
    static final int F_KEEPALIVE = 1 << 4;
    static final int F_FIN_QUEUED = 1 << 5; // the application shut down output: FIN after the data
    static final int F_FIN_RCVD = 1 << 7; // the peer's FIN arrived in order
    static final int F_ACK_NOW = 1 << 8;
    static final int F_ORPHAN = 1 << 9; // the application closed its handle
    static final int F_RCV_SHUT = 1 << 10; // the application shut down input: data is discarded
    static final int F_FREED = 1 << 11;
    static final int F_WANT_WRITE = 1 << 12;
    static final int F_PASSIVE = 1 << 13;
    static final int F_PERSIST = 1 << 14; // rtxAt is the persist (window probe) timer
    static final int F_ADMITTED = 1 << 15;
    static final int F_IN_TABLE = 1 << 16;
    static final int F_IN_RECOVERY = 1 << 17;
    static final int F_RTT_TIMING = 1 << 18;
    /** A small pushed segment arrived and its ACK is being delayed (Linux's ICSK_ACK_PUSHED). */
    static final int F_ACK_PUSHED = 1 << 19;
    /** A write was refused a block by the budget: woken by memory freed anywhere, not by its own ACKs. */
    static final int F_WAIT_MEMORY = 1 << 20;
    /** Counted in its listener's {@code held} (a passive connection until it ends or is orphaned). */
    static final int F_HELD = 1 << 21;
    /**
     * The advertised window was shrunk under pressure at least once: the peer's bare ACKs may carry
     * a sequence number beyond the new edge (its SND.MAX, where it had sent), and are still heard.
     */
    static final int F_SHRUNK = 1 << 22;
    /** On Tcp's list of ACKs held until the end of a receive batch (ackNext). */
    static final int F_ACK_BATCHED = 1 << 23;
    /** Reached ESTABLISHED: its end is reported to a {@link TcpObserver}. */
    static final int F_OPENED = 1 << 24;
    /** Held for the catch-all listener (Tcp.listenAll), whatever listener its port has by the time it is let go. */
    static final int F_HELD_BY_ALL = 1 << 25;

    static final long OFF = TimerQueue.NONE;

    final Tcp tcp;
    final Owner owner;
    int laddr, raddr, lport, rport;
    TcpConnection hashNext;
    TcpConnection queueNext; // in a listener's accept queue
    TcpListener listener; // while waiting in the accept queue
    TcpSocket socket; // the application's handle; null once orphaned
    /** Events queued for the handle, delivered after processing ({@link TcpEvents}); 0: not on its list. */
    byte pendingEvents;
    TcpConnection eventNext; // on TcpEvents' list while pendingEvents != 0
    TcpConnection ackNext; // on Tcp's batched-ACK list while F_ACK_BATCHED
    TcpState state = TcpState.CLOSED;
    int flags;
    TcpError error = TcpError.NONE;

    // Send sequence space (RFC 9293 §3.3.1). sndMax: highest sequence sent (sndNxt goes back after an RTO).
    int iss, sndUna, sndNxt, sndMax, sndWnd, sndWl1, sndWl2, maxSndWnd;
    byte sndWscale, rcvWscale; // RFC 7323 shift counts, at most 14
    int smss; // bytes of data per segment we send (peer's MSS, our MTU, minus options)
    int sendBurst; // bytes of data one segment we build may carry: smss, or a multiple on a TSO link (TcpOutput.setSendMss)
    int peerMss;
    int bufSeq; // sequence number of the first byte in sendBuf; see sendEnd()
    long lastSent;
    final StreamBuffer sendBuf = new StreamBuffer();
    int sendLimit;
    int sndSml; // end of the last segment sent smaller than the MSS (Minshall's Nagle, as Linux's snd_sml)
    int sendMax; // autotuning's ceiling for sendLimit (equal: fixed)
    int sendCommit;

    // Receive sequence space.
    int irs, rcvNxt, rcvAdv; // rcvAdv: right edge of the window advertised (never moves left)
    int rcvLimit;
    int rcvMax; // autotuning's ceiling for rcvLimit (equal: fixed)
    int rcvCopied; // bytes the application read since rcvSpaceAt (dynamic right-sizing)
    long rcvSpaceAt;
    int rcvCommit;
    /**
     * The window this connection has earned, in bytes: the guaranteed minimum at first, doubled
     * each time the peer fills half of it ({@link #filled}), never beyond {@link #rcvLimit}; back
     * to the minimum when reclaimed under pressure.
     */
    int rcvGrant;
    /** In-order bytes received since {@link #rcvGrant} last grew. */
    int rcvFilled;
    /**
     * The order in which the application closed its handle (meaningful with F_ORPHAN): a count,
     * not a time, so that orphans made in the same instant (an FTP server refusing a burst) still
     * have an oldest, and the one just closed is never taken for it.
     */
    long orphanOrder;
    final StreamBuffer recvBuf = new StreamBuffer();
    int oooHead = -1;
    int lastOooSeq;
    int segsUnacked;
    /**
     * Data segments still to be acknowledged at once at the start of the connection (Linux's
     * quick-ACK mode, TCP_MAX_QUICKACKS): the first windows grow without waiting on delayed ACKs,
     * which matters here because a SYN-ACK offers only the one committed block.
     */
    byte quickAcks = QUICK_ACKS;
    static final byte QUICK_ACKS = 16;

    // Timestamps (RFC 7323).
    int tsRecent;
    long tsRecentAt;
    int tsOffset;
    int lastAckSent;
    /** Our timestamp clock (ms) when we last answered an invalid segment, 0 if never (Linux's last_oow_ack_time). */
    int oowAckAt;
    /** Our timestamp clock (ms) at the last go-back for a smaller path MTU, 0 if never. */
    int pmtuGoBackAt;

    // Round trip, retransmission, congestion, recovery.
    final RttEstimator rtt;
    final CongestionControl cc;
    int rttSeq;
    long rttStart;
    int retransmits;
    int dupAcks;
    int recover;
    int highRxt;
    int rescueRxt; // RFC 6675 RescueRxt; "undefined" is any value below SND.UNA
    SackScoreboard scoreboard; // borrowed from the stack's pool while in use

    // Deadlines (OFF when not armed).
    long rtxAt = OFF, delackAt = OFF, keepAt = OFF, finWait2At = OFF;
    long lastReceived;
    long unackedSince = OFF;
    int probes; // keepalive or window probes sent since the last segment received
    int persistProbes; // window probes sent while the window stayed shut (the probe backoff)
    TcpError softError = TcpError.NONE; // last ICMP soft error, reported if the connection times out
    long userTimeoutNanos;
    long keepIdleNanos, keepIntervalNanos;
    int keepCount;

    TcpConnection(Tcp tcp, TcpConfig cfg) {
        this.tcp = tcp;
        this.owner = new Owner("tcp", this);
        this.rtt = new RttEstimator(tcp.rttLimits);
        this.cc = "cubic".equals(cfg.congestionControl()) ? new Cubic(cfg.initialWindowSegments(), false, true)
                : new NewReno(cfg.initialWindowSegments(), false);
        this.sendLimit = cfg.sendBuffer();
        this.sendMax = cfg.sendBufferMax();
        this.rcvLimit = cfg.receiveBuffer();
        this.rcvMax = cfg.receiveBufferMax();
        this.keepIdleNanos = cfg.keepIdleNanos();
        this.keepIntervalNanos = cfg.keepIntervalNanos();
        this.keepCount = cfg.keepCount();
    }

    boolean has(int f) {
        return (flags & f) != 0;
    }

    void set(int f) {
        flags |= f;
    }

    void clear(int f) {
        flags &= ~f;
    }

    public TcpState state() {
        return state;
    }

    /**
     * The sequence number after the last byte queued to send. Once the FIN is queued
     * ({@link #F_FIN_QUEUED}) nothing more is written, and acknowledged bytes leave the queue as
     * {@link #bufSeq} passes them, so this is then the FIN's sequence number.
     */
    int sendEnd() {
        return bufSeq + sendBuf.length;
    }

    // ------------------------------------------------------------------ send memory

    /**
     * Bytes the application may still write now. Two limits: the buffer's byte count, and the
     * blocks it may hold, ceil(limit / block size): the head block stays whole until its last byte
     * is acknowledged, so counting bytes alone would let the queue hold one block more than the
     * limit. (Memory itself is checked on write.)
     */
    int sendSpace() {
        if (sendLimit < sendMax) {
            // Send-buffer autotuning, as Linux's tcp_sndbuf_expand: room for twice the congestion
            // window, so that the application can refill what one round trip acknowledges.
            long want = 2L * cc.cwnd();
            if (want > sendLimit) sendLimit = (int) Math.min(sendMax, want);
        }
        Budget m = tcp.budget();
        int bs = m.blockSize();
        int held = sendBuf.span(m); // from the head block's start to the last byte
        long cap = (long) ((sendLimit + bs - 1) / bs) * bs;
        return (int) Math.max(0, Math.min(sendLimit - sendBuf.length, cap - held));
    }

    /**
     * A block for the send queue: the committed minimum first, then the common pool if this
     * connection is within its fair share. -1 if neither (the writer waits for an ACK).
     */
    int takeSendBlock(Budget m) {
        if (sendCommit > 0) {
            sendCommit--;
            return m.allocCommitted(Category.SOCKET_SEND, owner);
        }
        if (!tcp.admission.mayGrow(this, 1, true)) return -1;
        return m.alloc(Category.SOCKET_SEND, owner);
    }

    /** Frees acknowledged send blocks, keeping the guaranteed minimum committed (an orphan writes no more: none). */
    void freeSendBlocks(Budget m, int chain) {
        int floor = has(F_ORPHAN) ? 0 : tcp.floorBlocks;
        while (chain >= 0) {
            int nx = m.next(chain);
            sendBuf.blocks--;
            if (sendBuf.blocks + sendCommit < floor) {
                m.freeToCommitted(chain);
                sendCommit++;
            } else {
                m.free(chain);
            }
            chain = nx;
        }
    }

    /** Send blocks this connection holds or has committed. */
    int sendBlocksHeld() {
        return sendBuf.blocks + sendCommit;
    }

    /** Receive blocks this connection holds or has committed: its queue, the window's backing, out-of-order data. */
    int receiveBlocksHeld(Budget m) {
        return recvBuf.blocks + rcvCommit + (int) (owner.used(Category.OUT_OF_ORDER) / m.blockSize());
    }

    // ------------------------------------------------------------------ receive memory

    /** The receive window's bound now: the buffer, within the window earned ({@link #rcvGrant}); input shut down: the buffer (nothing is stored). */
    int windowLimit() {
        return has(F_RCV_SHUT) ? rcvLimit : Math.min(rcvLimit, rcvGrant);
    }

    /** Bytes that may arrive in order without new commitments: the last block's room plus committed blocks. */
    long receiveCoverage(Budget m) {
        return (long) recvBuf.tailRoom(m) + (long) rcvCommit * m.blockSize();
    }

    /** A block for in-order received data, from the commitment that backs the advertised window. */
    int takeReceiveBlock(Budget m, int frameBlocks) {
        if (rcvCommit > 0) {
            rcvCommit--;
            return m.allocCommitted(Category.SOCKET_RECEIVE, owner);
        }
        // The frame being copied came on loan (ReceiveLoan): it holds the blocks this commitment
        // stood for, so the copy takes them back one for one (from the receive reserve if the frame
        // took it, which freeing the frame right after makes whole again).
        if (tcp.loan.repay(this, 1) == 1) {
            int b = m.allocCopyingFrame(Category.SOCKET_RECEIVE, owner, frameBlocks);
            if (b < 0) tcp.loan.unrepay(this, 1);
            return b;
        }
        // Below the guaranteed minimum (out-of-order data took part of it, and the segment that
        // fills the gap arrives): the minimum is this connection's whatever the growth rules say,
        // and the copy frees the frame right after.
        if (receiveBlocksHeld(m) < tcp.floorBlocks) return m.allocCopyingFrame(Category.SOCKET_RECEIVE, owner, frameBlocks);
        // Data beyond what we advertised is never accepted, so this is data we promised to hold
        // only if the commitment is exact; fall back on the pool (it may refuse).
        if (!tcp.admission.mayGrow(this, 1, false)) return -1;
        return m.alloc(Category.SOCKET_RECEIVE, owner);
    }

    /**
     * Removes {@code n} bytes the application has read (or discarded) from the receive queue and
     * frees the blocks they leave empty. The last block is kept as a commitment (its room backed
     * part of the window), and so is the guaranteed minimum.
     */
    void consumeReceived(Budget m, int n) {
        boolean wasTail = n == recvBuf.length;
        int floor = has(F_RCV_SHUT) ? 0 : tcp.floorBlocks;
        int chain = recvBuf.consume(m, n);
        while (chain >= 0) {
            int nx = m.next(chain);
            recvBuf.blocks--;
            // The emptied tail's room backed part of the window: keep it committed (window() lets
            // go of what the window no longer needs); keep the guaranteed minimum too.
            if (!has(F_FREED) && ((wasTail && nx < 0) || recvBuf.blocks + rcvCommit < floor)) {
                m.freeToCommitted(chain);
                rcvCommit++;
            } else {
                m.free(chain);
            }
            chain = nx;
        }
    }

    /**
     * Receive-window autotuning in its simplest form: {@code n} more bytes arrived in order. Once
     * the peer has filled half the window it earned, the window doubles (up to the receive
     * buffer): a sender that uses its window is not held to the minimum, and a connection that
     * is idle, or sends a byte now and then, never grows. What a peer pins this way (data the
     * application does not read) is growth: it never takes another connection's minimum
     * ({@code TcpAdmission.headroom}), and is limited to a fair share under pressure.
     */
    void filled(int n) {
        rcvFilled += n;
        if (rcvFilled >= rcvGrant / 2 && rcvGrant < rcvLimit) {
            rcvGrant = (int) Math.min(rcvLimit, 2L * rcvGrant);
            rcvFilled = 0;
        }
    }

    /**
     * Dynamic right-sizing, as Linux's tcp_rcv_space_adjust: the application read {@code n} more
     * bytes at {@code now}. Once a round trip (the smoothed RTT, at least 100 µs) has passed
     * since the last measure, if the application read more than half the receive buffer in it,
     * the buffer grows to twice what it read (up to {@link #rcvMax}): a reader that keeps up with
     * a sender limited by our window gets a window that doubles per round trip, one that reads
     * slowly keeps the buffer it has. The window itself still grows only as the peer fills it
     * ({@link #filled}), backed by committed blocks within the fair share.
     */
    void copied(int n, long now) {
        if (rcvLimit >= rcvMax) return;
        rcvCopied += n;
        long round = Math.max(rtt.srtt(), 100_000L);
        if (now - rcvSpaceAt < round) return;
        if (rcvCopied > rcvLimit / 2) rcvLimit = (int) Math.min(rcvMax, Math.max(rcvLimit, 2L * rcvCopied));
        rcvCopied = 0;
        rcvSpaceAt = now;
    }

    /** Fixes the send buffer at {@code bytes} (no autotuning), as Linux's SO_SNDBUF locks it. */
    void fixSendBuffer(int bytes) {
        sendLimit = sendMax = bytes;
    }

    /** Fixes the receive buffer at {@code bytes} (no autotuning), as Linux's SO_RCVBUF locks it. */
    void fixReceiveBuffer(int bytes) {
        rcvLimit = rcvMax = bytes;
    }

    // ------------------------------------------------------------------ timer

    @Override
    protected void fire(long now) {
        tcp.timers().fire(this, now);
    }

    /** Arms the timer for the earliest deadline, or cancels it. */
    void schedule() {
        long t = Math.min(Math.min(rtxAt, delackAt), Math.min(keepAt, finWait2At));
        TimerQueue q = tcp.timerQueue();
        if (t == OFF) q.cancel(this);
        else if (!q.arm(this, t)) throw new IllegalStateException("timer queue full: a timer slot is part of admission");
    }

    // ------------------------------------------------------------------ release

    /**
     * Frees everything the connection holds, exactly once: send, receive and out-of-order blocks,
     * commitments, the control charge, the timer and its place in the tables.
     */
    void release() {
        if (has(F_FREED)) return;
        if (tcp.observer != null && has(F_OPENED)) tcp.observeClosed(this);
        set(F_FREED);
        if (has(F_WAIT_MEMORY)) {
            clear(F_WAIT_MEMORY);
            tcp.memoryWaiters--;
        }
        Budget m = tcp.budget();
        tcp.timerQueue().cancel(this);
        rtxAt = delackAt = keepAt = finWait2At = OFF;
        Chains.free(m, sendBuf.takeAll());
        if (has(F_ORPHAN)) tcp.orphans--;
        tcp.admission.letGo(this);
        // Data received in order stays readable while the application holds its handle: it is
        // freed as it is read, or when the handle is closed. An error discards it.
        if (socket == null || error != TcpError.NONE) Chains.free(m, recvBuf.takeAll());
        tcp.ooo().clear(this);
        if (scoreboard != null) tcp.returnScoreboard(this);
        tcp.unlink(this);
        if (has(F_ADMITTED)) {
            clear(F_ADMITTED);
            m.release(sendCommit + rcvCommit);
            sendCommit = rcvCommit = 0;
            m.uncharge(Category.CONTROL, owner, tcp.connectionCharge);
            tcp.admitted--;
        }
    }

    @Override
    public String toString() {
        return net.sloop.wire.Ipv4Address.toString(laddr) + ":" + lport + "-" + net.sloop.wire.Ipv4Address.toString(raddr) + ":" + rport;
    }
}
