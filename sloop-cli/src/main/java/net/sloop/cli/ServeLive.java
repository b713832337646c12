package net.sloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import net.sloop.blocking.StackRunner;
import net.sloop.dashboard.StatusPages;
import net.sloop.ftp.FtpServer;
import net.sloop.http.HttpServer;
import net.sloop.service.ServiceStats;
import net.sloop.service.Services;
import net.sloop.stack.Stack;
import net.sloop.status.Sources;
import net.sloop.status.StatusView;

/**
 * The live view and the log of one {@code serve}, started once the stack and its services run and
 * stopped before they are taken down: the {@link StatusView} (charged to the budget), the
 * {@link StatusChannel} on its Unix socket, SIGUSR1 for a summary on standard output, and the
 * {@link LiveLog} as TCP's observer. Kept out of ServeSession, which only calls {@link #start},
 * {@link #readyText} and {@link #stop}.
 */
final class ServeLive {
    private final Path socket;
    private final String statusPath; // where the HTTP server mounts the status pages; null: not mounted
    private final StatusView.Config viewConfig;
    private final System.Logger.Level level;
    private final boolean json;
    private Stack stack;
    private StackRunner runner;
    private volatile StatusView view; // read by the SIGUSR1 handler's thread
    private volatile StatusChannel channel;
    private LiveLog log;
    private StatusPages pages;
    private FtpServer ftp;
    private HttpServer http;
    private Object previousUsr1;
    private PrintWriter out;
    private String note = "";

    ServeLive(Path socket, StatusView.Config viewConfig, System.Logger.Level level, boolean json) {
        this(socket, DEFAULT_STATUS_PATH, viewConfig, level, json);
    }

    /** Where the status pages are by default. */
    static final String DEFAULT_STATUS_PATH = "/status";

    ServeLive(Path socket, String statusPath, StatusView.Config viewConfig, System.Logger.Level level, boolean json) {
        this.socket = socket;
        this.statusPath = statusPath;
        this.viewConfig = viewConfig;
        this.level = level;
        this.json = json;
    }

    /** No socket, the default view, warnings only in text: for callers that do not parse options (tests of ServeSession). */
    static ServeLive quiet() {
        return new ServeLive(null, StatusView.Config.defaults(), System.Logger.Level.WARNING, false);
    }

    Path socket() {
        return socket;
    }

    /**
     * Starts everything: the log first (TCP's observer, under the runner's lock), then the view, the
     * socket and SIGUSR1. A view the budget cannot hold is left out (said in the ready line), as is
     * a SIGUSR1 the JVM cannot catch; a socket that cannot be made is an error (IOException).
     */
    void start(Stack stack, Services services, FtpServer ftp, StackRunner runner, PrintWriter out) throws IOException {
        start(stack, services, ftp, null, runner, out);
    }

    /**
     * As above, with the HTTP server ({@code http}, or null): its figures join the view's, and
     * the status pages are mounted on it at the status path (unless off), under the runner's lock.
     * Pages the budget cannot hold are left out (said in the ready line).
     */
    void start(Stack stack, Services services, FtpServer ftp, HttpServer http, StackRunner runner, PrintWriter out) throws IOException {
        this.stack = stack;
        this.ftp = ftp;
        this.http = http;
        this.runner = runner;
        System.Logger logger = LiveLog.install(level, System.err);
        List<ServiceStats> stats = services == null ? List.of() : services.stats();
        log = new LiveLog(logger, json, port -> serviceOf(stats, ftp, port));
        runner.lock();
        try {
            if (!stack.tcp().observe(log)) note += "; no log of TCP events (no memory for it)";
            if (ftp != null) ftp.events(log);
            if (http != null && log.enabled(System.Logger.Level.INFO)) http.accessLog(log); // a string per response: only when it is written
            try {
                view = StatusView.open(stack, viewConfig, Sources.of(services, ftp, http));
            } catch (IllegalStateException e) {
                note += "; no live view (" + e.getMessage() + ")";
            }
            if (http != null && statusPath != null) {
                if (view == null) {
                    note += "; no status pages (no live view)";
                } else {
                    try {
                        pages = StatusPages.mount(stack, http, view, statusPath);
                    } catch (IllegalStateException e) {
                        note += "; no status pages (" + e.getMessage() + ")";
                    }
                }
            }
        } finally {
            runner.unlock();
        }
        this.out = out;
        if (view != null && socket != null) {
            channel = new StatusChannel(socket, runner, stack, view, log, out, stats, ftp == null ? null : ftp.stats());
            channel.start();
        }
        if (view != null) installUsr1();
        if (view != null && view.last().degraded) {
            note += "; live view degraded to " + view.last().rowCapacity() + " connection rows and " + view.history().capacity()
                    + " s of history (" + view.chargedBytes() + " bytes)";
        }
        log.info("live_view", "live view: " + (view == null ? "none" : view.chargedBytes() + " bytes charged") + (channel != null ? ", socket " + socket : ""));
    }

    private static String serviceOf(List<ServiceStats> stats, FtpServer ftp, int port) {
        for (ServiceStats s : stats) if (!s.udp() && s.port() == port) return s.kind().serviceName();
        if (ftp != null) {
            if (ftp.port() == port) return "ftp";
            int lo = ftp.config().passivePortLow(), hi = ftp.config().passivePortHigh();
            if (port >= lo && port <= hi) return "ftp-data";
        }
        return null;
    }

    private void installUsr1() {
        try {
            previousUsr1 = sun.misc.Signal.handle(new sun.misc.Signal("USR1"), sig -> {
                StatusChannel c = channel;
                if (c != null) c.requestSummary(); // printed by the status thread
                else printSummary(); // no socket, no status thread: on the signal's own thread
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            note += "; no SIGUSR1 summary (" + e.getMessage() + ")";
        }
    }

    /** The summary (SIGUSR1) without a status thread: the view rendered under the runner's lock, printed without it. */
    private void printSummary() {
        if (view == null || !runner.isRunning()) return;
        String t = StatusChannel.text(runner, view);
        StringBuilder b = new StringBuilder("sloop: summary (SIGUSR1; still serving)\n");
        for (String line : t.split("\n")) b.append("  ").append(line).append('\n');
        out.print(b);
        out.flush();
    }

    /**
     * The live view of the running stack, for the HTTP server's status pages (null before
     * {@link #start}, after {@link #stop}, or if the budget could not hold it). Not thread-safe:
     * use it on the stack's thread (an HTTP handler) or under the runner's lock, as the status
     * socket does.
     */
    StatusView view() {
        return view;
    }

    /** The log, for other parts of serve that report events (null before {@link #start}). */
    LiveLog log() {
        return log;
    }

    /** The status pages on the HTTP server (null if none). */
    StatusPages pages() {
        return pages;
    }

    /** What the ready line adds: the socket, or why there is none; the status pages. */
    String readyText() {
        return (pages != null ? "; status pages at " + pages.base() + " on HTTP port " + pages.port() + " (" + pages.base() + ".json, " + pages.base() + ".csv)" : "") + (channel != null ? "; status socket " + socket + " (./sloop status, ./sloop top; kill -USR1 for a summary)"
                : previousUsr1 != null ? "; no status socket (kill -USR1 for a summary)" : "") + note;
    }

    /**
     * Stops the socket and SIGUSR1, then, under the runner's lock, closes the view and removes the
     * observer, so that their charges are returned before the budget is compared with its baseline.
     */
    void stop() {
        if (previousUsr1 != null) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("USR1"), (sun.misc.SignalHandler) previousUsr1);
            } catch (IllegalArgumentException ignored) {
                // leave it
            }
            previousUsr1 = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (stack == null) return;
        StatusView v = view;
        view = null;
        StatusPages p = pages;
        pages = null;
        FtpServer f = ftp;
        HttpServer h = http;
        Runnable undo = () -> {
            if (f != null) f.events(null);
            if (h != null) h.accessLog(null);
            if (p != null) p.close();
            if (v != null) v.close();
            stack.tcp().observe(null);
        };
        if (runner != null && runner.isRunning()) runner.run(undo);
        else undo.run();
    }
}
