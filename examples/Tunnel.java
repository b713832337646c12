// A tunnel (the VPN use case, like tun2socks): Linux routes a whole prefix, 198.19.0.0/16, into a
// TUN device; Sloop reads the IP packets and terminates their TCP connections itself, whatever
// address and port in that prefix they were sent to, and relays each one to a real socket of this
// host: to TARGET (127.0.0.1 by default) at the port the client asked for, copying both ways.
// A half-close travels through: when one side finishes sending, the other side's output is shut
// and the rest still flows back.
//
// Two library features make it work: NetIf.intercept takes every destination in the prefix as
// the stack's own, and BlockingTcp.listenAll accepts connections to any address and port; an
// accepted socket's local address is the destination the client connected to.
//
// Run it as root (after ./sloop demo or ./test has built Sloop):
//   examples/run Tunnel.java NETNS [DEVICE] [TARGET]
//   python3 -m http.server 8080 --bind 127.0.0.1                       # in another terminal: a server here
//   ip netns exec NETNS curl http://198.19.5.5:8080/                   # any address of 198.19.0.0/16
// Ctrl-C (or SIGTERM) stops it: it prints what memory is still held and deletes NETNS.

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.blocking.BlockingTcp;
import net.sloop.blocking.StackRunner;
import net.sloop.iface.NetIf;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;
import net.sloop.wire.Ipv4Address;

public class Tunnel {
    static final String ROUTED = "198.19.0.0/16";

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: Tunnel NETNS [DEVICE] [TARGET]");
            System.exit(2);
        }
        String ns = args[0], dev = args.length > 1 ? args[1] : "sloopvpn0";
        String target = args.length > 2 ? args[2] : "127.0.0.1";

        // Linux's side: the device in NETNS at 198.18.0.1/24, and the prefix routed into it.
        TunLink tun = TunLink.open(dev, TunLink.Mode.TUN, TunLink.Options.defaults());
        HostNet.createNamespace(ns);
        HostNet.configureHostSide(ns, dev, 1500, "198.18.0.1/24");
        HostNet.ip(ns, "route", "add", ROUTED, "dev", dev);

        // Sloop's side: 198.18.0.2 on the device, and every address of the prefix taken as its own.
        Stack stack = new Stack(StackConfig.builder().budget(512 * 1024).build());
        NetIf nif = stack.addInterface(tun, Ipv4Address.parse("198.18.0.2"), 24);
        nif.intercept(ROUTED);
        StackRunner runner = StackRunner.start(stack);
        BlockingServerSocket all = new BlockingTcp(runner, stack).listenAll(64); // any address, any port

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            all.close();
            runner.lock();
            try {
                nif.stopIntercepting();
                // Where the server closed first, Sloop's side keeps a TIME_WAIT record for 2MSL; a
                // stack that stops has no later connection for it to protect.
                int timeWait = stack.tcp().timeWaitRecords();
                stack.tcp().timeWaitTable().clear();
                System.out.println("sloop example: " + timeWait + " TIME_WAIT records discarded at exit");
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
        System.out.println("ready: " + ROUTED + " is routed into Sloop and relayed to " + target
                + "; try: ip netns exec " + ns + " curl http://198.19.5.5:8080/");

        while (true) {
            BlockingSocket inside;
            try {
                inside = all.accept();
            } catch (SocketException closed) {
                return; // shutting down
            }
            Thread.ofVirtual().start(() -> relay(inside, target));
        }
    }

    /** Relays one connection: Sloop's socket (from Linux, through the TUN) to a host socket, both ways. */
    static void relay(BlockingSocket inside, String target) {
        InetSocketAddress wanted = inside.getLocalSocketAddress(); // where the client was going
        InetSocketAddress to = new InetSocketAddress(target, wanted.getPort());
        String name = inside.getRemoteSocketAddress() + " -> " + wanted + " via " + to;
        try (inside; Socket outside = new Socket()) {
            try {
                outside.connect(to, 5000);
            } catch (IOException e) {
                System.out.println(name + ": " + e + "; resetting the client");
                inside.abort(); // as the destination itself would answer a refused connection
                return;
            }
            System.out.println(name + ": relaying");
            // Client to server on a thread of its own; the client's FIN becomes the server's EOF.
            Thread up = Thread.ofVirtual().start(() -> {
                try {
                    long n = inside.getInputStream().transferTo(outside.getOutputStream());
                    outside.shutdownOutput();
                    System.out.println(name + ": client sent " + n + " bytes and finished");
                } catch (IOException e) {
                    close(outside); // the client reset (or the server went): end the other side too
                }
            });
            // Server to client here; the server's FIN becomes the client's EOF.
            try {
                long n = outside.getInputStream().transferTo(inside.getOutputStream());
                inside.shutdownOutput();
                System.out.println(name + ": server sent " + n + " bytes and finished");
            } catch (IOException e) {
                inside.abort(); // the server reset: so does the tunnel
            }
            up.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            System.out.println(name + ": " + e);
        }
    }

    static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
