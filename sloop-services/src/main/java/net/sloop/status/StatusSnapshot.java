package net.sloop.status;

import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Figures;
import net.sloop.stats.Proto;
import net.sloop.stats.Stats;
import net.sloop.tcp.Tcp;
import net.sloop.tcp.TcpInfo;
import net.sloop.tcp.TcpListener;

/**
 * The figures of one stack at one moment, copied so that they can be rendered (JSON, a table)
 * after the stack's lock is let go: the budget and memory by category, TCP's tables with up to
 * {@link #rowCapacity()} connections (the rest counted in {@link #connectionsMore}) and up to
 * {@link #LISTENERS} listeners, the protocol counters and drops by reason, TCP's own counters and
 * every registered source of figures (the services, FTP). All arrays are made once, at the sizes
 * fixed when the view was made: {@link #take} allocates nothing.
 *
 * <p>Fields are public for the renderers; treat them as read-only.
 */
public final class StatusSnapshot {
    /** Listeners kept in a snapshot; more are counted in {@link #listenersMore}. */
    public static final int LISTENERS = 16;
    /** Sources of figures a view takes (services, FTP). */
    public static final int SOURCES = 16;

    // When.
    public long stackNanos, unixMillis;
    /** Snapshots taken so far (1 for the first). */
    public long sequence;

    // Budget.
    public long capacity, blockSize, blocks, used, free, committed, uncommittedFree, reserve, peak, peakTaken, minFree,
            minUncommittedFree, failures, reserveUses, baseline, charged, metadataBytes;
    public final long[] categoryUsed = new long[Category.COUNT], categoryPeak = new long[Category.COUNT],
            categoryFailures = new long[Category.COUNT];

    // TCP.
    public int connections, connectionsInTable, orphans, maxOrphans, timeWait, timeWaitBlocks, halfOpen, guaranteedConnections,
            promisedToListeners, udpSockets;
    public long headroomBytes, connectionChargeBytes;
    public boolean pressure;
    TcpInfo[] rows; // replaced by an empty array when the view gives its rows back (StatusView.reclaim)
    private static final TcpInfo[] NO_ROWS = {};
    /** Connections copied into {@link #row}, and those left out for want of room. */
    public int connectionCount, connectionsMore;
    public final int[] listenerAddress = new int[LISTENERS], listenerPort = new int[LISTENERS], listenerPending = new int[LISTENERS],
            listenerHeld = new int[LISTENERS], listenerGuaranteed = new int[LISTENERS], listenerBacklog = new int[LISTENERS];
    public int listenerCount, listenersMore;
    public final long[] tcpCounters = new long[TCP_COUNTER_NAMES.length];
    /** TCP's counter names, the same for every snapshot (shared, not part of one view's memory). */
    static final String[] TCP_COUNTER_NAMES;

    static {
        Names names = new Names();
        new net.sloop.tcp.TcpStats().figures(names);
        TCP_COUNTER_NAMES = names.take();
    }

    // Counters.
    public final long[] protocolCounters = new long[Proto.COUNT * Counter.COUNT];
    public final long[] drops = new long[DropReason.COUNT];

    // Sources (services, FTP).
    final String[] sourceName = new String[SOURCES], sourceTransport = new String[SOURCES];
    final int[] sourcePort = new int[SOURCES];
    final Figures[] source = new Figures[SOURCES];
    final String[][] sourceFigureNames = new String[SOURCES][];
    final long[][] sourceValues = new long[SOURCES][];
    public int sourceCount;

    // The view itself.
    public long viewChargedBytes;
    public int historyCapacity, historySize;
    /** The view got less than it asked for (fewer rows or samples). */
    public boolean degraded;
    /** Rows the view asked for (so a degraded one can say what it gave up). */
    public int rowsWanted, historyWanted;
    /** Times the view gave memory back for an admission (see StatusView.reclaim). */
    public long reclaimed;

    private final Filler filler = new Filler();
    private final RowCopier copier = new RowCopier();

    StatusSnapshot(int rowCapacity) {
        makeRows(rowCapacity);
    }

    /** Heap bytes of a snapshot with {@code rows} connection rows, besides the sources' arrays (see {@link #sourceHeapBytes}). */
    static long heapBytes(int rows) {
        long base = 256 + 3 * (16 + 8L * Category.COUNT) + 6 * (16 + 4L * LISTENERS) + (16 + 8L * TCP_COUNTER_NAMES.length) + 16 + 8L * Proto.COUNT * Counter.COUNT
                + 16 + 8L * DropReason.COUNT + 4 * (16 + 4L * SOURCES) + 3 * (16 + 8L * SOURCES) + 64;
        return base + 16 + 8L * rows + rows * TCP_INFO_BYTES;
    }

    /** Heap bytes of one {@link TcpInfo} (JOL: 200 with compressed oops; a margin for the lead's additions and for 64-bit references). */
    static final int TCP_INFO_BYTES = TcpInfo.HEAP_BYTES;

    /** Heap bytes of a source's values with {@code figures} figures, and of its name (the figure names are shared by every source of a class). */
    static long sourceHeapBytes(int figures) {
        return 16 + 8L * figures + 32;
    }

    /**
     * Figure names by class of source, shared by every view (a class always lists the same
     * names): constants of the program, not part of one view's memory.
     */
    private static final java.util.Map<Class<?>, String[]> NAMES_BY_CLASS = new java.util.concurrent.ConcurrentHashMap<>();

    public int rowCapacity() {
        return rows.length;
    }

    /** Gives up the connection rows (the view's memory was taken back): later snapshots list none and count all. */
    void dropRows() {
        rows = NO_ROWS;
        connectionCount = 0;
    }

    /** Makes {@code n} rows again (the view regrew). */
    void makeRows(int n) {
        TcpInfo[] r = new TcpInfo[n];
        for (int i = 0; i < n; i++) r[i] = new TcpInfo();
        rows = r;
        connectionCount = 0;
    }

    /** The {@code i}th connection copied (0 ≤ i &lt; {@link #connectionCount}). */
    public TcpInfo row(int i) {
        if (i >= connectionCount) throw new IndexOutOfBoundsException(i + " of " + connectionCount);
        return rows[i];
    }

    public String tcpCounterName(int i) {
        return TCP_COUNTER_NAMES[i];
    }

    public String sourceName(int i) {
        return sourceName[i];
    }

    public String sourceTransport(int i) {
        return sourceTransport[i];
    }

    public int sourcePort(int i) {
        return sourcePort[i];
    }

    public int sourceFigures(int i) {
        return sourceValues[i].length;
    }

    public String sourceFigureName(int i, int j) {
        return sourceFigureNames[i][j];
    }

    public long sourceFigure(int i, int j) {
        return sourceValues[i][j];
    }

    /** Registers a source; returns its figure count (its arrays are made here, once). */
    int addSource(String name, String transport, int port, Figures f) {
        if (sourceCount == SOURCES) throw new IllegalStateException("at most " + SOURCES + " sources of figures");
        String[] figureNames = NAMES_BY_CLASS.computeIfAbsent(f.getClass(), k -> {
            Names names = new Names();
            f.figures(names);
            return names.take();
        });
        int i = sourceCount++;
        sourceName[i] = name;
        sourceTransport[i] = transport;
        sourcePort[i] = port;
        source[i] = f;
        sourceFigureNames[i] = figureNames;
        sourceValues[i] = new long[sourceFigureNames[i].length];
        return sourceValues[i].length;
    }

    /** Copies the stack's figures now. On the stack's thread or under its runner's lock; allocates nothing. */
    void take(Stack stack, long unixMs) {
        sequence++;
        stackNanos = stack.time();
        unixMillis = unixMs;
        Budget b = stack.budget();
        int bs = b.blockSize();
        capacity = b.capacity();
        blockSize = bs;
        blocks = b.blockCount();
        used = b.used();
        free = b.free();
        committed = (long) b.committedBlocks() * bs;
        uncommittedFree = (long) b.uncommittedFreeBlocks() * bs;
        reserve = (long) b.reserveBlocks() * bs;
        peak = b.peak();
        peakTaken = (long) b.peakTakenBlocks() * bs;
        minFree = b.minFree();
        minUncommittedFree = (long) b.minUncommittedFreeBlocks() * bs;
        failures = b.failures();
        reserveUses = b.reserveUses();
        baseline = b.baseline();
        charged = b.charged();
        metadataBytes = b.metadataBytes();
        for (Category c : Enums.CATEGORIES) {
            categoryUsed[c.ordinal()] = b.used(c);
            categoryPeak[c.ordinal()] = b.peak(c);
            categoryFailures[c.ordinal()] = b.failures(c);
        }
        Tcp tcp = stack.tcp();
        connections = tcp.connections();
        orphans = tcp.orphans();
        maxOrphans = tcp.maxOrphans();
        timeWait = tcp.timeWaitRecords();
        timeWaitBlocks = tcp.timeWaitTable().blocksHeld();
        halfOpen = tcp.synQueue().size();
        guaranteedConnections = tcp.guaranteedConnections();
        promisedToListeners = tcp.promisedToListeners();
        headroomBytes = (long) tcp.headroomBlocks() * bs;
        connectionChargeBytes = tcp.connectionCharge();
        pressure = tcp.underPressure();
        udpSockets = stack.udp().openSockets();
        connectionCount = 0;
        connectionsInTable = tcp.forEachConnection(copier.scratch, copier);
        connectionsMore = connectionsInTable - connectionCount;
        listenerCount = 0;
        listenersMore = 0;
        for (TcpListener l = tcp.firstListener(); l != null; l = l.nextListener()) {
            if (listenerCount == LISTENERS) {
                listenersMore++;
                continue;
            }
            int i = listenerCount++;
            listenerAddress[i] = l.address();
            listenerPort[i] = l.port();
            listenerPending[i] = l.pending();
            listenerHeld[i] = l.held();
            listenerGuaranteed[i] = l.guaranteed();
            listenerBacklog[i] = l.backlog();
        }
        filler.into(tcpCounters);
        tcp.counters().figures(filler);
        Stats s = stack.stats();
        for (Proto p : Enums.PROTOS) {
            for (Counter c : Enums.COUNTERS) protocolCounters[p.ordinal() * Counter.COUNT + c.ordinal()] = s.get(p, c);
        }
        for (DropReason r : Enums.DROPS) drops[r.ordinal()] = s.drops(r);
        for (int i = 0; i < sourceCount; i++) {
            filler.into(sourceValues[i]);
            source[i].figures(filler);
        }
    }

    /** Copies connections into the rows while there is room; visits all of them (the rest are counted). */
    private final class RowCopier implements TcpInfo.Visitor {
        final TcpInfo scratch = new TcpInfo();

        @Override
        public boolean visit(TcpInfo info) {
            if (connectionCount < rows.length) rows[connectionCount++].copyFrom(info);
            return true;
        }
    }

    /** Writes figures into an array in order. */
    private static final class Filler implements Figures.Sink {
        private long[] into;
        private int i;

        void into(long[] a) {
            into = a;
            i = 0;
        }

        @Override
        public void figure(String name, long value) {
            if (i < into.length) into[i++] = value;
        }
    }

    /** Collects figure names (once, when a source is registered). */
    private static final class Names implements Figures.Sink {
        private final java.util.ArrayList<String> names = new java.util.ArrayList<>();

        @Override
        public void figure(String name, long value) {
            names.add(name);
        }

        String[] take() {
            return names.toArray(String[]::new);
        }
    }
}
