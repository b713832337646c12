package net.sloop.tun;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host side of a TUN/TAP device, configured with iproute2's {@code ip} command: network
 * namespaces (create, delete, run a command inside), moving a device into one, and the device's
 * address, MTU and state. A {@code null} namespace means the current (root) one.
 *
 * <p>The usual order, so that nothing is ever sent in the root namespace: {@link TunLink#open}
 * (the device is created down, in the root namespace), {@link #moveToNamespace}, then {@link
 * #setMtu}, {@link #addAddress} and {@link #setUp} inside it. Deleting the namespace (or closing
 * the link) removes the device.
 *
 * <p>Each command runs with a time limit ({@value #TIMEOUT_SECONDS} s); a failure throws an
 * {@link IOException} that quotes the command and what it printed.
 */
public final class HostNet {
    /** How long one {@code ip} command may take. */
    public static final int TIMEOUT_SECONDS = 10;
    private static final Path NETNS_DIR = Path.of("/run/netns");

    private HostNet() {}

    /** What a command printed (stdout and stderr merged) and its exit status. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Creates the network namespace {@code ns} ({@code ip netns add}). */
    public static void createNamespace(String ns) throws IOException {
        checkNamespace(ns);
        ipRoot("netns", "add", ns);
    }

    /** Deletes the network namespace {@code ns}, and the devices in it ({@code ip netns del}). */
    public static void deleteNamespace(String ns) throws IOException {
        checkNamespace(ns);
        ipRoot("netns", "del", ns);
    }

    /** True if a named namespace {@code ns} exists (its file under /run/netns). */
    public static boolean namespaceExists(String ns) {
        checkNamespace(ns);
        return Files.exists(NETNS_DIR.resolve(ns));
    }

    /** Moves device {@code dev} from the current namespace into {@code ns}; our descriptor stays valid. */
    public static void moveToNamespace(String dev, String ns) throws IOException {
        checkNamespace(ns);
        ipRoot("link", "set", "dev", dev, "netns", ns);
    }

    /** Adds an address such as {@code 198.18.0.1/24} to {@code dev} in {@code ns}. */
    public static void addAddress(String ns, String dev, String cidr) throws IOException {
        ip(ns, "addr", "add", cidr, "dev", dev);
    }

    /** Sets the MTU of {@code dev} in {@code ns}. */
    public static void setMtu(String ns, String dev, int mtu) throws IOException {
        ip(ns, "link", "set", "dev", dev, "mtu", Integer.toString(mtu));
    }

    /** Brings {@code dev} in {@code ns} up. */
    public static void setUp(String ns, String dev) throws IOException {
        ip(ns, "link", "set", "dev", dev, "up");
    }

    /** Brings {@code ns}'s loopback up (a fresh namespace has it down). */
    public static void loopbackUp(String ns) throws IOException {
        setUp(ns, "lo");
    }

    /**
     * Moves {@code dev} into {@code ns}, sets its MTU, gives it {@code hostCidr} and brings it and
     * the namespace's loopback up: the host side of a point-to-point link to the stack.
     */
    public static void configureHostSide(String ns, String dev, int mtu, String hostCidr) throws IOException {
        moveToNamespace(dev, ns);
        setMtu(ns, dev, mtu);
        addAddress(ns, dev, hostCidr);
        loopbackUp(ns);
        setUp(ns, dev);
    }

    /** Runs {@code ip [-n ns] args...}; throws if it fails. */
    public static String ip(String ns, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        if (ns != null) {
            checkNamespace(ns);
            cmd.add("-n");
            cmd.add(ns);
        }
        cmd.addAll(Arrays.asList(args));
        return check(run(cmd, TIMEOUT_SECONDS), cmd);
    }

    private static String ipRoot(String... args) throws IOException {
        return ip(null, args);
    }

    /** Runs {@code command} inside {@code ns} ({@code ip netns exec}), waiting at most {@code timeoutSeconds}. */
    public static Result exec(String ns, int timeoutSeconds, String... command) throws IOException {
        checkNamespace(ns);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(Arrays.asList(command));
        return run(cmd, timeoutSeconds);
    }

    /** Runs a command, merging its output; a command still running after the limit is killed and reported. */
    public static Result run(List<String> cmd, int timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                reader.join(1000);
                throw new IOException(String.join(" ", cmd) + ": still running after " + timeoutSeconds + " s, killed; output: " + out);
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + ": interrupted", e);
        }
        synchronized (out) {
            return new Result(p.exitValue(), out.toString());
        }
    }

    private static String check(Result r, List<String> cmd) throws IOException {
        if (!r.ok()) throw new IOException(String.join(" ", cmd) + ": exit " + r.exitCode() + ": " + r.output().strip());
        return r.output();
    }

    /** A namespace name must be a plain file name (it becomes /run/netns/NAME). */
    static void checkNamespace(String ns) {
        if (ns == null || ns.isEmpty() || ns.length() > 200 || ns.equals(".") || ns.equals("..") || ns.indexOf('/') >= 0 || ns.indexOf('\0') >= 0 || ns.startsWith("-"))
            throw new IllegalArgumentException("bad network namespace name: '" + ns + "'");
    }
}
