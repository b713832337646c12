package net.sloop.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.sloop.tun.HostNet;

/**
 * A network namespace made for one test ("PREFIX-PID-N"), deleted on {@link #close()}, and the
 * unique names and subnets tests use with it. {@link #assumeDevices()} skips a test that cannot
 * create TUN/TAP devices and namespaces (not root, no /dev/net/tun, no ip).
 *
 * <p>Subnets are 198.18.S.0/24 with S = base + N: the TUN device tests ({@link #create()}) use
 * base 0 (S from 1 up), the interop tests {@link #INTEROP_BASE}; other suites (the serve command's
 * tests) keep to 198.19.200.0/24 and above. A namespace a crashed test left behind is deleted by a
 * shutdown hook when the JVM exits normally or on a signal.
 */
public final class Netns implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid();
    /** Subnet base of the interop tests (net.sloop.interop): 198.18.100.0/24 up. */
    public static final int INTEROP_BASE = 100;
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (String ns : LIVE) {
                try {
                    if (HostNet.namespaceExists(ns)) HostNet.deleteNamespace(ns);
                } catch (IOException | RuntimeException e) {
                    System.err.println("could not delete " + ns + ": " + e);
                }
            }
        }, "netns-cleanup"));
    }

    public final String name;
    /** A number unique in this JVM: device names. */
    public final int n;
    /** The third byte of this namespace's subnet, 198.18.S.0/24. */
    public final int subnet;
    private boolean closed;

    private Netns(String name, int n, int subnet) {
        this.name = name;
        this.n = n;
        this.subnet = subnet;
    }

    /** Skips the test unless this process can create devices and namespaces. */
    public static void assumeDevices() {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        assumeTrue("root".equals(System.getProperty("user.name")) || uid() == 0, "not root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip")), "no ip command");
    }

    private static long uid() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (Exception e) {
            return -1;
        }
    }

    /** A namespace "sloop-t-PID-N" with subnet 198.18.N.0/24 (the TUN device tests). */
    public static Netns create() throws IOException {
        return create("sloop-t", 0);
    }

    /** A namespace "PREFIX-PID-N" with subnet 198.18.(base + N).0/24, N unique in this JVM. */
    public static Netns create(String prefix, int base) throws IOException {
        int n = SEQ.incrementAndGet();
        Netns ns = new Netns(prefix + "-" + PID + "-" + n, n, (base + n) % 250);
        LIVE.add(ns.name);
        HostNet.createNamespace(ns.name);
        return ns;
    }

    /** A device name unique to this namespace (at most 15 bytes). */
    public String dev(String prefix) {
        String s = prefix + (PID % 100000) + "x" + n;
        return s.length() <= 15 ? s : s.substring(s.length() - 15);
    }

    /** "198.18.S.host/24" in this namespace's subnet. */
    public String cidr(int host) {
        return addr(host) + "/24";
    }

    /** "198.18.S.host" in this namespace's subnet. */
    public String addr(int host) {
        return "198.18." + subnet + "." + host;
    }

    public HostNet.Result exec(int timeoutSeconds, String... cmd) throws IOException {
        return HostNet.exec(name, timeoutSeconds, cmd);
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        if (HostNet.namespaceExists(name)) HostNet.deleteNamespace(name);
        LIVE.remove(name);
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
