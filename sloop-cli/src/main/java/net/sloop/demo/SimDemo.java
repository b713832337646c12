package net.sloop.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.sloop.link.Link;
import net.sloop.link.PcapTap;
import net.sloop.link.PcapWriter;
import net.sloop.sim.Impairments;
import net.sloop.sim.SimNetwork;
import net.sloop.sim.SimPort;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Address;

/**
 * Two stacks over a simulated lossy Ethernet: A pings B, sends numbered UDP datagrams that B
 * echoes back, then moves bytes through B's TCP echo service and back ({@link TcpEcho}). Prints
 * what arrived, what was lost and where, what TCP did about it, and the memory figures of both
 * budgets, which end at their baselines. Runs in simulated time: the same seed, the same run.
 */
public final class SimDemo {
    /** What the demo does. */
    public record Options(long seed, double loss, int pings, int datagrams, int payload, long budgetBytes,
                          int blockSize, Path pcap, int tcpBytes) {
        /** Without a TCP transfer (the demo of ping and UDP alone). */
        public Options(long seed, double loss, int pings, int datagrams, int payload, long budgetBytes, int blockSize, Path pcap) {
            this(seed, loss, pings, datagrams, payload, budgetBytes, blockSize, pcap, 0);
        }
    }

    /** What came of it: {@code tcpIntact} is true when the TCP transfer (if any) came back byte for byte. */
    public record Result(int pingReplies, int echoed, int duplicates, boolean intact, boolean atBaseline, long simNanos,
                         boolean tcpIntact) {}

    private SimDemo() {}

    /** A stack's configuration for the demo, with a TCP secret of the seed's (never 0, which means "draw one"). */
    private static StackConfig config(Options o, long secret) {
        TcpConfig tcp = TcpConfig.defaults().toBuilder().secret(secret != 0 ? secret : 1).build();
        return StackConfig.builder().budget(o.budgetBytes()).blockSize(o.blockSize()).tcp(tcp).build();
    }

    public static Result run(Options o, PrintStream out) throws IOException {
        int addrA = Ipv4Address.parse("198.18.0.1");
        int addrB = Ipv4Address.parse("198.18.0.2");
        SimNetwork net = new SimNetwork(o.seed());
        Impairments imp = Impairments.none().withLoss(o.loss()).withDelay(Time.millis(2)).withJitter(Time.micros(500))
                .withReorder(o.loss() / 2, Time.millis(3)).withDuplicate(o.loss() / 2).withCorrupt(o.loss() / 4);
        SimPort pa = net.port("a0", Link.Kind.ETHERNET, 0x02_00_00_00_00_01L, 1500, imp);
        SimPort pb = net.port("b0", Link.Kind.ETHERNET, 0x02_00_00_00_00_02L, 1500, imp);
        net.connect(pa, pb);
        // Same seed, same packets: each stack's TCP secret (ISNs, timestamp offsets, ephemeral
        // ports, cookies, challenge ACK budgets) is drawn from the seed, not from SecureRandom as
        // on a real device.
        SplittableRandom secrets = new SplittableRandom(o.seed());
        StackConfig configA = config(o, secrets.nextLong());
        StackConfig configB = config(o, secrets.nextLong());
        Link linkA = o.pcap() == null ? pa : new PcapTap(pa, new PcapWriter(o.pcap(), Link.Kind.ETHERNET));
        try (Stack a = new Stack(configA); Stack b = new Stack(configB)) {
            a.addInterface(linkA, addrA, 24);
            b.addInterface(pb, addrB, 24);
            net.addNode(a);
            net.addNode(b);
            out.printf("two stacks, %s and %s, over a simulated Ethernet: loss %.0f%%, duplication %.0f%%, reordering %.0f%%, corruption %.1f%%, 2 ms delay (seed %d)%n",
                    Ipv4Address.toString(addrA), Ipv4Address.toString(addrB), o.loss() * 100, o.loss() * 50, o.loss() * 50, o.loss() * 25, o.seed());
            out.printf("each stack: a budget of %d bytes in %d-byte blocks; %d bytes in use at baseline (transmit frame and tables)%n%n",
                    a.budget().capacity(), a.budget().blockSize(), a.budget().baseline());

            // Ping.
            int[] replies = {0};
            a.icmp().echoListener((now, from, id, seq, len) -> replies[0]++);
            MemorySegment pingData = MemorySegment.ofArray(new byte[56]);
            for (int i = 0; i < o.pings(); i++) {
                a.icmp().sendEcho(net.now(), addrB, 1, i, pingData, 0, 56);
                net.runFor(Time.millis(100));
            }
            out.printf("ping: %d echo requests, %d replies%n", o.pings(), replies[0]);

            // UDP echo: B returns whatever it receives; A checks every datagram.
            UdpSocket echo = b.udp().open(0, 7);
            echo.onReadable(() -> {
                UdpSocket.Datagram d;
                while ((d = echo.receive()) != null) echo.send(net.now(), d.source(), d.sourcePort(), d.data());
            });
            UdpSocket client = a.udp().open(0, 5000, 64, 32 * 1024);
            boolean[] seen = new boolean[o.datagrams()];
            int[] counts = new int[3]; // echoed, duplicates, corrupt
            client.onReadable(() -> {
                UdpSocket.Datagram d;
                while ((d = client.receive()) != null) {
                    int n = check(d.data(), o.payload());
                    if (n < 0 || n >= seen.length) counts[2]++;
                    else if (seen[n]) counts[1]++;
                    else {
                        seen[n] = true;
                        counts[0]++;
                    }
                }
            });
            long peakA = 0;
            for (int i = 0; i < o.datagrams(); i++) {
                client.send(net.now(), addrB, 7, datagram(i, o.payload()));
                net.runFor(Time.millis(1));
                peakA = Math.max(peakA, a.budget().used());
            }
            net.runFor(Time.seconds(1));
            out.printf("udp: %d datagrams of %d bytes sent to B's echo port, %d came back intact, %d duplicates, %d corrupt%n",
                    o.datagrams(), o.payload(), counts[0], counts[1], counts[2]);
            out.printf("     (the rest were lost on the way there or back: the counters below say where)%n%n");
            echo.close();
            client.close();

            boolean tcpIntact = o.tcpBytes() <= 0 || TcpEcho.run(net, a, b, addrB, o.tcpBytes(), o.seed(), out);
            net.runFor(Time.seconds(61)); // let fragments, ARP entries and TIME_WAIT records expire
            a.drain();
            b.drain();

            out.printf("link a0 -> b0: %s%n", pa.stats());
            out.printf("link b0 -> a0: %s%n%n", pb.stats());
            out.println("stack A");
            out.println(indent(a.report()));
            out.println("stack B");
            out.println(indent(b.report()));
            boolean base = a.budget().atBaseline() && b.budget().atBaseline();
            out.printf("after closing everything: A uses %d bytes (baseline %d), B uses %d bytes (baseline %d): %s%n",
                    a.budget().used(), a.budget().baseline(), b.budget().used(), b.budget().baseline(),
                    base ? "both back at baseline" : "NOT at baseline\n" + a.budget().leakReport() + b.budget().leakReport());
            if (o.pcap() != null) out.printf("capture of A's link written to %s%n", o.pcap());
            return new Result(replies[0], counts[0], counts[1], counts[2] == 0, base, net.now(), tcpIntact);
        }
    }

    private static byte[] datagram(int n, int size) {
        byte[] d = new byte[Math.max(size, 8)];
        for (int i = 0; i < 4; i++) d[i] = (byte) (n >>> (24 - 8 * i));
        for (int i = 4; i < d.length; i++) d[i] = (byte) (n * 31 + i);
        return d;
    }

    /** The datagram's number if its content is exactly what {@link #datagram} makes; -1 if not. */
    private static int check(byte[] d, int size) {
        if (d.length != Math.max(size, 8)) return -1;
        int n = ((d[0] & 0xFF) << 24) | ((d[1] & 0xFF) << 16) | ((d[2] & 0xFF) << 8) | (d[3] & 0xFF);
        for (int i = 4; i < d.length; i++) if (d[i] != (byte) (n * 31 + i)) return -1;
        return n;
    }

    private static String indent(String s) {
        return "  " + s.replace("\n", "\n  ").stripTrailing();
    }
}
