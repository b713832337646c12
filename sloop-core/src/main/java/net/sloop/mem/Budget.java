package net.sloop.mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory budget: one arena allocated once, carved into fixed-size blocks that never grow.
 *
 * <p>Blocks are handed out by index ({@code int}), so allocation and free touch no Java heap. Each
 * block in use carries a {@link Category} and an {@link Owner}; blocks are chained into packet
 * buffers through {@link #next(int)}, and each block has a data window {@link #off(int)}/{@link
 * #len(int)} inside it (see {@link Chains}). Control structures are charged in bytes against
 * whole blocks set aside from the same arena (the "slab"), so the arena is the single truth of how
 * much is in use.
 *
 * <p>A receive reserve of {@code reserveBlocks} blocks can only be taken by categories that
 * {@link Category#mayUseReserve() may use it} (the receive path): no sender, socket or table can
 * take the last blocks the stack needs to hear an ACK. Exhaustion is a normal result (-1 or
 * false), never an exception, and it is counted.
 *
 * <p>Not thread-safe: like the rest of the protocol core it is used by one thread at a time. The
 * figures may be read from another thread for display; they are then approximate.
 */
public final class Budget implements AutoCloseable {
    /**
     * Largest arena: 2 GiB - 1 bytes, so that an owner's figures, which never exceed the arena,
     * fit in ints (an {@link Owner} is part of every connection's control block).
     */
    public static final long MAX_CAPACITY = Integer.MAX_VALUE;

    private static final byte FREE = -1;
    private static final byte SLAB = -2;

    private final Arena arena;
    private final MemorySegment memory;
    private final int blockSize;
    private final int blockCount;
    private final int reserveBlocks;

    // Per-block metadata (on the heap, fixed size: see metadataBytes()).
    private final int[] next;
    private final int[] off;
    private final int[] len;
    private final byte[] cat;
    private final Owner[] owner;

    private final int[] freeStack;
    private int freeTop;
    private final int[] slabStack;
    private int slabTop;

    // Figures.
    private final long[] catUsed = new long[Category.COUNT];
    private final long[] catPeak = new long[Category.COUNT];
    private final long[] catFailures = new long[Category.COUNT];
    private long charged;
    private int minFreeBlocks;
    private int peakUsedBlocks;
    private long failures;
    private long reserveUses;
    // Blocks promised to holders (a connection's guaranteed minimum, the storage behind an
    // advertised window): free, but no one else may take them.
    private int committed;
    private int peakCommitted;
    /** Highest count of blocks used or committed at once: what the budget could not give an uncommitted request. */
    private int peakTaken;
    /** Lowest count of free blocks not committed (the receive reserve included) ever seen. */
    private int minOpen = Integer.MAX_VALUE;

    private Owner activeHead;
    // A fresh budget's baseline is empty: nothing held.
    private long baselineUsed = 0;
    private int baselineCommitted = 0;
    private Map<Owner, int[]> baseline = Map.of();

    /**
     * @param capacityBytes size of the arena; rounded down to whole blocks
     * @param blockSize bytes per block
     * @param reserveBlocks blocks only the receive path may take
     */
    public Budget(long capacityBytes, int blockSize, int reserveBlocks) {
        if (blockSize < Chains.MIN_BLOCK_SIZE || blockSize % 8 != 0) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a multiple of 8, at least "
                    + Chains.MIN_BLOCK_SIZE + " (headers of a frame must fit in its first block)");
        }
        long blocks = capacityBytes / blockSize;
        if (blocks < 4 || blocks * blockSize > MAX_CAPACITY) {
            throw new IllegalArgumentException("budget of " + capacityBytes + " bytes gives " + blocks
                    + " blocks of " + blockSize + "; need at least 4 blocks and at most " + MAX_CAPACITY + " bytes");
        }
        if (reserveBlocks < 0 || reserveBlocks >= blocks) {
            throw new IllegalArgumentException("receive reserve of " + reserveBlocks + " blocks must be >= 0 and less than the "
                    + blocks + " blocks in the budget");
        }
        this.blockSize = blockSize;
        this.blockCount = (int) blocks;
        this.reserveBlocks = reserveBlocks;
        this.arena = Arena.ofShared();
        this.memory = arena.allocate((long) blockCount * blockSize, 64);
        this.next = new int[blockCount];
        this.off = new int[blockCount];
        this.len = new int[blockCount];
        this.cat = new byte[blockCount];
        this.owner = new Owner[blockCount];
        this.freeStack = new int[blockCount];
        this.slabStack = new int[blockCount];
        for (int i = 0; i < blockCount; i++) {
            freeStack[i] = blockCount - 1 - i; // block 0 is handed out first
            cat[i] = FREE;
            next[i] = -1;
        }
        freeTop = blockCount;
        minFreeBlocks = blockCount;
    }

    // ---------------------------------------------------------------- blocks

    /**
     * Takes one block. Returns its index, or -1 (counted as a failure of the category and owner)
     * if none is available to this category. The block's data window starts empty at offset 0.
     */
    public int alloc(Category c, Owner o) {
        if (!available(c, 1)) {
            fail(c, o);
            return -1;
        }
        return take(c, o);
    }

    /**
     * Takes one block for data copied out of a received frame whose {@code frameBlocks} blocks
     * are freed right after the copy: it may use the receive reserve, as long as freeing the frame
     * makes the reserve whole again. A frame that arrived on the reserve can so be copied into
     * storage, which {@link #alloc} (the reserve is never for storage) and {@link #transfer}
     * (keeping the frame's own blocks) would both refuse. Returns -1 (a failure) otherwise.
     */
    public int allocCopyingFrame(Category c, Owner o, int frameBlocks) {
        int open = open();
        if (open < 1 || open - 1 + frameBlocks < reserveBlocks) {
            fail(c, o);
            return -1;
        }
        return take(c, o);
    }

    private int take(Category c, Owner o) {
        int b = pop();
        if (open() < reserveBlocks) reserveUses++;
        cat[b] = (byte) c.ordinal();
        owner[b] = o;
        next[b] = -1;
        off[b] = 0;
        len[b] = 0;
        account(o, c.ordinal(), blockSize);
        return b;
    }

    /**
     * Takes {@code n} blocks that are adjacent in the arena, so that they hold one contiguous
     * region (for example a transmit frame buffer). Meant for start-up; it scans the arena.
     * Returns the first block, or -1 if no such run is free. The blocks are not chained.
     */
    public int allocRun(int n, Category c, Owner o) {
        if (n <= 0 || !available(c, n)) {
            fail(c, o);
            return -1;
        }
        int start = -1;
        for (int i = 0, run = 0; i < blockCount; i++) {
            run = cat[i] == FREE ? run + 1 : 0;
            if (run == n) {
                start = i - n + 1;
                break;
            }
        }
        if (start < 0) {
            fail(c, o);
            return -1;
        }
        int w = 0;
        for (int r = 0; r < freeTop; r++) {
            int b = freeStack[r];
            if (b < start || b >= start + n) freeStack[w++] = b;
        }
        freeTop = w;
        for (int b = start; b < start + n; b++) {
            cat[b] = (byte) c.ordinal();
            owner[b] = o;
            next[b] = -1;
            off[b] = 0;
            len[b] = 0;
            account(o, c.ordinal(), blockSize);
        }
        noteLow();
        return start;
    }

    /** Returns one block. Freeing a block that is not in use is a programming error and throws. */
    public void free(int b) {
        byte c = cat[b];
        if (c < 0) throw new IllegalStateException("block " + b + " freed twice or never allocated");
        account(owner[b], c, -blockSize);
        cat[b] = FREE;
        owner[b] = null;
        next[b] = -1;
        freeStack[freeTop++] = b;
    }

    /**
     * Moves a block to another category and owner: a received frame kept by a socket, a fragment
     * kept for reassembly. Keeping a block that the receive path took from its reserve is refused
     * while the reserve is not whole again: the reserve is for frames in flight, never for storage.
     */
    public boolean transfer(int b, Category c, Owner o) {
        if (cat[b] < 0) throw new IllegalStateException("block " + b + " is not allocated");
        if (!c.mayUseReserve() && open() < reserveBlocks && Category.ALL[cat[b]].mayUseReserve()) {
            fail(c, o);
            return false;
        }
        move(b, c, o);
        return true;
    }

    /** {@link #transfer} for every block of a chain, all or nothing. */
    public boolean transferChain(int head, Category c, Owner o) {
        if (!c.mayUseReserve() && open() < reserveBlocks) {
            for (int b = head; b >= 0; b = next[b]) {
                if (Category.ALL[cat[b]].mayUseReserve()) {
                    fail(c, o);
                    return false;
                }
            }
        }
        for (int b = head; b >= 0; b = next[b]) {
            if (cat[b] < 0) throw new IllegalStateException("block " + b + " is not allocated");
        }
        for (int b = head; b >= 0; b = next[b]) move(b, c, o);
        return true;
    }

    private void move(int b, Category c, Owner o) {
        account(owner[b], cat[b], -blockSize);
        cat[b] = (byte) c.ordinal();
        owner[b] = o;
        account(o, c.ordinal(), blockSize);
    }

    public int next(int b) {
        return next[b];
    }

    public void next(int b, int n) {
        next[b] = n;
    }

    /** Offset of the data window inside block {@code b}. */
    public int off(int b) {
        return off[b];
    }

    /** Length of the data window of block {@code b}. */
    public int len(int b) {
        return len[b];
    }

    /** Sets the data window of block {@code b}. */
    public void window(int b, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > blockSize) {
            throw new IllegalArgumentException("window " + offset + "+" + length + " outside block of " + blockSize);
        }
        off[b] = offset;
        len[b] = length;
    }

    /** Absolute offset in {@link #memory()} of the first data byte of block {@code b}. */
    public long address(int b) {
        return (long) b * blockSize + off[b];
    }

    /** Absolute offset in {@link #memory()} of the start of block {@code b}. */
    public long base(int b) {
        return (long) b * blockSize;
    }

    public Category category(int b) {
        return cat[b] < 0 ? null : Category.ALL[cat[b]];
    }

    public Owner owner(int b) {
        return owner[b];
    }

    // ---------------------------------------------------------------- byte charges

    /**
     * Charges {@code bytes} of a control structure to a byte category. Whole blocks are set aside
     * from the arena as needed to cover all byte charges together. Returns false (counted) if no
     * block is available; nothing is charged then.
     */
    public boolean charge(Category c, Owner o, int bytes) {
        if (c.blocks()) throw new IllegalArgumentException(c + " is allocated in blocks, not charged in bytes");
        if (bytes < 0) throw new IllegalArgumentException("negative charge");
        int need = blocksToCharge(bytes);
        if (need > 0) {
            if (!available(c, need)) {
                fail(c, o);
                return false;
            }
            for (int i = 0; i < need; i++) {
                int b = pop();
                cat[b] = SLAB;
                slabStack[slabTop++] = b;
            }
        }
        charged += bytes;
        account(o, c.ordinal(), bytes);
        return true;
    }

    /** Returns a charge made with {@link #charge}. */
    public void uncharge(Category c, Owner o, int bytes) {
        if (c.blocks()) throw new IllegalArgumentException(c + " is allocated in blocks, not charged in bytes");
        if (bytes < 0) throw new IllegalArgumentException("negative charge");
        if (o.used[c.ordinal()] < bytes) {
            throw new IllegalStateException(o + " uncharges " + bytes + " bytes of " + c + " but holds " + o.used[c.ordinal()]);
        }
        charged -= bytes;
        account(o, c.ordinal(), -bytes);
        int keep = blocksFor(charged);
        while (slabTop > keep) {
            int b = slabStack[--slabTop];
            cat[b] = FREE;
            freeStack[freeTop++] = b;
        }
    }

    /** Blocks that charging {@code bytes} more would set aside now (0 if the slab has room). */
    public int blocksToCharge(int bytes) {
        return Math.max(0, blocksFor(charged + bytes) - slabTop);
    }

    private int blocksFor(long bytes) {
        return (int) ((bytes + blockSize - 1) / blockSize);
    }

    // ---------------------------------------------------------------- internals

    /**
     * True if {@code n} blocks may be taken by category {@code c} now. Committed blocks are never
     * available; the receive reserve is available only to categories that may use it.
     */
    public boolean available(Category c, int n) {
        int open = open();
        return c.mayUseReserve() ? open >= n : open - n >= reserveBlocks;
    }

    /**
     * Free blocks not promised to anyone. The receive reserve is counted in these, never in the
     * committed ones: a commitment that is free is still spoken for, so it cannot stand in for the
     * reserve (that mistake let out-of-order data keep the reserve's blocks while a window's
     * commitment made the budget look free, and the segment that filled the gap could then not
     * be received at all).
     */
    private int open() {
        return freeTop - committed;
    }

    /** Free blocks that a category not allowed the receive reserve could take now (committed ones excluded). */
    public int uncommittedFreeBlocks() {
        return Math.max(0, freeTop - committed - reserveBlocks);
    }

    // ---------------------------------------------------------------- commitments

    /**
     * Promises {@code n} free blocks to a holder that must be able to take them later whatever
     * happens meanwhile: a connection's guaranteed minimum, the storage behind a receive window
     * already advertised. Committed blocks stay free (and are counted as free) but no allocation
     * can take them except {@link #allocCommitted}. Never dips into the receive reserve. Returns
     * false, counted as a failure of {@code c} and {@code o}, if they are not available.
     */
    public boolean commit(int n, Category c, Owner o) {
        if (n < 0) throw new IllegalArgumentException("negative commitment");
        if (n == 0) return true;
        if (freeTop - committed - n < reserveBlocks) {
            fail(c, o);
            return false;
        }
        committed += n;
        if (committed > peakCommitted) peakCommitted = committed;
        noteTaken();
        return true;
    }

    /** Returns {@code n} committed blocks to the common pool. */
    public void release(int n) {
        if (n < 0 || n > committed) throw new IllegalStateException("releasing " + n + " of " + committed + " committed blocks");
        committed -= n;
    }

    /**
     * Takes one block out of a commitment made with {@link #commit}: never fails while the caller
     * holds a commitment (the caller keeps its own count). The commitment shrinks by one.
     */
    public int allocCommitted(Category c, Owner o) {
        if (committed <= 0 || freeTop == 0) throw new IllegalStateException("no committed block to take");
        committed--;
        int b = pop();
        cat[b] = (byte) c.ordinal();
        owner[b] = o;
        next[b] = -1;
        off[b] = 0;
        len[b] = 0;
        account(o, c.ordinal(), blockSize);
        return b;
    }

    /** Frees a block and adds it to the caller's commitment (the inverse of {@link #allocCommitted}). */
    public void freeToCommitted(int b) {
        free(b);
        committed++;
        if (committed > peakCommitted) peakCommitted = committed;
        noteTaken();
    }

    /** Blocks committed now (free, promised to holders). */
    public int committedBlocks() {
        return committed;
    }

    /** Highest number of blocks ever committed at once. */
    public int peakCommittedBlocks() {
        return peakCommitted;
    }

    /** Blocks used or committed now: what an uncommitted request cannot have. */
    public int takenBlocks() {
        return blockCount - freeTop + committed;
    }

    /** Highest {@link #takenBlocks()} ever (used and committed at the same moment, unlike the two peaks added). */
    public int peakTakenBlocks() {
        return peakTaken;
    }

    /** Lowest count of free blocks not committed ever seen, the receive reserve included. */
    public int minUncommittedFreeBlocks() {
        return minOpen == Integer.MAX_VALUE ? freeTop - committed : minOpen;
    }

    private int pop() {
        int b = freeStack[--freeTop];
        noteLow();
        return b;
    }

    private void noteLow() {
        if (freeTop < minFreeBlocks) minFreeBlocks = freeTop;
        int usedBlocks = blockCount - freeTop;
        if (usedBlocks > peakUsedBlocks) peakUsedBlocks = usedBlocks;
        noteTaken();
    }

    private void noteTaken() {
        int open = freeTop - committed;
        if (open < minOpen) minOpen = open;
        if (blockCount - open > peakTaken) peakTaken = blockCount - open;
    }

    /** Counts a refusal decided by the caller (for example a multi-block request that cannot be met). */
    public void refuse(Category c, Owner o) {
        fail(c, o);
    }

    private void fail(Category c, Owner o) {
        failures++;
        catFailures[c.ordinal()]++;
        if (o != null) o.failures++;
    }

    private void account(Owner o, int c, int delta) {
        long u = catUsed[c] += delta;
        if (u > catPeak[c]) catPeak[c] = u;
        o.used[c] += delta;
        int before = o.total;
        int t = o.total = before + delta;
        if (t > o.peak) o.peak = t;
        if (before == 0 && t != 0) link(o);
        else if (before != 0 && t == 0) unlink(o);
    }

    private void link(Owner o) {
        o.prev = null;
        o.next = activeHead;
        if (activeHead != null) activeHead.prev = o;
        activeHead = o;
    }

    private void unlink(Owner o) {
        if (o.prev != null) o.prev.next = o.next;
        else activeHead = o.next;
        if (o.next != null) o.next.prev = o.prev;
        o.prev = o.next = null;
    }

    // ---------------------------------------------------------------- figures

    public MemorySegment memory() {
        return memory;
    }

    public int blockSize() {
        return blockSize;
    }

    public int blockCount() {
        return blockCount;
    }

    public int reserveBlocks() {
        return reserveBlocks;
    }

    /** Arena bytes. */
    public long capacity() {
        return (long) blockCount * blockSize;
    }

    /** Bytes of the arena in use: blocks held plus blocks set aside for byte charges. */
    public long used() {
        return (long) (blockCount - freeTop) * blockSize;
    }

    public long free() {
        return (long) freeTop * blockSize;
    }

    public int freeBlocks() {
        return freeTop;
    }

    public long peak() {
        return (long) peakUsedBlocks * blockSize;
    }

    public long minFree() {
        return (long) minFreeBlocks * blockSize;
    }

    /** Allocations and charges refused, in total. */
    public long failures() {
        return failures;
    }

    /** Allocations that took a block from the receive reserve. */
    public long reserveUses() {
        return reserveUses;
    }

    /** Bytes held now in a category (blocks in whole blocks, charges in bytes). */
    public long used(Category c) {
        return catUsed[c.ordinal()];
    }

    public long peak(Category c) {
        return catPeak[c.ordinal()];
    }

    public long failures(Category c) {
        return catFailures[c.ordinal()];
    }

    /** Bytes charged to byte categories (the slab holds this rounded up to whole blocks). */
    public long charged() {
        return charged;
    }

    /** Heap bytes of the per-block bookkeeping, fixed at start-up and outside the arena. */
    public long metadataBytes() {
        return (long) blockCount * (4 + 4 + 4 + 1 + 4 + 4 + 4);
    }

    /** Owners holding anything now, most recently active first. Allocates; not for the hot path. */
    public List<Owner> activeOwners() {
        List<Owner> list = new ArrayList<>();
        for (Owner o = activeHead; o != null; o = o.next) list.add(o);
        return list;
    }

    // ---------------------------------------------------------------- leak check

    /** Records what is held now as the baseline: what remains held after everything is closed. */
    public void markBaseline() {
        baselineUsed = used();
        baselineCommitted = committed;
        Map<Owner, int[]> snap = new IdentityHashMap<>();
        for (Owner o = activeHead; o != null; o = o.next) snap.put(o, o.used.clone());
        baseline = snap;
    }

    public long baseline() {
        return baselineUsed;
    }

    /** True if every owner holds exactly what it held at the baseline. */
    public boolean atBaseline() {
        return leaks().isEmpty() && used() == baselineUsed && committed == baselineCommitted;
    }

    /** What is held beyond the baseline (or missing from it), by owner and category. */
    public List<Leak> leaks() {
        List<Leak> out = new ArrayList<>();
        for (Owner o = activeHead; o != null; o = o.next) {
            int[] base = baseline.get(o);
            for (int c = 0; c < Category.COUNT; c++) {
                long d = o.used[c] - (base == null ? 0 : base[c]);
                if (d != 0) out.add(new Leak(o.toString(), Category.ALL[c], d));
            }
        }
        for (Map.Entry<Owner, int[]> e : baseline.entrySet()) {
            Owner o = e.getKey();
            if (o.total != 0) continue; // still active: compared above
            for (int c = 0; c < Category.COUNT; c++) {
                if (e.getValue()[c] != 0) out.add(new Leak(o.toString(), Category.ALL[c], -e.getValue()[c]));
            }
        }
        return out;
    }

    /** A human-readable leak report, empty if at baseline. */
    public String leakReport() {
        if (atBaseline()) return "";
        StringBuilder sb = new StringBuilder("budget not at baseline: used ").append(used())
                .append(" bytes, baseline ").append(baselineUsed).append('\n');
        if (committed != baselineCommitted) {
            sb.append("  ").append(committed).append(" blocks committed, ").append(baselineCommitted).append(" at the baseline\n");
        }
        for (Leak l : leaks()) sb.append("  ").append(l).append('\n');
        return sb.toString();
    }

    /** A difference from the baseline: {@code bytes} more (or, if negative, fewer) than at the baseline. */
    public record Leak(String owner, Category category, long bytes) {
        @Override
        public String toString() {
            return owner + " holds " + (bytes > 0 ? bytes + " bytes more" : -bytes + " bytes fewer")
                    + " of " + category + " than at the baseline";
        }
    }

    /** Frees the arena. Any later access to {@link #memory()} fails. */
    @Override
    public void close() {
        arena.close();
    }
}
