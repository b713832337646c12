package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Model.OptionSpec;

/**
 * README.md names every option of every command (generated from the commands' models, so an option
 * added without a word in the README fails here); each command's --help gives the full text. The
 * README's commands themselves are run by scripts/readme_check.py at the end of ./test.
 */
class ReadmeOptionsTest {
    @Test
    void theReadmeNamesEveryOptionOfEveryCommand() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = new ArrayList<>();
        for (var e : Main.commandLine().getSubcommands().entrySet()) {
            if (!readme.contains("./sloop " + e.getKey()) && !e.getKey().equals("help")) missing.add("the command " + e.getKey());
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (o.hidden()) continue;
                for (String name : o.names()) {
                    if (!name.startsWith("--")) continue; // short aliases need no word of their own
                    if (!readme.matches("(?s).*" + java.util.regex.Pattern.quote(name) + "(?![a-z-]).*")) missing.add(e.getKey() + " " + name);
                }
            }
        }
        assertEquals(List.of(), missing, "named nowhere in README.md");
    }
}
