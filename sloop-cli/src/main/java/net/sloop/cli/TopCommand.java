package net.sloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.sloop.status.JsonReader;
import net.sloop.status.StatusText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./sloop top}: {@code ./sloop status} refreshed every second, like {@code top}. On a
 * terminal each frame clears the screen (ANSI) and the keyboard is read a key at a time: q ends
 * (as does Ctrl-C); otherwise frames follow one another, separated by a blank line.
 * {@code --iterations N} stops after N frames. A serve that goes away ends it with one line and
 * exit status 1.
 */
@Command(name = "top", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Shows the live view of a running ./sloop serve, refreshed every second (q or Ctrl-C ends)."},
        footer = {"", "Example:", "  ./sloop top --netns sloop"})
final class TopCommand implements Callable<Integer> {
    private static final String CLEAR = "\033[H\033[2J";

    @Spec
    CommandSpec spec;

    @Option(names = "--socket", paramLabel = "PATH", description = "The serve's status socket (its ready line names it).")
    Path socket;

    @Option(names = "--netns", paramLabel = "NAME", description = "The serve started with --netns NAME (its socket is /run/sloop/NAME.sock).")
    String netns;

    @Option(names = "--iterations", paramLabel = "N", description = "Stop after N frames (0: until q or Ctrl-C). Default: ${DEFAULT-VALUE}")
    int iterations = 0;

    @Option(names = "--interval", paramLabel = "S", description = "Seconds between frames (0.1..3600). Default: ${DEFAULT-VALUE}")
    double interval = 1;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (iterations < 0) {
            err.println("sloop top: --iterations " + iterations + ": must be 0 or more (see sloop top --help)");
            return 2;
        }
        if (!(interval >= 0.1 && interval <= 3600)) {
            err.println("sloop top: --interval " + interval + ": must be 0.1..3600 seconds (see sloop top --help)");
            return 2;
        }
        if (socket != null && netns != null) {
            err.println("sloop top: --socket and --netns exclude each other (see sloop top --help)");
            return 2;
        }
        boolean terminal = System.console() != null && System.console().isTerminal();
        CountDownLatch quit = new CountDownLatch(1);
        String saved = terminal ? rawKeyboard() : null;
        Thread restore = null;
        if (saved != null) {
            restore = new Thread(() -> stty(saved), "sloop-top-tty");
            Runtime.getRuntime().addShutdownHook(restore);
            Thread.ofPlatform().daemon().name("sloop-top-keys").start(() -> {
                try {
                    for (int c; (c = System.in.read()) >= 0; ) {
                        if (c == 'q' || c == 'Q') break;
                    }
                } catch (IOException ignored) {
                    // the terminal went away
                }
                quit.countDown();
            });
        }
        try {
            Path p = StatusClient.resolve(socket, netns);
            long period = (long) (interval * 1e9);
            for (int frame = 1; iterations == 0 || frame <= iterations; frame++) {
                String text = StatusText.render(JsonReader.object(StatusClient.ask(p, "json")));
                out.print(terminal ? CLEAR : (frame > 1 ? "\n" : ""));
                out.print("sloop top: " + p + (terminal ? "  (q to quit)" : "") + ", frame " + frame + "\n");
                out.print(text);
                out.flush();
                if (iterations != 0 && frame == iterations) break;
                if (quit.await(period, TimeUnit.NANOSECONDS)) break;
            }
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            err.println("sloop top: " + e.getMessage());
            err.flush();
            return 1;
        } finally {
            if (saved != null) {
                stty(saved);
                try {
                    Runtime.getRuntime().removeShutdownHook(restore);
                } catch (IllegalStateException ignored) {
                    // shutting down: the hook restores it
                }
            }
        }
    }

    /** Puts the terminal in non-canonical mode without echo (a key at a time); returns its settings to restore, or null. */
    private static String rawKeyboard() {
        String saved = run(List.of("stty", "-g"));
        if (saved == null) return null;
        return run(List.of("stty", "-icanon", "min", "1", "-echo")) != null ? saved.strip() : null;
    }

    private static void stty(String settings) {
        run(List.of("stty", settings));
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String o = new String(p.getInputStream().readAllBytes());
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? o : null;
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }
}
