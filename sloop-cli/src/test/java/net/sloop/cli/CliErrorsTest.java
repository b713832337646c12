package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every bad option value gives one line naming the command and exit status 2, never a usage page
 * or a stack trace: values of the wrong type for every typed option of every command (generated
 * from the commands' models), unknown options and commands, and the values each command checks
 * itself. Only values refused before anything starts are fed here (serve with good values would
 * open a device).
 */
class CliErrorsTest {
    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setOut(new PrintWriter(out, true));
            sub.setErr(new PrintWriter(err, true));
        }
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static void assertOneLine(Run r, String what) {
        assertEquals(2, r.status(), what + ": " + r);
        String e = r.err().strip();
        assertFalse(e.isEmpty(), what + ": no message");
        assertFalse(e.contains("\n"), what + ": more than one line: " + e);
        assertFalse(e.contains("Exception") || e.contains("\tat "), what + ": a stack trace: " + e);
        assertTrue(e.startsWith("sloop"), what + ": " + e);
    }

    @Test
    void everyTypedOptionOfEveryCommandRefusesGarbageInOneLine() {
        int checked = 0;
        for (var entry : Main.commandLine().getSubcommands().entrySet()) {
            for (OptionSpec o : entry.getValue().getCommandSpec().options()) {
                Class<?> t = o.type();
                boolean numeric = t == int.class || t == long.class || t == double.class || t == Integer.class || t == Long.class || t == Double.class;
                if (!numeric || o.arity().max() == 0) continue;
                for (String garbage : List.of("abc", "1x", "", "9999999999999999999999")) {
                    assertOneLine(run(entry.getKey(), o.longestName(), garbage), entry.getKey() + " " + o.longestName() + " '" + garbage + "'");
                    checked++;
                }
            }
        }
        assertTrue(checked >= 20, "typed options checked: " + checked);
    }

    @Test
    void statusPathErrorsNameTheOption() {
        Run r = run("serve", "--status-path", "/a b", "--http-root", "/tmp");
        assertTrue(r.err().startsWith("sloop serve: --status-path /a b: may hold only letters, digits and - . _ ~ / (or 'off')"), r.err());
        r = run("serve", "--status-path", "/elsewhere");
        assertTrue(r.err().startsWith("sloop serve: --status-path /elsewhere: the status pages are served over HTTP: give --http-root DIR"), r.err());
    }

    @Test
    void unknownOptionsAndCommandsAndCheckedValuesAreOneLine() {
        for (String[] args : new String[][] {
                {"bogus"}, {"demo", "--bogus"}, {"serve", "--bogus"},
                {"demo", "--tcp", "abc"}, {"demo", "--tcp", "-1"}, {"demo", "--budget", "3q"}, {"demo", "--pings", "-1"},
                {"demo", "--datagrams", "-3"}, {"demo", "--size", "-1"}, {"demo", "--size", "70000"}, {"demo", "--loss", "2"},
                {"demo", "--pcap", "/nonexistent/x"}, {"demo", "--budget", "1k"},
                {"serve", "--budget", "abc"}, {"serve", "--budget", "28k"}, {"serve", "--mtu", "10"}, {"serve", "--services", "nope"},
                {"serve", "--block-size", "100"}, {"serve", "--block-size", "1001"}, {"serve", "--block-size", "65536"}, {"serve", "--block-size", "x"},
                {"serve", "--log-level", "loud"}, {"serve", "--log-level", ""}, {"serve", "--status-rows", "-1"}, {"serve", "--status-history", "100000"},
                {"serve", "--status-socket", ""}, {"serve", "--status-socket", "/tmp"}, {"serve", "--status-socket", "/" + "x".repeat(120)},
                {"serve", "--status-path", "status"}, {"serve", "--status-path", "/"}, {"serve", "--status-path", "/a/"}, {"serve", "--status-path", "/a b"},
                {"serve", "--status-path", "/a/../b"}, {"serve", "--status-path", ""}, {"serve", "--status-path", "/x", "--http-root", "/nonexistent"},
                {"serve", "--status-path", "/elsewhere"}, {"serve", "--status-path", "/%41", "--http-root", "/tmp"},
                {"status", "--bogus"}, {"status", "--json", "--csv"}, {"status", "--socket", "/a", "--netns", "b"},
                {"top", "--iterations", "-1"}, {"top", "--interval", "0"}, {"top", "--interval", "NaN"}, {"top", "--socket", "/a", "--netns", "b"},
        }) {
            assertOneLine(run(args), String.join(" ", args));
        }
    }
}
