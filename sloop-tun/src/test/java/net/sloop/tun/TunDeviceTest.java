package net.sloop.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import net.sloop.iface.NetIf;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.stats.DropReason;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.MacAddress;
import net.sloop.testing.Netns;
import net.sloop.testing.TunRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Linux as the peer, through a real TUN or TAP device in a namespace each test creates (skipped
 * unless root with /dev/net/tun). Every test ends with the namespace deleted and the budget at
 * its baseline ({@link TunRig#close()}).
 */
@Timeout(60)
class TunDeviceTest {
    @Test
    void linuxPingsTheStackThroughTun() throws Exception {
        try (TunRig rig = new TunRig(TunLink.Mode.TUN, 128 * 1024)) {
            assertEquals(net.sloop.link.Link.Kind.IP, rig.link.kind());
            assertPings(rig, 20);
        }
    }

    @Test
    void linuxPingsTheStackThroughTapAndArpResolvesBothWays() throws Exception {
        try (TunRig rig = new TunRig(TunLink.Mode.TAP, 128 * 1024)) {
            assertEquals(net.sloop.link.Link.Kind.ETHERNET, rig.link.kind());
            assertTrue(rig.link.mac() != rig.link.deviceMac());
            assertPings(rig, 20);
            // Linux learned the stack's MAC from its ARP reply...
            String neigh = HostNet.ip(rig.ns.name, "neigh", "show", rig.ns.addr(2));
            assertTrue(neigh.contains(MacAddress.toString(rig.link.mac()).toLowerCase()), neigh);
            // ...and the stack learned the device's (the request carried it; the replies went to it).
            NetIf nif = rig.stack.interfaces().get(0);
            long learned = rig.locked(() -> rig.stack.arp().lookup(nif, Ipv4Address.parse(rig.ns.addr(1))));
            assertEquals(MacAddress.toString(rig.link.deviceMac()), MacAddress.toString(learned));
        }
    }

    @Test
    void linuxIpv6ChatterOnAFreshTapIsCountedAndDropped() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/sys/net/ipv6")), "no IPv6 in this kernel");
        try (TunRig rig = new TunRig(TunLink.Mode.TAP, 64 * 1024)) {
            // Bringing the device up makes Linux send MLD reports, DAD neighbour solicitations and
            // router solicitations: each is counted and freed at once.
            boolean seen = rig.settle(() -> rig.stack.stats().drops(DropReason.IPV6_UNSUPPORTED) > 0, 5000);
            assertTrue(seen, rig::report);
            assertPings(rig, 3); // and IPv4 still works
        }
    }

    @Test
    void linuxMovesOneMegabyteEachWayOverTcpThroughTun() throws Exception {
        transfer(TunLink.Mode.TUN);
    }

    @Test
    void linuxMovesOneMegabyteEachWayOverTcpThroughTap() throws Exception {
        transfer(TunLink.Mode.TAP);
    }

    private static void transfer(TunLink.Mode mode) throws Exception {
        final int size = 1 << 20;
        try (TunRig rig = new TunRig(mode, 256 * 1024)) {
            BlockingServerSocket server = rig.tcp.listen(0, 5001, 4);
            CompletableFuture<String> sloopSide = CompletableFuture.supplyAsync(() -> {
                try (BlockingSocket s = server.accept(Duration.ofSeconds(30))) {
                    s.setSoTimeout(Duration.ofSeconds(30));
                    ByteArrayOutputStream all = new ByteArrayOutputStream(size);
                    byte[] buf = new byte[16384];
                    int n;
                    while ((n = s.read(buf)) > 0) all.write(buf, 0, n);
                    byte[] got = all.toByteArray();
                    s.write(got); // echo it all back, then close
                    s.shutdownOutput();
                    return sha256(got) + " " + got.length;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            String script = """
                    import socket, hashlib, os, sys
                    data = os.urandom(int(sys.argv[3]))
                    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
                    s.sendall(data)
                    s.shutdown(socket.SHUT_WR)
                    got = bytearray()
                    while True:
                        b = s.recv(65536)
                        if not b:
                            break
                        got += b
                    s.close()
                    print(hashlib.sha256(data).hexdigest(), hashlib.sha256(got).hexdigest(), len(got))
                    """;
            HostNet.Result r = rig.ns.exec(45, "python3", "-c", script, rig.ns.addr(2), "5001", Integer.toString(size));
            assertTrue(r.ok(), () -> r.output() + "\n" + rig.report());
            String[] linux = r.output().strip().split(" ");
            String[] sloop = sloopSide.get(30, java.util.concurrent.TimeUnit.SECONDS).split(" ");
            assertEquals(Integer.toString(size), sloop[1], "bytes Sloop received");
            assertEquals(linux[0], sloop[0], "what Linux sent is what Sloop received");
            assertEquals(Integer.toString(size), linux[2], "bytes Linux received");
            assertEquals(linux[0], linux[1], "what Sloop echoed is what Linux sent");
            server.close();
            assertTrue(rig.settle(() -> rig.stack.tcp().connections() == 0, 10_000), rig::report);
        }
    }

    @Test
    void withoutCapNetAdminTheErrorSaysSo() throws Exception {
        Netns.assumeDevices();
        java.nio.file.Path setpriv = java.nio.file.Path.of("/usr/bin/setpriv");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(setpriv), "no setpriv");
        String javaCmd = ProcessHandle.current().info().command().orElse("java");
        try (Netns ns = Netns.create()) { // only for a unique name; the device is never created
            HostNet.Result r = HostNet.run(java.util.List.of(setpriv.toString(), "--bounding-set=-net_admin", "--inh-caps=-net_admin",
                    javaCmd, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    CapProbeMain.class.getName(), ns.dev("slc")), 30);
            assertEquals("ioctl TUNSETIFF " + ns.dev("slc") + " TUN: Operation not permitted (EPERM): needs CAP_NET_ADMIN (run as root, or grant the capability)",
                    r.output().strip());
        }
    }

    private static void assertPings(TunRig rig, int count) throws Exception {
        HostNet.Result r = rig.ns.exec(30, "ping", "-c", Integer.toString(count), "-i", "0.01", "-W", "2", rig.ns.addr(2));
        assertTrue(r.ok() && r.output().contains(count + " received"), () -> r.output() + "\n" + rig.report());
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
