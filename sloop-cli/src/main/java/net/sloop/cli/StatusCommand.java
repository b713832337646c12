package net.sloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.sloop.status.JsonReader;
import net.sloop.status.StatusText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./sloop status}: the live view of a running {@code serve}, once, through its status
 * socket: memory summary and categories, connections like {@code ss -tmi}, listeners, services,
 * counters and drops ({@code --json}: the raw document of docs/STATUS.md; {@code --csv}: the memory
 * history). A serve that is not there is one line on stderr and exit status 1.
 */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Prints the live view of a running ./sloop serve once: memory by category, connections (like ss -tmi), listeners,"
                + " services, counters and drops."},
        footer = {"", "Example:", "  ./sloop status --netns sloop", "  ./sloop status --json | python3 -m json.tool"})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "The serve's status socket (its ready line names it).")
    Path socket;

    @Option(names = "--netns", paramLabel = "NAME", description = "The serve started with --netns NAME (its socket is /run/sloop/NAME.sock).")
    String netns;

    @Option(names = "--json", description = "Print the status document as JSON (docs/STATUS.md).")
    boolean json;

    @Option(names = "--csv", description = "Print the memory history as CSV (one row a second).")
    boolean csv;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (json && csv) {
            err.println("sloop status: --json and --csv exclude each other (see sloop status --help)");
            return 2;
        }
        if (socket != null && netns != null) {
            err.println("sloop status: --socket and --netns exclude each other (see sloop status --help)");
            return 2;
        }
        try {
            Path p = StatusClient.resolve(socket, netns);
            String answer = StatusClient.ask(p, csv ? "csv" : "json");
            if (json || csv) out.print(answer);
            else out.print(StatusText.render(JsonReader.object(answer)));
            out.flush();
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("sloop status: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
