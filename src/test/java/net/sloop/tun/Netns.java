package net.sloop.tun;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace made for one test ("sloop-t-PID-N"), deleted on {@link #close()}, and the
 * unique names and subnets tests use with it. {@link #assumeDevices()} skips a test that cannot
 * create TUN/TAP devices and namespaces (not root, no /dev/net/tun, no ip).
 */
final class Netns implements AutoCloseable {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final long PID = ProcessHandle.current().pid();

    final String name;
    /** A number unique in this JVM: device names, subnets 198.18.N.0/24. */
    final int n;
    private boolean closed;

    private Netns(String name, int n) {
        this.name = name;
        this.n = n;
    }

    /** Skips the test unless this process can create devices and namespaces. */
    static void assumeDevices() {
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

    static Netns create() throws IOException {
        int n = SEQ.incrementAndGet();
        Netns ns = new Netns("sloop-t-" + PID + "-" + n, n);
        HostNet.createNamespace(ns.name);
        return ns;
    }

    /** A device name unique to this namespace (at most 15 bytes). */
    String dev(String prefix) {
        String s = prefix + (PID % 100000) + "x" + n;
        return s.length() <= 15 ? s : s.substring(s.length() - 15);
    }

    /** "198.18.N.host/24" with N from this namespace's number. */
    String cidr(int host) {
        return "198.18." + (n % 250) + "." + host + "/24";
    }

    String addr(int host) {
        return "198.18." + (n % 250) + "." + host;
    }

    HostNet.Result exec(int timeoutSeconds, String... cmd) throws IOException {
        return HostNet.exec(name, timeoutSeconds, cmd);
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        if (HostNet.namespaceExists(name)) HostNet.deleteNamespace(name);
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
