package net.sloop.bench;

import java.lang.foreign.MemorySegment;
import net.sloop.tcp.TcpSocket;

/** Runs the bulk transfer (or connection churn) for a while, for a profiler: {@code Profile bulk|conns mtu seconds}. */
public final class Profile {
    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "bulk";
        int mtu = args.length > 1 ? Integer.parseInt(args[1]) : 65535;
        long until = System.nanoTime() + (args.length > 2 ? Long.parseLong(args[2]) : 20) * 1_000_000_000L;
        try (InMemoryPair p = what.equals("bulk") ? new InMemoryPair(mtu, 32L * 1024 * 1024, Integer.getInteger("block", 4096), Integer.getInteger("buffer", 1024 * 1024))
                : new InMemoryPair(1500, 8L * 1024 * 1024, 2048, 16 * 1024)) {
            if (what.equals("bulk")) {
                TcpSocket[] s = p.connect();
                MemorySegment src = InMemoryPair.buffer(256 * 1024), dst = InMemoryPair.buffer(256 * 1024);
                long bytes = 0, t0 = System.nanoTime();
                while (System.nanoTime() < until) {
                    p.transfer(s[0], s[1], 64L << 20, src, dst);
                    bytes += 64L << 20;
                }
                System.out.printf("%.2f Gbit/s%n", bytes * 8.0 / (System.nanoTime() - t0));
                s[0].abort();
                s[1].abort();
            } else {
                long n = 0, t0 = System.nanoTime();
                while (System.nanoTime() < until) {
                    p.connectAndClose();
                    n++;
                }
                System.out.printf("%.0f connections/s%n", n * 1e9 / (System.nanoTime() - t0));
            }
        }
    }
}
