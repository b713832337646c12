package net.sloop.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.blocking.BlockingTcp;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.ServiceStats;
import net.sloop.service.Services;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;

/**
 * Sloop over a real TUN device with Linux as the peer, for {@code ./bench tun}
 * ({@code scripts/bench_tun.sh}): a namespace "sloop-bench-PID" holding the device's host side
 * (198.18.251.1/24), Sloop at 198.18.251.2 on the other side, driven by a {@link StackRunner}.
 * Linux's ends run inside the namespace: python3 sending or receiving bytes over one socket, and
 * {@code tcp_cps client} connecting and closing. Sloop's ends are {@link BlockingSocket}s
 * reading into / writing from one off-heap buffer, and its discard service for connections. Prints properties:
 * {@code tun.linux_to_sloop.gbps}, {@code tun.sloop_to_linux.gbps}, {@code tun.cps}, and the
 * stack's memory and counters as comments.
 *
 * <p>Usage: {@code TunBench BYTES CPS_SECONDS TCP_CPS_BINARY [MTU]}
 */
public final class TunBench {
    static final String HOST = "198.18.251.1", SLOOP = "198.18.251.2";
    static final int BUFFER = 1 << 20;

    /** Linux's sender: zeros from one buffer, timed from connect to the end of its FIN's exchange. */
    static final String SEND = """
            import socket, sys, time
            n = int(sys.argv[3]); buf = memoryview(bytes(1 << 20)); sent = 0
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
            t = time.monotonic()
            while sent < n:
                k = min(len(buf), n - sent); s.sendall(buf[:k]); sent += k
            s.shutdown(socket.SHUT_WR); s.recv(1); s.close()
            print(sent, time.monotonic() - t)
            """;

    /** Linux's receiver: reads to end of stream, timed from the first byte. */
    static final String RECEIVE = """
            import socket, sys, time
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
            buf = bytearray(1 << 20); got = s.recv_into(buf); t = time.monotonic()
            while True:
                k = s.recv_into(buf)
                if k == 0: break
                got += k
            print(got, time.monotonic() - t)
            """;

    public static void main(String[] args) throws Exception {
        long bytes = Long.parseLong(args[0]);
        double cpsSeconds = Double.parseDouble(args[1]);
        String tcpCps = args[2];
        int mtu = args.length > 3 ? Integer.parseInt(args[3]) : 1500;
        // off: plain frames; on: virtio-net headers, GSO/checksum offload both ways; rx: offload, but
        // Sloop fills its own checksums; default: TunLink.DEFAULT_OFFLOAD
        String offload = args.length > 4 ? args[4] : "default";
        TunLink.Options opts = TunLink.Options.defaults().mtu(mtu);
        opts = switch (offload) {
            case "off" -> opts.offload(false);
            case "on" -> opts.offload(true);
            case "rx" -> opts.offload(true).transmitChecksumOffload(false);
            case "default" -> opts;
            default -> throw new IllegalArgumentException("offload mode off|on|rx|default, was " + offload);
        };
        PrintStream out = System.out;
        String ns = "sloop-bench-" + ProcessHandle.current().pid();
        HostNet.createNamespace(ns);
        Stack stack = null;
        StackRunner runner = null;
        try {
            TunLink link = TunLink.open("sloopb0", TunLink.Mode.TUN, opts);
            HostNet.configureHostSide(ns, link.name(), mtu, HOST + "/24");
            // Many client TIME_WAITs in the connection test: let Linux reuse them (its namespace only).
            HostNet.exec(ns, 10, "sysctl", "-q", "-w", "net.ipv4.tcp_tw_reuse=1", "net.ipv4.ip_local_port_range=10000 65000");
            StackConfig cfg = StackConfig.builder().budget(16L << 20).blockSize(2048).maxMtu(mtu).timerCapacity(1024)
                    .tcp(TcpConfig.builder().sendBuffer(BUFFER).receiveBuffer(BUFFER).timeWaitRecords(4096).build()).build();
            stack = new Stack(cfg);
            stack.addInterface(link, SLOOP + "/24");
            runner = StackRunner.start(stack);
            BlockingTcp tcp = new BlockingTcp(runner, stack);
            out.printf(Locale.ROOT, "# Sloop: budget %d MiB, blocks %d, send/receive buffers %d KiB, MTU %d, link %s%n",
                    cfg.budgetBytes() >> 20, cfg.blockSize(), BUFFER >> 10, mtu, opts);
            out.printf(Locale.ROOT, "tun.offload=%s%n", link.offload() ? (link.transmitChecksumPartial() ? "on" : "rx") : "off");

            // warm-up: 1/10 of the transfer each way (JIT), not reported
            linuxToSloop(ns, tcp, bytes / 10, 5101);
            sloopToLinux(ns, tcp, bytes / 10, 5102);

            double[] in = linuxToSloop(ns, tcp, bytes, 5001);
            out.printf(Locale.ROOT, "tun.linux_to_sloop.bytes=%d%ntun.linux_to_sloop.seconds=%.3f%ntun.linux_to_sloop.gbps=%.3f%n"
                    + "tun.linux_to_sloop.sender_seconds=%.3f%n", bytes, in[0], bytes * 8 / in[0] / 1e9, in[1]);
            double outS = sloopToLinux(ns, tcp, bytes, 5002);
            out.printf(Locale.ROOT, "tun.sloop_to_linux.bytes=%d%ntun.sloop_to_linux.seconds=%.3f%ntun.sloop_to_linux.gbps=%.3f%n",
                    bytes, outS, bytes * 8 / outS / 1e9);
            if (cpsSeconds > 0) cps(ns, runner, stack, cpsSeconds, tcpCps, out);
            Stack st = stack;
            runner.lock();
            try {
                out.printf(Locale.ROOT, "tun.link.received=%d%ntun.link.gso_received=%d%ntun.link.checksum_trusted=%d%n"
                        + "tun.link.transmitted=%d%ntun.link.transmit_dropped=%d%n", link.received(), link.gsoFramesReceived(),
                        link.checksumTrustedReceived(), link.transmitted(), link.transmitDropped());
                for (String line : st.report().split("\n")) out.println("# " + line);
            } finally {
                runner.unlock();
            }
        } finally {
            if (runner != null) runner.close();
            if (stack != null) stack.close();
            HostNet.deleteNamespace(ns);
        }
    }

    /** Returns {Sloop's receive time from the first byte to end of stream, Linux's send time}. */
    static double[] linuxToSloop(String ns, BlockingTcp tcp, long bytes, int port) throws Exception {
        try (BlockingServerSocket server = tcp.listen(0, port, 4)) {
            CompletableFuture<Double> sloop = onThread(() -> {
                try (BlockingSocket s = server.accept(Duration.ofSeconds(30)); Arena a = Arena.ofConfined()) {
                    s.setSoTimeout(Duration.ofSeconds(30));
                    MemorySegment buf = a.allocate(1 << 16);
                    long got = s.read(buf, 0, (int) buf.byteSize());
                    long t0 = System.nanoTime();
                    for (int n; (n = s.read(buf, 0, (int) buf.byteSize())) > 0; ) got += n;
                    if (got != bytes) throw new IOException("got " + got + " of " + bytes);
                    return (System.nanoTime() - t0) / 1e9;
                }
            });
            HostNet.Result r = HostNet.exec(ns, 600, "python3", "-c", SEND, SLOOP, Integer.toString(port), Long.toString(bytes));
            if (!r.ok()) throw new IOException("python3 sender: " + r.output());
            double linux = Double.parseDouble(r.output().strip().split(" ")[1]);
            return new double[] {sloop.get(60, TimeUnit.SECONDS), linux};
        }
    }

    /** Returns Linux's receive time from the first byte to end of stream. */
    static double sloopToLinux(String ns, BlockingTcp tcp, long bytes, int port) throws Exception {
        try (BlockingServerSocket server = tcp.listen(0, port, 4)) {
            CompletableFuture<Double> sloop = onThread(() -> {
                try (BlockingSocket s = server.accept(Duration.ofSeconds(30)); Arena a = Arena.ofConfined()) {
                    s.setWriteTimeout(Duration.ofSeconds(30));
                    MemorySegment buf = a.allocate(1 << 16);
                    for (long sent = 0; sent < bytes; ) {
                        int n = (int) Math.min(buf.byteSize(), bytes - sent);
                        s.write(buf, 0, n);
                        sent += n;
                    }
                    s.shutdownOutput();
                    return 0.0;
                }
            });
            HostNet.Result r = HostNet.exec(ns, 600, "python3", "-c", RECEIVE, SLOOP, Integer.toString(port));
            if (!r.ok()) throw new IOException("python3 receiver: " + r.output());
            sloop.get(60, TimeUnit.SECONDS);
            String[] f = r.output().strip().split(" ");
            if (Long.parseLong(f[0]) != bytes) throw new IOException("Linux got " + f[0] + " of " + bytes);
            return Double.parseDouble(f[1]);
        }
    }

    /**
     * Linux's tcp_cps client against Sloop's discard service (port 9: accepts, reads to end of
     * stream, closes; on the runner's thread, event-driven, as a device would serve).
     */
    static void cps(String ns, StackRunner runner, Stack stack, double seconds, String tcpCps, PrintStream out) throws Exception {
        Services svc = runner.call(() -> Services.start(stack, ServiceConfig.builder().tcp(ServiceKind.DISCARD).udp()
                .maxConnections(512).backlog(64).buffers(16 * 1024, 16 * 1024).build()));
        try {
            HostNet.Result r = HostNet.exec(ns, (int) seconds + 30, tcpCps, "client", SLOOP, "9", Double.toString(seconds));
            out.print(r.output().replace("tcp.cps", "tun.cps"));
            if (!r.ok()) throw new IOException("tcp_cps: exit " + r.exitCode() + ": " + r.output());
            Thread.sleep(500);
            ServiceStats st = runner.call(() -> svc.stats(ServiceKind.DISCARD, false));
            out.printf("tun.cps.served=%d%ntun.cps.refused=%d%ntun.cps.peak_active=%d%n", st.served(), st.refused(), st.peakActive());
        } finally {
            runner.run(svc::close);
        }
    }

    interface Task<T> {
        T run() throws Exception;
    }

    static <T> CompletableFuture<T> onThread(Task<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(task.run());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }
}
