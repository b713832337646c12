package net.sloop.testing;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;

/**
 * Heap bytes a transfer allocates per segment once warm, as the allocation tests judge it: the
 * test's thread runs everything (client, simulator, both stacks, the server), so what it
 * allocates is what the transfer costs the heap.
 */
public final class SteadyState {
    /** A full segment's payload at MTU 1500 (without options), to turn bytes into segments. */
    public static final int SEGMENT = 1460;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private SteadyState() {}

    /** What the last round measured. */
    public record Round(long bytes, long segments, long allocated) {
        public double perSegment() {
            return (double) allocated / segments;
        }
    }

    /** Heap bytes this thread has allocated so far (the call itself allocates nothing). */
    public static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    /**
     * Runs {@code round} (it moves some more bytes and returns how many) until one round
     * allocates fewer heap bytes than {@code limit} allows for its segments, at most
     * {@code rounds} times, and returns the last round. A steady state comes after the JIT has
     * compiled the paths, which on a busy machine may be late; a path that allocates per segment
     * allocates in every round, so it fails all of them.
     */
    public static Round measure(int rounds, LongSupplier round, LongUnaryOperator limit) {
        Round last = null;
        for (int i = 0; i < rounds; i++) {
            long before = allocatedBytes();
            long bytes = round.getAsLong();
            long allocated = allocatedBytes() - before;
            last = new Round(bytes, bytes / SEGMENT, allocated);
            if (allocated < limit.applyAsLong(last.segments())) break;
        }
        return last;
    }
}
