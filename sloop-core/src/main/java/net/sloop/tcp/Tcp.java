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
 * <p>The memory rule (docs/ARCHITECTURE.md, "TCP and its memory"; the code is in {@link TcpAdmission}):
 * <ul>
 *   <li><b>A guaranteed minimum.</b> A connection is admitted only if the budget can charge its
 *       control block and commit {@link #floorBlocks} blocks each way (about two full segments):
 *       once admitted it can always make progress.
 *   <li><b>Headroom for the next SYN.</b> Growth beyond the minimum (send queues, windows) never
 *       takes the uncommitted blocks that {@code guaranteedConnections} admissions need (less
 *       those admitted, never fewer than one: {@link TcpAdmission#headroom}), so a new SYN is judged on its
 *       merits, and memory a peer pins (unread data, a window it keeps shut) is growth, never
 *       another connection's minimum.
 *   <li><b>Growth on demand, under a fair share.</b> A receive window grows past the minimum only
 *       as the peer fills it ({@code TcpConnection.rcvGrant}), and above the pressure threshold no
 *       connection holds more than a fair share of the pool ({@link TcpAdmission#mayGrow}).
 *   <li><b>Taken back under pressure.</b> Before a SYN is refused, {@link TcpAdmission#reclaim} frees, in
 *       order: TIME_WAIT records, orphans (reset, oldest first), commitments that back windows
 *       nobody is filling (the window shrinks), and out-of-order data. An admitted connection's
 *       minimum is never taken.
 *   <li><b>Orphans are bounded</b> in number ({@code maxOrphans}; one more is reset) and in
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
    /** The memory rule: admission, promises, growth, reclaim, orphans. */
    final TcpAdmission admission;
    final TcpConnection[] buckets; // the connection table (TcpAdmission walks it to reclaim)
    private TcpConnection lastFound; // in the table, or null (cleared by unlink)
    private final SackScoreboard[] scoreboards;
    private int scoreboardsFree;
    TcpListener listeners;
    int admitted;
    /** Connections the application closed that the protocol has not finished (flag F_ORPHAN). */
    int orphans;
    /** Orphans made so far: each one's {@code TcpConnection.orphanOrder}. */
    long orphansMade;
    /**
     * Admissions promised and not yet taken: the sum of the listeners' {@code TcpListener.unheld()}
     * and of the standing promises ({@link #promise}).
     */
    int reserved;
    /** Admissions promised to no listener yet ({@link #promise}). */
    private int standing;
    /** Blocks committed each way to every admitted connection: its guaranteed minimum. */
    final int floorBlocks;
    /** Uncommitted blocks one admission takes: the control charge (rounded up) and the minimum each way. */
    final int admissionBlocks;
    /** Connections the budget is kept able to admit at their minimum, whatever the others hold (see {@link TcpAdmission#headroom}). */
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
        this.admission = new TcpAdmission(this);
    }

    /** CONTROL bytes charged at start-up for TCP's tables (SYN queue, buckets, scoreboards, per-block segment bookkeeping). */
    public int controlBytes() {
        return BASE_BYTES + buckets.length * 4 + synQueue.controlBytes() + ooo.controlBytes()
                + scoreboards.length * scoreboardBytes(cfg.sackRanges()) + TcpInfo.HEAP_BYTES;
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

    /**
     * Keeps room for {@code n} more admissions (negative: fewer) promised to no listener yet: for
     * connections a service will accept on listeners it opens later, such as FTP's data
     * connections on passive listeners made per transfer. The service moves a promise to the
     * listener when it opens one (this with -1, then {@link TcpListener#guarantee}), so what the
     * other connections of the same service hold can never use it up. On the stack's thread.
     */
    public void promise(int n) {
        if (standing + n < 0) throw new IllegalArgumentException("more promises given back than made: " + standing + " + " + n);
        standing += n;
        reserved += n;
    }

    /** Admissions promised to no listener yet ({@link #promise}). */
    public int standingPromises() {
        return standing;
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

    // ------------------------------------------------------------------ observation (read-only)

    /** Told of connections opened, closed and refused, and of memory pressure; null: nobody (the default). */
    TcpObserver observer;
    /** Filled in place for the observer (made when one is set). */
    private TcpInfo observed;
    private boolean underPressure;

    /**
     * Sets (or with null removes) the one observer of this TCP's life events (see {@link
     * TcpObserver}). On the stack's thread. Without one, nothing is called. The {@link TcpInfo}
     * filled for the observer is made with the first one; its {@link TcpInfo#HEAP_BYTES} are part
     * of TCP's charge from the start ({@link #controlBytes}), so observing changes no figure a
     * budget was planned with (a charge made here took the last control block of a 128 KiB serve,
     * and FTP's promise of a data connection could no longer be kept). Returns true.
     */
    public boolean observe(TcpObserver o) {
        if (o != null && observed == null) observed = new TcpInfo();
        observer = o;
        underPressure = false;
        return true;
    }

    void observeOpened(long now, TcpConnection c) {
        observed.fill(c, now);
        observer.opened(now, observed);
    }

    void observeClosed(TcpConnection c) {
        long t = now();
        observed.fill(c, t);
        observer.closed(t, observed, c.error);
    }

    void observeRefused(long now, Segment seg, net.sloop.stats.DropReason why) {
        observer.refused(now, seg.dst(), seg.dstPort(), seg.src(), seg.srcPort(), why);
    }

    /** Tells the observer if pressure was entered or left (above the threshold; below seven eighths of it). */
    private void checkPressure() {
        if (observer == null) return;
        long taken = (long) m.takenBlocks();
        long threshold = (long) (m.blockCount() - m.reserveBlocks()) * cfg.pressurePercent() / 100;
        boolean p = underPressure ? taken * 8 > threshold * 7 : taken > threshold;
        if (p == underPressure) return;
        underPressure = p;
        observer.pressure(now(), p, taken * m.blockSize(), threshold * m.blockSize());
    }

    /** Memory given back first when an admission needs room (the live view's); null: none. */
    net.sloop.mem.Reclaimable reclaimable;

    /**
     * Sets (or with null removes) what {@link TcpAdmission#reclaim} asks first, before TIME_WAIT
     * records, when a connection needs room: memory held for observation only (the live view).
     */
    public void reclaimFirst(net.sloop.mem.Reclaimable r) {
        reclaimable = r;
    }

    /** True while the observer has been told of pressure entered and not yet left (false without an observer). */
    public boolean underPressure() {
        return underPressure;
    }

    /**
     * Fills {@code info} with each connection in the table in turn and calls {@code v}, until it
     * returns false; returns how many were visited. Allocates nothing; changes nothing. On the
     * stack's thread (or under its runner's lock).
     */
    public int forEachConnection(TcpInfo info, TcpInfo.Visitor v) {
        long t = now();
        int n = 0;
        for (TcpConnection c : buckets) {
            for (; c != null; c = c.hashNext) {
                info.fill(c, t);
                n++;
                if (!v.visit(info)) return n;
            }
        }
        return n;
    }

    /** Connections in the table now (admitted ones and those opening), which {@link #forEachConnection} visits. */
    public int connectionsInTable() {
        int n = 0;
        for (TcpConnection c : buckets) for (; c != null; c = c.hashNext) n++;
        return n;
    }

    /** The first listener, then {@link TcpListener#nextListener()}: the listening ports, most recent first. */
    public TcpListener firstListener() {
        return listeners;
    }

    /** Blocks kept free for the admissions still promised (to listeners and to the stack): what growth never takes. */
    public int headroomBlocks() {
        return admission.headroom();
    }

    /** The CONTROL bytes each connection is charged. */
    public int connectionCharge() {
        return connectionCharge;
    }

    /** Admission promises to listeners not yet taken. */
    public int promisedToListeners() {
        return reserved;
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
        return open(address, port, backlog);
    }

    /**
     * A catch-all listener: it takes every connection to any of the stack's addresses and any
     * port that no listener for that port takes (a listener for the address and port comes
     * first, then one for the port on every address, then this). With {@code
     * NetIf.intercept} it terminates connections to other hosts routed into the stack (a VPN or
     * tunnel: Linux's TPROXY does the same for a host): an accepted socket's local address and
     * port ({@link TcpSocket#localAddress}, {@link TcpSocket#localPort}) are the destination the
     * peer connected to. Its {@link TcpListener#port()} is 0. It is a listener like any other:
     * charged {@link TcpListener#CHARGE}, its backlog bounds its accept queue, admission and
     * guarantees apply to it. {@link #connect} chooses ephemeral ports as if it were not there.
     * At most one at a time.
     *
     * @throws TcpException ADDRESS_IN_USE if a catch-all listener is open, or OUT_OF_MEMORY
     */
    public TcpListener listenAll(int backlog) throws TcpException {
        return open(0, 0, backlog);
    }

    private TcpListener open(int address, int port, int backlog) throws TcpException {
        if (backlog < 1) throw new IllegalArgumentException("backlog must be at least 1");
        for (TcpListener l = listeners; l != null; l = l.next) {
            if (l.port == port && (l.address == address || l.address == 0 || address == 0)) {
                throw new TcpException(TcpError.ADDRESS_IN_USE, port == 0 ? "a catch-all listener is open" : "port " + port);
            }
        }
        TcpListener l = new TcpListener(this, address, port, backlog);
        if (!m.charge(Category.CONTROL, l.owner, TcpListener.CHARGE)) {
            admission.reclaim();
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

    /** The listener that takes a SYN to {@code address}:{@code port}: its own, the port's on every address, else the catch-all. */
    TcpListener findListener(int address, int port) {
        TcpListener any = null, all = null;
        for (TcpListener l = listeners; l != null; l = l.next) {
            if (l.port != port) {
                if (l.port == 0) all = l;
                continue;
            }
            if (l.address == address) return l;
            if (l.address == 0) any = l;
        }
        return any != null ? any : all;
    }

    /** The catch-all listener ({@link #listenAll}), or null. */
    TcpListener catchAll() {
        for (TcpListener l = listeners; l != null; l = l.next) if (l.port == 0) return l;
        return null;
    }

    /** A listener for exactly this port (on {@code address} or every address), never the catch-all. */
    TcpListener portListener(int address, int port) {
        TcpListener l = findListener(address, port);
        return l != null && l.port == port ? l : null;
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
        if (!admission.admit(c, null)) throw new TcpException(TcpError.OUT_OF_MEMORY, admissionDetail());
        long t = now();
        c.iss = isn.isn(t, laddr, lport, raddr, rport);
        c.recover = c.iss; // RFC 6582 §3.2 step 1: recover starts at the initial send sequence number
        c.sndUna = c.sndNxt = c.sndMax = c.sndSml = c.iss;
        c.rcvWscale = cfg.windowScaling() ? TcpOutput.scaleFor(c.rcvMax) : 0; // for the most autotuning may grow the buffer to
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
            if (find(laddr, p, raddr, rport) == null && timeWait.find(laddr, p, raddr, rport) < 0 && portListener(laddr, p) == null) return p;
        }
        return 0;
    }

    String admissionDetail() {
        return "needs " + connectionCharge + " bytes of control and " + 2 * floorBlocks + " committed blocks; " + m.uncommittedFreeBlocks()
                + " blocks free beyond the receive reserve and commitments, " + admitted + " of " + maxConnections + " connections";
    }

    // ------------------------------------------------------------------ admission and pressure (TcpAdmission)

    public int guaranteedConnections() {
        return guaranteedConnections;
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
        checkPressure();
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

    // ------------------------------------------------------------------ receive batches

    private boolean batching;
    private TcpConnection heldAcks;

    /**
     * A batch of received frames begins (a runner read several from a device at once): bare ACKs
     * are held until {@link #endBatch}, so a connection sends one for all the batch's segments
     * and window updates, as Linux sends one per GRO packet. Data and FINs still go at once (and
     * carry the ACK). Without batches (the simulator, segment tests) every ACK goes when due.
     */
    public void beginBatch() {
        batching = true;
    }

    /** The batch is over: each connection holding an ACK sends it now (one segment). */
    public void endBatch(long now) {
        batching = false;
        tick(now);
        TcpConnection c = heldAcks;
        heldAcks = null;
        while (c != null) {
            TcpConnection nx = c.ackNext;
            c.ackNext = null;
            c.clear(TcpConnection.F_ACK_BATCHED);
            if (!c.has(TcpConnection.F_FREED) && c.has(TcpConnection.F_ACK_NOW)) output.output(now, c);
            c = nx;
        }
    }

    /** In a batch, holds {@code c}'s bare ACK for {@link #endBatch}; false (send it now) otherwise. */
    boolean holdAck(TcpConnection c) {
        if (!batching) return false;
        if (!c.has(TcpConnection.F_ACK_BATCHED)) {
            c.set(TcpConnection.F_ACK_BATCHED);
            c.ackNext = heldAcks;
            heldAcks = c;
        }
        return true;
    }

    /** End of a {@code Stack.poll} round: memory the application freed since may serve a waiting writer. */
    public void afterPoll() {
        wakeMemoryWaitersAndDeliver();
        checkPressure();
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
     * for memory freed by anyone, and is woken only when {@link TcpAdmission#mayGrow} would now give it a
     * block (a wake-up that must fail would make a blocking writer spin). Called after work that
     * may free blocks: a segment processed and its events delivered (their handlers' reads and
     * closes free blocks too), a poll round (timers, application reads and closes); never from
     * inside an application call. If a send block could now be had, every waiting connection
     * hears WRITABLE (and tries again, waiting again if it loses), delivered as any event is.
     */
    void wakeMemoryWaiters() {
        if (memoryWaiters == 0 || m.uncommittedFreeBlocks() - 1 < admission.headroom()) return;
        for (int i = 0; i < buckets.length && memoryWaiters > 0; i++) {
            for (TcpConnection c = buckets[i]; c != null; ) {
                TcpConnection nx = c.hashNext;
                if (c.has(TcpConnection.F_WAIT_MEMORY) && admission.canGrow(c, 1, true)) { // woken only if it would now get a block
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

    /**
     * What TCP still holds, one line a thing, each saying why and whether it ends on its own:
     * connections (open ones wait for their application; closed ones for their peer, within
     * their timers), listeners (open until closed), TIME_WAIT records (they end within 2MSL, or
     * are recycled when memory is needed). Empty if TCP holds nothing.
     */
    public String stillHeld() {
        StringBuilder sb = new StringBuilder();
        long t = now();
        for (TcpConnection c : buckets) {
            for (; c != null; c = c.hashNext) {
                sb.append("  tcp ").append(c).append(' ').append(c.state).append(": ");
                if (c.has(TcpConnection.F_ORPHAN)) {
                    sb.append("closed by its application; it ends when the peer finishes, at the latest in ")
                            .append(ms(Math.max(0, c.finWait2At - t))).append(" (its timers end it)");
                } else if (c.state == TcpState.CLOSED) {
                    sb.append("ended; its handle is still open: close its TcpSocket");
                } else {
                    sb.append("open: its application has not closed it (TcpSocket.close or abort)");
                }
                sb.append('\n');
            }
        }
        for (TcpListener l = listeners; l != null; l = l.next) {
            sb.append("  tcp ").append(l.port == 0 ? "catch-all listener" : "listener on port " + l.port).append(": open until closed (TcpListener.close)\n");
        }
        if (timeWait.size() > 0) {
            sb.append("  tcp ").append(timeWait.size()).append(" TIME_WAIT records in ").append(timeWait.blocksHeld())
                    .append(" blocks: they end on their own within ").append(ms(cfg.timeWaitNanos()))
                    .append(" (2MSL), or are recycled when memory is needed\n");
        }
        return sb.toString();
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
                + reserved + " to listeners, " + Math.max(0, guaranteedConnections - admitted) + " to the stack): " + admission.headroom() * bs + " B\n"
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
