package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.function.Executable;

/**
 * One adversarial run of {@code sloop serve} ({@link AttackInteropTest}): the child JVM started
 * exactly as a user starts it ({@link ServeProcess}: its defaults plus {@code --budget}), in a
 * namespace and on a device named after this JVM's pid (so two test runs from different worktrees
 * never collide) with a subnet of 198.19.150.0/24 up to 198.19.199.0/24; the hostile Linux
 * clients of {@code attack.py} run inside that namespace; after them, the end of every connection
 * is awaited from Linux's side ({@code ss}) and serve is stopped with SIGTERM, and its memory
 * summary is checked ({@link #stopAndCheckMemoryBack}).
 *
 * <p>{@link #close()} kills a child still running and deletes its namespace if it is left.
 */
final class AttackRig implements AutoCloseable {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger SEQ = new AtomicInteger();
    static final long READY_MILLIS = 30_000, EXIT_MILLIS = 30_000;

    /**
     * Options the fixed {@code serve} gains for this issue ({@code --max-orphans N},
     * {@code --orphan-timeout SECONDS}), added to every run here and nowhere else. Empty: the
     * tests hold serve to its defaults, which must be safe on their own.
     */
    static final List<String> ORPHAN_OPTIONS = List.of();

    /**
     * What the memory summary must show besides used memory: committed memory (the fix adds it).
     * A line of the summary containing this word; adjust here if the fix words it otherwise.
     */
    static final Pattern SUMMARY_COMMITTED = Pattern.compile("(?m)^ .*committed.*$");

    final String ns, dev, net;
    final String budget;
    final ServeProcess serve;

    private AttackRig(String budget, List<String> extra) throws IOException {
        int n = SEQ.incrementAndGet();
        this.ns = "sloop-atk-" + PID + "-" + n;
        this.dev = "sla" + (PID % 1_000_000) + "x" + n;
        this.net = "198.19." + (150 + n % 50) + ".";
        this.budget = budget;
        List<String> args = new ArrayList<>(List.of("--netns", ns, "--tun", dev, "--addr", net + "2/24", "--host-addr", net + "1/24", "--budget", budget));
        args.addAll(ORPHAN_OPTIONS);
        args.addAll(extra);
        this.serve = ServeProcess.start(ns, args.toArray(String[]::new));
    }

    /** Skips the test unless this process can make devices and namespaces and has the clients' tools. */
    static void assumeRootWithTools() {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        assumeTrue("root".equals(System.getProperty("user.name")), "not root");
        for (String tool : List.of("ip", "python3", "nc", "ss")) assumeTrue(onPath(tool), "needs " + tool);
    }

    private static boolean onPath(String cmd) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":"))
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) return true;
        return false;
    }

    /** Starts {@code sloop serve --budget BUDGET [extra...]} (plus {@link #ORPHAN_OPTIONS}); does not wait for it. */
    static AttackRig start(String budget, String... extra) throws IOException {
        return new AttackRig(budget, List.of(extra));
    }

    /** Starts serve and waits for its {@code ready} line (failing with its transcript if none comes). */
    static AttackRig ready(String budget, String... extra) throws IOException, InterruptedException {
        AttackRig r = start(budget, extra);
        try {
            assertTrue(r.serve.awaitReady(READY_MILLIS), r.serve::transcript);
        } catch (Throwable t) {
            r.close();
            throw t;
        }
        return r;
    }

    /** Sloop's address. */
    String sloop() {
        return net + "2";
    }

    /** Runs {@code cmd} in the namespace (bounded by {@code timeoutSeconds}). */
    HostNet.Result exec(int timeoutSeconds, String... cmd) throws IOException {
        return HostNet.exec(ns, timeoutSeconds, cmd);
    }

    /**
     * Runs attack.py: opens the hostile connections {@code specs} ("KIND:PORT:COUNT", see the
     * script), holds them {@code holdSeconds} while a fresh connection to {@code probe} ("daytime",
     * "echo" or "none") must answer within 3 s, once a second, then closes them normally.
     * {@code stopFile} ends the hold early once it exists (null: never).
     */
    Attack attack(double holdSeconds, String probe, Path stopFile, String... specs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", resource("attack.py"), sloop(), Double.toString(holdSeconds), probe,
                stopFile == null ? "-" : stopFile.toString()));
        cmd.addAll(List.of(specs));
        HostNet.Result r = exec((int) holdSeconds + 60, cmd.toArray(String[]::new));
        assertTrue(r.ok(), () -> "attack.py failed: exit " + r.exitCode() + "\n" + r.output() + serve.transcript());
        return new Attack(r.output());
    }

    /**
     * Waits (at most {@code millis}) until Linux holds no connection to Sloop other than in
     * TIME_WAIT: every hostile connection has ended on its own (FIN or RST from the clients'
     * close). Then a moment more for Sloop's side to take the last ACK. Returns Linux's view.
     */
    String awaitConnectionsEnded(long millis) throws IOException, InterruptedException {
        return awaitConnectionsEnded(ns, sloop(), millis);
    }

    /** {@link #awaitConnectionsEnded(long)} for any serve in namespace {@code ns} at {@code sloop} (FtpRig's too). */
    static String awaitConnectionsEnded(String ns, String sloop, long millis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        String left;
        do {
            HostNet.Result r = HostNet.exec(ns, 10, "ss", "-Htan", "dst", sloop);
            left = r.output().lines().filter(l -> !l.isBlank() && !l.startsWith("TIME-WAIT")).reduce("", (a, b) -> a + b + "\n");
            if (left.isEmpty()) break;
            Thread.sleep(200);
        } while (System.nanoTime() - deadline < 0);
        Thread.sleep(1000);
        return left;
    }

    /**
     * Stops serve with SIGTERM and returns the checks on its summary, to run after the scenario's
     * own (all are reported together): exit status 0; budget back at its baseline; no connection
     * left for the stack to discard at shutdown and none held by a service (every hostile
     * connection ended on its own, not by serve's shutdown resets; TIME_WAIT records, kept 60 s
     * by design, are allowed); committed memory in the summary.
     */
    List<Executable> stopAndCheckMemoryBack() throws IOException, InterruptedException {
        List<Executable> checks = stopAndCheckMemoryBack(serve);
        String out = serve.out();
        checks.add(() -> assertTrue(SUMMARY_COMMITTED.matcher(out).find(), "the memory summary shows committed memory (" + SUMMARY_COMMITTED
                + ")\n" + serve.transcript()));
        return checks;
    }

    /**
     * Stops {@code serve} with SIGTERM and returns the checks on its summary every rig makes:
     * exit 0; budget back at its baseline; no connection left for the stack to discard at
     * shutdown, none held by a service (services' "served", FTP's "sessions").
     */
    static List<Executable> stopAndCheckMemoryBack(ServeProcess serve) throws IOException, InterruptedException {
        serve.signal("TERM");
        int status = serve.awaitExit(EXIT_MILLIS);
        String out = serve.out();
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(0, status, "serve's exit status after SIGTERM\n" + serve.transcript()));
        checks.add(() -> assertTrue(out.contains("budget back at its baseline"), "budget back at its baseline\n" + serve.transcript()));
        checks.add(() -> assertEquals(0, summaryInt(serve, "the stack discarded (\\d+) connections"),
                "connections still open at SIGTERM, long after the clients went away (discarded at shutdown)\n" + serve.transcript()));
        Matcher active = Pattern.compile("tcp/\\d+ +(?:served|sessions) \\d+, active (\\d+)").matcher(out);
        int held = 0;
        while (active.find()) held += Integer.parseInt(active.group(1));
        int heldNow = held;
        checks.add(() -> assertEquals(0, heldNow, "connections the services still held at SIGTERM\n" + serve.transcript()));
        return checks;
    }

    /** An integer the summary prints (first group of {@code regex}), or -1 if it does not. */
    int summaryInt(String regex) {
        return summaryInt(serve, regex);
    }

    static int summaryInt(ServeProcess serve, String regex) {
        Matcher m = Pattern.compile(regex).matcher(serve.out());
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Figures from the summary for a scenario's figure line: peak, allocation failures, SYNs refused admission. */
    String summaryFigures() {
        return String.format("summary: peak %d B, failures %d, tcp_admission drops %d, discarded at shutdown %d",
                summaryInt("  peak (\\d+)  min-ever-free"), summaryInt("min-ever-free \\d+  failures (\\d+)"),
                Math.max(0, summaryInt("tcp_admission +(\\d+)")), summaryInt("the stack discarded (\\d+) connections"));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = AttackRig.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() throws IOException {
        serve.close();
    }

    /** What attack.py printed: its probes, the hostile connections' fate, Linux's view of them. */
    record Attack(String output) {
        List<String> probes() {
            return output.lines().filter(l -> l.startsWith("probe ")).toList();
        }

        List<String> failedProbes() {
            return probes().stream().filter(l -> !l.contains(" ok ")).toList();
        }

        long worstMillis() {
            return probes().stream().mapToLong(l -> {
                Matcher m = Pattern.compile("ms=(\\d+)").matcher(l);
                return m.find() ? Long.parseLong(m.group(1)) : 0;
            }).max().orElse(0);
        }

        /** "hostile ..." and "states ..." lines, joined: how many connected, their states at the end of the hold. */
        String hostile() {
            return String.join("; ", output.lines().filter(l -> l.startsWith("hostile ") || l.startsWith("states ") || l.startsWith("halfclosed "))
                    .map(String::strip).toList());
        }

        /** "probes 3/4 ok (worst 3004 ms) [ok:2 ok:3 FAIL:3004 ok:1]": the count and every probe's outcome and time in ms, in order. */
        String probeFigures() {
            List<String> each = probes().stream().map(l -> (l.contains(" ok ") ? "ok:" : "FAIL:") + l.replaceFirst(".*ms=(\\d+).*", "$1")).toList();
            return String.format("probes %d/%d ok (worst %d ms) %s", probes().size() - failedProbes().size(), probes().size(), worstMillis(), each);
        }

        /** Every probe succeeded (within 3 s), and there was at least one. */
        Executable allProbesSucceeded(String what) {
            return () -> {
                assertTrue(!probes().isEmpty(), what + ": no probe ran\n" + output);
                assertEquals(List.of(), failedProbes(), what + ": every fresh connection answered within 3 s\n" + output);
            };
        }
    }

    /** Runs the checks, all of them, reporting every failure together. */
    static void check(List<Executable> checks) {
        assertAll(checks);
    }
}
