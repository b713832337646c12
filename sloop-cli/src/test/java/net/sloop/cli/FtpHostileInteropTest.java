package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code ./sloop serve --ftp-root DIR} against hostile FTP clients from Linux ({@code
 * ftp_hostile.py}: plain sockets, so NUL bytes, overlong UTF-8 and endless lines reach the server
 * as sent; {@code ftp_spoof.py}: scapy, for a data connection from an address no socket here
 * has). The served tree sits next to {@code outside/secret}, and holds symlinks to it; no reply
 * and no data connection may ever carry it, and nothing outside the root may change.
 *
 * <p>Each attack must be refused with the reply code RFC 959, 2577 and 3659 give for it (the
 * script checks each reply), counted in serve's {@code ftp} summary line, leave other sessions
 * working, and leave nothing behind: while they run, a FRESH connection to echo (port 7) answers
 * within 3 s once a second, and afterwards serve stops on SIGTERM with its budget at the baseline
 * ({@link FtpRig#stopAndCheckMemoryBack}).
 */
@Timeout(150)
class FtpHostileInteropTest {
    private static final String BUDGET = "128k";
    private Path base, root;

    @BeforeEach
    void rootAndTools() throws IOException {
        FtpRig.assumeRootWithTools(FtpRig.PYTHON);
        base = Files.createTempDirectory("sloop-ftp-hostile");
        root = base.resolve("root");
        FtpRig.writeTree(root, 3, 10, 5000, 47);
        FtpRig.writeRandom(root.resolve("big.bin"), 200_000, 48);
        Files.createDirectories(base.resolve("outside"));
        Files.writeString(base.resolve("outside/secret"), "SLOOP-SECRET-OUTSIDE-THE-ROOT\n");
        Files.createSymbolicLink(root.resolve("escape"), Path.of("../outside/secret"));
        Files.createSymbolicLink(root.resolve("escdir"), Path.of("../outside"));
    }

    @AfterEach
    void cleanUp() throws IOException {
        if (base != null) FtpRig.deleteTree(base);
    }

    /**
     * What a client says: commands before login (530, RFC 959 5.4), then so many that the server
     * closes (421); path traversal in every form ({@code ..}, {@code /../}, absolute host paths,
     * backslashes, {@code %2e%2e}, NUL, overlong UTF-8) with every verb that takes a path (550,
     * 553 or 501); symlinks out of the root (550); PORT and EPRT to another address and to port
     * 25 (RFC 2577 3: refused, and nothing connects there); a data connection to a PASV port from
     * another address of the link (RFC 2577 4: it gets nothing); command lines of 5 kB, 100 kB and
     * 1 MB without end (500); 10,000 PASV without ever connecting (each 227 with a port of
     * {@code --ftp-passive-ports}, then a listing works).
     */
    @Test
    void protocolAttacksAreRefusedCountedAndForgotten() throws Exception {
        List<Executable> checks = new ArrayList<>();
        try (FtpRig r = FtpRig.ready(BUDGET, "--ftp-root", root.toString(), "--ftp-users", FtpRig.writeUsers(base.resolve("users")).toString(),
                "--ftp-passive-ports", "40000-40099")) {
            r.addSecondAddress();
            HostNet.Result h = r.python(120, "ftp_hostile.py", r.sloop(), FtpRig.USER, FtpRig.PASS, r.alt(), base.toString(), "echo",
                    "prelogin", "preloginflood:40", "traversal", "symlink", "bounce", "pasvthief", "longline", "pasvflood:10000");
            checks.addAll(scriptChecks(h, List.of("prelogin", "preloginflood", "traversal", "symlink", "bounce", "pasvthief", "longline", "pasvflood")));
            checks.add(() -> assertTrue(figure(h, "lowest_port") >= 40000 && figure(h, "highest_port") <= 40099 && figure(h, "distinct_ports") > 50,
                    "10,000 PASV replies drew their ports from --ftp-passive-ports 40000-40099, spread over it\n" + okLines(h)));
            checks.add(() -> assertEquals(List.of("secret"), FtpClientsInteropTest.names(base.resolve("outside")), "outside/ unchanged"));
            checks.add(() -> assertEquals("SLOOP-SECRET-OUTSIDE-THE-ROOT\n", Files.readString(base.resolve("outside/secret")), "outside/secret unchanged"));
            String left = r.awaitConnectionsEnded(15_000);
            checks.add(() -> assertEquals("", left, "connections Linux still holds"));
            checks.addAll(r.stopAndCheckMemoryBack());
            checks.add(atLeast(r, "530 before login (\\d+)", 12 + 10, "530s before login"));
            checks.add(atLeast(r, "long lines (\\d+)", 3, "command lines too long (500)"));
            checks.add(atLeast(r, "PORT refused (\\d+)", 5, "PORT/EPRT bounces refused"));
            checks.add(atLeast(r, "foreign data (\\d+)", 1, "data connections from a foreign address refused"));
            System.out.printf("interop: ftp protocol attacks at --budget %s: %s; %s; %s; %s%n", BUDGET, okLines(h), probeFigures(h), r.memoryFigures(),
                    FtpClientsInteropTest.ftpLine(r));
            AttackRig.check(checks);
        }
    }

    /**
     * Slowloris: eight control connections from one address (a second address of Linux's side)
     * that never send a thing, held 6 s, while a client at another address logs in and lists
     * about once a second. Each of its sessions must succeed: one address may not take every
     * session of the server. The idle ones beyond the address's share are refused with 421
     * (counted per address).
     */
    @Test
    void idleConnectionsFromOneAddressDoNotShutOthersOut() throws Exception {
        slowloris(BUDGET);
    }

    /**
     * As {@link #idleConnectionsFromOneAddressDoNotShutOthersOut}, with {@code --ftp-max-sessions 8}
     * (four per address) at {@code --budget 256k}: the address's share is taken, the rest refused with 421, and the other
     * client's sessions all succeed.
     */
    @Test
    void idleConnectionsFromOneAddressTakeOnlyItsShareOfEightSessions() throws Exception {
        slowloris("256k", "--ftp-max-sessions", "8"); // 128k is refused at start with 8 sessions (the smallest is 132k)
    }

    private void slowloris(String budget, String... options) throws Exception {
        List<Executable> checks = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("--ftp-root", root.toString(), "--ftp-users", FtpRig.writeUsers(base.resolve("users")).toString()));
        args.addAll(List.of(options));
        try (FtpRig r = FtpRig.ready(budget, args.toArray(String[]::new))) {
            r.addSecondAddress();
            HostNet.Result h = r.python(60, "ftp_hostile.py", r.sloop(), FtpRig.USER, FtpRig.PASS, r.alt(), base.toString(), "echo", "slow:8:6");
            checks.addAll(scriptChecks(h, List.of("slow")));
            String left = r.awaitConnectionsEnded(15_000);
            checks.add(() -> assertEquals("", left, "connections Linux still holds"));
            checks.addAll(r.stopAndCheckMemoryBack());
            checks.add(atLeast(r, "refused \\d+ full/(\\d+) per-address", figure(h, "refused_421"), "idle connections refused (421) for their address's limit"));
            System.out.printf("interop: ftp 8 idle control connections from one address, 6 s, at --budget %s %s: %s; %s; %s; %s%n", budget,
                    String.join(" ", options), okLines(h),
                    probeFigures(h), r.memoryFigures(), FtpClientsInteropTest.ftpLine(r));
            AttackRig.check(checks);
        }
    }

    /**
     * A password guesser at one address: each wrong password answered 530 (after a delay), the
     * session closed (421) after a few, then the address refused (421) for a while, RFC 2577 5;
     * and afterwards the right password from another address still logs in (no lock-out of the
     * account).
     */
    @Test
    void passwordGuessingIsSlowedAndBoundedWithoutLockingTheAccount() throws Exception {
        List<Executable> checks = new ArrayList<>();
        try (FtpRig r = FtpRig.ready(BUDGET, "--ftp-root", root.toString(), "--ftp-users", FtpRig.writeUsers(base.resolve("users")).toString())) {
            r.addSecondAddress();
            HostNet.Result h = r.python(90, "ftp_hostile.py", r.sloop(), FtpRig.USER, FtpRig.PASS, r.alt(), base.toString(), "echo", "bruteforce:12");
            checks.addAll(scriptChecks(h, List.of("bruteforce")));
            String left = r.awaitConnectionsEnded(15_000);
            checks.add(() -> assertEquals("", left, "connections Linux still holds"));
            checks.addAll(r.stopAndCheckMemoryBack());
            checks.add(atLeast(r, "logins \\d+ ok/(\\d+) failed", codeCount(h, "bruteforce", 530), "failed logins counted (each 530 of the guesser)"));
            checks.add(atLeast(r, "per-address/(\\d+) locked-out", figure(h, "refused_at_greeting"), "the guesser's sessions refused (421) at once"));
            System.out.printf("interop: ftp password guessing (12 attempts) at --budget %s: %s; %s; %s; %s%n", BUDGET, okLines(h), probeFigures(h),
                    r.memoryFigures(), FtpClientsInteropTest.ftpLine(r));
            AttackRig.check(checks);
        }
    }

    /**
     * A data connection to a PASV port from an address no host on the link has: scapy sends the
     * SYN from it and completes the handshake from Sloop's SYN-ACK read off the device (RFC 2577
     * 4, "port stealing", done by an off-path host). The spoofed peer must get no byte; the
     * session that asked for the port lists as usual.
     */
    @Test
    void aSpoofedDataConnectionToAPassivePortGetsNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(FtpRig.scapy(), "needs python3-scapy");
        List<Executable> checks = new ArrayList<>();
        try (FtpRig r = FtpRig.ready(BUDGET, "--ftp-root", root.toString(), "--ftp-users", FtpRig.writeUsers(base.resolve("users")).toString())) {
            HostNet.Result h = r.python(60, "ftp_spoof.py", r.sloop(), FtpRig.USER, FtpRig.PASS, r.dev, r.net + "77");
            checks.add(() -> assertTrue(h.ok() && h.output().lines().anyMatch(l -> l.startsWith("ok spoof ")), "ftp_spoof.py\n" + h.output()));
            String left = r.awaitConnectionsEnded(15_000);
            checks.add(() -> assertEquals("", left, "connections Linux still holds"));
            checks.addAll(r.stopAndCheckMemoryBack());
            checks.add(atLeast(r, "foreign data (\\d+)", 1, "data connections from a foreign address refused"));
            System.out.printf("interop: ftp spoofed data connection at --budget %s: %s; %s; %s%n", BUDGET,
                    String.join("; ", h.output().lines().filter(l -> l.startsWith("ok ") || l.startsWith("spoofed")).toList()), r.memoryFigures(),
                    FtpClientsInteropTest.ftpLine(r));
            AttackRig.check(checks);
        }
    }

    /** Every check printed "ok NAME", none "FAIL", the script exited 0, and every echo probe answered. */
    static List<Executable> scriptChecks(HostNet.Result h, List<String> names) {
        List<Executable> checks = new ArrayList<>();
        for (String n : names)
            checks.add(() -> assertTrue(h.output().lines().anyMatch(l -> l.startsWith("ok " + n + " ") || l.equals("ok " + n)), n + "\n" + h.output()));
        checks.add(() -> assertEquals(List.of(), h.output().lines().filter(l -> l.startsWith("FAIL ")).toList(), "checks that failed\n" + h.output()));
        checks.add(() -> assertEquals(0, h.exitCode(), "ftp_hostile.py's exit status\n" + h.output()));
        AttackRig.Attack probes = new AttackRig.Attack(h.output());
        checks.add(probes.allProbesSucceeded("echo while the FTP attacks ran"));
        return checks;
    }

    static String okLines(HostNet.Result h) {
        return String.join("; ", h.output().lines().filter(l -> l.startsWith("ok ")).map(l -> l.substring(3)).toList());
    }

    static String probeFigures(HostNet.Result h) {
        return new AttackRig.Attack(h.output()).probeFigures().replaceFirst(" \\[.*\\]$", "");
    }

    /** How many replies with {@code code} the script saw in {@code check} ("codes CHECK 421:2 530:12"). */
    static int codeCount(HostNet.Result h, String check, int code) {
        Matcher m = Pattern.compile("(?m)^codes " + check + " .*\\b" + code + ":(\\d+)").matcher(h.output());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** A figure of an "ok" line ("... NAME=12 ..."), or 0. */
    static int figure(HostNet.Result h, String name) {
        Matcher m = Pattern.compile("(?m)^ok .*\\b" + name + "=(\\d+)").matcher(h.output());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    static Executable atLeast(FtpRig r, String regex, int least, String what) {
        return () -> {
            int n = r.summaryInt(regex);
            assertTrue(n >= least, what + ": serve's summary counts " + n + " (/" + regex + "/), at least " + least + " expected\n" + r.serve.transcript());
        };
    }
}
