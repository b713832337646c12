package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import net.sloop.service.ServiceKind;
import net.sloop.tun.TunLink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code sloop serve}'s options: parsing and the one-line errors (no root, no device needed). */
class ServeOptionsTest {
    private static final List<String> ALL = List.of("echo", "discard", "daytime", "chargen");

    private static ServeOptions of(String netns, String dev, String addr, String host) {
        return ServeOptions.of(netns, dev, false, addr, host, "128k", 1500, ALL, 8, 300, 0, null);
    }

    @Test
    void theIssuesCommandLineParses() {
        ServeOptions o = of("sloop", "sloop0", "198.18.0.2/24", "198.18.0.1/24");
        assertEquals("sloop", o.netns());
        assertEquals("sloop0", o.device());
        assertEquals(TunLink.Mode.TUN, o.mode());
        assertEquals("198.18.0.2/24", o.address().toString());
        assertEquals("198.18.0.1/24", o.hostAddress().toString());
        assertEquals(131072, o.budgetBytes());
        assertEquals(Set.of(ServiceKind.values()), o.services());
        assertEquals("echo 7, discard 9, daytime 13, chargen 19", o.servicesText());
        assertEquals(0, o.durationNanos());
        assertNull(o.pcap());
    }

    @Test
    void withoutANamespaceTheHostAddressIsOptional() {
        ServeOptions o = of(null, "sloop0", "10.0.0.2/30", null);
        assertNull(o.hostAddress());
        assertEquals(30, o.address().prefix());
    }

    @Test
    void servicesDurationAndTap() {
        ServeOptions o = ServeOptions.of(null, "tap7", true, "198.18.0.2/24", null, "1m", 9000, List.of("Chargen", " echo"), 3, 0, 1.5, null);
        assertEquals(TunLink.Mode.TAP, o.mode());
        assertEquals("echo 7, chargen 19", o.servicesText());
        assertEquals(1_500_000_000L, o.durationNanos());
        assertEquals(1 << 20, o.budgetBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "198.18.0.300/24 | 198.18.0.1/24 | --addr 198.18.0.300/24: not an IPv4 address: 198.18.0.300",
            "198.18.0.2      | 198.18.0.1/24 | --addr 198.18.0.2: expected address/prefix, e.g. 198.18.0.2/24",
            "198.18.0.2/33   | 198.18.0.1/24 | --addr 198.18.0.2/33: prefix length must be 1..30, was 33",
            "198.18.0.2/x    | 198.18.0.1/24 | --addr 198.18.0.2/x: prefix length must be a number 1..30",
            "198.18.0.0/24   | 198.18.0.1/24 | --addr 198.18.0.0/24: that is the subnet's own address, not a host's",
            "198.18.0.255/24 | 198.18.0.1/24 | --addr 198.18.0.255/24: that is the subnet's broadcast address",
            "224.0.0.2/24    | 198.18.0.1/24 | --addr 224.0.0.2/24: not a unicast host address",
            "198.18.0.2/24   | 198.18.0.2/24 | --host-addr 198.18.0.2/24 is the same address as --addr",
            "198.18.0.2/24   | 198.18.1.1/24 | --host-addr 198.18.1.1/24 and --addr 198.18.0.2/24 must be in the same subnet, with the same prefix",
            "198.18.0.2/24   | bogus         | --host-addr bogus: expected address/prefix, e.g. 198.18.0.2/24",
    })
    void badAddressesAreNamed(String addr, String host, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of("ns", "sloop0", addr, host));
        assertEquals(message, e.getMessage());
    }

    @Test
    void otherBadValuesAreNamed() {
        assertEquals("--host-addr is needed with --netns", msg(() -> of("ns", "sloop0", "198.18.0.2/24", null)));
        assertEquals("--tun averyveryverylongname: interface name 'averyveryverylongname' is 21 bytes; Linux allows at most 15",
                msg(() -> of(null, "averyveryverylongname", "198.18.0.2/24", null)));
        assertTrue(msg(() -> of("a/b", "sloop0", "198.18.0.2/24", "198.18.0.1/24")).startsWith("--netns 'a/b': not a usable namespace name"));
        assertEquals("--services: unknown service 'ftp' (known: echo, discard, daytime, chargen)",
                msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 1500, List.of("echo", "ftp"), 8, 0, 0, null)));
        assertEquals("--budget: not a size: lots (write e.g. 65536, 64k, 1m)",
                msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "lots", 1500, ALL, 8, 0, 0, null)));
        assertTrue(msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "4k", 1500, ALL, 8, 0, 0, null))
                .startsWith("--budget 4k (4096 bytes) with --mtu 1500: "));
        assertEquals("--mtu 100: must be 576..65535",
                msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 100, ALL, 8, 0, 0, null)));
        assertEquals("--max-connections 0: must be 1..65535",
                msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 1500, ALL, 0, 0, 0, null)));
        assertEquals("--max-orphans -2: must be 0..65535 (0: derived from the budget)",
                msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 1500, ALL, 8, 0, 0, null, false, -2, 120)));
        assertEquals("--orphan-timeout 0: must be 1..86400 seconds",
                msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 1500, ALL, 8, 0, 0, null, false, 0, 0)));
        assertTrue(msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 1500, ALL, 8, 0, -1, null)).startsWith("--duration"));
        assertTrue(msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 1500, ALL, 8, 0, 0,
                java.nio.file.Path.of("/no/such/dir/x.pcap"))).startsWith("--pcap /no/such/dir/x.pcap: no such directory"));
    }

    @Test
    void aBudgetTooSmallForOneConnectionPerServiceIsRefusedNamingTheSmallestThatWorks() throws Exception {
        String m = msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "28k", 1500, ALL, 8, 0, 0, null));
        assertTrue(m.startsWith("--budget 28k (28672 bytes) with --mtu 1500: too small to promise one connection to each TCP service (4)"), m);
        java.util.regex.Matcher k = java.util.regex.Pattern.compile("the smallest budget that does is (\\d+)k$").matcher(m);
        assertTrue(k.find(), m);
        int smallest = Integer.parseInt(k.group(1));
        ServeOptions ok = ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, smallest + "k", 1500, ALL, 8, 0, 0, null);
        assertEquals(1, ok.plan().guaranteedPerService(), ok.planText());
        msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, (smallest - 1) + "k", 1500, ALL, 8, 0, 0, null));
        // Fewer services fit in less.
        ServeOptions echo = ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "32k", 1500, List.of("echo"), 8, 0, 0, null);
        assertTrue(echo.plan().guaranteedPerService() >= 1, echo.planText());
        System.out.println("serve: smallest budget for the four services: " + smallest + "k (" + ok.planText() + "); --budget 32k --services echo: "
                + echo.planText());
    }

    @Test
    void everyServiceIsPromisedItsShareOfWhatTheBudgetAdmits() {
        for (String budget : List.of("48k", "64k", "128k", "1m", "64m")) {
            ServeOptions o = ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, budget, 1500, ALL, 8, 0, 0, null);
            ServePlan p = o.plan();
            assertEquals(ServePlan.DEFAULT_SLOTS, p.slots(), budget);
            assertTrue(p.guaranteedPerService() >= 1 && 4 * p.guaranteedPerService() + 1 <= p.fit(), budget + ": " + o.planText());
            System.out.println("serve --budget " + budget + ": " + o.planText() + " (admits " + p.fit() + " at the minimum)");
        }
        // Buffers start at 16 KiB and autotune up to 4 MiB at every budget (the memory rule bounds what they take);
        // from 1 MiB, with offload, the stack sends 64 KiB segments for the device to cut.
        for (String budget : List.of("128k", "1m", "64m")) {
            net.sloop.stack.StackConfig c = ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, budget, 1500, ALL, 8, 0, 0, null).stackConfig();
            assertEquals(16 * 1024, c.tcp().receiveBuffer(), budget);
            assertEquals(net.sloop.tcp.TcpConfig.AUTOTUNE_MAX, c.tcp().receiveBufferMax(), budget);
            assertEquals(net.sloop.tcp.TcpConfig.AUTOTUNE_MAX, c.tcp().sendBufferMax(), budget);
            assertEquals(budget.equals("128k") ? 0 : 65535, c.segmentOffloadBytes(), budget);
        }
        // Blocks sized for the budget unless --block-size says otherwise; a size the budget cannot plan with is one line.
        assertEquals(512, ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 1500, ALL, 8, 0, 0, null).stackConfig().blockSize());
        assertEquals(2048, ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "64m", 1500, ALL, 8, 0, 0, null).stackConfig().blockSize());
        assertEquals(512, ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "64m", 1500, ALL, 8, 0, 0, null, true, 0, 120, null, null, 512)
                .stackConfig().blockSize());
        assertTrue(msg(() -> ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "128k", 1500, ALL, 8, 0, 0, null, true, 0, 120, null, null, 65536))
                .startsWith("--budget 128k (131072 bytes) with --mtu 1500 and --block-size 65536: "));
        ServeOptions o = ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, "64k", 1500, ALL, 3, 0, 0, null, false, 5, 30);
        assertEquals(3, o.plan().slots());
        assertEquals(5, o.plan().orphans());
        assertEquals(30_000_000_000L, o.stackConfig().tcp().orphanTimeoutNanos());
    }

    private static String msg(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    /** The command line as a user meets it: one line on stderr, exit status 2, no stack trace, nothing created. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--addr=198.18.0.2                                  | sloop serve: --addr 198.18.0.2: expected address/prefix, e.g. 198.18.0.2/24",
            "--netns=x --addr=10.1.0.2/24                       | sloop serve: --host-addr is needed with --netns",
            "--budget=12q                                       | sloop serve: --budget: not a size: 12q (write e.g. 65536, 64k, 1m)",
            "--services=echo,gopher                             | sloop serve: --services: unknown service 'gopher' (known: echo, discard, daytime, chargen)",
            "--max-orphans=-1                                   | sloop serve: --max-orphans -1: must be 0..65535 (0: derived from the budget)",
            "--orphan-timeout=0                                 | sloop serve: --orphan-timeout 0: must be 1..86400 seconds",
            "--block-size=100                                   | sloop serve: --block-size 100: must be 0 (sized for the budget) or a multiple of 8 from 256 to 65536",
            "--block-size=1001                                  | sloop serve: --block-size 1001: must be 0 (sized for the budget) or a multiple of 8 from 256 to 65536",
    })
    void commandLineErrorsAreOneLine(String args, String expected) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> argv = new java.util.ArrayList<>(List.of("serve"));
        argv.addAll(List.of(args.trim().split(" ")));
        int status = cl.execute(argv.toArray(String[]::new));
        assertEquals(2, status);
        assertEquals(expected + "\n", err.toString());
        assertEquals("", out.toString());
    }

    @Test
    void unknownOptionsArePicocliUsageErrors() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err, true));
        assertEquals(2, cl.execute("serve", "--frobnicate"));
        assertTrue(err.toString().startsWith("Unknown option: '--frobnicate'"), err::toString);
        assertFalse(err.toString().contains("Exception"));
    }

    @Test
    void theDefaultHostAddressGoesWithTheDefaultAddress() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setErr(new PrintWriter(err, true));
        // --netns with every address left at its default is a complete command; with a bad MTU it stops at validation.
        assertEquals(2, cl.execute("serve", "--netns=sloop", "--mtu=10"));
        assertEquals("sloop serve: --mtu 10: must be 576..65535\n", err.toString());
    }
}
