package net.sloop.bench;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * What a thread's first work after a pause costs on this machine, with no network in it
 * ({@code ./bench cold}): a compiled loop touches a fixed set of cache lines spread over a 64 MiB
 * array (as a stack's working set is spread over its heap, its arena and its code), once straight
 * after the last time, once after 2 ms asleep, once after 200 ms asleep (a ping's interval in
 * {@code ./bench tun}). The median of 50 of each, in microseconds. Where the 200 ms column is many
 * times the first, the caches and TLBs have lost the working set while the thread slept, and a
 * reply that touches more memory pays more for it: the difference between a JVM's ping and a few
 * lines of C.
 */
public final class ColdTouch {
    private static final int LONGS_PER_PAGE = 512, LONGS_PER_LINE = 8;

    private ColdTouch() {}

    /** Touches {@code linesPerPage} cache lines in each of {@code pages} 4 KiB pages, {@code stride} pages apart. */
    static long touch(long[] a, int pages, int linesPerPage, int stride) {
        long s = 0;
        for (int p = 0; p < pages; p++) {
            int base = p * stride * LONGS_PER_PAGE;
            for (int l = 0; l < linesPerPage; l++) s += a[base + l * LONGS_PER_LINE]++;
        }
        return s;
    }

    public static void main(String[] args) {
        long[] a = new long[8 << 20]; // 64 MiB, as serve's arena at --budget 64m
        int[][] shapes = {{1, 8}, {50, 4}, {200, 2}, {200, 8}};
        long[] sleeps = {0, 2_000_000L, 200_000_000L};
        long sink = 0;
        System.out.println("| cache lines touched (pages x lines) | right after (us) | after 2 ms asleep (us) | after 200 ms asleep (us) |");
        System.out.println("|---|---|---|---|");
        for (int[] shape : shapes) {
            int pages = shape[0], lines = shape[1], stride = (a.length / LONGS_PER_PAGE) / pages;
            for (int i = 0; i < 200_000; i++) sink += touch(a, pages, lines, stride); // compiled, and warm
            StringBuilder row = new StringBuilder("| " + pages * lines + " (" + pages + " x " + lines + ") |");
            for (long sleep : sleeps) {
                long[] t = new long[50];
                for (int i = 0; i < t.length; i++) {
                    if (sleep > 0) LockSupport.parkNanos(sleep);
                    long t0 = System.nanoTime();
                    sink += touch(a, pages, lines, stride);
                    t[i] = System.nanoTime() - t0;
                }
                Arrays.sort(t);
                row.append(String.format(" %.1f |", t[t.length / 2] / 1e3));
            }
            System.out.println(row);
        }
        if (sink == 42) System.out.println(); // keeps the loop's result alive
    }
}
