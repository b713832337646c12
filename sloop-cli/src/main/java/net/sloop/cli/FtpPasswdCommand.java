package net.sloop.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import net.sloop.ftp.FtpUsers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ./sloop ftp-passwd NAME}: reads a password from stdin (its first line) and prints a users-file line for {@code --ftp-users}. */
@Command(name = "ftp-passwd", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Prints a line for the FTP users file (--ftp-users): NAME:pbkdf2-sha256:ITERATIONS:SALT:HASH, with a fresh random salt.",
                "The password is read from the first line of standard input."},
        footer = {"", "Example:", "  echo 'secret' | ./sloop ftp-passwd alice >> users.txt"})
final class FtpPasswdCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The user name (1..64 printable characters, no ':').")
    String name;

    @Option(names = "--iterations", paramLabel = "N", description = "PBKDF2 iterations. Default: ${DEFAULT-VALUE}")
    int iterations = FtpUsers.DEFAULT_ITERATIONS;

    @Option(names = "--read-only", description = "Make the user read-only (appends :ro).")
    boolean readOnly;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (iterations < 1 || iterations > 10_000_000) {
            err.println("sloop ftp-passwd: --iterations " + iterations + ": must be 1..10000000");
            err.flush();
            return 2;
        }
        String pw = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (pw == null || pw.isEmpty()) {
            err.println("sloop ftp-passwd: no password on standard input");
            err.flush();
            return 2;
        }
        try {
            out.println(FtpUsers.line(name, pw.toCharArray(), iterations) + (readOnly ? ":ro" : ""));
        } catch (IllegalArgumentException e) {
            err.println("sloop ftp-passwd: " + e.getMessage());
            err.flush();
            return 2;
        }
        out.flush();
        return 0;
    }
}
