package net.sloop.bench;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import net.sloop.tcp.TcpSocket;

/**
 * Bulk throughput robust to a busy machine, for comparing two builds back to back:
 * {@code Rate mtu windows}. After 2 s of warm-up, moves 4 MiB operations (as {@code TcpBench.bulk})
 * for {@code windows} windows of 0.5 s and prints the best and the median window in Gbit/s. A
 * neighbour's burst spoils some windows, rarely the best one.
 */
public final class Rate {
    public static void main(String[] args) throws Exception {
        int mtu = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        try (InMemoryPair p = new InMemoryPair(mtu, 32L << 20, 4096, 1 << 20)) {
            TcpSocket[] s = p.connect();
            MemorySegment src = InMemoryPair.buffer(256 * 1024), dst = InMemoryPair.buffer(256 * 1024);
            long end = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < end) p.transfer(s[0], s[1], TcpBench.CHUNK, src, dst);
            double[] r = new double[windows];
            for (int w = 0; w < windows; w++) {
                long t0 = System.nanoTime(), bytes = 0;
                while (System.nanoTime() - t0 < 500_000_000L) {
                    p.transfer(s[0], s[1], TcpBench.CHUNK, src, dst);
                    bytes += TcpBench.CHUNK;
                }
                r[w] = bytes * 8.0 / (System.nanoTime() - t0);
            }
            Arrays.sort(r);
            System.out.printf("mtu %d: best %.2f median %.2f Gbit/s%n", mtu, r[windows - 1], r[windows / 2]);
            s[0].abort();
            s[1].abort();
        }
    }
}
