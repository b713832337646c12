package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sloop serve} end to end, as a child JVM, with Linux as the client from inside the
 * namespace (skipped unless root with /dev/net/tun, ip and python3). Each test uses a namespace
 * and device named after this JVM's pid and a subnet of 198.19.200.0/21 (other tests use
 * 198.18.0.0/16), and checks that the child leaves nothing behind.
 */
@Timeout(120)
class ServeCommandTest {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final long READY_MILLIS = 30_000, EXIT_MILLIS = 30_000;

    /** One run's names: namespace, device, subnet 198.19.(200+n).0/24. */
    private record Names(String ns, String dev, String net) {
        static Names next() {
            int n = SEQ.incrementAndGet();
            return new Names("sloop-serve-" + PID + "-" + n, "sls" + (PID % 1_000_000) + "x" + n, "198.19." + (200 + n % 50) + ".");
        }

        String addr(int host) {
            return net + host;
        }

        String cidr(int host) {
            return net + host + "/24";
        }
    }

    private static void assumeRootWithDevices() {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        assumeTrue("root".equals(System.getProperty("user.name")), "not root");
        assumeTrue(onPath("ip") && onPath("python3") && onPath("ping"), "needs ip, python3 and ping");
    }

    private static boolean onPath(String cmd) {
        for (String d : (System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin").split(":"))
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) return true;
        return false;
    }

    @Test
    void servesPingDaytimeEchoDiscardAndChargenThenStopsCleanlyOnSigint() throws Exception {
        assumeRootWithDevices();
        Names n = Names.next();
        try (ServeProcess p = ServeProcess.start(n.ns(), "--netns", n.ns(), "--tun", n.dev(), "--addr", n.cidr(2), "--host-addr", n.cidr(1),
                "--budget", "128k")) {
            assertTrue(p.awaitReady(READY_MILLIS), p::transcript);
            assertTrue(p.out().contains("ready on " + n.dev() + " (tun) " + n.cidr(2) + " in netns " + n.ns() + " (budget 131072 bytes): "
                    + "echo 7, discard 9, daytime 13, chargen 19"), p::transcript);

            HostNet.Result ping = HostNet.exec(n.ns(), 20, "ping", "-c", "5", "-i", "0.2", "-W", "2", n.addr(2));
            assertTrue(ping.ok() && ping.output().contains("5 received"), () -> ping.output() + p.transcript());

            HostNet.Result day = python(n, 20, DAYTIME, n.addr(2));
            assertTrue(day.ok(), () -> day.output() + p.transcript());
            // RFC 867: one line of text, ended by CRLF, then the server closes.
            assertTrue(day.output().strip().matches("'[A-Z][a-z]+day, [A-Z][a-z]+ \\d{1,2}, \\d{4} \\d\\d:\\d\\d:\\d\\d-UTC\\\\r\\\\n'"), day::output);

            HostNet.Result echo = python(n, 120, resource("echo_client.py"), n.addr(2), "7", Integer.toString(100 << 20), "4");
            assertTrue(echo.ok(), () -> echo.output() + p.transcript());
            String[] e = echo.output().strip().split(" ");
            assertEquals(e[0], e[1], "what came back from echo is what was sent");
            assertEquals(Integer.toString(100 << 20), e[2]);
            System.out.printf("serve: 100 MiB through echo (each way) in %s s: %.1f MB/s each way%n", e[3], (100 << 20) / 1e6 / Double.parseDouble(e[3]));

            HostNet.Result discard = python(n, 30, DISCARD_AND_CHARGEN, n.addr(2));
            assertTrue(discard.ok(), () -> discard.output() + p.transcript());
            assertEquals("discarded 1048576 chargen 10000 ok", discard.output().strip());

            p.signal("INT");
            int status = p.awaitExit(EXIT_MILLIS);
            assertEquals(0, status, p::transcript);
            String out = p.out();
            assertTrue(out.contains("sloop: stopping (signal)"), out);
            assertTrue(out.contains("sloop: memory summary"), out);
            assertTrue(out.matches("(?s).*used \\d+  free \\d+  peak \\d+  min-ever-free \\d+  failures \\d+  baseline \\d+.*"), out);
            assertTrue(out.contains("echo     tcp/7     served 1, active 0 (peak 1), refused 0 (0 for memory), idle-closed 0, errors 0, in 104857600 B, out 104857600 B"), out);
            assertTrue(out.contains("sloop: deleted netns " + n.ns()), out);
            assertTrue(out.contains("budget back at its baseline"), out);
            assertEquals(1, p.readyLines(), out);
            assertEquals("", p.errWithoutLog()); // warnings (memory pressure during 100 MiB at 128k) are log lines
            assertGone(n, true);
        }
    }

    @Test
    void sigtermStopsATapDeviceWithACaptureCleanly() throws Exception {
        assumeRootWithDevices();
        Names n = Names.next();
        Path pcap = Files.createTempFile("sloop-serve", ".pcap");
        try (ServeProcess p = ServeProcess.start(n.ns(), "--netns", n.ns(), "--tun", n.dev(), "--tap", "--addr", n.cidr(2), "--host-addr", n.cidr(1),
                "--budget", "64k", "--pcap", pcap.toString(), "--services", "echo,daytime")) {
            assertTrue(p.awaitReady(READY_MILLIS), p::transcript);
            assertTrue(p.out().contains("(tap)") && p.out().contains("echo 7, daytime 13"), p::transcript);
            HostNet.Result ping = HostNet.exec(n.ns(), 20, "ping", "-c", "3", "-i", "0.2", "-W", "2", n.addr(2));
            assertTrue(ping.ok() && ping.output().contains("3 received"), () -> ping.output() + p.transcript());
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT_MILLIS), p::transcript);
            assertTrue(p.out().contains("budget back at its baseline") && p.out().contains("capture: "), p::transcript);
            assertGone(n, true);
            byte[] head = Files.readAllBytes(pcap);
            assertTrue(head.length > 24 + 3 * 2 * (16 + 98), "capture holds the pings and their answers: " + head.length + " bytes");
            assertEquals(0x4D, head[0] & 0xFF); // nanosecond pcap magic, little-endian
            assertEquals(1, head[20]); // LINKTYPE_ETHERNET
        } finally {
            Files.deleteIfExists(pcap);
        }
    }

    @Test
    void anExistingNamespaceIsUsedAndLeftInPlaceAndANameTakenThereIsRefused() throws Exception {
        assumeRootWithDevices();
        Names n = Names.next();
        HostNet.createNamespace(n.ns());
        try {
            // A device of that name in the namespace: refused in one line, nothing left behind.
            HostNet.ip(n.ns(), "tuntap", "add", "dev", n.dev(), "mode", "tun");
            try (ServeProcess p = ServeProcess.start((String) null, "--netns", n.ns(), "--tun", n.dev(), "--addr", n.cidr(2), "--host-addr", n.cidr(1))) {
                assertEquals(1, p.awaitExit(EXIT_MILLIS), p::transcript);
                assertEquals("sloop: device " + n.dev() + " exists in netns " + n.ns() + ": its name is taken there (pick another --tun)\n", p.err());
                assertEquals(0, p.readyLines());
            }
            assertTrue(Files.exists(Path.of("/run/netns", n.ns())), "the namespace Sloop did not create stays");
            assertFalse(HostNet.run(List.of("ip", "link", "show", "dev", n.dev()), 10).ok(), "no device left in the root namespace");
            HostNet.ip(n.ns(), "tuntap", "del", "dev", n.dev(), "mode", "tun");

            // Now it serves, stops by itself after --duration, and leaves the namespace.
            try (ServeProcess p = ServeProcess.start((String) null, "--netns", n.ns(), "--tun", n.dev(), "--addr", n.cidr(2), "--host-addr", n.cidr(1),
                    "--duration", "3")) {
                assertTrue(p.awaitReady(READY_MILLIS), p::transcript);
                assertTrue(p.out().contains("using the existing netns " + n.ns()), p::transcript);
                HostNet.Result ping = HostNet.exec(n.ns(), 10, "ping", "-c", "2", "-i", "0.2", "-W", "2", n.addr(2));
                assertTrue(ping.ok(), () -> ping.output() + p.transcript());
                assertEquals(0, p.awaitExit(EXIT_MILLIS), p::transcript);
                assertTrue(p.out().contains("sloop: stopping (--duration elapsed)") && p.out().contains("budget back at its baseline"), p::transcript);
                assertFalse(p.out().contains("deleted netns"), p::transcript);
            }
            assertTrue(Files.exists(Path.of("/run/netns", n.ns())), "the namespace Sloop did not create stays");
            assertGone(n, false);
        } finally {
            HostNet.deleteNamespace(n.ns());
        }
    }

    /**
     * A serve killed before its cleanup leaves its namespace and the marker naming it as maker:
     * the next serve with that --netns says so, takes it over and deletes it on exit. A namespace
     * whose marker names a serve still running is refused in one line.
     */
    @Test
    void aNamespaceLeftByAKilledServeIsTakenOverAndOneInUseIsRefused() throws Exception {
        assumeRootWithDevices();
        Names n = Names.next();
        HostNet.createNamespace(n.ns());
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        try {
            // Owned by a process still running (this JVM stands in for a running serve): refused.
            NamespaceOwner.record(n.ns());
            try (ServeProcess p = ServeProcess.start((String) null, "--netns", n.ns(), "--tun", n.dev(), "--addr", n.cidr(2), "--host-addr", n.cidr(1))) {
                assertEquals(1, p.awaitExit(EXIT_MILLIS), p::transcript);
                assertEquals("sloop: netns " + n.ns() + " belongs to a sloop serve still running (pid " + PID + "): stop it, or pick another --netns\n",
                        p.err());
            }
            assertTrue(Files.exists(Path.of("/run/netns", n.ns())), "a running serve's namespace is left alone");
            // Owned by a process that is gone: taken over, and deleted on exit with its marker.
            Files.writeString(NamespaceOwner.marker(n.ns()), dead.pid() + "\n");
            try (ServeProcess p = ServeProcess.start((String) null, "--netns", n.ns(), "--tun", n.dev(), "--addr", n.cidr(2), "--host-addr", n.cidr(1),
                    "--duration", "2")) {
                assertTrue(p.awaitReady(READY_MILLIS), p::transcript);
                assertTrue(p.out().contains("sloop: netns " + n.ns() + " was left behind by a serve that did not clean up (pid " + dead.pid()
                        + ", gone); taking it over (deleted on exit)"), p::transcript);
                assertEquals(0, p.awaitExit(EXIT_MILLIS), p::transcript);
                assertTrue(p.out().contains("deleted netns " + n.ns()), p::transcript);
            }
            assertFalse(Files.exists(Path.of("/run/netns", n.ns())), "the left-behind namespace is deleted");
            assertFalse(Files.exists(NamespaceOwner.marker(n.ns())), "and its marker");
        } finally {
            if (Files.exists(Path.of("/run/netns", n.ns()))) HostNet.deleteNamespace(n.ns());
            NamespaceOwner.forget(n.ns());
        }
    }

    /**
     * The device is opened with virtio-net headers (IFF_VNET_HDR, 0x4000 in its tun_flags) by
     * default and with {@code --offload}, and without them with {@code --no-offload}: each spelling
     * does what it says (picocli once kept the default for --no-offload and turned it off for --offload).
     */
    @Test
    void offloadAndNoOffloadSetTheDevicesVirtioNetHeaders() throws Exception {
        assumeRootWithDevices();
        for (String option : new String[] {null, "--offload", "--no-offload"}) {
            Names n = Names.next();
            List<String> args = new java.util.ArrayList<>(List.of("--netns", n.ns(), "--tun", n.dev(), "--addr", n.cidr(2), "--host-addr", n.cidr(1),
                    "--budget", "1m", "--services", "echo"));
            if (option != null) args.add(option);
            try (ServeProcess p = ServeProcess.start(n.ns(), args.toArray(String[]::new))) {
                assertTrue(p.awaitReady(READY_MILLIS), p::transcript);
                HostNet.Result flags = HostNet.exec(n.ns(), 10, "cat", "/sys/class/net/" + n.dev() + "/tun_flags");
                assertTrue(flags.ok(), flags::output);
                int f = Integer.decode(flags.output().strip());
                boolean vnet = (f & 0x4000) != 0;
                assertEquals(!"--no-offload".equals(option), vnet, (option == null ? "default" : option) + ": tun_flags " + flags.output().strip());
                HostNet.Result echo = python(n, 20, "import socket; s = socket.create_connection(('" + n.addr(2) + "', 7), timeout=5);"
                        + " s.sendall(b'x' * 300000); s.shutdown(socket.SHUT_WR); n = 0\nwhile True:\n  b = s.recv(65536)\n  if not b: break\n  n += len(b)\nprint(n)");
                assertTrue(echo.ok() && echo.output().strip().equals("300000"), () -> echo.output() + p.transcript());
                p.signal("TERM");
                assertEquals(0, p.awaitExit(EXIT_MILLIS), p::transcript);
                assertTrue(p.out().contains("budget back at its baseline"), p::transcript);
            }
        }
    }

    @Test
    void withoutCapNetAdminTheErrorIsOneLine() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "no setpriv");
        Names n = Names.next();
        try (ServeProcess p = ServeProcess.start(List.of("/usr/bin/setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin"), null,
                "--tun", n.dev(), "--addr", n.cidr(2), "--duration", "1")) {
            assertEquals(1, p.awaitExit(EXIT_MILLIS), p::transcript);
            assertEquals("sloop: ioctl TUNSETIFF " + n.dev() + " TUN: Operation not permitted (EPERM): needs CAP_NET_ADMIN (run as root, or grant the capability)\n",
                    p.err());
            assertFalse(p.out().contains("ready"), p::transcript);
        }
    }

    /** The namespace (if {@code nsDeleted}) and the device are gone: nothing of the run is left. */
    private static void assertGone(Names n, boolean nsDeleted) throws IOException {
        if (nsDeleted) assertFalse(Files.exists(Path.of("/run/netns", n.ns())), "namespace " + n.ns() + " deleted");
        else assertFalse(HostNet.run(List.of("ip", "-n", n.ns(), "link", "show", "dev", n.dev()), 10).ok(), "no device left in the namespace");
        assertFalse(HostNet.run(List.of("ip", "link", "show", "dev", n.dev()), 10).ok(), "no device left in the root namespace");
    }

    private static HostNet.Result python(Names n, int timeoutSeconds, String script, String... args) throws IOException {
        String[] cmd = new String[3 + args.length];
        cmd[0] = "python3";
        cmd[1] = "-c";
        cmd[2] = script;
        System.arraycopy(args, 0, cmd, 3, args.length);
        return HostNet.exec(n.ns(), timeoutSeconds, cmd);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ServeCommandTest.class.getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static final String DAYTIME = """
            import socket, sys
            s = socket.create_connection((sys.argv[1], 13), timeout=10)
            got = b''
            while True:
                b = s.recv(1024)
                if not b:
                    break
                got += b
            print(repr(got.decode('ascii')))
            """;

    private static final String DISCARD_AND_CHARGEN = """
            import socket, sys
            s = socket.create_connection((sys.argv[1], 9), timeout=10)
            s.sendall(bytes(range(256)) * 4096)
            s.shutdown(socket.SHUT_WR)
            assert s.recv(1) == b''  # discard sends nothing and closes after our FIN
            s.close()
            c = socket.create_connection((sys.argv[1], 19), timeout=10)
            got = b''
            while len(got) < 10000:
                b = c.recv(4096)
                assert b
                got += b
            c.close()
            lines = got.split(b'\\r\\n')
            ok = all(len(l) == 72 for l in lines[1:-1]) and all(32 <= x < 127 for l in lines for x in l)
            print('discarded', 256 * 4096, 'chargen', 10000 if len(got) >= 10000 else len(got), 'ok' if ok else 'bad')
            """;
}
