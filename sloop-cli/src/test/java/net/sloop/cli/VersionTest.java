package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code sloop --version} names the version and the commit the build came from. */
class VersionTest {
    @Test
    void versionNamesTheCommit() {
        StringWriter out = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertEquals(0, cl.execute("--version"));
        String first = out.toString().lines().findFirst().orElse("");
        if (Files.isDirectory(Path.of(".git")) || Files.isRegularFile(Path.of(".git"))) {
            assertTrue(first.matches("sloop \\S+ \\(commit [0-9a-f]{7,}(\\+changes)?, \\S+\\)"), first);
        } else {
            assertTrue(first.matches("sloop \\S+ \\(commit unknown\\)"), first);
        }
    }

    /** Every command that offers --version prints the same line as sloop --version. */
    @Test
    void everyCommandsVersionIsTheSame() {
        StringWriter top = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(top, true));
        cl.execute("--version");
        String expected = top.toString().lines().findFirst().orElseThrow();
        for (var e : Main.commandLine().getSubcommands().entrySet()) {
            if (!e.getValue().getCommandSpec().mixinStandardHelpOptions()) continue;
            StringWriter out = new StringWriter();
            var c = Main.commandLine();
            c.setOut(new PrintWriter(out, true));
            assertEquals(0, c.execute(e.getKey(), "--version"), e.getKey());
            assertEquals(expected, out.toString().lines().findFirst().orElse(""), "sloop " + e.getKey() + " --version");
        }
    }

    /**
     * Commands in a help's examples fit an 80-column terminal (picocli's width) whole, so copying
     * one line copies one command: a longer one is wrapped mid-command.
     */
    @Test
    void examplesInHelpAreWholeLines() {
        int examples = 0;
        for (var e : Main.commandLine().getSubcommands().entrySet()) {
            for (String line : e.getValue().getCommandSpec().usageMessage().footer()) {
                if (!line.startsWith("  ")) continue;
                examples++;
                assertTrue(line.length() <= 80, "sloop " + e.getKey() + " --help wraps this example: " + line);
            }
        }
        assertTrue(examples > 0, "some command has examples");
    }
}
