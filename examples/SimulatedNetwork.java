// Two Sloop stacks on a seeded, lossy simulated Ethernet, in simulated time: a client sends
// 200 KB to an echo server written on the event-driven API, checks what comes back, closes
// everything, lets the stacks' timers run out, and checks that both budgets are back at their
// baseline (Stack.explainHeld says what is held, and why, if not).
//
// Run it (after ./sloop demo or ./test has built Sloop):
//   examples/run SimulatedNetwork.java [SEED]
// The same seed gives the same packets, so a failure found here replays exactly.

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import net.sloop.link.Link;
import net.sloop.sim.Impairments;
import net.sloop.sim.SimNetwork;
import net.sloop.sim.SimPort;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;

public class SimulatedNetwork {
    public static void main(String[] args) throws Exception {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        int client = Ipv4Address.parse("198.18.0.1"), server = Ipv4Address.parse("198.18.0.2");

        // The network: 1 % loss each way, 2 ms delay, in simulated time.
        SimNetwork net = new SimNetwork(seed);
        Impairments lossy = Impairments.none().withLoss(0.01).withDelay(Time.millis(2));
        SimPort pa = net.port("a0", Link.Kind.ETHERNET, 0x02_00_00_00_00_01L, 1500, lossy);
        SimPort pb = net.port("b0", Link.Kind.ETHERNET, 0x02_00_00_00_00_02L, 1500, lossy);
        net.connect(pa, pb);

        // Two stacks of 128 KiB each: all the memory they will ever use, allocated now.
        Stack a = new Stack(StackConfig.builder().budget(128 * 1024).build());
        Stack b = new Stack(StackConfig.builder().budget(128 * 1024).build());
        a.addInterface(pa, client, 24);
        b.addInterface(pb, server, 24);
        net.addNode(a);
        net.addNode(b);

        // The echo server: whatever a connection reads, it writes back; it closes when the client does.
        TcpListener listener = b.tcp().listen(0, 7);
        listener.setListener(l -> {
            for (TcpSocket s; (s = l.accept()) != null; ) {
                s.setListener((sock, events) -> {
                    try {
                        while (sock.transferTo(sock, 64 * 1024) > 0) {}
                        if (sock.inputEnded() && sock.available() == 0) sock.close();
                    } catch (Exception e) {
                        sock.abort();
                    }
                });
            }
        });

        // The client: writes 200 KB as the send buffer takes it, reads the echo, hashes both.
        byte[] data = new byte[200_000];
        new SplittableRandom(seed).nextBytes(data);
        MessageDigest sent = MessageDigest.getInstance("SHA-256"), back = MessageDigest.getInstance("SHA-256");
        sent.update(data);
        TcpSocket c = a.tcp().connect(server, 7);
        int[] written = {0}, read = {0};
        boolean[] shut = {false};
        byte[] buf = new byte[8192];
        c.setListener((sock, events) -> {
            try {
                while (written[0] < data.length) {
                    int n = sock.write(data, written[0], data.length - written[0]);
                    if (n == 0) break;
                    written[0] += n;
                }
                if (written[0] == data.length && !shut[0]) {
                    sock.shutdownOutput(); // our FIN after the data: the server closes when it has echoed everything
                    shut[0] = true;
                }
                for (int n; (n = sock.read(buf)) > 0; ) {
                    back.update(buf, 0, n);
                    read[0] += n;
                }
            } catch (Exception e) {
                sock.abort();
            }
        });
        boolean done = net.runUntil(() -> read[0] == data.length, Time.seconds(120));
        boolean intact = done && Arrays.equals(sent.digest(), back.digest());
        System.out.printf("echoed %,d of %,d bytes in %.1f s simulated over a 1 %% lossy link: %s%n", read[0], data.length,
                net.now() / 1e9, intact ? "intact (SHA-256 equal)" : "NOT intact");

        // Close everything, then let the connections finish on their own (TIME_WAIT included).
        c.close();
        listener.close();
        net.runFor(Time.seconds(130));
        a.advance(net.now());
        b.advance(net.now());
        System.out.print("client: " + a.explainHeld());
        System.out.print("server: " + b.explainHeld());
        boolean clean = a.budget().atBaseline() && b.budget().atBaseline();
        a.close();
        b.close();
        System.exit(intact && clean ? 0 : 1);
    }
}
