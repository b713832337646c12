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
    private final Owner owner = new Owner("status view");
    private final StatusSnapshot snapshot;
    private final MemoryHistory history;
    private final JsonWriter json = new JsonWriter(JSON_BUFFER);
    private final CsvWriter csv = new CsvWriter(CSV_BUFFER);
    private final long charge;
    private boolean closed;

    private StatusView(Stack stack, StatusSnapshot snapshot, MemoryHistory history, long charge) {
        this.stack = stack;
        this.snapshot = snapshot;
        this.history = history;
        this.charge = charge;
    }

    /**
     * Opens a view of {@code stack} with the figures of {@code sources}, charged to its budget and
     * degraded to what the budget can give (see the class comment). On the stack's thread.
     *
     * @throws IllegalStateException if not even the fixed part (no rows, no history) can be charged
     */
    public static StatusView open(Stack stack, Config cfg, List<Source> sources) {
        Budget b = stack.budget();
        long sourceBytes = 0;
        StatusSnapshot probe = null;
        int figures = 0;
        for (Source s : sources) {
            int n = countFigures(s.figures());
            figures += n;
            sourceBytes += StatusSnapshot.sourceHeapBytes(n);
        }
        int blocks = b.blockCount();
        long fixed = BASE_BYTES + JsonWriter.heapBytes(JSON_BUFFER) + CsvWriter.heapBytes(CSV_BUFFER) + StatusSnapshot.heapBytes(0)
                + sourceBytes + MemoryHistory.heapBytes(0, blocks);
        long minimal = fixed + 4L * (StatusSnapshot.TCP_INFO_BYTES + 8) + 30L * MemoryHistory.bytesPerSample(blocks);
        long limit = cfg.maxBytes() > 0 ? cfg.maxBytes() : Math.min(64 * 1024, Math.max(b.capacity() / 16, minimal));
        long affordable = affordableBytes(stack);
        long room = Math.min(limit, affordable);
        if (fixed > room) {
            throw new IllegalStateException("the live view needs " + fixed + " bytes and the budget can give it " + Math.max(0, room)
                    + " (beyond commitments and the room kept for promised admissions, at most " + limit + ")");
        }
        // Degrades evenly, in stages: 4 rows, 30 s of history, 8 rows, a minute, then the rest of the rows, then the rest of the history.
        long left = room - fixed;
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
        long charge = fixed + StatusSnapshot.heapBytes(rows) - StatusSnapshot.heapBytes(0) + MemoryHistory.heapBytes(samples, blocks)
                - MemoryHistory.heapBytes(0, blocks);
        if (charge > Integer.MAX_VALUE) throw new IllegalStateException("live view of " + charge + " bytes");
        StatusSnapshot snap = new StatusSnapshot(rows);
        for (Source s : sources) snap.addSource(s.name(), s.transport(), s.port(), s.figures());
        StatusView v = new StatusView(stack, snap, new MemoryHistory(samples, blocks, b.blockSize()), charge);
        if (!b.charge(Category.CONTROL, v.owner, (int) charge)) {
            throw new IllegalStateException("the live view's " + charge + " bytes could not be charged");
        }
        snap.rowsWanted = cfg.connectionRows();
        snap.historyWanted = cfg.historySamples();
        snap.degraded = rows < cfg.connectionRows() || samples < cfg.historySamples();
        snap.viewChargedBytes = charge;
        snap.historyCapacity = samples;
        return v;
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
        return charge;
    }

    public Owner owner() {
        return owner;
    }

    /** The snapshot last taken (figures of the last {@link #snapshot} call). */
    public StatusSnapshot last() {
        return snapshot;
    }

    public MemoryHistory history() {
        return history;
    }

    /** Takes a snapshot now ({@code unixMs}: the wall-clock time it carries). Allocates nothing. */
    public StatusSnapshot snapshot(long unixMs) {
        open();
        snapshot.take(stack, unixMs);
        snapshot.historySize = history.size();
        return snapshot;
    }

    /** Samples the history if a second has passed since the last sample (by the stack's time); true if it did. */
    public boolean sampleIfDue(long unixMs) {
        open();
        long now = stack.time();
        if (!history.due(now)) return false;
        history.sample(now, unixMs, stack.budget());
        return true;
    }

    /** Writes the last snapshot as JSON into {@code sink}; returns its length in bytes. */
    public long writeJson(ByteSink sink) {
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
        csv.start(sink);
        history.writeCsv(csv);
        return csv.finish();
    }

    private void open() {
        if (closed) throw new IllegalStateException("the live view is closed");
    }

    /** Returns the view's charge. Idempotent. On the stack's thread, before the stack closes. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        stack.budget().uncharge(Category.CONTROL, owner, (int) charge);
    }
}
