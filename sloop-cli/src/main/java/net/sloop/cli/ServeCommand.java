package net.sloop.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./sloop serve}: a stack on a real TUN or TAP device serving echo, discard, daytime and
 * chargen, until SIGINT, SIGTERM or {@code --duration}; then a memory summary, and exit status 0
 * only if the budget is back at its baseline. Option errors exit with 2, set-up failures (no
 * CAP_NET_ADMIN, no {@code ip}, a device name taken) with 1, each as one line on stderr.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        description = {"Runs a Sloop stack on a TUN (or TAP) device with the small services (echo 7, discard 9, daytime 13, chargen 19,"
                + " over TCP and UDP), FTP on port 21 with --ftp-root DIR or --ftp-memfs SIZE, HTTP on port 80 with --http-root DIR,"
                + " until SIGINT/SIGTERM or --duration,"
                + " then prints its memory figures.",
                "With --netns the device is moved into that network namespace (created if missing, deleted on exit if Sloop created it)"
                        + " and the host side is configured there; nothing is configured in the current namespace. Needs root (CAP_NET_ADMIN)."},
        footer = {"", "Examples (each line fits a terminal; serve runs until Ctrl-C, so run the clients from another terminal):",
                "  ./sloop serve --netns sloop --budget 128k",
                "  ip netns exec sloop ping -c 3 198.18.0.2",
                "  ip netns exec sloop nc 198.18.0.2 13",
                "  mkdir -p /tmp/ftp && ./sloop serve --netns sloop --ftp-root /tmp/ftp",
                "  ip netns exec sloop curl ftp://198.18.0.2/",
                "  mkdir -p /tmp/www && ./sloop serve --netns sloop --http-root /tmp/www",
                "  ip netns exec sloop curl http://198.18.0.2/"})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--netns", paramLabel = "NS", description = "Network namespace for the device's host side (created if missing).")
    String netns;

    @Option(names = "--tun", paramLabel = "IF", description = "Device name (at most 15 bytes). Default: ${DEFAULT-VALUE}")
    String device = "sloop0";

    @Option(names = "--tap", description = "A TAP (Ethernet, with ARP) device instead of TUN (IP).")
    boolean tap;

    @Option(names = "--addr", paramLabel = "A/N", description = "The stack's address on the device. Default: ${DEFAULT-VALUE}")
    String address = "198.18.0.2/24";

    @Option(names = "--host-addr", paramLabel = "A/N",
            description = "The host side's address (configured in --netns; without it only shown in the commands printed). Default with --netns: 198.18.0.1/24")
    String hostAddress;

    @Option(names = "--budget", description = "The stack's memory budget in bytes (k and m suffixes). Default: ${DEFAULT-VALUE}")
    String budget = "128k";

    @Option(names = "--mtu", description = "MTU of the device and the stack. Default: ${DEFAULT-VALUE}")
    int mtu = 1500;

    @Option(names = {"--block-size", "--block"}, paramLabel = "BYTES",
            description = "Bytes per block of the budget (a multiple of 8, 256 or more). Default: sized for the budget:"
                    + " 512 below 8 MiB, 1024 from 8 MiB, 2048 from 16 MiB")
    int blockSize = 0;

    @Option(names = "--services", split = ",", paramLabel = "LIST", description = "Services to offer, from echo,discard,daytime,chargen. Default: all")
    List<String> services = List.of("echo", "discard", "daytime", "chargen");

    @Option(names = "--max-connections", paramLabel = "N",
            description = "TCP connections each service holds at once; of them, each service is guaranteed its share of what the budget admits. Default: ${DEFAULT-VALUE}")
    int maxConnections = ServePlan.DEFAULT_SLOTS;

    @Option(names = "--max-orphans", paramLabel = "N",
            description = "Connections closed by their service but not yet finished, kept at once (the oldest is reset beyond). Default: derived from the budget")
    int maxOrphans = 0;

    @Option(names = "--orphan-timeout", paramLabel = "S",
            description = "Longest a closed connection may take to finish, whatever its peer does. Default: ${DEFAULT-VALUE}")
    long orphanTimeoutSeconds = ServeOptions.DEFAULT_ORPHAN_TIMEOUT_SECONDS;

    @Option(names = "--idle-timeout", paramLabel = "S", description = "Reset a TCP connection idle this many seconds (0: never). Default: ${DEFAULT-VALUE}")
    long idleTimeoutSeconds = 300;

    @Option(names = "--duration", paramLabel = "S", description = "Stop after this many seconds (0: only on SIGINT/SIGTERM). Default: ${DEFAULT-VALUE}")
    double durationSeconds = 0;

    @Option(names = "--pcap", paramLabel = "FILE", description = "Capture the device's frames to this pcap file.")
    Path pcap;

    // Named by its negative form: picocli sets a negatable option to the opposite of its default when
    // the primary name is given, so with a default of true the primary name must be the one that turns it off.
    @Option(names = "--no-offload", negatable = true,
            description = "Plain frames on the device, without virtio-net headers; --offload (the default) for checksum and TCP"
                    + " segmentation offload both ways (Linux hands over 64 KiB segments, and takes them from Sloop on budgets of 1 MiB or more).")
    boolean offload = true;

    @Option(names = "--ftp-root", paramLabel = "DIR", description = "Serve this host directory over FTP on port 21 (a jail: no path or link leaves it).")
    Path ftpRoot;

    @Option(names = "--ftp-memfs", paramLabel = "SIZE", description = "Serve an empty in-memory file system of this many bytes over FTP instead (k, m suffixes).")
    String ftpMemfs;

    @Option(names = "--ftp-users", paramLabel = "FILE",
            description = "FTP users, one NAME:pbkdf2-sha256:ITERATIONS:SALT:HASH[:ro] a line (make one with ./sloop ftp-passwd NAME).")
    Path ftpUsers;

    @Option(names = "--ftp-passive-ports", paramLabel = "LO-HI", description = "Passive data ports, drawn at random. Default: ${DEFAULT-VALUE}")
    String ftpPassivePorts = "50000-50999";

    @Option(names = "--ftp-read-only", description = "Refuse every change over FTP.")
    boolean ftpReadOnly;

    @Option(names = "--ftp-no-anonymous", description = "Refuse anonymous logins (anonymous is always read-only).")
    boolean ftpNoAnonymous;

    @Option(names = "--ftp-max-sessions", paramLabel = "N", description = "FTP control connections at once (421 beyond). Default: ${DEFAULT-VALUE}")
    int ftpMaxSessions = 4;

    @Option(names = "--ftp-idle-timeout", paramLabel = "S", description = "Close an idle FTP control connection after this many seconds (421). Default: ${DEFAULT-VALUE}")
    long ftpIdleTimeoutSeconds = 300;

    @Option(names = "--ftp-data-buffer", paramLabel = "SIZE", description = "Send and receive buffer of each FTP data connection. Default: ${DEFAULT-VALUE}")
    String ftpDataBuffer = "16k";

    @Option(names = "--http-root", paramLabel = "DIR", description = "Serve this host directory over HTTP/1.1 (read-only, a jail: no path or link leaves it).")
    Path httpRoot;

    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port. Default: ${DEFAULT-VALUE}")
    int httpPort = HttpServeOptions.DEFAULT_PORT;

    @Option(names = "--http-max-connections", paramLabel = "N", description = "HTTP connections at once (503 with Retry-After beyond). Default: ${DEFAULT-VALUE}")
    int httpMaxConnections = HttpServeOptions.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--http-header-timeout", paramLabel = "S", description = "A request head not complete this long after its first byte is answered 408. Default: ${DEFAULT-VALUE}")
    long httpHeaderTimeoutSeconds = HttpServeOptions.DEFAULT_HEADER_TIMEOUT;

    @Option(names = "--http-idle-timeout", paramLabel = "S", description = "Close a keep-alive HTTP connection idle this many seconds. Default: ${DEFAULT-VALUE}")
    long httpIdleTimeoutSeconds = HttpServeOptions.DEFAULT_IDLE_TIMEOUT;

    @Option(names = "--http-min-send-rate", paramLabel = "B/S",
            description = "Reset an HTTP connection whose response drains slower than this many bytes per second over 10 s (0: never). Default: ${DEFAULT-VALUE}")
    int httpMinSendRate = HttpServeOptions.DEFAULT_MIN_SEND_RATE;

    @Option(names = "--http-max-per-address", paramLabel = "N", description = "HTTP connections from one address at once (a connection beyond is reset; 0: half of --http-max-connections). Default: ${DEFAULT-VALUE}")
    int httpMaxPerAddress = 0;

    @Mixin
    ServeLiveOptions live = new ServeLiveOptions();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ServeOptions options;
        ServeLive liveView;
        try {
            String host = hostAddress == null && netns != null && address.equals("198.18.0.2/24") ? "198.18.0.1/24" : hostAddress;
            boolean otherFtp = ftpReadOnly || ftpNoAnonymous || ftpMaxSessions != 4 || ftpIdleTimeoutSeconds != 300 || !ftpDataBuffer.equals("16k")
                    || !ftpPassivePorts.equals("50000-50999");
            FtpServeOptions ftp = FtpServeOptions.of(ftpRoot, ftpMemfs, ftpUsers, ftpPassivePorts, ftpReadOnly, ftpNoAnonymous, ftpMaxSessions,
                    ftpIdleTimeoutSeconds, ftpDataBuffer, otherFtp);
            HttpServeOptions http = HttpServeOptions.of(httpRoot, httpPort, httpMaxConnections, httpHeaderTimeoutSeconds, httpIdleTimeoutSeconds,
                    httpMinSendRate, httpMaxPerAddress);
            options = ServeOptions.of(netns, device, tap, address, host, budget, mtu, services, maxConnections, idleTimeoutSeconds,
                    durationSeconds, pcap, offload, maxOrphans, orphanTimeoutSeconds, ftp, http, blockSize);
            liveView = live.validate(netns, http != null);
        } catch (IllegalArgumentException e) {
            err.println("sloop serve: " + e.getMessage());
            err.flush();
            return 2;
        }
        try (StopSignal stop = new StopSignal(ServeSession.CLEANUP_LIMIT_SECONDS)) {
            int status = 1;
            try {
                status = new ServeSession(options, out, err, stop, liveView).run();
            } finally {
                out.flush();
                err.flush();
                stop.finish(status);
            }
            return status;
        }
    }
}
