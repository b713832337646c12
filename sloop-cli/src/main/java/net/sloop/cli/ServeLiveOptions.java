package net.sloop.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of {@code serve} for its live view and its log (a picocli mixin, kept apart from ServeCommand's own). */
final class ServeLiveOptions {
    @Option(names = "--status-socket", paramLabel = "PATH",
            description = "Unix socket of the live view (./sloop status, ./sloop top); 'none' for no socket. Default: /run/sloop/<netns, or pid>.sock")
    String statusSocket;

    @Option(names = "--status-rows", paramLabel = "N", description = "Connections the live view lists at most (the rest are counted). Default: ${DEFAULT-VALUE}")
    int statusRows = net.sloop.status.StatusView.Config.defaults().connectionRows();

    @Option(names = "--status-history", paramLabel = "N", description = "Seconds of memory history the live view keeps. Default: ${DEFAULT-VALUE}")
    int statusHistory = net.sloop.status.StatusView.Config.defaults().historySamples();

    @Option(names = "--status-path", paramLabel = "PATH",
            description = "Where the HTTP server (--http-root) serves the live view: PATH (the dashboard), PATH.json, PATH.csv, PATH/events;"
                    + " 'off' for none. Default: ${DEFAULT-VALUE}")
    String statusPath = ServeLive.DEFAULT_STATUS_PATH;

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "off, error, warning (memory pressure, refusals, allocation failures), info (also every connection and session),"
                    + " debug. Default: ${DEFAULT-VALUE}")
    String logLevel = "warning";

    @Option(names = "--log-json", description = "Log one JSON object a line instead of text.")
    boolean logJson;

    /** Checks the values; one-line IllegalArgumentExceptions naming the option. */
    ServeLive validate(String netns) {
        return validate(netns, true);
    }

    /** As above; {@code http}: whether serve runs HTTP (--status-path needs it unless it is the default or off). */
    ServeLive validate(String netns, boolean http) {
        System.Logger.Level level = LiveLog.level(logLevel);
        String path = statusPath == null || statusPath.equals("off") ? null : statusPath;
        if (path != null) {
            String why = net.sloop.dashboard.StatusPages.checkPath(path);
            if (why != null) throw new IllegalArgumentException("--status-path " + statusPath + ": " + why + " (or 'off')");
            if (!http && !path.equals(ServeLive.DEFAULT_STATUS_PATH))
                throw new IllegalArgumentException("--status-path " + statusPath + ": the status pages are served over HTTP: give --http-root DIR");
        }
        if (statusRows < 0 || statusRows > 65_536) throw new IllegalArgumentException("--status-rows " + statusRows + ": must be 0..65536");
        if (statusHistory < 0 || statusHistory > 86_400) throw new IllegalArgumentException("--status-history " + statusHistory + ": must be 0..86400");
        Path socket;
        if (statusSocket == null) {
            socket = StatusClient.defaultSocket(netns, ProcessHandle.current().pid());
            if (socket.toString().length() > 107) socket = StatusClient.defaultSocket(null, ProcessHandle.current().pid()); // a very long netns name
        }
        else if (statusSocket.equals("none")) socket = null;
        else {
            if (statusSocket.isEmpty()) throw new IllegalArgumentException("--status-socket: a path is needed (or 'none')");
            socket = Path.of(statusSocket);
            Path parent = socket.toAbsolutePath().getParent();
            if (parent != null && java.nio.file.Files.exists(parent) && !java.nio.file.Files.isDirectory(parent))
                throw new IllegalArgumentException("--status-socket " + statusSocket + ": " + parent + " is not a directory");
            if (java.nio.file.Files.isDirectory(socket)) throw new IllegalArgumentException("--status-socket " + statusSocket + ": is a directory");
            if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 107)
                throw new IllegalArgumentException("--status-socket " + statusSocket + ": longer than a Unix socket path may be (107 bytes)");
        }
        return new ServeLive(socket, path, new net.sloop.status.StatusView.Config(statusRows, statusHistory, 0), level, logJson);
    }
}
