package net.sloop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ./sloop} command. */
@Command(name = "sloop", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A user-space TCP/IP stack for the JVM whose memory is a hard, fixed budget.",
        subcommands = {DemoCommand.class, ServeCommand.class, StatusCommand.class, TopCommand.class, FtpPasswdCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The command line with one-line errors: a bad option or value prints "sloop CMD: what is
     * wrong (see sloop CMD --help)" and exits 2, never a usage page or a stack trace; an
     * unexpected failure prints one line and exits 1.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, args) -> {
            String name = name(ex.getCommandLine());
            ex.getCommandLine().getErr().println(name + ": " + ex.getMessage() + " (see " + name + " --help)");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println(name(c) + ": " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl;
    }

    /** "sloop", or "sloop CMD" for a subcommand. */
    private static String name(CommandLine c) {
        return "sloop".equals(c.getCommandName()) ? "sloop" : "sloop " + c.getCommandName();
    }
}
