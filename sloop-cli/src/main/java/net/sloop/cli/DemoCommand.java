package net.sloop.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import net.sloop.demo.SimDemo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./sloop demo}: two simulated stacks over a lossy link, with memory figures. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Two stacks over a simulated lossy Ethernet: ping, UDP echo, TCP through an echo service, memory figures. No root needed.")
final class DemoCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--seed", description = "Seed of the simulated network (same seed, same run). Default: ${DEFAULT-VALUE}")
    long seed = 1;

    @Option(names = "--loss", description = "Loss probability each way; duplication and reordering are half of it, corruption a quarter. Default: ${DEFAULT-VALUE}")
    double loss = 0.10;

    @Option(names = "--pings", description = "Echo requests. Default: ${DEFAULT-VALUE}")
    int pings = 10;

    @Option(names = "--datagrams", description = "UDP datagrams to echo. Default: ${DEFAULT-VALUE}")
    int datagrams = 2000;

    @Option(names = "--size", description = "UDP payload bytes (above 1472 they are fragmented). Default: ${DEFAULT-VALUE}")
    int size = 512;

    @Option(names = "--budget", description = "Budget of each stack in bytes (k and m suffixes). Default: ${DEFAULT-VALUE}")
    String budget = "64k";

    @Option(names = "--block", description = "Block size in bytes. Default: ${DEFAULT-VALUE}")
    int block = 512;

    @Option(names = "--pcap", description = "Write a capture of stack A's link to this file.")
    Path pcap;

    @Option(names = "--tcp", description = "Bytes to send through B's TCP echo service and back (k and m suffixes; 0: none). Default: ${DEFAULT-VALUE}")
    String tcp = "256k";

    @Override
    public Integer call() throws Exception {
        long tcpBytes = size("--tcp", tcp);
        long budgetBytes = size("--budget", budget);
        if (tcpBytes < 0 || tcpBytes > Integer.MAX_VALUE - 8) throw bad("--tcp " + tcp + ": must be 0..2g");
        if (pings < 0 || pings > 1_000_000) throw bad("--pings " + pings + ": must be 0..1000000");
        if (datagrams < 0 || datagrams > 10_000_000) throw bad("--datagrams " + datagrams + ": must be 0..10000000");
        if (size < 0 || size > 65507) throw bad("--size " + size + ": must be 0..65507 (the largest UDP payload over IPv4)");
        if (!(loss >= 0 && loss <= 1)) throw bad("--loss " + loss + ": must be 0..1");
        if (pcap != null && pcap.toAbsolutePath().getParent() != null && !java.nio.file.Files.isDirectory(pcap.toAbsolutePath().getParent())) {
            throw bad("--pcap " + pcap + ": no such directory");
        }
        SimDemo.Result r;
        try {
            r = SimDemo.run(new SimDemo.Options(seed, loss, pings, datagrams, size, budgetBytes, block, pcap,
                    (int) tcpBytes), System.out);
        } catch (IllegalArgumentException e) { // a configuration the stack refuses (a budget too small for its tables, ...)
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        System.out.println(verdict(r, tcpBytes > 0));
        return r.atBaseline() && r.intact() && r.tcpIntact() ? 0 : 1;
    }

    /** The demo's last line: whether every check passed, or the ones that failed. */
    static String verdict(SimDemo.Result r, boolean tcp) {
        java.util.List<String> failed = new java.util.ArrayList<>();
        if (!r.intact()) failed.add("UDP echo: a datagram came back corrupted");
        if (!r.tcpIntact()) failed.add("TCP echo: the bytes back differ from those sent");
        if (!r.atBaseline()) failed.add("memory: a stack is not back at its baseline after closing everything");
        if (failed.isEmpty()) {
            return "demo: every check passed (UDP datagrams intact" + (tcp ? ", TCP echo intact" : "") + ", both budgets back at baseline)";
        }
        return "demo: FAILED: " + String.join("; ", failed);
    }

    /** {@code value} as a size in bytes, or the option's one-line error. */
    private long size(String option, String value) {
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw bad(option + ": " + e.getMessage());
        }
    }

    private picocli.CommandLine.ParameterException bad(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
