package net.sloop.tcp;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import net.sloop.iface.NetIf;
import net.sloop.ip.Gather;
import net.sloop.ip.Transport;
import net.sloop.ip.TransportContext;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stats.Stats;
import net.sloop.time.TimerQueue;

/**
 * TCP (RFC 9293) for one stack: connection and listener tables, admission, memory pressure, and
 * the parts each concern lives in: segment arrival ({@link TcpDemux}, {@link TcpHandshake},
 * {@link TcpReceiver}, {@link TcpSender}), {@link TcpOutput}, {@link TcpTimers},
 * {@link OutOfOrderQueue}, {@link SynQueue}, {@link TimeWaitTable}; and {@link TcpEvents}, which
 * holds the application's events until processing is over.
 *
 * <p>The memory rule (docs/ARCHITECTURE.md, "TCP and its memory"):
 * <ul>
 *   <li><b>A guaranteed minimum.</b> A connection is admitted only if the budget can charge its
 *       control block and commit {@link #floorBlocks} blocks each way (about two full segments):
 *       once admitted it can always make progress.
 *   <li><b>Headroom for the next SYN.</b> Growth beyond the minimum (send queues, windows) never
 *       takes the uncommitted blocks that {@link #guaranteedConnections} admissions need (less
 *       those admitted, never fewer than one: {@link #headroom}), so a new SYN is judged on its
 *       merits, and memory a peer pins (unread data, a window it keeps shut) is growth, never
 *       another connection's minimum.
 *   <li><b>Growth on demand, under a fair share.</b> A receive window grows past the minimum only
 *       as the peer fills it ({@code TcpConnection.rcvGrant}), and above the pressure threshold no
 *       connection holds more than a fair share of the pool ({@link #mayGrow}).
 *   <li><b>Taken back under pressure.</b> Before a SYN is refused, {@link #reclaim} frees, in
 *       order: TIME_WAIT records, orphans (reset, oldest first), commitments that back windows
 *       nobody is filling (the window shrinks), and out-of-order data. An admitted connection's
 *       minimum is never taken.
 *   <li><b>Orphans are bounded</b> in number ({@link #maxOrphans}; one more is reset) and in
 *       lifetime ({@code TcpConfig.orphanTimeoutNanos}), and hold no commitment.
 * </ul>
 */
public final class Tcp implements Transport {
    public static final int PROTOCOL = 6;
    static final int EPHEMERAL_FIRST = 49152; // RFC 6335 §6
    static final int EPHEMERAL_COUNT = 65536 - EPHEMERAL_FIRST;

    /** CONTROL bytes charged for TCP's own structures (tables, scratch, counters), not counting per-size parts. */
    public static final int BASE_BYTES = 2048;

    final TransportContext stack;
    final Budget m;
    final Stats stats;
    final TcpConfig cfg;
    /** The RTO bounds of every connection's estimator, from the configuration. */
    final RttEstimator.Limits rttLimits;
    /** CONTROL bytes each connection is charged ({@link TcpConnection#chargeFor}). */
    final int connectionCharge;
    final TcpStats counters = new TcpStats();
    final Owner owner = new Owner("tcp layer");
    private final TimerQueue timerQueue;
    final IsnGenerator isn;
    final SynCookies cookies;
    final TcpOutput output;
    final TcpDemux demux;
    final TcpHandshake handshake;
    final TcpReceiver receiver;
    final TcpSender sender;
    final TcpEvents events = new TcpEvents(this);
    final TcpTimers timers;
    final OutOfOrderQueue ooo;
    final SynQueue synQueue;
    final TimeWaitTable timeWait;
    final ReceiveLoan loan;
    private final TcpConnection[] buckets;
    private TcpConnection lastFound; // in the table, or null (cleared by unlink)
    private final SackScoreboard[] scoreboards;
    private int scoreboardsFree;
    TcpListener listeners;
    int admitted;
    /** Connections the application closed that the protocol has not finished (flag F_ORPHAN). */
    int orphans;
    /** Admissions promised to listeners and not yet taken: the sum of their {@code TcpListener.unheld()}. */
    int reserved;
    /** Blocks committed each way to every admitted connection: its guaranteed minimum. */
    final int floorBlocks;
    /** Uncommitted blocks one admission takes: the control charge (rounded up) and the minimum each way. */
    final int admissionBlocks;
    /** Connections the budget is kept able to admit at their minimum, whatever the others hold (see {@link #headroom}). */
    final int guaranteedConnections;
    /** Orphans kept at once; one more is reset (Linux's tcp_max_orphans). */
    final int maxOrphans;
    /** Connections whose writer the budget refused a block (flag F_WAIT_MEMORY). */
    int memoryWaiters;
    final int maxConnections;
    private int nextEphemeral;
    private long now;
    // Challenge ACK limits (RFC 5961 §7, as Linux after CVE-2016-5696): per connection (oowAllowed),
    // then a stack-wide budget per second whose size is drawn at random each second.
    private final SplittableRandom challengeRandom;
    private long challengeSecond = Long.MIN_VALUE;
    private int challengeBudget;

    public Tcp(TransportContext stack, Gather gather) {
        this.stack = stack;
        this.m = stack.budget();
        this.stats = stack.stats();
        this.cfg = stack.config().tcp();
        // G is the tick of the timestamp clock that RTT samples are taken with (TcpOutput.tsClock).
        this.rttLimits = new RttEstimator.Limits(net.sloop.time.Time.MILLIS, cfg.minRtoNanos(), cfg.maxRtoNanos(), cfg.initialRtoNanos());
        this.connectionCharge = TcpConnection.chargeFor(cfg);
        this.timerQueue = stack.timers();
        long secret = cfg.secret() != 0 ? cfg.secret() : new SecureRandom().nextLong();
        SplittableRandom keys = new SplittableRandom(secret);
        this.isn = new IsnGenerator(keys.nextLong(), keys.nextLong());
        this.cookies = new SynCookies(keys.nextLong(), keys.nextLong());
        this.nextEphemeral = keys.nextInt(EPHEMERAL_COUNT);
        this.challengeRandom = keys.split();
        this.output = new TcpOutput(this, gather);
        this.demux = new TcpDemux(this);
        this.handshake = new TcpHandshake(this);
        this.receiver = new TcpReceiver(this);
        this.sender = new TcpSender(this);
        this.timers = new TcpTimers(this);
        this.ooo = new OutOfOrderQueue(this);
        this.loan = new ReceiveLoan(this);
        this.synQueue = new SynQueue(this, cfg.synQueue());
        this.timeWait = new TimeWaitTable(m, timerQueue, Math.max(1, cfg.timeWaitRecords()), Math.max(1, cfg.timeWaitNanos()), keys.nextLong(), keys.nextLong());
        // Each connection commits at least two blocks, so the budget bounds the connections as much as the timers do.
        int n = Integer.highestOneBit(Math.max(16, Math.min(stack.config().tcpConnectionTimers(), m.blockCount() / 2)) * 2 - 1);
        this.buckets = new TcpConnection[n];
        this.scoreboards = new SackScoreboard[cfg.sackScoreboards()];
        for (int i = 0; i < scoreboards.length; i++) scoreboards[i] = new SackScoreboard(cfg.sackRanges());
        this.scoreboardsFree = scoreboards.length;
        this.maxConnections = stack.config().tcpConnectionTimers();
        this.floorBlocks = floorBlocks(stack.config());
        this.admissionBlocks = admissionBlocks(stack.config());
        int admittable = Math.min(maxConnections, (m.blockCount() - m.reserveBlocks()) / admissionBlocks);
        this.guaranteedConnections = cfg.guaranteedConnections() > 0 ? cfg.guaranteedConnections() : Math.max(1, admittable / 4);
        this.maxOrphans = cfg.maxOrphans() > 0 ? cfg.maxOrphans() : Math.max(4, admittable / 2);
    }

    /** CONTROL bytes charged at start-up for TCP's tables (SYN queue, buckets, scoreboards, per-block segment bookkeeping). */
    public int controlBytes() {
        return BASE_BYTES + buckets.length * 4 + synQueue.controlBytes() + ooo.controlBytes()
                + scoreboards.length * scoreboardBytes(cfg.sackRanges());
    }

    /** Heap bytes of one scoreboard: the object and its two arrays of range edges (checked in ChargeSizeTest). */
    static int scoreboardBytes(int ranges) {
        return 64 + 2 * (16 + 8 * ranges);
    }

    /**
     * Blocks each way an admitted connection is guaranteed: {@code TcpConfig.guaranteedBytes}, or
     * by default two full segments (RFC 5681's delayed ACK then always has its second segment),
     * no more than the default buffers can use, scaled down on budgets too small for that to one
     * block in 64 (a 128 KiB budget guarantees 2 KiB each way, 1 KiB at 64 KiB), but never below two.
     */
    public static int floorBlocks(net.sloop.stack.StackConfig sc) {
        TcpConfig t = sc.tcp();
        int bs = sc.blockSize();
        if (t.guaranteedBytes() > 0) return (t.guaranteedBytes() + bs - 1) / bs;
        int segment = Math.min(t.maxSegment(), sc.maxMtu() - 40);
        int full = (2 * segment + bs - 1) / bs;
        // Never more than the default buffers can use: their blocks, and one for a partly filled block.
        int buffers = (Math.min(t.sendBuffer(), t.receiveBuffer()) + bs - 1) / bs + 1;
        return Math.max(2, Math.min(Math.min(full, buffers), sc.blocks() / 64));
    }

    /** Blocks one admission takes from the uncommitted pool: the control charge (rounded up) and the minimum each way. */
    public static int admissionBlocks(net.sloop.stack.StackConfig sc) {
        int bs = sc.blockSize();
        return (TcpConnection.chargeFor(sc.tcp()) + bs - 1) / bs + 2 * floorBlocks(sc);
    }

    /** The window a SYN-ACK offers: what the guaranteed minimum backs, within the listener's buffer. */
    int synWindow(int receiveBuffer) {
        return (int) Math.min(65535, Math.min(receiveBuffer, (long) floorBlocks * m.blockSize()));
    }

    /** Orphans now. */
    public int orphans() {
        return orphans;
    }

    public int maxOrphans() {
        return maxOrphans;
    }

    public Owner owner() {
        return owner;
    }

    /** The RTO bounds that every connection's estimator shares (not part of any one connection's heap). */
    public RttEstimator.Limits rttLimits() {
        return rttLimits;
    }

    // ------------------------------------------------------------------ accessors used by the parts

    Budget budget() {
        return m;
    }

    TimerQueue timerQueue() {
        return timerQueue;
    }

    TcpTimers timers() {
        return timers;
    }

    OutOfOrderQueue ooo() {
        return ooo;
    }

    TcpConfig config() {
        return cfg;
    }

    /** The latest time the stack has been given; application calls act at this time. */
    long now() {
        return Math.max(now, stack.time());
    }

    void tick(long t) {
        if (t > now) now = t;
    }

    /** Counters beyond the generic ones: retransmissions, recoveries, challenge ACKs, cookies. */
    public TcpStats counters() {
        return counters;
    }

    /** Connections admitted now (established or on their way). */
    public int connections() {
        return admitted;
    }

    /** TIME_WAIT records held now. */
    public int timeWaitRecords() {
        return timeWait.size();
    }

    public TimeWaitTable timeWaitTable() {
        return timeWait;
    }

    public SynQueue synQueue() {
        return synQueue;
    }

    // ------------------------------------------------------------------ application entry points

    /**
     * Listens on {@code port} of {@code address} (0: every address) with the default backlog.
     *
     * @throws TcpException ADDRESS_IN_USE, or OUT_OF_MEMORY if the budget cannot hold the listener
     */
    public TcpListener listen(int address, int port) throws TcpException {
        return listen(address, port, cfg.acceptBacklog());
    }

    public TcpListener listen(int address, int port, int backlog) throws TcpException {
        if (port <= 0 || port > 65535) throw new IllegalArgumentException("port " + port);
        if (backlog < 1) throw new IllegalArgumentException("backlog must be at least 1");
        for (TcpListener l = listeners; l != null; l = l.next) {
            if (l.port == port && (l.address == address || l.address == 0 || address == 0)) {
                throw new TcpException(TcpError.ADDRESS_IN_USE, "port " + port);
            }
        }
        TcpListener l = new TcpListener(this, address, port, backlog);
        if (!m.charge(Category.CONTROL, l.owner, TcpListener.CHARGE)) {
            reclaim();
            if (!m.charge(Category.CONTROL, l.owner, TcpListener.CHARGE)) {
                throw new TcpException(TcpError.OUT_OF_MEMORY, "no room for a listener (" + TcpListener.CHARGE + " bytes)");
            }
        }
        l.next = listeners;
        listeners = l;
        return l;
    }

    void unlinkListener(TcpListener l) {
        if (listeners == l) listeners = l.next;
        else {
            for (TcpListener p = listeners; p != null; p = p.next) {
                if (p.next == l) {
                    p.next = l.next;
                    break;
                }
            }
        }
        l.next = null;
        m.uncharge(Category.CONTROL, l.owner, TcpListener.CHARGE);
    }

    TcpListener findListener(int address, int port) {
        TcpListener any = null;
        for (TcpListener l = listeners; l != null; l = l.next) {
            if (l.port != port) continue;
            if (l.address == address) return l;
            if (l.address == 0) any = l;
        }
        return any;
    }

    /**
     * Opens a connection to {@code raddr}:{@code rport} from an ephemeral port; the handshake
     * proceeds as the stack runs. Options apply before the SYN is sent.
     *
     * @throws TcpException OUT_OF_MEMORY if the budget cannot admit the connection, NO_ROUTE, ADDRESS_IN_USE
     */
    public TcpSocket connect(int raddr, int rport) throws TcpException {
        return connect(raddr, rport, null);
    }

    public TcpSocket connect(int raddr, int rport, TcpSocket.Options options) throws TcpException {
        if (rport <= 0 || rport > 65535) throw new IllegalArgumentException("port " + rport);
        int laddr = stack.sourceFor(raddr);
        if (laddr == 0 || stack.routes().lookup(raddr) < 0) throw new TcpException(TcpError.NO_ROUTE, net.sloop.wire.Ipv4Address.toString(raddr));
        int lport = ephemeral(laddr, raddr, rport);
        if (lport == 0) throw new TcpException(TcpError.ADDRESS_IN_USE, "no ephemeral port free towards " + net.sloop.wire.Ipv4Address.toString(raddr) + ":" + rport);
        TcpConnection c = new TcpConnection(this, cfg);
        c.laddr = laddr;
        c.raddr = raddr;
        c.lport = lport;
        c.rport = rport;
        TcpSocket s = new TcpSocket(c);
        if (options != null) options.applyTo(c);
        if (!admit(c, null)) throw new TcpException(TcpError.OUT_OF_MEMORY, admissionDetail());
        long t = now();
        c.iss = isn.isn(t, laddr, lport, raddr, rport);
        c.recover = c.iss; // RFC 6582 §3.2 step 1: recover starts at the initial send sequence number
        c.sndUna = c.sndNxt = c.sndMax = c.iss;
        c.rcvWscale = cfg.windowScaling() ? TcpOutput.scaleFor(c.rcvLimit) : 0;
        c.tsOffset = tsOffset(laddr, lport, raddr, rport);
        c.state = TcpState.SYN_SENT;
        link(c);
        counters.activeOpens++;
        output.sendSyn(t, c);
        return s;
    }

    private int ephemeral(int laddr, int raddr, int rport) {
        for (int i = 0; i < EPHEMERAL_COUNT; i++) {
            int p = EPHEMERAL_FIRST + Math.floorMod(nextEphemeral++, EPHEMERAL_COUNT);
            if (find(laddr, p, raddr, rport) == null && timeWait.find(laddr, p, raddr, rport) < 0 && findListener(laddr, p) == null) return p;
        }
        return 0;
    }

    String admissionDetail() {
        return "needs " + connectionCharge + " bytes of control and " + 2 * floorBlocks + " committed blocks; " + m.uncommittedFreeBlocks()
                + " blocks free beyond the receive reserve and commitments, " + admitted + " of " + maxConnections + " connections";
    }

    // ------------------------------------------------------------------ admission and pressure

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
        if (admitted >= maxConnections) return false;
        boolean own = l != null ? l.held < l.guaranteed : admitted < guaranteedConnections;
        int promised = reserved - (l != null && l.held < l.guaranteed ? 1 : 0) + Math.max(0, guaranteedConnections - admitted - 1);
        int want = admissionNeed() + promised * admissionBlocks;
        return m.uncommittedFreeBlocks() >= want || reclaim(want, own);
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
                admitted++;
                if (l != null) {
                    c.set(TcpConnection.F_HELD);
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
        c.clear(TcpConnection.F_HELD);
        TcpListener l = findListener(c.laddr, c.lport);
        if (l != null) l.held(-1);
    }

    /**
     * Frees memory that no admitted connection needs until {@code want} blocks are uncommitted and
     * free, in the fixed order of the design, each step only if the one before did not suffice:
     * <ol>
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
        boolean any = false;
        for (int i = 0; i < 64 && m.uncommittedFreeBlocks() < want && timeWait.reclaimOldest(); i++) any = true;
        if (any) counters.reclaimedTimeWait++;
        while (promised && m.uncommittedFreeBlocks() < want && orphans > 0) {
            counters.orphansReclaimed++;
            timers.abort(oldestOrphan(), TcpError.NONE, true);
        }
        // Idle connections first (nothing received for a second), then any.
        for (int pass = 0; pass < (promised ? 2 : 1) && m.uncommittedFreeBlocks() < want; pass++) {
            long idleBefore = now() - net.sloop.time.Time.SECONDS;
            for (TcpConnection c : buckets) {
                for (; c != null && m.uncommittedFreeBlocks() < want; c = c.hashNext) {
                    if (pass == 0 && c.lastReceived - idleBefore > 0) continue;
                    if (output.shrinkWindow(c)) counters.windowsShrunk++;
                }
            }
        }
        if (promised && m.uncommittedFreeBlocks() < want) {
            for (TcpConnection c : buckets) {
                for (; c != null; c = c.hashNext) {
                    if (c.oooHead >= 0) {
                        ooo.clear(c);
                        output.shrinkWindow(c); // the window's backing those blocks stood for goes too
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
        for (TcpConnection c : buckets) {
            for (; c != null; c = c.hashNext) {
                if (c.has(TcpConnection.F_ORPHAN) && (oldest == null || c.orphanedAt - oldest.orphanedAt < 0)) oldest = c;
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
     * promised need (the listeners' unheld guarantees, and {@link #guaranteedConnections} less
     * those admitted), and never less than one admission.
     */
    int headroom() {
        return Math.max(1, reserved + Math.max(0, guaranteedConnections - admitted)) * admissionBlocks;
    }

    public int guaranteedConnections() {
        return guaranteedConnections;
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
    private boolean canGrow(TcpConnection c, int n, boolean send) {
        if (m.uncommittedFreeBlocks() - n < headroom()) return false;
        int usable = m.blockCount() - m.reserveBlocks();
        int taken = m.blockCount() - m.freeBlocks() + m.committedBlocks();
        if (taken + n <= (long) usable * cfg.pressurePercent() / 100) return true;
        int share = Math.max(floorBlocks, (usable - baselineBlocks() - headroom()) / Math.max(1, admitted) / 2);
        return (send ? c.sendBlocksHeld() : c.receiveBlocksHeld(m)) + n <= share;
    }

    /**
     * The application closed {@code c} before the protocol finished it: it becomes an orphan. It
     * needs no receive memory (what arrives is answered with a reset) and may write nothing more,
     * so its commitments go back to the pool; it lives at most {@code orphanTimeoutNanos}. Beyond
     * {@link #maxOrphans} the oldest orphan is reset (Linux resets the newest, "too many orphaned
     * sockets"; the oldest has had longest to finish, and a peer holding one open goes first).
     */
    void orphaned(TcpConnection c) {
        c.set(TcpConnection.F_ORPHAN);
        orphans++;
        letGo(c); // its service's slot is free again: a new connection there is within the guarantee
        long t = now();
        c.orphanedAt = t;
        if (orphans > maxOrphans) { // the oldest has had the longest to finish (a peer holding it open goes first)
            counters.orphansReset++;
            timers.abort(oldestOrphan(), TcpError.NONE, true);
            if (c.has(TcpConnection.F_FREED)) return; // it was the oldest (orphaned in the same instant)
        }
        m.release(c.rcvCommit + c.sendCommit); // it stores nothing more, and writes nothing more (a FIN needs no block)
        c.rcvCommit = c.sendCommit = 0;
        long deadline = t + cfg.orphanTimeoutNanos();
        if (c.finWait2At == TcpConnection.OFF || deadline < c.finWait2At) c.finWait2At = deadline;
        c.schedule();
    }

    private int baselineBlocks() {
        return (int) (m.baseline() / m.blockSize());
    }

    /**
     * The offset added to our timestamp clock on one connection (RFC 7323 §5.4 recommends a
     * per-connection random offset), keyed like the ISN so it reveals nothing across connections.
     */
    int tsOffset(int laddr, int lport, int raddr, int rport) {
        return isn.hash(raddr, rport, laddr, lport ^ 0x5a5a0000);
    }

    /** Frees {@code chain} (a segment's payload, or a frame) and counts it dropped for {@code r}. */
    void dropped(int chain, net.sloop.stats.DropReason r) {
        net.sloop.mem.Chains.free(m, chain);
        stats.drop(r);
    }

    /** A challenge ACK (RFC 5961 §§3-5), within {@link #challengeAllowed}'s limits. */
    void challengeAck(long now, TcpConnection c) {
        counters.challengeAcks++;
        if (challengeAllowed(now, c)) output.sendAck(now, c);
    }

    /** Stack-wide challenge ACKs per second, on average (Linux's tcp_challenge_ack_limit before 6.0). */
    static final int CHALLENGE_ACK_LIMIT = 1000;
    /** Spacing of the ACKs one connection sends to invalid segments (Linux's tcp_invalid_ratelimit). */
    static final int INVALID_RATELIMIT_MS = 500;

    /**
     * True if {@code c} may send an ACK in answer to an invalid segment now (an out-of-window or
     * PAWS-rejected segment, or a challenge): at most one per {@link #INVALID_RATELIMIT_MS}, so
     * two hosts that disagree cannot loop ACKs at line rate (Linux's tcp_oow_rate_limited, RFC
     * 5961 §7). Per connection, so what one connection sends says nothing about another's.
     */
    boolean oowAllowed(long t, TcpConnection c) {
        int ms = TcpOutput.tsClock(t);
        if (c.oowAckAt != 0 && ms - c.oowAckAt >= 0 && ms - c.oowAckAt < INVALID_RATELIMIT_MS) return false;
        c.oowAckAt = ms == 0 ? 1 : ms;
        return true;
    }

    /**
     * True if a challenge ACK (RFC 5961 §7) may be sent now for {@code c} (null for a TIME_WAIT
     * record). CVE-2016-5696: with one deterministic stack-wide bucket, an off-path attacker who
     * counts the challenge ACKs it draws on its own connection learns how many another
     * connection sent, and so whether its guess of that connection's window was right. As Linux
     * does since, each connection is limited on its own ({@link #oowAllowed}), and the stack-wide
     * budget per second is drawn at random in [limit/2, 3*limit/2), so counting reveals nothing.
     */
    boolean challengeAllowed(long t, TcpConnection c) {
        if (c != null && !oowAllowed(t, c)) {
            counters.challengeAcksSuppressed++;
            return false;
        }
        long second = t / net.sloop.time.Time.SECONDS;
        if (second != challengeSecond) {
            challengeSecond = second;
            int half = (CHALLENGE_ACK_LIMIT + 1) >> 1;
            challengeBudget = half + challengeRandom.nextInt(CHALLENGE_ACK_LIMIT);
        }
        if (challengeBudget > 0) {
            challengeBudget--;
            return true;
        }
        counters.challengeAcksSuppressed++;
        return false;
    }

    // ------------------------------------------------------------------ scoreboards

    /** Lends a SACK scoreboard to {@code c}; false if none is free (recovery then runs without SACK). */
    boolean borrowScoreboard(TcpConnection c) {
        if (c.scoreboard != null) return true;
        if (scoreboardsFree == 0) {
            counters.scoreboardsExhausted++;
            return false;
        }
        c.scoreboard = scoreboards[--scoreboardsFree];
        scoreboards[scoreboardsFree] = null;
        c.scoreboard.reset(c.sndUna);
        return true;
    }

    void returnScoreboard(TcpConnection c) {
        scoreboards[scoreboardsFree++] = c.scoreboard;
        c.scoreboard = null;
    }

    // ------------------------------------------------------------------ connection table

    private int bucket(int laddr, int lport, int raddr, int rport) {
        return isn.hash(laddr, lport, raddr, rport) & (buckets.length - 1);
    }

    TcpConnection find(int laddr, int lport, int raddr, int rport) {
        // The connection found last, checked first: a bulk transfer's segments skip the keyed hash.
        TcpConnection c = lastFound;
        if (c != null && c.lport == lport && c.rport == rport && c.raddr == raddr && c.laddr == laddr) return c;
        for (c = buckets[bucket(laddr, lport, raddr, rport)]; c != null; c = c.hashNext) {
            if (c.lport == lport && c.rport == rport && c.raddr == raddr && c.laddr == laddr) {
                lastFound = c;
                return c;
            }
        }
        return null;
    }

    void link(TcpConnection c) {
        int b = bucket(c.laddr, c.lport, c.raddr, c.rport);
        c.hashNext = buckets[b];
        buckets[b] = c;
        c.set(TcpConnection.F_IN_TABLE);
    }

    void unlink(TcpConnection c) {
        if (!c.has(TcpConnection.F_IN_TABLE)) return;
        c.clear(TcpConnection.F_IN_TABLE);
        if (lastFound == c) lastFound = null;
        int b = bucket(c.laddr, c.lport, c.raddr, c.rport);
        if (buckets[b] == c) buckets[b] = c.hashNext;
        else {
            for (TcpConnection p = buckets[b]; p != null; p = p.hashNext) {
                if (p.hashNext == c) {
                    p.hashNext = c.hashNext;
                    break;
                }
            }
        }
        c.hashNext = null;
    }

    // ------------------------------------------------------------------ Transport

    @Override
    public void input(long t, NetIf nif, int head, int ihl, int src, int dst, boolean broadcast) {
        tick(t);
        events.enter();
        try {
            demux.input(t, nif, head, ihl, src, dst, broadcast);
        } finally {
            events.leave();
        }
        events.deliver();
        wakeMemoryWaitersAndDeliver(); // after the handlers, whose reads and closes may have freed blocks
    }

    /**
     * A frame needs {@code need} receive blocks the budget cannot give: if it is a segment inside
     * a window one of our connections advertised, lends it that window's commitment (see
     * {@link ReceiveLoan}). The stack calls {@link #settleLoan} once the frame is processed.
     */
    public boolean lendForFrame(boolean ethernet, java.lang.foreign.MemorySegment src, long off, int len, int need) {
        return loan.lend(ethernet, src, off, len, need);
    }

    /** The frame a loan was made for has been processed (see {@link ReceiveLoan#settle}). */
    public void settleLoan() {
        loan.settle();
    }

    /** End of a {@code Stack.poll} round: memory the application freed since may serve a waiting writer. */
    public void afterPoll() {
        wakeMemoryWaitersAndDeliver();
    }

    private void wakeMemoryWaitersAndDeliver() {
        events.enter();
        try {
            wakeMemoryWaiters();
        } finally {
            events.leave();
        }
        events.deliver();
    }

    /**
     * A writer refused memory with nothing of its own in flight has no ACK to wake it: it waits
     * for memory freed by anyone, and is woken only when {@link #mayGrow} would now give it a
     * block (a wake-up that must fail would make a blocking writer spin). Called after work that
     * may free blocks: a segment processed and its events delivered (their handlers' reads and
     * closes free blocks too), a poll round (timers, application reads and closes); never from
     * inside an application call. If a send block could now be had, every waiting connection
     * hears WRITABLE (and tries again, waiting again if it loses), delivered as any event is.
     */
    void wakeMemoryWaiters() {
        if (memoryWaiters == 0 || m.uncommittedFreeBlocks() - 1 < headroom()) return;
        for (int i = 0; i < buckets.length && memoryWaiters > 0; i++) {
            for (TcpConnection c = buckets[i]; c != null; ) {
                TcpConnection nx = c.hashNext;
                if (c.has(TcpConnection.F_WAIT_MEMORY) && canGrow(c, 1, true)) { // woken only if it would now get a block
                    c.clear(TcpConnection.F_WAIT_MEMORY);
                    memoryWaiters--;
                    if (c.socket != null) events.raise(c, TcpSocket.WRITABLE);
                }
                c = nx;
            }
        }
    }

    @Override
    public void icmpError(long t, int type, int code, int mtu, int origSrc, int origDst, int quote, int quoteOffset, int quoteHeaderLength) {
        tick(t);
        events.enter();
        try {
            demux.icmpError(t, type, code, mtu, origSrc, origDst, quote, quoteOffset, quoteHeaderLength);
        } finally {
            events.leave();
        }
        events.deliver();
    }

    // ------------------------------------------------------------------ shutdown

    /** Aborts every connection and listener and frees TIME_WAIT records and half-open entries (stack close or drain). */
    public void clear() {
        events.enter();
        try {
            for (TcpListener l = listeners; l != null; ) {
                TcpListener nx = l.next;
                l.abortAll(TcpError.STACK_CLOSED);
                l = nx;
            }
            for (int i = 0; i < buckets.length; i++) {
                while (buckets[i] != null) {
                    TcpConnection c = buckets[i];
                    timers.abort(c, TcpError.STACK_CLOSED, false);
                }
            }
            synQueue.clear();
            timeWait.clear();
        } finally {
            events.leave();
        }
        events.deliver();
    }

    /** A report of TCP's counters and tables, for people. */
    public String report() {
        int send = 0, receive = 0;
        for (TcpConnection c : buckets) {
            for (; c != null; c = c.hashNext) {
                send += c.sendCommit;
                receive += c.rcvCommit;
            }
        }
        int bs = m.blockSize();
        return "  tcp connections " + admitted + " (limit " + maxConnections + "; each guaranteed " + floorBlocks * bs
                + " bytes each way, " + admissionBlocks * bs + " bytes to admit), orphans " + orphans + " (limit " + maxOrphans
                + "), TIME_WAIT records " + timeWait.size() + " in " + timeWait.blocksHeld() + " blocks, half-open " + synQueue.size() + "\n"
                + "  tcp committed: socket_send " + send * bs + " B, socket_receive " + receive * bs + " B; kept for admissions promised ("
                + reserved + " to listeners, " + Math.max(0, guaranteedConnections - admitted) + " to the stack): " + headroom() * bs + " B\n"
                + connectionsReport(16) + counters.report();
    }

    /**
     * Up to {@code max} connections, one line each in the spirit of {@code ss -tmi}: addresses,
     * state, queues, the memory each holds and has committed, windows and timers.
     */
    public String connectionsReport(int max) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        long t = now();
        for (TcpConnection c : buckets) {
            for (; c != null; c = c.hashNext) {
                if (n++ >= max) continue;
                sb.append("  tcp ").append(c).append(' ').append(c.state);
                if (c.has(TcpConnection.F_ORPHAN)) sb.append(" orphan");
                if (c.has(TcpConnection.F_RCV_SHUT)) sb.append(" rcv-shut");
                sb.append(" send-q ").append(c.sendBuf.length).append(" (unacked ").append(c.sndMax - c.sndUna)
                        .append(") recv-q ").append(c.recvBuf.length)
                        .append(" blocks held ").append(c.sendBuf.blocks).append('+').append(c.recvBuf.blocks)
                        .append(" committed ").append(c.sendCommit).append('+').append(c.rcvCommit)
                        .append(" rwnd ").append(Math.max(0, c.rcvAdv - c.rcvNxt)).append(" (earned ").append(c.windowLimit())
                        .append(") swnd ").append(c.sndWnd).append(" cwnd ").append(c.cc.cwnd())
                        .append(" rto ").append(c.rtt.rto() / 1_000_000).append("ms retrans ").append(c.retransmits);
                if (c.rtxAt != TcpConnection.OFF) sb.append(c.has(TcpConnection.F_PERSIST) ? " persist " : " rtx ").append(ms(c.rtxAt - t));
                if (c.delackAt != TcpConnection.OFF) sb.append(" delack ").append(ms(c.delackAt - t));
                if (c.keepAt != TcpConnection.OFF) sb.append(" keepalive ").append(ms(c.keepAt - t));
                if (c.finWait2At != TcpConnection.OFF) sb.append(c.state == TcpState.FIN_WAIT_2 ? " fin-wait-2 " : " orphan-ends ").append(ms(c.finWait2At - t));
                sb.append('\n');
            }
        }
        if (n > max) sb.append("  tcp ... and ").append(n - max).append(" more connections\n");
        return sb.toString();
    }

    private static String ms(long nanos) {
        return nanos / 1_000_000 + "ms";
    }
}
