package net.sloop.nio;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import net.sloop.blocking.StackRunner;
import net.sloop.link.LoopbackLink;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;

/**
 * A child JVM started <em>without</em> the system property: {@link SloopProvider#installDefault}
 * sets it before anything asks for the provider, so the JDK's own classes that use the default
 * ({@code Selector.open()}, {@code ServerSocketChannel.open()}, {@code HttpServer}, and the
 * {@code java.net.http.HttpClient}) all run on one Sloop stack over its loopback link
 * (127.0.0.1). {@link NioDefaultProviderTest} starts it; it prints what it saw and exits 0 only if
 * the client got the server's answer and the budget came back to where it was once the
 * connections had ended on their own.
 */
public final class DefaultProviderProbe {
    private DefaultProviderProbe() {}

    public static void main(String[] args) throws Exception {
        Stack stack = new Stack(StackConfig.builder().budget(256 * 1024).build());
        stack.addInterface(new LoopbackLink(), "127.0.0.1/8");
        StackRunner runner = StackRunner.start(stack);
        boolean ok = SloopProvider.installDefault(stack, runner);
        System.out.println("installDefault: " + ok + ", property " + System.getProperty(SloopProvider.PROPERTY));
        System.out.println("provider " + SelectorProvider.provider().getClass().getName());
        try (Selector s = Selector.open(); ServerSocketChannel c = ServerSocketChannel.open()) {
            System.out.println("selector " + s.getClass().getName() + ", channel " + c.getClass().getName());
        }
        long before = held(runner, stack);
        HttpServer server = HttpServer.create(new InetSocketAddress(8080), 0);
        server.createContext("/hello", x -> {
            byte[] body = "hello over Sloop's loopback\n".getBytes(StandardCharsets.US_ASCII);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/hello")).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.print("client got " + r.statusCode() + " " + r.body());
                ok &= r.statusCode() == 200 && r.body().equals("hello over Sloop's loopback\n");
            }
        }
        server.stop(0);
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline && runner.call(() -> stack.tcp().connections()) > 0) Thread.sleep(20);
        long after = held(runner, stack);
        System.out.println("connections " + runner.call(() -> stack.tcp().connections()) + ", held beyond TIME_WAIT " + after + " bytes, before the server " + before);
        ok &= after == before;
        runner.close();
        stack.drain();
        String leaks = stack.budget().leakReport();
        if (!leaks.isEmpty()) System.out.println("after draining:\n" + leaks);
        ok &= leaks.isEmpty();
        stack.close();
        System.out.println(ok ? "all well" : "FAILED");
        System.out.flush();
        System.exit(ok ? 0 : 1);
    }

    private static long held(StackRunner runner, Stack stack) {
        runner.lock();
        try {
            Budget b = stack.budget();
            return b.used() - b.used(Category.TIME_WAIT);
        } finally {
            runner.unlock();
        }
    }
}
