package net.sloop.nio;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sloop.blocking.StackRunner;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;

/**
 * The JDK's own {@code com.sun.net.httpserver.HttpServer}, unmodified, on a Sloop stack over a TUN
 * device: a child JVM started with {@code -Djava.nio.channels.spi.SelectorProvider=}{@link
 * SloopProvider}, so that the server's {@code ServerSocketChannel.open()} and {@code
 * Selector.open()} are Sloop's. {@link NioHttpServerInteropTest} starts it.
 *
 * <p>Arguments: namespace, device, MTU, host side CIDR, Sloop's CIDR, budget bytes. The device is
 * created here, moved into the namespace and configured there ({@link HostNet}). Prints "ready
 * PORT PROVIDER-CLASS", serves until a line "stop" (or the end of standard input), stops the
 * server, waits for the connections to end on their own and checks the budget is back at its
 * baseline (TIME_WAIT records aside), then drains the stack and checks it again. Exits 0 if all
 * is well, 1 with the leak report otherwise.
 *
 * <p>Routes: {@code /hello} a line of text; {@code /big?N} N bytes of {@link #pattern}; {@code
 * /echo} the request body back.
 */
public final class HttpServerOnSloop {
    private HttpServerOnSloop() {}

    /** Byte {@code i} of what {@code /big} sends. */
    static byte pattern(long i) {
        return (byte) (i * 31 + (i >>> 7));
    }

    public static void main(String[] args) throws Exception {
        String ns = args[0], dev = args[1];
        int mtu = Integer.parseInt(args[2]);
        String hostCidr = args[3], sloopCidr = args[4];
        long budget = Long.parseLong(args[5]);
        TunLink link = TunLink.open(dev, TunLink.Mode.TUN, TunLink.Options.defaults().mtu(mtu));
        HostNet.configureHostSide(ns, link.name(), mtu, hostCidr);
        Stack stack = new Stack(StackConfig.builder().budget(budget).maxMtu(mtu).build());
        stack.addInterface(link, sloopCidr);
        StackRunner runner = StackRunner.start(stack);
        boolean ok;
        try {
            if (!SloopProvider.installDefault(stack, runner)) {
                System.out.println("the JVM's default provider is " + SelectorProvider.provider().getClass().getName() + ", not Sloop's");
                System.exit(1);
            }
            long baseline = held(runner, stack);
            ok = serve(runner, stack, baseline);
        } finally {
            runner.close();
        }
        stack.drain();
        String leaks = stack.budget().leakReport();
        if (!leaks.isEmpty()) {
            System.out.println("after draining, the budget is not at its baseline:\n" + leaks);
            ok = false;
        }
        stack.close();
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    private static boolean serve(StackRunner runner, Stack stack, long baseline) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(80), 0);
        server.createContext("/hello", x -> reply(x, "hello from the JDK's HttpServer on Sloop\n".getBytes(StandardCharsets.US_ASCII)));
        server.createContext("/big", HttpServerOnSloop::big);
        server.createContext("/echo", x -> reply(x, x.getRequestBody().readAllBytes()));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(pool);
        server.start();
        System.out.println("ready " + server.getAddress().getPort() + " " + SelectorProvider.provider().getClass().getName());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null && !line.equals("stop")) {
            // wait for the test to say stop
        }
        server.stop(1);
        pool.shutdown();
        // The clients have closed; the server closed its side: the connections end on their own.
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            runner.lock();
            try {
                if (stack.tcp().connections() == 0) break;
            } finally {
                runner.unlock();
            }
            Thread.sleep(20);
        }
        runner.lock();
        try {
            long now = held(stack);
            System.out.println("connections " + stack.tcp().connections() + ", held beyond TIME_WAIT " + now + " bytes, at start " + baseline);
            if (stack.tcp().connections() == 0 && now == baseline && stack.budget().committedBlocks() == 0) {
                System.out.println("budget back at its baseline");
                return true;
            }
            System.out.println(stack.report());
            return false;
        } finally {
            runner.unlock();
        }
    }

    private static long held(StackRunner runner, Stack stack) {
        runner.lock();
        try {
            return held(stack);
        } finally {
            runner.unlock();
        }
    }

    private static long held(Stack stack) {
        Budget b = stack.budget();
        return b.used() - b.used(Category.TIME_WAIT);
    }

    private static void big(HttpExchange x) throws IOException {
        long n = Long.parseLong(x.getRequestURI().getQuery());
        x.sendResponseHeaders(200, n);
        try (OutputStream out = x.getResponseBody()) {
            byte[] chunk = new byte[8192];
            for (long off = 0; off < n; ) {
                int k = (int) Math.min(chunk.length, n - off);
                for (int i = 0; i < k; i++) chunk[i] = pattern(off + i);
                out.write(chunk, 0, k);
                off += k;
            }
        }
    }

    private static void reply(HttpExchange x, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", "text/plain");
        x.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(body);
        }
    }
}
