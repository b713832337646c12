package net.sloop.status;

import net.sloop.mem.Budget;
import net.sloop.mem.Category;

/**
 * A fixed ring of memory samples: at each sample, the wall-clock time and, in whole blocks, what
 * is used, what is committed, and what each {@link Category} uses (CONTROL as the blocks set aside
 * for byte charges, so the categories add up to the used blocks exactly). Its size is fixed when
 * made; once full, the oldest sample is overwritten. Counts are kept as 16-bit values when the
 * budget has fewer than 65,536 blocks (30 bytes a sample), else as ints (52 bytes). Sampling and
 * writing CSV allocate nothing. It is charged with the rest of the live view ({@link StatusView}).
 */
public final class MemoryHistory {
    /** Values per sample: used, committed, then one per category. */
    static final int WIDTH = 2 + Category.COUNT;
    /** Samples are meant to be taken once a second ({@link #due}). */
    public static final long PERIOD_NANOS = 1_000_000_000L;

    private final long[] unixMillis;
    private final char[] small; // block counts below 65,536
    private final int[] large; // or ints
    private final int capacity;
    private final int blockSize;
    private int next;
    private int size;
    private long lastAt = Long.MIN_VALUE;
    private long taken;

    /** A ring of {@code capacity} samples of a budget of {@code blocks} blocks of {@code blockSize} bytes. */
    public MemoryHistory(int capacity, int blocks, int blockSize) {
        if (capacity < 0) throw new IllegalArgumentException("negative capacity");
        this.capacity = capacity;
        this.blockSize = blockSize;
        this.unixMillis = new long[capacity];
        boolean narrow = blocks < 65_536;
        this.small = narrow ? new char[capacity * WIDTH] : null;
        this.large = narrow ? null : new int[capacity * WIDTH];
    }

    /** Heap bytes a ring of {@code capacity} samples retains (checked with JOL in StatusChargeTest). */
    public static long heapBytes(int capacity, int blocks) {
        return 48 + 16 + 8L * capacity + 16 + (long) bytesPerValue(blocks) * capacity * WIDTH + 8;
    }

    /** Heap bytes each sample costs. */
    public static int bytesPerSample(int blocks) {
        return 8 + bytesPerValue(blocks) * WIDTH;
    }

    private static int bytesPerValue(int blocks) {
        return blocks < 65_536 ? 2 : 4;
    }

    public int capacity() {
        return capacity;
    }

    /** Samples held (at most the capacity). */
    public int size() {
        return size;
    }

    /** Samples ever taken (those beyond the capacity were overwritten). */
    public long taken() {
        return taken;
    }

    /** True if a sample is due at {@code now}: none yet, or a period since the last. */
    public boolean due(long now) {
        return lastAt == Long.MIN_VALUE || now - lastAt >= PERIOD_NANOS;
    }

    /** Records {@code b}'s figures at {@code now} (stack time, for {@link #due}), stamped {@code unixMs}. */
    public void sample(long now, long unixMs, Budget b) {
        lastAt = now;
        taken++;
        if (capacity == 0) return;
        int i = next;
        unixMillis[i] = unixMs;
        int o = i * WIDTH;
        int bs = b.blockSize();
        put(o, b.blockCount() - b.freeBlocks());
        put(o + 1, b.committedBlocks());
        for (Category c : Enums.CATEGORIES) {
            long bytes = b.used(c);
            put(o + 2 + c.ordinal(), (int) (c.blocks() ? bytes / bs : (b.charged() + bs - 1) / bs));
        }
        next = (i + 1) % capacity;
        if (size < capacity) size++;
    }

    private void put(int at, int v) {
        if (small != null) small[at] = (char) v;
        else large[at] = v;
    }

    private long get(int at) {
        return small != null ? small[at] : large[at];
    }

    /** The {@code k}th sample held, oldest first: its index in the ring. */
    private int index(int k) {
        if (k < 0 || k >= size) throw new IndexOutOfBoundsException(k + " of " + size);
        return (next - size + k + capacity) % capacity;
    }

    public long unixMillis(int k) {
        return unixMillis[index(k)];
    }

    /** Bytes used at the {@code k}th sample (whole blocks). */
    public long used(int k) {
        return get(index(k) * WIDTH) * blockSize;
    }

    public long committed(int k) {
        return get(index(k) * WIDTH + 1) * blockSize;
    }

    /** Bytes of {@code c} (whole blocks; CONTROL: the blocks set aside for byte charges). */
    public long used(int k, Category c) {
        return get(index(k) * WIDTH + 2 + c.ordinal()) * blockSize;
    }

    /** The CSV header's columns. */
    public static void header(CsvWriter w) {
        w.word("unix_ms").word("used").word("committed");
        for (Category c : Enums.CATEGORIES) w.word(StatusJson.CATEGORY_NAMES[c.ordinal()]);
        w.endRow();
    }

    /** The header and every sample held, oldest first, one row each, in bytes. */
    public void writeCsv(CsvWriter w) {
        header(w);
        for (int k = 0; k < size; k++) {
            int i = index(k);
            w.value(unixMillis[i]);
            for (int j = 0; j < WIDTH; j++) w.value(get(i * WIDTH + j) * blockSize);
            w.endRow();
        }
    }
}
