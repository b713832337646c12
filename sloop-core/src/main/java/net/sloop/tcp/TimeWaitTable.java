package net.sloop.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.time.Timer;
import net.sloop.time.TimerQueue;

/**
 * Compact records of IPv4 connections in TIME_WAIT (RFC 9293 §3.6), kept in the budget's arena.
 *
 * <p>A connection that enters TIME_WAIT gives up its connection object and its buffers; what it
 * still needs for the 2MSL wait is a 40-byte record here: enough to recognise a segment of the
 * old connection, to answer a retransmitted FIN with a correct ACK (with timestamps if they were
 * on, RFC 7323 §3.2), and to check the timestamps of a new SYN that would reuse the 4-tuple
 * (RFC 6191).
 *
 * <h2>Storage</h2>
 * Records form a FIFO ring of {@link #capacity()} slots, rounded up to whole blocks of {@code K =
 * blockSize / 40} records. Ring slot {@code s} lives in arena block {@code blocks[s / K]} at
 * offset {@code (s % K) * 40}. A block is allocated (category {@link Category#TIME_WAIT}) when the
 * ring's tail enters it and freed as soon as the head leaves it, so an empty table holds no block
 * and a table of {@code n} records about {@code n / K} blocks (with 512-byte blocks, 12 records
 * per block: 42.7 bytes of budget per record). When the table empties, head and tail move back to
 * the start of their block, so the next block taken is filled whole. Every record waits the same
 * duration, so FIFO order is expiry order: one {@link Timer} for the whole table is armed at the
 * head record's expiry (if the timer queue is full the timer is armed again later; {@link #add}
 * and {@link #expire} expire due records themselves).
 *
 * <p>Record layout (native byte order; every field naturally aligned):
 * <pre>
 *   0 int   local address          20 int   ts_recent (peer's last TSval)
 *   4 int   remote address         24 int   timestamp offset (our TSval = clock + offset)
 *   8 u16   local port             28 int   expiry, milliseconds on the caller's clock mod 2^32
 *  10 u16   remote port            32 int   next slot in the hash chain, or -1
 *  12 int   snd_nxt                36 u8    flags: alive (0x80) | caller's flags (0x7F, e.g. {@link #TIMESTAMPS})
 *  16 int   rcv_nxt                37 u8    unused
 *                                  38 u16   window field to send (already scaled)
 * </pre>
 *
 * <h2>Lookup</h2>
 * A fixed array of hash-bucket heads (a power of two, at least half the capacity) with chains
 * through the records' next field. The bucket is chosen by a keyed hash ({@link
 * IsnGenerator#hash(long, long, int, int, int, int)}: SipHash-2-4 with the table's secret), so a
 * peer choosing its ports cannot pile records into one chain.
 *
 * <h2>Removal and reuse</h2>
 * {@link #remove} unlinks a record and marks it dead; its space is reclaimed when the head passes
 * it, and the head always moves eagerly past dead records, so blocks go back as soon as possible.
 * When the ring is full, or no block is available for a new record, the oldest live record is
 * recycled (counted by {@link #recycled()}). A slot number stays valid until its record is
 * removed, expires or is recycled; after that it may name another record.
 *
 * <p>The control structures (this object, its timer and owner, the bucket and block arrays) are
 * charged to {@link Category#CONTROL} when the table is made ({@link #controlBytes()}, measured in
 * {@code ChargeSizeTest}) and returned by {@link #close()}.
 *
 * <p>Not thread-safe; never reads a clock (times are nanoseconds passed in); the operations after
 * construction allocate nothing on the heap.
 */
public final class TimeWaitTable implements AutoCloseable {
    /** Bytes of arena per record. */
    public static final int RECORD_BYTES = 40;
    /** Caller flag: the connection used timestamps (RFC 7323), so its ACKs carry them. */
    public static final int TIMESTAMPS = 0x01;
    /** Caller flag: the peer had sent SACK-permitted. */
    public static final int SACK = 0x02;
    /** Bits of the flags byte free for the caller. */
    public static final int USER_FLAGS = 0x7F;
    /** Longest TIME_WAIT accepted: expiry times are kept in 32-bit milliseconds. */
    public static final long MAX_DURATION_NANOS = 3_600_000_000_000L;

    /**
     * Heap bytes of the table object and its timer, arrays and owner excluded. Measured with JOL in
     * ChargeSizeTest: 168 with compressed oops (table 136, timer 32); 208 covers a heap without
     * them (7 references and a 16-byte header in the table, 2 in the timer).
     */
    public static final int BASE_BYTES = 208;

    private static final int LADDR = 0, RADDR = 4, LPORT = 8, RPORT = 10, SND_NXT = 12, RCV_NXT = 16,
            TS_RECENT = 20, TS_OFFSET = 24, EXPIRY = 28, NEXT = 32, FLAGS = 36, WINDOW = 38;
    private static final int ALIVE = 0x80;
    private static final long NANOS_PER_MS = 1_000_000L;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT;
    private static final ValueLayout.OfByte BYTE = ValueLayout.JAVA_BYTE;

    private final Budget budget;
    private final MemorySegment mem;
    private final TimerQueue timers;
    private final Owner owner = new Owner("time-wait");
    private final Expiry timer = new Expiry();
    private final long k0;
    private final long k1;
    private final int perBlock;
    private final int capacity;
    private final int[] blocks;
    private final int[] buckets;
    private final int mask;
    private final long durationNanos;
    private final int controlBytes;

    private int head;
    private int tail;
    private int occupied; // ring slots from head to tail, dead ones included
    private int size; // live records
    private int heldBlocks;
    private long lastMs; // the latest time seen, in ms: reference for turning 32-bit expiries into deadlines
    private long recycled;
    private long expired;
    private long refused;
    private boolean closed;

    /**
     * Makes an empty table (holding no block) and charges its control structures.
     *
     * @param capacity most records held at once; rounded up to whole blocks
     * @param durationNanos how long a record lives: 2MSL (RFC 9293 §3.4.2; Linux uses 60 s), at most an hour
     * @param k0 first half of the 128-bit secret for the bucket hash (from {@code SecureRandom})
     * @throws IllegalStateException if the budget cannot hold the control structures
     */
    public TimeWaitTable(Budget budget, TimerQueue timers, int capacity, long durationNanos, long k0, long k1) {
        if (capacity < 1 || capacity > 1 << 24) throw new IllegalArgumentException("TIME_WAIT capacity " + capacity + " must be 1 to 2^24");
        if (durationNanos <= 0 || durationNanos > MAX_DURATION_NANOS) {
            throw new IllegalArgumentException("TIME_WAIT duration " + durationNanos + " ns must be positive and at most an hour");
        }
        this.budget = budget;
        this.mem = budget.memory();
        this.timers = timers;
        this.k0 = k0;
        this.k1 = k1;
        this.perBlock = budget.blockSize() / RECORD_BYTES;
        int blockCount = (capacity + perBlock - 1) / perBlock;
        this.capacity = blockCount * perBlock;
        this.blocks = new int[blockCount];
        Arrays.fill(blocks, -1);
        int bucketCount = 1;
        while (bucketCount < (this.capacity + 1) / 2) bucketCount <<= 1;
        this.buckets = new int[bucketCount];
        Arrays.fill(buckets, -1);
        this.mask = buckets.length - 1;
        this.durationNanos = durationNanos;
        this.controlBytes = controlBytes(blockCount, buckets.length);
        if (!budget.charge(Category.CONTROL, owner, controlBytes)) {
            throw new IllegalStateException("budget cannot hold a TIME_WAIT table of " + this.capacity + " records ("
                    + controlBytes + " bytes of control structures)");
        }
    }

    /** Heap bytes charged for a table with {@code blockCount} block handles and {@code bucketCount} buckets. */
    static int controlBytes(int blockCount, int bucketCount) {
        return BASE_BYTES + Owner.HEAP_BYTES + intArray(blockCount) + intArray(bucketCount);
    }

    private static int intArray(int n) {
        return (16 + 4 * n + 7) & ~7;
    }

    // ---------------------------------------------------------------- operations

    /**
     * Adds a record for a connection entering TIME_WAIT at {@code now}; it expires at {@code now +
     * duration}. Records already due are expired first, and a record for the same 4-tuple is
     * replaced. If the ring is full the oldest live record is recycled to make room; if the record
     * needs a new block and none is available, the oldest records are recycled until the head
     * gives one back (up to a block's worth). Returns the record's slot, or -1 (counted by {@link
     * #refused()} and by the budget) if no block can be had even so: the table is empty, or giving
     * back all its blocks would not lift the budget above its receive reserve, in which case no
     * record is sacrificed.
     *
     * @param window the window field its ACKs carry (already shifted by the window scale)
     * @param flags caller flags ({@link #TIMESTAMPS}, {@link #SACK}; bits of {@link #USER_FLAGS})
     */
    public int add(long now, int laddr, int lport, int raddr, int rport, int sndNxt, int rcvNxt, int tsRecent,
            int tsOffset, int window, int flags) {
        open();
        expire(now);
        int old = find(laddr, lport, raddr, rport);
        if (old >= 0) kill(old);
        if (occupied == capacity) recycleOldest();
        int b = tail / perBlock;
        if (blocks[b] < 0) {
            int block = obtainBlock();
            if (block < 0) {
                refused++;
                return -1;
            }
            blocks[b] = block;
            heldBlocks++;
        }
        int s = tail;
        long at = budget.base(blocks[b]) + (long) (s % perBlock) * RECORD_BYTES;
        mem.set(INT, at + LADDR, laddr);
        mem.set(INT, at + RADDR, raddr);
        mem.set(SHORT, at + LPORT, (short) lport);
        mem.set(SHORT, at + RPORT, (short) rport);
        mem.set(INT, at + SND_NXT, sndNxt);
        mem.set(INT, at + RCV_NXT, rcvNxt);
        mem.set(INT, at + TS_RECENT, tsRecent);
        mem.set(INT, at + TS_OFFSET, tsOffset);
        mem.set(INT, at + EXPIRY, (int) Math.ceilDiv(now + durationNanos, NANOS_PER_MS));
        mem.set(BYTE, at + FLAGS, (byte) (flags & USER_FLAGS | ALIVE));
        mem.set(BYTE, at + FLAGS + 1, (byte) 0);
        mem.set(SHORT, at + WINDOW, (short) window);
        int bucket = bucket(laddr, lport, raddr, rport);
        mem.set(INT, at + NEXT, buckets[bucket]);
        buckets[bucket] = s;
        tail = s + 1 == capacity ? 0 : s + 1;
        occupied++;
        size++;
        if (s == head || !timer.armed()) arm();
        return s;
    }

    /** The slot of the live record for this 4-tuple, or -1. */
    public int find(int laddr, int lport, int raddr, int rport) {
        lport &= 0xFFFF;
        rport &= 0xFFFF;
        for (int s = buckets[bucket(laddr, lport, raddr, rport)]; s >= 0; ) {
            long at = at(s);
            if (mem.get(INT, at + LADDR) == laddr && mem.get(INT, at + RADDR) == raddr
                    && (mem.get(SHORT, at + LPORT) & 0xFFFF) == lport && (mem.get(SHORT, at + RPORT) & 0xFFFF) == rport) {
                return s;
            }
            s = mem.get(INT, at + NEXT);
        }
        return -1;
    }

    /** Removes the record in {@code slot} (for example when a new connection takes over its 4-tuple). */
    public void remove(int slot) {
        live(slot);
        kill(slot);
    }

    /**
     * Restarts the 2MSL wait of the record in {@code slot}, as RFC 9293 §3.10.7.4 asks when a
     * retransmitted FIN arrives in TIME_WAIT. Records live in expiry order, so this is a remove
     * and an add at the tail with the same fields; returns the new slot, or -1 if the record could
     * not be added again (see {@link #add}), in which case it is gone.
     */
    public int restart(int slot, long now) {
        long at = live(slot);
        int laddr = mem.get(INT, at + LADDR), raddr = mem.get(INT, at + RADDR);
        int lport = mem.get(SHORT, at + LPORT) & 0xFFFF, rport = mem.get(SHORT, at + RPORT) & 0xFFFF;
        int sndNxt = mem.get(INT, at + SND_NXT), rcvNxt = mem.get(INT, at + RCV_NXT);
        int tsRecent = mem.get(INT, at + TS_RECENT), tsOffset = mem.get(INT, at + TS_OFFSET);
        int window = mem.get(SHORT, at + WINDOW) & 0xFFFF, flags = mem.get(BYTE, at + FLAGS) & USER_FLAGS;
        kill(slot);
        return add(now, laddr, lport, raddr, rport, sndNxt, rcvNxt, tsRecent, tsOffset, window, flags);
    }

    /**
     * The budget-pressure hook: recycles the oldest record, freeing its block if that empties it.
     * Returns false if the table was empty.
     */
    public boolean reclaimOldest() {
        open();
        if (size == 0) return false;
        recycleOldest();
        return true;
    }

    /**
     * Recycles the oldest records until one block goes back to the budget (at most one block's
     * worth of records). Returns false if the table held no block.
     */
    public boolean reclaimBlock() {
        open();
        int held = heldBlocks;
        while (size > 0 && heldBlocks == held) recycleOldest();
        return heldBlocks < held;
    }

    /** Expires every record due at {@code now} (the timer does this by itself) and re-arms the timer. */
    public void expire(long now) {
        open();
        long ms = Math.floorDiv(now, NANOS_PER_MS);
        if (ms > lastMs || size == 0) lastMs = ms;
        int nowMs = (int) ms;
        boolean moved = false;
        while (size > 0 && nowMs - mem.get(INT, at(head) + EXPIRY) >= 0) {
            unlink(head);
            markDead(head);
            expired++;
            advanceHead();
            moved = true;
        }
        if (moved || !timer.armed()) arm();
    }

    /** Removes every record and returns every block (at stack close). */
    public void clear() {
        timers.cancel(timer);
        for (int b = 0; b < blocks.length; b++) {
            if (blocks[b] >= 0) {
                budget.free(blocks[b]);
                blocks[b] = -1;
            }
        }
        Arrays.fill(buckets, -1);
        head = tail = occupied = size = heldBlocks = 0;
    }

    /** {@link #clear()}, then returns the charge for the control structures. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        clear();
        budget.uncharge(Category.CONTROL, owner, controlBytes);
        closed = true;
    }

    // ---------------------------------------------------------------- record fields

    public int localAddress(int slot) {
        return mem.get(INT, live(slot) + LADDR);
    }

    public int localPort(int slot) {
        return mem.get(SHORT, live(slot) + LPORT) & 0xFFFF;
    }

    public int remoteAddress(int slot) {
        return mem.get(INT, live(slot) + RADDR);
    }

    public int remotePort(int slot) {
        return mem.get(SHORT, live(slot) + RPORT) & 0xFFFF;
    }

    /** Our next sequence number: the SEQ of the ACKs we send. */
    public int sndNxt(int slot) {
        return mem.get(INT, live(slot) + SND_NXT);
    }

    /** The next sequence number we expect: the ACK of the ACKs we send (one past the peer's FIN). */
    public int rcvNxt(int slot) {
        return mem.get(INT, live(slot) + RCV_NXT);
    }

    public void rcvNxt(int slot, int value) {
        mem.set(INT, live(slot) + RCV_NXT, value);
    }

    /** The peer's latest TSval (RFC 7323 §4.3), echoed in TSecr. */
    public int tsRecent(int slot) {
        return mem.get(INT, live(slot) + TS_RECENT);
    }

    public void tsRecent(int slot, int value) {
        mem.set(INT, live(slot) + TS_RECENT, value);
    }

    /** Added to the stack's timestamp clock to give this connection's TSval. */
    public int tsOffset(int slot) {
        return mem.get(INT, live(slot) + TS_OFFSET);
    }

    /** The window field to send, as it goes in the header. */
    public int window(int slot) {
        return mem.get(SHORT, live(slot) + WINDOW) & 0xFFFF;
    }

    /** The caller's flags given to {@link #add}. */
    public int flags(int slot) {
        return mem.get(BYTE, live(slot) + FLAGS) & USER_FLAGS;
    }

    /**
     * When the record expires, in nanoseconds on the caller's clock (rounded up to a millisecond).
     */
    public long expiresAt(int slot) {
        return deadline(mem.get(INT, live(slot) + EXPIRY));
    }

    // ---------------------------------------------------------------- figures

    /** Live records. */
    public int size() {
        return size;
    }

    /** Most records held at once (the configured capacity rounded up to whole blocks). */
    public int capacity() {
        return capacity;
    }

    /** Records per arena block. */
    public int recordsPerBlock() {
        return perBlock;
    }

    /** Arena blocks held now. */
    public int blocksHeld() {
        return heldBlocks;
    }

    /** Live records dropped before their time to make room (full ring, no block, budget pressure). */
    public long recycled() {
        return recycled;
    }

    /** Records that lived their full duration. */
    public long expired() {
        return expired;
    }

    /** Adds that failed because no block could be had. */
    public long refused() {
        return refused;
    }

    /** Bytes of control structures charged to {@link Category#CONTROL} while the table is open. */
    public int controlBytes() {
        return controlBytes;
    }

    public Owner owner() {
        return owner;
    }

    /** Number of hash buckets (package-private for tests). */
    int bucketCount() {
        return buckets.length;
    }

    /** The bucket of a 4-tuple (package-private for tests). */
    int bucket(int laddr, int lport, int raddr, int rport) {
        return IsnGenerator.hash(k0, k1, laddr, lport & 0xFFFF, raddr, rport & 0xFFFF) & mask;
    }

    // ---------------------------------------------------------------- internals

    private void open() {
        if (closed) throw new IllegalStateException("TIME_WAIT table closed");
    }

    /** Arena offset of slot {@code s}, which must be in an allocated block. */
    private long at(int s) {
        return budget.base(blocks[s / perBlock]) + (long) (s % perBlock) * RECORD_BYTES;
    }

    /** Arena offset of slot {@code s}, checked to hold a live record. */
    private long live(int s) {
        open();
        if (s < 0 || s >= capacity || Math.floorMod(s - head, capacity) >= occupied) {
            throw new IllegalArgumentException("slot " + s + " holds no record");
        }
        long at = at(s);
        if ((mem.get(BYTE, at + FLAGS) & ALIVE) == 0) throw new IllegalArgumentException("slot " + s + " holds no live record");
        return at;
    }

    private void kill(int s) {
        unlink(s);
        markDead(s);
        if (s == head) {
            advanceHead();
            arm();
        }
    }

    private void recycleOldest() {
        unlink(head);
        markDead(head);
        recycled++;
        advanceHead();
        arm();
    }

    private void markDead(int s) {
        long at = at(s);
        mem.set(BYTE, at + FLAGS, (byte) (mem.get(BYTE, at + FLAGS) & ~ALIVE));
        size--;
    }

    private void unlink(int s) {
        long at = at(s);
        int bucket = bucket(mem.get(INT, at + LADDR), mem.get(SHORT, at + LPORT), mem.get(INT, at + RADDR), mem.get(SHORT, at + RPORT));
        int next = mem.get(INT, at + NEXT);
        int prev = -1;
        for (int x = buckets[bucket]; x != s; x = mem.get(INT, at(x) + NEXT)) {
            if (x < 0) throw new IllegalStateException("slot " + s + " missing from its hash chain");
            prev = x;
        }
        if (prev < 0) buckets[bucket] = next;
        else mem.set(INT, at(prev) + NEXT, next);
    }

    /** Moves the head past dead records, returning each block the head leaves behind for good. */
    private void advanceHead() {
        while (occupied > 0 && (mem.get(BYTE, at(head) + FLAGS) & ALIVE) == 0) {
            int b = head / perBlock;
            head = head + 1 == capacity ? 0 : head + 1;
            occupied--;
            // The block stays while an occupied slot remains in it: the head still in it, or the
            // tail wrapped round into its start.
            if (occupied == 0 || (head / perBlock != b && (tail == 0 ? capacity - 1 : tail - 1) / perBlock != b)) {
                budget.free(blocks[b]);
                blocks[b] = -1;
                heldBlocks--;
            }
        }
        // Empty: start again at the beginning of the tail's block, so the next block taken is filled whole.
        if (occupied == 0) head = tail = tail - tail % perBlock;
    }

    /**
     * A block for the tail: recycles the oldest records while that can make one available (the
     * table's own blocks go back to the budget as the head passes them). Returns -1 if none can be
     * had, counted by the budget as a refusal.
     */
    private int obtainBlock() {
        while (!budget.available(Category.TIME_WAIT, 1)) {
            // Giving back all our blocks would not be enough: another category holds them.
            if (size == 0 || budget.freeBlocks() + heldBlocks < budget.reserveBlocks() + 1) {
                budget.refuse(Category.TIME_WAIT, owner);
                return -1;
            }
            recycleOldest();
        }
        return budget.alloc(Category.TIME_WAIT, owner);
    }

    /** Arms the timer for the head record, or disarms it when the table is empty. */
    private void arm() {
        if (size == 0) {
            timers.cancel(timer);
            return;
        }
        // If the queue is full the timer stays unarmed; add and expire try again, and add expires
        // due records itself, so records still go in time order.
        timers.arm(timer, deadline(mem.get(INT, at(head) + EXPIRY)));
    }

    /** Nanoseconds of a 32-bit millisecond expiry, taken as the one nearest the latest time seen. */
    private long deadline(int expiryMs) {
        return (lastMs + (expiryMs - (int) lastMs)) * NANOS_PER_MS;
    }

    private final class Expiry extends Timer {
        @Override
        protected void fire(long now) {
            expire(now);
        }
    }
}
