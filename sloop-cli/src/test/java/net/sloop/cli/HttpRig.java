package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.function.Executable;

/**
 * One run of {@code ./sloop serve --http-root DIR} against Linux's own HTTP clients
 * ({@link HttpClientsInteropTest}): the child JVM started as a user starts it ({@link ServeProcess}),
 * in a namespace and on a TUN device named after this JVM's pid (so runs from different worktrees
 * never collide), subnet 198.19.230.0/24 up to 198.19.239.0/24; the clients run in that namespace
 * with {@code ip netns exec}. {@link #stopAndCheckMemoryBack} stops serve with SIGTERM and checks
 * its summary as {@link AttackRig} does.
 */
final class HttpRig implements AutoCloseable {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger SEQ = new AtomicInteger();

    final String ns, dev, net;
    final ServeProcess serve;

    private HttpRig(String budget, List<String> extra) throws IOException {
        int n = SEQ.incrementAndGet();
        this.ns = "sloop-httpi-" + PID + "-" + n;
        this.dev = "shi" + (PID % 1_000_000) + "x" + n;
        this.net = "198.19." + (230 + n % 10) + ".";
        List<String> args = new ArrayList<>(List.of("--netns", ns, "--tun", dev, "--addr", net + "2/24", "--host-addr", net + "1/24", "--budget", budget));
        args.addAll(extra);
        this.serve = ServeProcess.start(ns, args.toArray(String[]::new));
    }

    /** Starts serve and waits for its ready line (failing with its transcript if none comes). */
    static HttpRig ready(String budget, String... extra) throws IOException, InterruptedException {
        HttpRig r = new HttpRig(budget, List.of(extra));
        try {
            assertTrue(r.serve.awaitReady(FtpRig.READY_MILLIS), r.serve::transcript);
        } catch (Throwable t) {
            r.close();
            throw t;
        }
        return r;
    }

    String sloop() {
        return net + "2";
    }

    String url(String path) {
        return "http://" + sloop() + path;
    }

    /** A second address of Linux's side ({@link #addSecondAddress}): another client on the same link. */
    String alt() {
        return net + "3";
    }

    void addSecondAddress() throws IOException {
        HostNet.ip(ns, "addr", "add", alt() + "/24", "dev", dev);
    }

    HostNet.Result exec(int timeoutSeconds, String... cmd) throws IOException {
        return HostNet.exec(ns, timeoutSeconds, cmd);
    }

    HostNet.Result sh(int timeoutSeconds, String script) throws IOException {
        return exec(timeoutSeconds, "sh", "-c", script);
    }

    String awaitConnectionsEnded(long millis) throws IOException, InterruptedException {
        return AttackRig.awaitConnectionsEnded(ns, sloop(), millis);
    }

    List<Executable> stopAndCheckMemoryBack() throws IOException, InterruptedException {
        return AttackRig.stopAndCheckMemoryBack(serve);
    }

    int summaryInt(String regex) {
        return AttackRig.summaryInt(serve, regex);
    }

    /** The summary's HTTP line. */
    String httpLine() {
        return serve.out().lines().filter(l -> l.contains("http     tcp/")).findFirst().orElse("(no http line)").strip();
    }

    String memoryFigures() {
        return String.format("in use at SIGTERM %d B, peak %d B, failures %d", summaryInt("with (\\d+) bytes in use"),
                summaryInt("  peak (\\d+)  min-ever-free"), summaryInt("min-ever-free \\d+  failures (\\d+)"));
    }

    @Override
    public void close() throws IOException {
        serve.close();
    }
}
