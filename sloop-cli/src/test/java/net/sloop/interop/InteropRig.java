package net.sloop.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.service.ServiceConfig;
import net.sloop.service.Services;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.testing.Netns;
import net.sloop.testing.TunRig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;

/**
 * One interop test's setup: a {@link TunRig} (a namespace "sloop-i-PID-N" of its own with subnet
 * 198.18.(100 + N).0/24, Linux at .1 on a TUN device, Sloop at .2), optionally Sloop's {@link
 * Services}, and Linux's tools run inside the namespace ({@code ip netns exec}): python3, nc,
 * ping. Nothing runs in the root namespace.
 *
 * <p>{@link #assertAtBaseline()} checks, between and after scenarios, that every connection has
 * ended and the budget holds what it held when the rig was ready, apart from TIME_WAIT records
 * (the stack keeps them for 60 s by design; they hold no buffers). {@link #close()} closes the
 * services, then the rig, which checks the budget is at the stack's own baseline and deletes
 * the namespace, whatever failed.
 */
final class InteropRig implements AutoCloseable {
    final TunRig rig;
    final Netns ns;
    Services services;
    private long readyUsed, readyTimeWait;
    private int readyCommitted;
    private boolean closed;

    private InteropRig(TunRig rig) {
        this.rig = rig;
        this.ns = rig.ns;
    }

    /** A rig whose stack is built from {@code config}, over TUN. */
    static InteropRig open(StackConfig config) throws IOException {
        InteropRig r = new InteropRig(new TunRig(TunLink.Mode.TUN, config, "sloop-i", Netns.INTEROP_BASE));
        LeakCheck.closeLater(r); // registered after the rig, so closed before it if the test did not
        r.markReady();
        return r;
    }

    /** A stack configuration for interop: {@code budget} bytes in {@code blockSize}-byte blocks, MTU 1500. */
    static StackConfig.Builder config(long budget, int blockSize) {
        return StackConfig.builder().budget(budget).blockSize(blockSize).maxMtu(1500).applicationTimers(1);
    }

    /** Same, with TCP's default buffers set to {@code buffer} bytes each way. */
    static StackConfig config(long budget, int blockSize, int buffer) {
        return config(budget, blockSize).tcp(TcpConfig.builder().sendBuffer(buffer).receiveBuffer(buffer).build()).build();
    }

    /** Starts {@code cfg}'s services on the stack (under the runner's lock). */
    Services startServices(ServiceConfig cfg) {
        services = rig.locked(() -> Services.start(rig.stack, cfg));
        markReady();
        return services;
    }

    /** Records what the budget holds now as the state {@link #assertAtBaseline()} expects. */
    void markReady() {
        rig.runner.lock();
        try {
            Budget b = rig.stack.budget();
            readyUsed = b.used();
            readyTimeWait = b.used(Category.TIME_WAIT);
            readyCommitted = b.committedBlocks();
        } finally {
            rig.runner.unlock();
        }
    }

    /** Sloop's address (198.18.S.2). */
    String sloop() {
        return ns.addr(2);
    }

    Budget budget() {
        return rig.stack.budget();
    }

    String report() {
        return rig.locked(() -> rig.stack.report() + (services == null ? "" : services.report()));
    }

    /** Runs {@code cmd} in the namespace; fails the test with the output (and Sloop's report) if it fails. */
    String run(int timeoutSeconds, String... cmd) throws IOException {
        HostNet.Result r = ns.exec(timeoutSeconds, cmd);
        assertTrue(r.ok(), () -> String.join(" ", cmd) + ": exit " + r.exitCode() + "\n" + r.output() + "\n" + report());
        return r.output();
    }

    /** Runs a python3 script in the namespace with {@code args} (sys.argv[1:]); returns what it printed. */
    String python(int timeoutSeconds, String script, String... args) throws IOException {
        return run(timeoutSeconds, pythonCommand(script, args));
    }

    /** Starts a python3 script in the namespace on a virtual thread; the future holds its result. */
    CompletableFuture<HostNet.Result> pythonAsync(int timeoutSeconds, String script, String... args) {
        String[] cmd = pythonCommand(script, args);
        CompletableFuture<HostNet.Result> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(ns.exec(timeoutSeconds, cmd));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Something Sloop's side of a test does, on its own thread. */
    interface Side<T> {
        T run() throws Exception;
    }

    /** Runs {@code side} on a virtual thread; the future holds its result or failure. */
    static <T> CompletableFuture<T> onVirtualThread(Side<T> side) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(side.run());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    private static String[] pythonCommand(String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    /**
     * Waits until Sloop holds no connection (TIME_WAIT records aside) and its services none, then
     * checks the budget holds exactly what it held when the rig was ready, TIME_WAIT blocks aside.
     */
    void assertAtBaseline() {
        boolean ended = rig.settle(() -> rig.stack.tcp().connections() == 0 && (services == null || services.activeConnections() == 0), 10_000);
        assertTrue(ended, this::report);
        rig.runner.lock();
        try {
            Budget b = rig.stack.budget();
            String report = rig.stack.report();
            assertEquals(readyUsed - readyTimeWait, b.used() - b.used(Category.TIME_WAIT), () -> "budget not back where it was\n" + report);
            assertEquals(readyCommitted, b.committedBlocks(), () -> "commitments not back where they were\n" + report);
        } finally {
            rig.runner.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try {
            if (services != null) rig.runner.run(services::close);
        } finally {
            rig.close();
        }
    }
}
