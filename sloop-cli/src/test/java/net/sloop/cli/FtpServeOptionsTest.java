package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.sloop.ftp.FtpUsers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code sloop serve --ftp-*}: parsing, one-line errors with exit status 2, and the plan with FTP's promises (no root needed). */
class FtpServeOptionsTest {
    private static final List<String> ALL = List.of("echo", "discard", "daytime", "chargen");

    @TempDir
    Path tmp;

    static FtpServeOptions ftp(Path root, String memfs, Path users, String ports, boolean noAnon) {
        return FtpServeOptions.of(root, memfs, users, ports, false, noAnon, 2, 300, "16k", false);
    }

    static ServeOptions serve(String budget, FtpServeOptions ftp) {
        return ServeOptions.of(null, "s0", false, "198.18.0.2/24", null, budget, 1500, ALL, 8, 0, 0, null, true, 0, 120, ftp);
    }

    @Test
    void aRootOrAMemfsParsesAndThePlanPromisesFtpASessionAndItsDataConnection() throws Exception {
        Path users = Files.writeString(tmp.resolve("users"), FtpUsers.line("alice", "pw".toCharArray(), 10) + "\n");
        FtpServeOptions f = ftp(tmp, null, users, "40000-40009", false);
        assertEquals(40000, f.passiveLow());
        assertEquals(40009, f.passiveHigh());
        assertEquals(1, f.users().size());
        ServeOptions o = serve("128k", f);
        assertTrue(o.servicesText().endsWith("ftp 21 (" + tmp + ", 1 users, passive 40000-40009)"), o.servicesText());
        assertTrue(o.plan().guaranteedPerService() >= 1 && 4 * o.plan().guaranteedPerService() + 2 + 1 <= o.plan().fit(), o.planText());
        assertEquals(1, o.stackConfig().applicationTimers(), "no idle timeout for the services here; one timer for FTP");
        ServeOptions m = serve("128k", ftp(null, "1m", null, "50000-50999", false));
        assertTrue(m.servicesText().contains("ftp 21 (memfs 1048576 bytes"), m.servicesText());
        assertNull(FtpServeOptions.of(null, null, null, "50000-50999", false, false, 2, 300, "16k", false), "no FTP without a root or memfs");
        System.out.println("serve --budget 128k with FTP: " + o.planText());
    }

    @Test
    void badValuesAreOneLineNamingTheOption() throws Exception {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        Path badUsers = Files.writeString(tmp.resolve("u"), "alice:plain:secret\n");
        assertEquals("--ftp-root " + file + ": not a directory", msg(() -> ftp(file, null, null, "50000-50999", false)));
        assertEquals("--ftp-root and --ftp-memfs: give one, not both", msg(() -> ftp(tmp, "1m", null, "50000-50999", false)));
        assertEquals("--ftp-memfs: not a size: big (write e.g. 65536, 64k, 1m)", msg(() -> ftp(null, "big", null, "50000-50999", false)));
        assertEquals("--ftp-passive-ports 80-90: must be a range within 1024-65535", msg(() -> ftp(tmp, null, null, "80-90", false)));
        assertEquals("--ftp-passive-ports 5000: expected LOW-HIGH, for example 50000-50999", msg(() -> ftp(tmp, null, null, "5000", false)));
        assertEquals("--ftp-passive-ports 6000-5000: must be a range within 1024-65535", msg(() -> ftp(tmp, null, null, "6000-5000", false)));
        assertTrue(msg(() -> ftp(tmp, null, badUsers, "50000-50999", false)).startsWith("--ftp-users " + badUsers + ": line 1: "));
        assertTrue(msg(() -> ftp(tmp, null, tmp.resolve("missing"), "50000-50999", false)).startsWith("--ftp-users " + tmp.resolve("missing") + ": cannot read"));
        assertEquals("--ftp-no-anonymous: no one could log in; give --ftp-users FILE", msg(() -> ftp(tmp, null, null, "50000-50999", true)));
        assertEquals("--ftp-*: give --ftp-root DIR or --ftp-memfs SIZE to serve FTP",
                msg(() -> FtpServeOptions.of(null, null, null, "50000-50999", true, false, 2, 300, "16k", true)));
        assertEquals("--ftp-max-sessions 0: must be 1..1024", msg(() -> FtpServeOptions.of(tmp, null, null, "50000-50999", false, false, 0, 300, "16k", false)));
        assertEquals("--ftp-idle-timeout 0: must be 1..86400 seconds",
                msg(() -> FtpServeOptions.of(tmp, null, null, "50000-50999", false, false, 2, 0, "16k", false)));
        assertEquals("--ftp-data-buffer 10: must be 1k..16m", msg(() -> FtpServeOptions.of(tmp, null, null, "50000-50999", false, false, 2, 300, "10", false)));
    }

    @Test
    void aBudgetTooSmallForFtpIsRefusedNamingTheSmallestThatWorks() {
        FtpServeOptions f = ftp(null, "1m", null, "50000-50999", false);
        String m = msg(() -> serve("40k", f));
        assertTrue(m.startsWith("--budget 40k (40960 bytes) with --mtu 1500: too small to promise one connection to each TCP service (4), 2 to FTP"), m);
        java.util.regex.Matcher k = java.util.regex.Pattern.compile("the smallest budget that does is (\\d+)k$").matcher(m);
        assertTrue(k.find(), m);
        int smallest = Integer.parseInt(k.group(1));
        serve(smallest + "k", f);
        msg(() -> serve((smallest - 1) + "k", f));
        System.out.println("serve with FTP: smallest budget " + smallest + "k");
    }

    @Test
    void theCommandLineGivesOneLineAndStatus2() {
        for (String[] args : new String[][] {{"serve", "--ftp-memfs", "1x"}, {"serve", "--ftp-root", "/no/such/dir"},
                {"serve", "--ftp-memfs", "1m", "--ftp-passive-ports", "1-2"}, {"serve", "--ftp-read-only"},
                {"serve", "--ftp-memfs", "1m", "--ftp-max-sessions", "0"}, {"ftp-passwd", "a:b"}, {"ftp-passwd", "a", "--iterations", "0"}}) {
            StringWriter err = new StringWriter();
            CommandLine cl = new CommandLine(new Main());
            cl.setErr(new PrintWriter(err));
            cl.setOut(new PrintWriter(new StringWriter()));
            java.io.InputStream in = System.in;
            System.setIn(new java.io.ByteArrayInputStream("pw\n".getBytes()));
            int status;
            try {
                status = cl.execute(args);
            } finally {
                System.setIn(in);
            }
            assertEquals(2, status, String.join(" ", args) + ": " + err);
            assertEquals(1, err.toString().strip().lines().count(), String.join(" ", args) + ": " + err);
        }
    }

    private static String msg(org.junit.jupiter.api.function.Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }
}
