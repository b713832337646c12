package net.sloop.status;

import java.util.List;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;
import net.sloop.stats.Figures;

/**
 * The live view of one stack's memory and figures: a {@link StatusSnapshot} taken on demand, a
 * {@link MemoryHistory} sampled once a second, and their JSON and CSV renderings through fixed
 * buffers. Core-side code: it does no I/O, starts no thread and reads no clock (the wall-clock
 * time a document carries is passed in; the stack's time is the stack's).
 *
 * <p><b>Its memory is charged and bounded.</b> Everything it retains (the snapshot with its
 * connection rows, the history ring, the writers' buffers) is charged to the budget as CONTROL,
 * once, when it is opened, owner "status view" ({@code StatusChargeTest} checks the charge with
 * JOL). It takes only what is free beyond every commitment and beyond the room TCP keeps for the
 * admissions it has promised ({@code Tcp.headroomBlocks}), and at most {@link Config#maxBytes}:
 * so it never takes a connection's memory or a promised one's. When the budget cannot give what
 * it asks for, it <em>degrades</em>: fewer connection rows (the rest are counted in
 * {@code connections_more}), then fewer history samples, down to none; only if not even its
 * fixed part fits does {@link #open} refuse.
 *
 * <p>Not thread-safe: call it on the stack's thread or under its runner's lock. A snapshot can be
 * rendered later (outside the lock) only if nobody takes another meanwhile.
 */
public final class StatusView implements AutoCloseable {
    /** Bytes of the JSON writer's and the CSV writer's buffers. */
    static final int JSON_BUFFER = 256, CSV_BUFFER = 128;
    /** The view's own object, the owner, the source records. */
    static final int BASE_BYTES = 512;

    /**
     * What the view asks for.
     *
     * @param connectionRows connections a snapshot lists at most (the rest are counted)
     * @param historySamples samples the memory history keeps (one a second)
     * @param maxBytes the most it may be charged in all; 0: a sixteenth of the budget, or if that is less, what its fixed
     *        part, 4 rows and 30 samples take (about 6 KiB); never more than 64 KiB
     */
    public record Config(int connectionRows, int historySamples, long maxBytes) {
        public Config {
            if (connectionRows < 0 || connectionRows > 65_536) throw new IllegalArgumentException("connection rows " + connectionRows + ": 0..65536");
            if (historySamples < 0 || historySamples > 86_400) throw new IllegalArgumentException("history samples " + historySamples + ": 0..86400");
            if (maxBytes < 0) throw new IllegalArgumentException("negative maxBytes");
        }

        /** 16 connection rows, 300 samples (5 minutes), at most a sixteenth of the budget (see {@code maxBytes}). */
        public static Config defaults() {
            return new Config(16, 300, 0);
        }
    }

    /** A source of figures: a service over a transport on a port, or FTP. */
    public record Source(String name, String transport, int port, Figures figures) {}

    private final Stack stack;
    private final Config cfg;
    private final List<Source> sources;
    private final Owner owner = new Owner("status view");
    private final JsonWriter json = new JsonWriter(JSON_BUFFER);
    private final CsvWriter csv = new CsvWriter(CSV_BUFFER);
    private final int blocks;
    private final long fixed; // the snapshot without rows, the empty ring, the writers, the sources
    private StatusSnapshot snapshot; // null while given back whole
    private MemoryHistory history; // null while given back whole
    private long fixedCharge, elasticCharge; // charged now: the fixed part, and the rows and samples
    private long reclaimedAt = Long.MIN_VALUE;
    private long reclaims;
    private boolean closed;
    private int holds; // readers rendering the last snapshot piece by piece (hold)
    private long heldSince, holdGeneration, holdsBroken;

    /** A hold ({@link #hold}) older than this (stack time) is broken by the next snapshot or sample. */
    public static final long HOLD_LIMIT_NANOS = 2_000_000_000L;

    /** A view given back for admissions may take memory again this long after (stack time). */
    static final long REGROW_AFTER_NANOS = 10_000_000_000L;

    private StatusView(Stack stack, Config cfg, List<Source> sources, long fixed) {
        this.stack = stack;
        this.cfg = cfg;
        this.sources = List.copyOf(sources);
        this.blocks = stack.budget().blockCount();
        this.fixed = fixed;
    }

    /**
     * Opens a view of {@code stack} with the figures of {@code sources}, charged to its budget and
     * degraded to what the budget can give (see the class comment), and registers it with TCP as
     * the first memory to take back when a connection needs room ({@link net.sloop.tcp.Tcp#reclaimFirst}).
     * On the stack's thread.
     *
     * @throws IllegalStateException if not even the fixed part (no rows, no history) can be charged
     */
    public static StatusView open(Stack stack, Config cfg, List<Source> sources) {
        long sourceBytes = 0;
        for (Source s : sources) sourceBytes += StatusSnapshot.sourceHeapBytes(countFigures(s.figures()));
        int blocks = stack.budget().blockCount();
        long fixed = BASE_BYTES + 64L * sources.size() + JsonWriter.heapBytes(JSON_BUFFER) + CsvWriter.heapBytes(CSV_BUFFER)
                + StatusSnapshot.heapBytes(0) + sourceBytes + MemoryHistory.heapBytes(0, blocks);
        StatusView v = new StatusView(stack, cfg, sources, fixed);
        String why = v.build();
        if (why != null) throw new IllegalStateException(why);
        stack.tcp().reclaimFirst(v::reclaim);
        return v;
    }

    /** The most the view may be charged: {@link Config#maxBytes}, or by default a sixteenth of the budget (a minimal view at least), at most 64 KiB. */
    private long limit() {
        long minimal = fixed + 4L * (StatusSnapshot.TCP_INFO_BYTES + 8) + 30L * MemoryHistory.bytesPerSample(blocks);
        return cfg.maxBytes() > 0 ? cfg.maxBytes() : Math.min(64 * 1024, Math.max(stack.budget().capacity() / 16, minimal));
    }

    /**
     * Charges and makes what the budget can give now (the fixed part if it is not held, then rows
     * and samples in stages); null if done, else why not even the fixed part could be had.
     */
    private String build() {
        Budget b = stack.budget();
        long limit = limit();
        long room = Math.min(limit, affordableBytes(stack)) - fixedCharge - elasticCharge;
        boolean needFixed = snapshot == null;
        if (needFixed && fixed > room) {
            return "the live view needs " + fixed + " bytes and the budget can give it " + Math.max(0, room)
                    + " (beyond commitments and the room kept for promised admissions, at most " + limit + ")";
        }
        long left = room - (needFixed ? fixed : 0);
        // Degrades evenly, in stages: 4 rows, 30 s of history, 8 rows, a minute, then the rest of the rows, then the rest of the history.
        long rowBytes = StatusSnapshot.TCP_INFO_BYTES + 8;
        int sampleBytes = MemoryHistory.bytesPerSample(blocks);
        int rows = 0, samples = 0;
        int[][] stages = {{4, 30}, {8, 60}, {Integer.MAX_VALUE, Integer.MAX_VALUE}};
        for (int[] stage : stages) {
            int r = (int) Math.max(0, Math.min(Math.min(cfg.connectionRows(), stage[0]) - rows, left / rowBytes));
            rows += r;
            left -= r * rowBytes;
            int h = (int) Math.max(0, Math.min(Math.min(cfg.historySamples(), stage[1]) - samples, left / sampleBytes));
            samples += h;
            left -= (long) h * sampleBytes;
        }
        long elastic = StatusSnapshot.heapBytes(rows) - StatusSnapshot.heapBytes(0) + MemoryHistory.heapBytes(samples, blocks)
                - MemoryHistory.heapBytes(0, blocks);
        long add = (needFixed ? fixed : 0) + elastic;
        if (add > Integer.MAX_VALUE) throw new IllegalStateException("live view of " + add + " bytes");
        if (!b.charge(Category.CONTROL, owner, (int) add)) return "the live view's " + add + " bytes could not be charged";
        if (needFixed) {
            snapshot = new StatusSnapshot(rows);
            for (Source s : sources) snapshot.addSource(s.name(), s.transport(), s.port(), s.figures());
            fixedCharge = fixed;
        } else {
            snapshot.makeRows(rows);
        }
        history = new MemoryHistory(samples, blocks, b.blockSize());
        elasticCharge = elastic;
        snapshot.rowsWanted = cfg.connectionRows();
        snapshot.historyWanted = cfg.historySamples();
        snapshot.degraded = rows < cfg.connectionRows() || samples < cfg.historySamples() || reclaims > 0;
        snapshot.viewChargedBytes = fixedCharge + elasticCharge;
        snapshot.historyCapacity = samples;
        snapshot.reclaimed = reclaims;
        return null;
    }

    /**
     * Gives memory back for an admission (TCP asks, {@link net.sloop.tcp.Tcp#reclaimFirst}): first
     * the rows and the history (snapshots then list no connection and count them all, and the
     * history starts again), then, asked again, everything (the view is unavailable). It takes
     * memory again, as the budget allows, {@link #REGROW_AFTER_NANOS} after (at a
     * {@link #sampleIfDue}). False if it held nothing more to give.
     */
    public boolean reclaim() {
        if (closed) return false;
        Budget b = stack.budget();
        if (elasticCharge > 0) {
            b.uncharge(Category.CONTROL, owner, (int) elasticCharge);
            elasticCharge = 0;
            snapshot.dropRows();
            history = new MemoryHistory(0, blocks, b.blockSize());
        } else if (fixedCharge > 0) {
            b.uncharge(Category.CONTROL, owner, (int) fixedCharge);
            fixedCharge = 0;
            snapshot = null;
            history = null;
        } else {
            return false;
        }
        breakHolds();
        reclaims++;
        reclaimedAt = stack.time();
        if (snapshot != null) {
            snapshot.degraded = true;
            snapshot.reclaimed = reclaims;
            snapshot.viewChargedBytes = fixedCharge;
            snapshot.historyCapacity = 0;
        }
        return true;
    }

    /** Times the view gave memory back for admissions. */
    public long reclaims() {
        return reclaims;
    }

    /** False while the view has given all its memory back (no snapshot can be taken until it regrows). */
    public boolean available() {
        return snapshot != null;
    }

    /**
     * Bytes the view could be charged now without taking a connection's memory: blocks free beyond
     * the receive reserve and every commitment, less the room TCP keeps for promised admissions,
     * plus what the blocks already set aside for charges still hold.
     */
    static long affordableBytes(Stack stack) {
        Budget b = stack.budget();
        long blocks = (long) b.uncommittedFreeBlocks() - stack.tcp().headroomBlocks();
        long slabRoom = (long) b.blockSize() * ((b.charged() + b.blockSize() - 1) / b.blockSize()) - b.charged();
        return Math.max(0, blocks) * b.blockSize() + slabRoom;
    }

    private static int countFigures(Figures f) {
        int[] n = {0};
        f.figures((name, value) -> n[0]++);
        return n[0];
    }

    /** Bytes this view is charged (CONTROL). */
    public long chargedBytes() {
        return fixedCharge + elasticCharge;
    }

    public Owner owner() {
        return owner;
    }

    /** The snapshot last taken (figures of the last {@link #snapshot} call); null while the view is unavailable. */
    public StatusSnapshot last() {
        return snapshot;
    }

    /** The memory history (empty after the view gave its memory back; null while unavailable). */
    public MemoryHistory history() {
        return history;
    }

    /**
     * Takes a snapshot now ({@code unixMs}: the wall-clock time it carries). Allocates nothing.
     *
     * @throws IllegalStateException if the view is unavailable (it gave its memory back: {@link #available})
     */
    public StatusSnapshot snapshot(long unixMs) {
        open();
        if (snapshot == null) throw new IllegalStateException(UNAVAILABLE);
        if (heldNow()) return snapshot; // a reader is still rendering it: the same snapshot again
        snapshot.take(stack, unixMs);
        snapshot.historySize = history.size();
        return snapshot;
    }

    /** Why there is no snapshot: the one-line answer of a view that gave its memory back. */
    public static final String UNAVAILABLE = "the live view gave its memory back to admit connections; it takes it again when the budget has room";

    /**
     * Samples the history if a second has passed since the last sample (by the stack's time); true
     * if it did. A view that gave memory back takes it again here once {@link #REGROW_AFTER_NANOS}
     * have passed, as the budget allows (allocating then).
     */
    public boolean sampleIfDue(long unixMs) {
        open();
        if (heldNow()) return false; // due still: sampled at the next call after the readers are done
        long now = stack.time();
        if (reclaims > 0 && (snapshot == null || elasticCharge == 0) && now - reclaimedAt >= REGROW_AFTER_NANOS) {
            reclaimedAt = now; // at most one try per period
            build();
        }
        if (history == null || !history.due(now)) return false;
        history.sample(now, unixMs, stack.budget());
        return true;
    }

    /** Writes the last snapshot as JSON into {@code sink}; returns its length in bytes. */
    public long writeJson(ByteSink sink) {
        if (snapshot == null) throw new IllegalStateException(UNAVAILABLE);
        json.start(sink);
        StatusJson.write(snapshot, json);
        return json.finish();
    }

    /** Takes a snapshot and writes it as JSON into {@code sink}; returns its length. */
    public long json(long unixMs, ByteSink sink) {
        snapshot(unixMs);
        return writeJson(sink);
    }

    /** Writes the memory history as CSV (a header, then a row per sample, oldest first); returns its length. */
    public long writeCsv(ByteSink sink) {
        if (history == null) throw new IllegalStateException(UNAVAILABLE);
        csv.start(sink);
        history.writeCsv(csv);
        return csv.finish();
    }

    private void open() {
        if (closed) throw new IllegalStateException("the live view is closed");
    }

    /**
     * Keeps the last snapshot and the history as they are for a reader that renders them piece by
     * piece (an HTTP response streamed through a small buffer, rendered again for each window of
     * it, so that a document of any size costs no memory): while held, {@link #snapshot} answers
     * with the same snapshot without taking a new one, and {@link #sampleIfDue} waits. Holds end
     * with {@link #release}; they are broken (the token no longer {@link #holdValid valid}) when
     * the view gives memory back ({@link #reclaim}), closes, or when a hold has lasted
     * {@link #HOLD_LIMIT_NANOS} and a snapshot or a sample is wanted: the reader must then give up
     * its document. Returns the token to check and release with.
     *
     * @throws IllegalStateException if the view is unavailable
     */
    public long hold() {
        open();
        if (snapshot == null) throw new IllegalStateException(UNAVAILABLE);
        if (holds == 0) heldSince = stack.time();
        holds++;
        return holdGeneration;
    }

    /** True while the hold {@code token} stands: the snapshot and the history are those it was given. */
    public boolean holdValid(long token) {
        return !closed && token == holdGeneration && holds > 0;
    }

    /** Ends the hold {@code token} (nothing if it was broken). */
    public void release(long token) {
        if (token == holdGeneration && holds > 0) holds--;
    }

    /** Holds broken (for a reclaim, a close, or one held too long). */
    public long holdsBroken() {
        return holdsBroken;
    }

    /** True if a hold stands now; one past its limit is broken here. */
    private boolean heldNow() {
        if (holds == 0) return false;
        if (stack.time() - heldSince < HOLD_LIMIT_NANOS) return true;
        breakHolds();
        return false;
    }

    private void breakHolds() {
        if (holds > 0) holdsBroken++;
        holds = 0;
        holdGeneration++;
    }

    /** Returns the view's charge and leaves TCP's reclaim list. Idempotent. On the stack's thread, before the stack closes. */
    @Override
    public void close() {
        if (closed) return;
        breakHolds();
        closed = true;
        stack.tcp().reclaimFirst(null);
        long c = fixedCharge + elasticCharge;
        fixedCharge = elasticCharge = 0;
        if (c > 0) stack.budget().uncharge(Category.CONTROL, owner, (int) c);
    }
}
