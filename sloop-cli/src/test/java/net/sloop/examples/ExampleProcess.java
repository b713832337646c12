package net.sloop.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sloop.tun.HostNet;

/**
 * An example that serves until stopped, run from its source as a user runs it (as root, in a
 * network namespace of its own): started, awaited until it prints a line, stopped with SIGTERM as
 * Ctrl-C would, its output kept. {@link #close} also deletes the namespace if the example did not.
 */
final class ExampleProcess implements AutoCloseable {
    final String ns;
    final Process process;
    private final StringBuilder out = new StringBuilder();
    private final Thread reader;

    /** Starts {@code example} with arguments {@code args} (the first is its namespace, {@code ns}). */
    ExampleProcess(String example, String ns, String... args) throws IOException, InterruptedException {
        this.ns = ns;
        List<String> cmd = new ArrayList<>(ExamplesTest.launch(example));
        cmd.add(ns);
        cmd.addAll(List.of(args));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        reader = Thread.ofVirtual().start(() -> {
            try (var in = process.inputReader()) {
                for (String l; (l = in.readLine()) != null; ) synchronized (out) { out.append(l).append('\n'); }
            } catch (IOException e) {
                // the process ended
            }
        });
    }

    /** Waits up to {@code seconds} for {@code text} in the output; fails (with the output) if it does not come. */
    void await(String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!output().contains(text) && process.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
        assertTrue(output().contains(text), "waited for \"" + text + "\":\n" + output());
    }

    String output() {
        synchronized (out) {
            return out.toString();
        }
    }

    /** SIGTERM (Process.destroy would also close our end of its output), then waits for it to report and end. */
    String stop() throws InterruptedException {
        process.toHandle().destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), output());
        reader.join(5000);
        return output();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.toHandle().destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
        }
        if (Files.exists(Path.of("/run/netns", ns))) HostNet.deleteNamespace(ns);
    }
}
