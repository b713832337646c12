package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.function.Executable;

/**
 * One run of {@code ./sloop serve} with its FTP server, against Linux's own FTP clients
 * ({@link FtpClientsInteropTest}, {@link FtpHostileInteropTest}): the child JVM started exactly as a
 * user starts it ({@link ServeProcess}: its defaults plus {@code --budget} and the {@code --ftp-*}
 * options), in a namespace and on a TUN device named after this JVM's pid (so runs from different
 * worktrees never collide), subnet 198.19.210.0/24 up to 198.19.229.0/24; the clients (lftp, curl,
 * wget, tnftp, Python's ftplib and plain sockets) run inside that namespace with
 * {@code ip netns exec}, and read the served tree straight from the host's disk to compare.
 *
 * <p>At the end {@link #stopAndCheckMemoryBack} stops serve with SIGTERM and checks its memory
 * summary as {@link AttackRig} does: exit 0, budget back at its baseline, no connection left for
 * the stack to discard, none held by a service.
 */
final class FtpRig implements AutoCloseable {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger SEQ = new AtomicInteger();
    static final long READY_MILLIS = 30_000;
    /** Debian's interpreter: it has python3-scapy (a {@code python3} earlier on PATH may be another). */
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    /** The account of {@link #writeUsers}, allowed to write. */
    static final String USER = "sloop", PASS = "sloop-pass";

    final String ns, dev, net;
    final ServeProcess serve;

    private FtpRig(String budget, List<String> extra) throws IOException {
        int n = SEQ.incrementAndGet();
        this.ns = "sloop-ftpi-" + PID + "-" + n;
        this.dev = "sfi" + (PID % 1_000_000) + "x" + n;
        this.net = "198.19." + (210 + n % 20) + ".";
        List<String> args = new ArrayList<>(List.of("--netns", ns, "--tun", dev, "--addr", net + "2/24", "--host-addr", net + "1/24", "--budget", budget));
        args.addAll(extra);
        this.serve = ServeProcess.start(ns, args.toArray(String[]::new));
    }

    /** Skips the test unless this process can make devices and namespaces and has {@code tools}. */
    static void assumeRootWithTools(String... tools) {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        assumeTrue("root".equals(System.getProperty("user.name")), "not root");
        for (String tool : Stream.concat(Stream.of("ip", "ss"), Stream.of(tools)).toList()) assumeTrue(onPath(tool), "needs " + tool);
    }

    static boolean onPath(String cmd) {
        if (cmd.startsWith("/")) return Files.isExecutable(Path.of(cmd));
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":"))
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) return true;
        return false;
    }

    /** True if Debian's python3 has scapy (python3-scapy). */
    static boolean scapy() {
        try {
            return HostNet.run(List.of(PYTHON, "-c", "import scapy.all"), 30).ok();
        } catch (IOException e) {
            return false;
        }
    }

    /** Starts {@code sloop serve --budget BUDGET extra...} and waits for its ready line (failing with its transcript if none comes). */
    static FtpRig ready(String budget, String... extra) throws IOException, InterruptedException {
        FtpRig r = new FtpRig(budget, List.of(extra));
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

    /** Linux's address on the device. */
    String linux() {
        return net + "1";
    }

    /** A second address of Linux's side, on the same link ({@link #addSecondAddress}). */
    String alt() {
        return net + "3";
    }

    /** Gives Linux's side of the device {@link #alt()} too: a foreign peer on the same link. */
    void addSecondAddress() throws IOException {
        HostNet.ip(ns, "addr", "add", alt() + "/24", "dev", dev);
    }

    /** Runs {@code cmd} in the namespace (bounded by {@code timeoutSeconds}). */
    HostNet.Result exec(int timeoutSeconds, String... cmd) throws IOException {
        return HostNet.exec(ns, timeoutSeconds, cmd);
    }

    /** Runs {@code sh -c script} in the namespace. */
    HostNet.Result sh(int timeoutSeconds, String script) throws IOException {
        return exec(timeoutSeconds, "sh", "-c", script);
    }

    /** Runs the test resource {@code script} with Debian's python3 in the namespace. */
    HostNet.Result python(int timeoutSeconds, String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-c", AttackRig.resource(script)));
        cmd.addAll(List.of(args));
        return exec(timeoutSeconds, cmd.toArray(String[]::new));
    }

    /**
     * Waits (at most {@code millis}) until Linux holds no connection to Sloop other than in
     * TIME_WAIT, then a moment more for Sloop's side to take the last ACK. Returns what is left.
     */
    String awaitConnectionsEnded(long millis) throws IOException, InterruptedException {
        return AttackRig.awaitConnectionsEnded(ns, sloop(), millis);
    }

    /**
     * Stops serve with SIGTERM and returns the checks on its summary (run them with the
     * scenario's own, so every failure is shown): exit 0; budget back at its baseline; no
     * connection left for the stack to discard at shutdown, none held by a service.
     */
    List<Executable> stopAndCheckMemoryBack() throws IOException, InterruptedException {
        return AttackRig.stopAndCheckMemoryBack(serve);
    }

    /** An integer the summary prints (first group of {@code regex}), or -1 if it does not. */
    int summaryInt(String regex) {
        return AttackRig.summaryInt(serve, regex);
    }

    /** Memory figures of the summary: in use at SIGTERM (before the drain), peak, allocation failures. */
    String memoryFigures() {
        return String.format("in use at SIGTERM %d B, peak %d B, failures %d", summaryInt("with (\\d+) bytes in use"),
                summaryInt("  peak (\\d+)  min-ever-free"), summaryInt("min-ever-free \\d+  failures (\\d+)"));
    }

    @Override
    public void close() throws IOException {
        serve.close();
    }

    // ------------------------------------------------------------------ the served trees

    /**
     * Writes a tree of {@code dirs} directories d00.. with {@code perDir} files f000.. each, of
     * sizes drawn (seeded) from 0 B to {@code maxFile}, plus an empty {@code upload/}; returns its
     * total size in bytes.
     */
    static long writeTree(Path root, int dirs, int perDir, int maxFile, long seed) throws IOException {
        Random rnd = new Random(seed);
        int[] sizes = {0, 1, 100, 1459, 1460, 4096, 16_384, 65_537};
        long total = 0;
        Files.createDirectories(root.resolve("upload"));
        for (int d = 0; d < dirs; d++) {
            Path dir = Files.createDirectories(root.resolve(String.format("d%02d", d)));
            for (int f = 0; f < perDir; f++) {
                int n = rnd.nextInt(4) == 0 ? Math.min(maxFile, sizes[rnd.nextInt(sizes.length)]) : rnd.nextInt(maxFile + 1);
                byte[] b = new byte[n];
                rnd.nextBytes(b);
                Files.write(dir.resolve(String.format("f%03d", f)), b);
                total += n;
            }
        }
        return total;
    }

    /** A file of {@code n} seeded random bytes. */
    static void writeRandom(Path file, long n, long seed) throws IOException {
        Random rnd = new Random(seed);
        byte[] b = new byte[1 << 16];
        try (var out = Files.newOutputStream(file)) {
            for (long left = n; left > 0; left -= b.length) {
                rnd.nextBytes(b);
                out.write(b, 0, (int) Math.min(b.length, left));
            }
        }
    }

    /** SHA-256 of every regular file under {@code root} by relative path, {@code skip} (a top-level name) left out. */
    static TreeMap<String, String> digests(Path root, String skip) throws IOException {
        TreeMap<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString();
                if (skip != null && (rel.equals(skip) || rel.startsWith(skip + "/"))) continue;
                if (rel.endsWith(".listing")) continue; // wget's own listing files
                m.put(rel, sha256(p));
            }
        }
        return m;
    }

    static String sha256(Path p) {
        try (var in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0;) md.update(b, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Writes a users file ({@code --ftp-users}) with {@link #USER}/{@link #PASS}, allowed to
     * write: one line {@code NAME:pbkdf2-sha256:ITERATIONS:SALT:HASH}, the hash made here with the
     * JDK's PBKDF2WithHmacSHA256 (256 bits).
     */
    static Path writeUsers(Path file) throws IOException {
        byte[] salt = new byte[16];
        new Random(7).nextBytes(salt);
        int iterations = 2000;
        try {
            var spec = new javax.crypto.spec.PBEKeySpec(PASS.toCharArray(), salt, iterations, 256);
            byte[] hash = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
            var b64 = java.util.Base64.getEncoder();
            Files.writeString(file, "# the interop tests' account\n" + USER + ":pbkdf2-sha256:" + iterations + ":" + b64.encodeToString(salt) + ":"
                    + b64.encodeToString(hash) + "\n");
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        return file;
    }

    /** Deletes {@code dir} and everything under it (not following symlinks). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
