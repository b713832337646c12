// A TCP echo server on Sloop over a Linux TUN device, written with the blocking face on virtual
// threads: a stack with a fixed budget on a device in a few lines. Linux reaches it from a network
// namespace of its own (so nothing is sent in yours).
//
// Run it as root (after ./sloop demo or ./test has built Sloop):
//   examples/run TunEchoServer.java NETNS [DEVICE]
//   ip netns exec NETNS nc 198.18.0.2 7          # in another terminal; type a line
// Ctrl-C (or SIGTERM) stops it: it prints what memory is still held (nothing, once every client
// has gone) and deletes NETNS.

import java.net.InetSocketAddress;
import java.net.SocketException;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.blocking.BlockingTcp;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;
import net.sloop.wire.Ipv4Address;

public class TunEchoServer {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: TunEchoServer NETNS [DEVICE]");
            System.exit(2);
        }
        String ns = args[0], dev = args.length > 1 ? args[1] : "sloopex0";

        // The device (not persistent: it goes when this process ends), its host side in NETNS.
        TunLink tun = TunLink.open(dev, TunLink.Mode.TUN, TunLink.Options.defaults());
        HostNet.createNamespace(ns);
        HostNet.configureHostSide(ns, dev, 1500, "198.18.0.1/24");

        // The stack: 256 KiB is all the memory it will ever use; a runner thread drives it in real time.
        Stack stack = new Stack(StackConfig.builder().budget(256 * 1024).build());
        stack.addInterface(tun, Ipv4Address.parse("198.18.0.2"), 24);
        StackRunner runner = StackRunner.start(stack);
        BlockingTcp tcp = new BlockingTcp(runner, stack);
        BlockingServerSocket server = tcp.listen(new InetSocketAddress(7), 16);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            runner.lock();
            try {
                System.out.print("sloop example: " + stack.explainHeld());
            } finally {
                runner.unlock();
            }
            runner.close();
            stack.close(); // closes the device
            try {
                HostNet.deleteNamespace(ns);
            } catch (Exception e) {
                System.err.println("could not delete netns " + ns + ": " + e.getMessage());
            }
        }));
        System.out.println("ready: echo on 198.18.0.2 port 7; try: ip netns exec " + ns + " nc 198.18.0.2 7");

        while (true) {
            BlockingSocket s;
            try {
                s = server.accept();
            } catch (SocketException closed) {
                return; // shutting down
            }
            Thread.ofVirtual().start(() -> {
                try (s) {
                    byte[] b = new byte[16 * 1024];
                    for (int n; (n = s.read(b)) > 0; ) s.write(b, 0, n);
                } catch (Exception e) {
                    System.out.println("connection from " + s.getRemoteSocketAddress() + " ended: " + e.getMessage());
                }
            });
        }
    }
}
