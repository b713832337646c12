package net.sloop.status;

import net.sloop.mem.Budget;
import net.sloop.mem.Category;

/**
 * A fixed ring of memory samples: at each sample, the time, the bytes used and committed, and the
 * bytes used per {@link Category}. Its size is fixed when made (the oldest sample is overwritten
 * once it is full) and it is charged with the rest of the live view ({@link StatusView}); a ring of
 * 0 samples keeps nothing. Sampling and writing CSV allocate nothing.
 */
public final class MemoryHistory {
    /** Ints per sample: used, committed, then one per category. */
    static final int WIDTH = 2 + Category.COUNT;
    /** Samples are meant to be taken once a second ({@link #due}). */
    public static final long PERIOD_NANOS = 1_000_000_000L;

    private final long[] unixMillis;
    private final long[] stackNanos;
    private final int[] values;
    private final int capacity;
    private int next;
    private int size;
    private long lastAt = Long.MIN_VALUE;
    private long taken;

    public MemoryHistory(int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("negative capacity");
        this.capacity = capacity;
        this.unixMillis = new long[capacity];
        this.stackNanos = new long[capacity];
        this.values = new int[capacity * WIDTH];
    }

    /** Heap bytes a ring of {@code capacity} samples retains (checked with JOL in StatusChargeTest). */
    public static long heapBytes(int capacity) {
        return 40 + 2 * (16 + 8L * capacity) + 16 + 4L * capacity * WIDTH;
    }

    /** Bytes of heap each sample costs. */
    public static int bytesPerSample() {
        return 16 + 4 * WIDTH;
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

    /** Records {@code b}'s figures now. */
    public void sample(long now, long unixMs, Budget b) {
        lastAt = now;
        taken++;
        if (capacity == 0) return;
        int i = next;
        unixMillis[i] = unixMs;
        stackNanos[i] = now;
        int o = i * WIDTH;
        values[o] = (int) b.used();
        values[o + 1] = b.committedBlocks() * b.blockSize();
        for (Category c : Category.values()) values[o + 2 + c.ordinal()] = (int) b.used(c);
        next = (i + 1) % capacity;
        if (size < capacity) size++;
    }

    /** The {@code k}th sample held, oldest first: its index in the ring. */
    private int index(int k) {
        return (next - size + k + capacity) % capacity;
    }

    public long unixMillis(int k) {
        return unixMillis[index(k)];
    }

    public long stackNanos(int k) {
        return stackNanos[index(k)];
    }

    public long used(int k) {
        return values[index(k) * WIDTH];
    }

    public long committed(int k) {
        return values[index(k) * WIDTH + 1];
    }

    public long used(int k, Category c) {
        return values[index(k) * WIDTH + 2 + c.ordinal()];
    }

    /** The CSV header's columns. */
    public static void header(CsvWriter w) {
        w.word("unix_ms").word("stack_ns").word("used").word("committed");
        for (Category c : Category.values()) w.word(StatusJson.CATEGORY_NAMES[c.ordinal()]);
        w.endRow();
    }

    /** The header and every sample held, oldest first, one row each. */
    public void writeCsv(CsvWriter w) {
        header(w);
        for (int k = 0; k < size; k++) {
            int o = index(k) * WIDTH;
            w.value(unixMillis[index(k)]).value(stackNanos[index(k)]);
            for (int j = 0; j < WIDTH; j++) w.value(values[o + j]);
            w.endRow();
        }
    }
}
