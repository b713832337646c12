package net.sloop.tcp;

import net.sloop.mem.Budget;
import net.sloop.mem.Category;

/**
 * TCP's memory rule in one place: admission against the budget and the promises made to
 * listeners and to the stack, growth beyond the guaranteed minimum under a fair share, what is
 * taken back before a SYN is refused, and orphans. The tables and counters it works on live in
 * {@link Tcp}; see docs/ARCHITECTURE.md, "TCP and its memory".
 */
final class TcpAdmission {
    private final Tcp tcp;
    private final Budget m;
    private final TcpStats counters;
    private final TcpConfig cfg;
    private final int floorBlocks, admissionBlocks, guaranteedConnections, maxOrphans, maxConnections, connectionCharge;

    TcpAdmission(Tcp tcp) {
        this.tcp = tcp;
        this.m = tcp.m;
        this.counters = tcp.counters;
        this.cfg = tcp.cfg;
        this.floorBlocks = tcp.floorBlocks;
        this.admissionBlocks = tcp.admissionBlocks;
        this.guaranteedConnections = tcp.guaranteedConnections;
        this.maxOrphans = tcp.maxOrphans;
        this.maxConnections = tcp.maxConnections;
        this.connectionCharge = tcp.connectionCharge;
    }


    /** Uncommitted blocks one admission needs now (the control charge may fit in blocks already set aside). */
    private int admissionNeed() {
        return 2 * floorBlocks + m.blocksToCharge(connectionCharge);
    }

    /**
     * Could a connection be admitted now, for listener {@code l} (null: an active open)? Checked
     * when a SYN arrives, so that half-open entries are only made for connections that could
     * complete, and again at admission. It must leave the room promised to others: the listeners'
     * unheld guarantees (less the one {@code l} takes, if it is within its own) and the stack's
     * guaranteed connections not yet admitted. Reclaims (see {@link #reclaim}) before saying no.
     */
    boolean canAdmit(TcpListener l) {
        if (tcp.admitted >= maxConnections) return false;
        boolean withinListener = l != null && l.held < l.guaranteed;
        boolean own = l != null ? withinListener : tcp.admitted < guaranteedConnections;
        int want = want(l);
        return m.uncommittedFreeBlocks() >= want || reclaim(want, own);
    }

    /** As {@link #canAdmit}, from what is free now, reclaiming nothing (a service checking at start that its promise can be kept). */
    boolean fitsNow(TcpListener l) {
        return tcp.admitted < maxConnections && m.uncommittedFreeBlocks() >= want(l);
    }

    /** Uncommitted blocks an admission for {@code l} (null: an active open) needs free: its own, and room for every other promise. */
    private int want(TcpListener l) {
        boolean withinListener = l != null && l.held < l.guaranteed;
        int promised = tcp.reserved - (withinListener ? 1 : 0) + Math.max(0, guaranteedConnections - tcp.admitted - 1);
        return admissionNeed() + promised * admissionBlocks;
    }

    /**
     * Admits {@code c} for listener {@code l} (null: an active open) if {@link #canAdmit} allows:
     * charges the control block and commits the guaranteed minimum each way.
     */
    boolean admit(TcpConnection c, TcpListener l) {
        if (canAdmit(l) && m.charge(Category.CONTROL, c.owner, connectionCharge)) {
            if (m.commit(2 * floorBlocks, Category.SOCKET_SEND, c.owner)) {
                c.sendCommit = floorBlocks;
                c.rcvCommit = floorBlocks;
                c.rcvGrant = floorBlocks * m.blockSize();
                c.set(TcpConnection.F_ADMITTED);
                tcp.admitted++;
                if (l != null) {
                    c.set(l.catchesAll() ? TcpConnection.F_HELD | TcpConnection.F_HELD_BY_ALL : TcpConnection.F_HELD);
                    l.held(1);
                }
                return true;
            }
            m.uncharge(Category.CONTROL, c.owner, connectionCharge);
        }
        counters.admissionsRefused++;
        return false;
    }

    /** {@code c} no longer counts against its listener's guarantee (it ended, or its application let it go). */
    void letGo(TcpConnection c) {
        if (!c.has(TcpConnection.F_HELD)) return;
        TcpListener l = c.has(TcpConnection.F_HELD_BY_ALL) ? tcp.catchAll() : tcp.portListener(c.laddr, c.lport);
        c.clear(TcpConnection.F_HELD | TcpConnection.F_HELD_BY_ALL);
        if (l != null) l.held(-1);
    }

    /**
     * Frees memory that no admitted connection needs until {@code want} blocks are uncommitted and
     * free, in the fixed order of the design, each step only if the one before did not suffice:
     * <ol>
     *   <li>memory held only to observe the stack ({@link Tcp#reclaimFirst}: the live view's rows and history, then the rest of it);
     *   <li>TIME_WAIT records (they hold no buffers; the oldest go first);
     *   <li>orphans, reset oldest first (Linux's tcp_out_of_resources does the same under memory
     *       pressure): their application is gone, and what they hold is unacknowledged data;
     *   <li>commitments beyond the guaranteed minimum that back windows nobody is filling, from
     *       idle connections first: the advertised window shrinks, as Linux's tcp_shrink_window
     *       allows and RFC 9293 §3.8.6.2.2 requires senders to cope with; data that then arrives
     *       beyond the new edge is dropped and counted, and its sender retransmits;
     *   <li>out-of-order data (the sender still holds it).
     * </ol>
     * An admitted connection's minimum and its queued data are never taken. Only a connection
     * that was promised ({@code promised}: within its listener's guarantee, or the stack's) may
     * cost others more than TIME_WAIT records and idle windows: a SYN beyond every promise (a
     * flood at a service already holding its share) must not reset orphans or shrink the windows
     * of transfers under way. Returns true if {@code want} blocks are now free.
     */
    boolean reclaim(int want, boolean promised) {
        if (m.uncommittedFreeBlocks() >= want) return true;
        // Memory held only to observe the stack (the live view) goes first: it is never what a connection needed.
        while (tcp.reclaimable != null && m.uncommittedFreeBlocks() < want && tcp.reclaimable.reclaim()) {
            // each call gives back a part
        }
        boolean any = false;
        // A block at a time (oldest records first) until enough is free: recycling a fixed number
        // of records freed at most a few blocks, so a connection needing more waited for records
        // to expire (an FTP active-mode data connection after a mirror: 60 s of 425s).
        while (m.uncommittedFreeBlocks() < want && tcp.timeWait.reclaimBlock()) any = true;
        if (any) counters.reclaimedTimeWait++;
        while (promised && m.uncommittedFreeBlocks() < want && tcp.orphans > 0) {
            counters.orphansReclaimed++;
            tcp.timers.abort(oldestOrphan(), TcpError.NONE, true);
        }
        // Idle connections first (nothing received for a second), then any.
        for (int pass = 0; pass < (promised ? 2 : 1) && m.uncommittedFreeBlocks() < want; pass++) {
            long idleBefore = tcp.now() - net.sloop.time.Time.SECONDS;
            for (TcpConnection c : tcp.buckets) {
                for (; c != null && m.uncommittedFreeBlocks() < want; c = c.hashNext) {
                    if (pass == 0 && c.lastReceived - idleBefore > 0) continue;
                    if (tcp.output.shrinkWindow(c)) counters.windowsShrunk++;
                }
            }
        }
        if (promised && m.uncommittedFreeBlocks() < want) {
            for (TcpConnection c : tcp.buckets) {
                for (; c != null; c = c.hashNext) {
                    if (c.oooHead >= 0) {
                        tcp.ooo.clear(c);
                        tcp.output.shrinkWindow(c); // the window's backing those blocks stood for goes too
                        counters.reclaimedOutOfOrder++;
                    }
                }
            }
        }
        return m.uncommittedFreeBlocks() >= want;
    }

    /** The orphan orphaned longest ago (there is one: {@link #orphans} is positive). */
    private TcpConnection oldestOrphan() {
        TcpConnection oldest = null;
        for (TcpConnection c : tcp.buckets) {
            for (; c != null; c = c.hashNext) {
                if (c.has(TcpConnection.F_ORPHAN) && (oldest == null || c.orphanOrder < oldest.orphanOrder)) oldest = c;
            }
        }
        return oldest;
    }

    /** Frees memory no admitted connection needs (see {@link #reclaim(int, boolean)}) until one more connection could be admitted. */
    boolean reclaim() {
        return reclaim(admissionBlocks, true);
    }

    /**
     * Uncommitted blocks growth beyond the minimum leaves alone: what the admissions still
     * promised need (the listeners' unheld guarantees, and {@code TcpConfig.guaranteedConnections} less
     * those admitted), and never less than one admission.
     */
    int headroom() {
        return Math.max(1, tcp.reserved + Math.max(0, guaranteedConnections - tcp.admitted)) * admissionBlocks;
    }

    /**
     * May connection {@code c} take {@code n} more blocks beyond its guaranteed minimum? Never
     * into the admission headroom. Below the pressure threshold (a share of the budget, like
     * Linux's tcp_mem) yes; above it, only up to a fair share each way, so one cannot starve the
     * others: what the budget holds beyond its baseline and the headroom, divided among the
     * connections admitted (the headroom already keeps the minimum of those still to come), half
     * for each direction ({@code send}: the send queue; else the receive window, queue and
     * out-of-order data).
     */
    boolean mayGrow(TcpConnection c, int n, boolean send) {
        if (canGrow(c, n, send)) return true;
        counters.pressureRefusals++;
        return false;
    }

    /**
     * {@link #mayGrow} without counting a refusal. The fair share is split between the two
     * directions, so that data a peer pushes in cannot take the room its own replies need (an
     * echo whose unread input filled the share could otherwise send only its minimum).
     */
    boolean canGrow(TcpConnection c, int n, boolean send) {
        if (m.uncommittedFreeBlocks() - n < headroom()) return false;
        int usable = m.blockCount() - m.reserveBlocks();
        int taken = m.blockCount() - m.freeBlocks() + m.committedBlocks();
        if (taken + n <= (long) usable * cfg.pressurePercent() / 100) return true;
        int share = Math.max(floorBlocks, (usable - baselineBlocks() - headroom()) / Math.max(1, tcp.admitted) / 2);
        return (send ? c.sendBlocksHeld() : c.receiveBlocksHeld(m)) + n <= share;
    }

    /**
     * The application closed {@code c} before the protocol finished it: it becomes an orphan. It
     * needs no receive memory (what arrives is answered with a reset) and may write nothing more,
     * so its commitments go back to the pool; it lives at most {@code orphanTimeoutNanos}. Beyond
     * {@code TcpConfig.maxOrphans} the oldest orphan is reset (Linux resets the newest, "too many orphaned
     * sockets"; the oldest has had longest to finish, and a peer holding one open goes first).
     */
    void orphaned(TcpConnection c) {
        c.set(TcpConnection.F_ORPHAN);
        tcp.orphans++;
        letGo(c); // its service's slot is free again: a new connection there is within the guarantee
        c.orphanOrder = ++tcp.orphansMade;
        if (tcp.orphans > maxOrphans) { // the oldest has had the longest to finish (a peer holding it open goes first)
            counters.orphansReset++;
            tcp.timers.abort(oldestOrphan(), TcpError.NONE, true); // never c: every other orphan is older
        }
        m.release(c.rcvCommit + c.sendCommit); // it stores nothing more, and writes nothing more (a FIN needs no block)
        c.rcvCommit = c.sendCommit = 0;
        long deadline = tcp.now() + cfg.orphanTimeoutNanos();
        if (c.finWait2At == TcpConnection.OFF || deadline < c.finWait2At) c.finWait2At = deadline;
        c.schedule();
    }

    private int baselineBlocks() {
        return (int) (m.baseline() / m.blockSize());
    }
}
