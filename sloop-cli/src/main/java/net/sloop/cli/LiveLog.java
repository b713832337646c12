package net.sloop.cli;

import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import net.sloop.ftp.FtpEvents;
import net.sloop.http.HttpAccessLog;
import net.sloop.stats.DropReason;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpInfo;
import net.sloop.tcp.TcpObserver;
import net.sloop.tcp.TcpState;
import net.sloop.wire.Ipv4Address;

/**
 * The log of a running {@code serve}, at the edge: it hears the core's events through
 * {@link TcpObserver} (connections opened, closed and refused, memory pressure) and the status
 * thread's once-a-second checks (allocation failures, services refusing), formats one line per
 * event (text, or one JSON object with {@code --log-json}) and writes it through
 * {@link System.Logger} ({@value #LOGGER}). Each line carries its wall-clock time and level, so
 * the backend prints the message as it is: {@link #install} gives the JDK's default backend
 * (java.util.logging) a handler on stderr that does exactly that, at {@code --log-level}.
 *
 * <p>Levels: WARNING (the default: memory pressure entered and left, admissions refused, accept
 * queues full, allocation failures, services refusing connections); INFO adds every connection
 * opened and closed (named by its service when its local port is a service's: "echo session"),
 * SYNs to closed ports, the ready and stop of the live view, FTP logins, session ends and
 * transfers (a failed login or transfer is a WARNING) and one line per HTTP response (an access
 * log); DEBUG adds each connection's figures at its close.
 *
 * <p>Events come on the stack's thread under the runner's lock: a level not enabled costs a
 * comparison and nothing is allocated; an enabled one formats and writes its line there.
 */
final class LiveLog implements TcpObserver, FtpEvents, HttpAccessLog {
    static final String LOGGER = "net.sloop";

    private final System.Logger log;
    private final boolean json;
    private final IntFunction<String> serviceOfPort;
    /** Pressure lines are limited to one a second; transitions between are counted in the next. */
    private long lastPressureLine = Long.MIN_VALUE;
    private int pressureSuppressed;

    /**
     * @param serviceOfPort the service on a local TCP port, or null ("tcp connection")
     */
    LiveLog(System.Logger log, boolean json, IntFunction<String> serviceOfPort) {
        this.log = log;
        this.json = json;
        this.serviceOfPort = serviceOfPort;
    }

    boolean enabled(Level l) {
        return log.isLoggable(l);
    }

    /** Parses {@code --log-level}: off, error, warning, info, debug, trace, all (any case). */
    static Level level(String name) {
        for (Level l : Level.values()) {
            if (l.getName().equalsIgnoreCase(name) || (l == Level.WARNING && "warn".equalsIgnoreCase(name))) return l;
        }
        throw new IllegalArgumentException("--log-level '" + name + "': one of off, error, warning, info, debug, trace, all");
    }

    /**
     * Gives the JDK's default System.Logger backend (java.util.logging) one handler for
     * {@value #LOGGER} that prints each message as it is on {@code err}, at {@code level}, and
     * returns the logger. Only if that backend is the one in use (another, installed by whoever
     * embeds Sloop, is left as configured).
     */
    static System.Logger install(Level level, PrintStream err) {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(LOGGER);
        jul.setUseParentHandlers(false);
        for (Handler h : jul.getHandlers()) jul.removeHandler(h);
        java.util.logging.Level jl = julLevel(level);
        jul.setLevel(jl);
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (isLoggable(r)) {
                    err.println(r.getMessage());
                    err.flush();
                }
            }

            @Override
            public void flush() {
                err.flush();
            }

            @Override
            public void close() {}
        };
        h.setLevel(jl);
        jul.addHandler(h);
        KEEP = jul; // java.util.logging holds loggers weakly
        return System.getLogger(LOGGER);
    }

    private static java.util.logging.Logger KEEP;

    private static java.util.logging.Level julLevel(Level l) {
        return switch (l) {
            case ALL -> java.util.logging.Level.ALL;
            case TRACE -> java.util.logging.Level.FINER;
            case DEBUG -> java.util.logging.Level.FINE;
            case INFO -> java.util.logging.Level.INFO;
            case WARNING -> java.util.logging.Level.WARNING;
            case ERROR -> java.util.logging.Level.SEVERE;
            case OFF -> java.util.logging.Level.OFF;
        };
    }

    // ------------------------------------------------------------------ TCP's events

    private String what(int lport) {
        String s = serviceOfPort == null ? null : serviceOfPort.apply(lport);
        return s == null ? "tcp connection" : s + " session";
    }

    @Override
    public void opened(long now, TcpInfo c) {
        if (!log.isLoggable(Level.INFO)) return;
        emit(Level.INFO, "opened", what(c.localPort) + " " + ep(c.remoteAddress, c.remotePort) + " -> " + ep(c.localAddress, c.localPort)
                + " opened (" + (c.passive ? "passive" : "active") + ")", Map.of("local", ep(c.localAddress, c.localPort),
                "remote", ep(c.remoteAddress, c.remotePort), "service", String.valueOf(serviceOfPort == null ? null : serviceOfPort.apply(c.localPort))));
    }

    @Override
    public void closed(long now, TcpInfo c, TcpError error) {
        if (!log.isLoggable(Level.INFO)) return;
        String how = error == TcpError.NONE ? (c.state == TcpState.TIME_WAIT ? "closed (TIME_WAIT)" : "closed") : "ended: " + reason(error);
        String figures = "in " + c.bytesReceived + " B, out " + c.bytesAcked + " B";
        if (log.isLoggable(Level.DEBUG)) {
            figures += ", memory peak " + c.memoryPeakBytes + " B, cwnd " + c.cwnd + ", srtt " + c.srttNanos / 1000 + " us, rto " + c.rtoNanos / 1_000_000 + " ms";
        }
        emit(Level.INFO, "closed", what(c.localPort) + " " + ep(c.remoteAddress, c.remotePort) + " -> " + ep(c.localAddress, c.localPort)
                + " " + how + ": " + figures, Map.of("local", ep(c.localAddress, c.localPort), "remote", ep(c.remoteAddress, c.remotePort),
                "reason", error == TcpError.NONE ? "closed" : error.name().toLowerCase(Locale.ROOT), "bytes_in", c.bytesReceived,
                "bytes_out", c.bytesAcked));
    }

    private static String reason(TcpError e) {
        return e.message();
    }

    @Override
    public void refused(long now, int laddr, int lport, int raddr, int rport, DropReason why) {
        Level l = why == DropReason.TCP_NO_SOCKET ? Level.INFO : Level.WARNING;
        if (!log.isLoggable(l)) return;
        String reason = switch (why) {
            case TCP_ADMISSION -> "the budget cannot admit it without breaking a promise";
            case TCP_ACCEPT_QUEUE_FULL -> "the accept queue is full";
            case TCP_NO_SOCKET -> "no listener (reset)";
            default -> why.description();
        };
        emit(l, "refused", "connection " + ep(raddr, rport) + " -> " + ep(laddr, lport) + " refused: " + reason,
                Map.of("local", ep(laddr, lport), "remote", ep(raddr, rport), "reason", why.name().toLowerCase(Locale.ROOT)));
    }

    @Override
    public void pressure(long now, boolean entered, long takenBytes, long thresholdBytes) {
        if (!log.isLoggable(Level.WARNING)) return;
        long wall = System.currentTimeMillis();
        if (lastPressureLine != Long.MIN_VALUE && wall - lastPressureLine < 1000) {
            pressureSuppressed++;
            return;
        }
        lastPressureLine = wall;
        String extra = pressureSuppressed > 0 ? " (" + pressureSuppressed + " changes in the second before not shown)" : "";
        pressureSuppressed = 0;
        emit(Level.WARNING, entered ? "pressure_entered" : "pressure_left",
                "memory pressure " + (entered ? "entered" : "left") + ": " + takenBytes + " B used or committed, threshold " + thresholdBytes
                        + " B" + (entered ? " (connections now grow only within a fair share)" : "") + extra,
                Map.of("taken", takenBytes, "threshold", thresholdBytes));
    }

    // ------------------------------------------------------------------ FTP's sessions and transfers, HTTP's requests

    @Override
    public void login(int address, String user, boolean ok) {
        Level l = ok ? Level.INFO : Level.WARNING;
        if (!log.isLoggable(l)) return;
        String who = user == null ? "?" : user;
        emit(l, ok ? "ftp_login" : "ftp_login_failed", "ftp login " + (ok ? "ok" : "failed") + ": " + clean(who) + " from " + Ipv4Address.toString(address),
                Map.of("remote", Ipv4Address.toString(address), "user", who, "result", ok ? "ok" : "failed"));
    }

    @Override
    public void sessionEnded(int address, String user, long durationNanos, long commands, String how) {
        if (!log.isLoggable(Level.INFO)) return;
        String who = user == null ? "(not logged in)" : user;
        emit(Level.INFO, "ftp_session_ended", "ftp session of " + clean(who) + " from " + Ipv4Address.toString(address) + " ended (" + how + ") after "
                + millis(durationNanos) + " ms, " + commands + " commands", Map.of("remote", Ipv4Address.toString(address), "user", who, "how", how,
                "duration_ms", durationNanos / 1_000_000, "commands", commands));
    }

    @Override
    public void transfer(int address, String user, String command, String path, long bytes, long durationNanos, String result) {
        boolean ok = result.startsWith("2");
        Level l = ok ? Level.INFO : Level.WARNING;
        if (!log.isLoggable(l)) return;
        String who = user == null ? "?" : user;
        emit(l, "ftp_transfer", "ftp " + command + " " + clean(path) + ": " + bytes + " B in " + millis(durationNanos) + " ms by " + clean(who) + " from "
                + Ipv4Address.toString(address) + ": " + (ok ? "ok" : clean(result)), Map.of("remote", Ipv4Address.toString(address), "user", who,
                "command", command, "path", path, "bytes", bytes, "duration_ms", durationNanos / 1_000_000, "result", result));
    }

    @Override
    public void response(int address, String requestLine, int status, long bytes, long durationNanos) {
        if (!log.isLoggable(Level.INFO)) return;
        emit(Level.INFO, "http_request", "http " + Ipv4Address.toString(address) + " \"" + clean(requestLine) + "\" " + status + " " + bytes + " B "
                + millis(durationNanos) + " ms", Map.of("remote", Ipv4Address.toString(address), "request", requestLine, "status", status,
                "bytes", bytes, "duration_ms", durationNanos / 1_000_000));
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** A client's text in a text line: controls and non-ASCII shown as '?', so a name cannot forge a line. */
    private static String clean(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f) {
                if (b == null) b = new StringBuilder(s.substring(0, i));
                b.append('?');
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    // ------------------------------------------------------------------ the status thread's checks

    /** {@code n} allocations refused in the last interval, in total {@code total}; {@code byCategory}: "rx 3, socket_send 2". */
    void allocationFailures(long n, long total, String byCategory) {
        if (!log.isLoggable(Level.WARNING)) return;
        emit(Level.WARNING, "allocation_failures", n + " allocations refused by the budget in the last second (" + byCategory + "; " + total
                + " since start)", Map.of("count", n, "total", total, "by_category", byCategory));
    }

    /** A service refused {@code n} connections or sessions in the last interval, for {@code why}. */
    void serviceRefused(String service, long n, String why) {
        if (!log.isLoggable(Level.WARNING)) return;
        emit(Level.WARNING, "service_refused", service + " refused " + n + " in the last second: " + why,
                Map.of("service", service, "count", n, "reason", why));
    }

    void info(String event, String message) {
        if (log.isLoggable(Level.INFO)) emit(Level.INFO, event, message, Map.of());
    }

    void warning(String event, String message) {
        if (log.isLoggable(Level.WARNING)) emit(Level.WARNING, event, message, Map.of());
    }

    // ------------------------------------------------------------------ lines

    private void emit(Level level, String event, String message, Map<String, Object> fields) {
        String time = Instant.ofEpochMilli(System.currentTimeMillis()).toString();
        if (!json) {
            log.log(level, time + " " + level.getName() + " " + message);
            return;
        }
        StringBuilder b = new StringBuilder("{\"time\":");
        quote(b, time).append(",\"level\":");
        quote(b, level.getName()).append(",\"event\":");
        quote(b, event).append(",\"message\":");
        quote(b, message);
        for (Map.Entry<String, Object> e : new java.util.TreeMap<>(fields).entrySet()) {
            b.append(',');
            quote(b, e.getKey()).append(':');
            if (e.getValue() instanceof Number n) b.append(n.longValue());
            else quote(b, String.valueOf(e.getValue()));
        }
        log.log(level, b.append('}').toString());
    }

    static StringBuilder quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c >= 0x7F) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"');
    }

    private static String ep(int addr, int port) {
        return Ipv4Address.toString(addr) + ":" + port;
    }
}
