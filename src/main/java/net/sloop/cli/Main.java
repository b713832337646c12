package net.sloop.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ./sloop} command. */
@Command(name = "sloop", mixinStandardHelpOptions = true, version = "sloop 0.1",
        description = "A user-space TCP/IP stack for the JVM whose memory is a hard, fixed budget.",
        subcommands = {DemoCommand.class, ServeCommand.class, FtpPasswdCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
