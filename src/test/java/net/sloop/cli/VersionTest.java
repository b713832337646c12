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
}
