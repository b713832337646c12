package net.sloop.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sloop.tun.HostNet;

/**
 * {@code sloop serve} as a child JVM on the test's classpath, as a person would run it: its
 * output collected line by line, the {@code ready} line awaited, signals sent with {@code kill}.
 * SIGINT and SIGTERM are reset to their defaults for the child ({@code env --default-signal}),
 * because a JVM started in the background by a non-interactive shell inherits SIGINT ignored and
 * would never see it. {@link #close()} kills a child still running and deletes what it may have
 * left (its namespace, if the test says it is the child's).
 */
final class ServeProcess implements AutoCloseable {
    private static final boolean ENV_RESETS_SIGNALS = probeEnv();

    final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outReader, errReader;
    private final String ownNamespace;

    private ServeProcess(Process p, String ownNamespace) {
        this.process = p;
        this.ownNamespace = ownNamespace;
        this.outReader = Thread.ofVirtual().start(() -> pump(p.getInputStream(), out));
        this.errReader = Thread.ofVirtual().start(() -> pump(p.getErrorStream(), err));
    }

    /**
     * Starts {@code sloop serve args...}; {@code ownNamespace} is the namespace the child should
     * create and delete (removed by {@link #close()} if it is left), or null.
     */
    static ServeProcess start(String ownNamespace, String... args) throws IOException {
        return start(List.of(), ownNamespace, args);
    }

    /** As {@link #start(String, String...)}, with {@code prefix} (e.g. setpriv and its options) before java. */
    static ServeProcess start(List<String> prefix, String ownNamespace, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (ENV_RESETS_SIGNALS) cmd.addAll(List.of("/usr/bin/env", "--default-signal=INT,TERM"));
        cmd.addAll(prefix);
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return new ServeProcess(pb.start(), ownNamespace);
    }

    private static boolean probeEnv() {
        try {
            Process p = new ProcessBuilder("/usr/bin/env", "--default-signal=INT,TERM", "true").redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void pump(InputStream in, StringBuffer into) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) into.append(line).append('\n');
        } catch (IOException ignored) {
            // the child is gone
        }
    }

    /** Waits until stdout has a line starting "sloop: ready"; false if the child exits or time runs out. */
    boolean awaitReady(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() - deadline < 0) {
            if (readyLines() == 1) return true;
            if (!process.isAlive()) {
                outReader.join(2000);
                return readyLines() == 1;
            }
            Thread.sleep(20);
        }
        return false;
    }

    long readyLines() {
        return out.toString().lines().filter(l -> l.contains("ready")).count();
    }

    /** Sends {@code signal} ("INT", "TERM") with kill(1). */
    void signal(String signal) throws IOException {
        HostNet.Result r = HostNet.run(List.of("kill", "-" + signal, Long.toString(process.pid())), 10);
        if (!r.ok()) throw new IOException("kill -" + signal + " failed: " + r.output());
    }

    /** Waits for the child to exit and its output to be read; its exit status, or -1 on time-out. */
    int awaitExit(long millis) throws InterruptedException {
        if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) return -1;
        outReader.join(5000);
        errReader.join(5000);
        return process.exitValue();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    /** A line of serve's log (LiveLog): a time stamp and a level, or a JSON object with both. */
    static final java.util.regex.Pattern LOG_LINE = java.util.regex.Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z (ERROR|WARNING|INFO|DEBUG|TRACE) .*|\\{\"time\":.*\"level\":.*");

    /** Standard error without the log's lines (what is left are errors of the command itself). */
    String errWithoutLog() {
        StringBuilder b = new StringBuilder();
        for (String l : err().split("\n", -1)) if (!l.isEmpty() && !LOG_LINE.matcher(l).matches()) b.append(l).append('\n');
        return b.toString();
    }

    /** The log's lines on standard error. */
    java.util.List<String> logLines() {
        return err().lines().filter(l -> LOG_LINE.matcher(l).matches()).toList();
    }

    /** Everything it printed, for failure messages. */
    String transcript() {
        return "--- stdout\n" + out + "--- stderr\n" + err;
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ownNamespace != null && Files.exists(Path.of("/run/netns", ownNamespace))) HostNet.deleteNamespace(ownNamespace);
    }
}
