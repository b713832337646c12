package net.sloop.http;

import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Timer;
import net.sloop.time.TimerQueue;

/**
 * An HTTP/1.1 server (RFC 9110, 9112) on a stack's event-driven API and thread: static files from
 * a {@link net.sloop.fs.FileSystem} (GET and HEAD, keep-alive and pipelining, Range, conditional
 * requests, Content-Type by extension, directory index or listing) and dynamic pages mounted with
 * {@link #route(String, HttpHandler)}: fixed-length, streamed (chunked) or server-sent events.
 *
 * <p>Memory is fixed at start: {@code maxConnections} connections are made and charged (CONTROL,
 * {@link #chargeFor}) with every buffer they will use, so a client costs no allocation of budget
 * and memory cannot grow with clients; a file of any size streams through a connection's output
 * buffer. A connection that finds every slot taken takes the slot of the connection that has waited
 * longest for a request (an idle keep-alive connection, or a slowloris still sending its head), as
 * Apache's event MPM closes keep-alive connections when busy; if every connection is busy
 * answering, or its address holds its most connections, it is answered 503 with Retry-After.
 * The stack charges the sockets themselves. What a handler hands over (a body to send, events) is
 * charged while held, and bounded per stream.
 *
 * <p>Parsing is strict where RFC 9112 asks it to be, since a lenient parser behind or in front of
 * another one is how requests are smuggled: a request with both Content-Length and
 * Transfer-Encoding, a duplicate or malformed Content-Length, an obs-folded line, a bare CR or LF,
 * whitespace before a colon, an invalid chunk, a missing or duplicated Host on HTTP/1.1 are all
 * answered 400 and the connection is closed. Every limit has a status and a counter in
 * {@link HttpStats}: request line (414), head size and field count (431), body (413), header
 * timeout (408, so a slowloris client cannot hold a slot), idle keep-alive timeout, minimum send
 * rate (a slow reader is reset), connections (503).
 *
 * <p>Guarantees: the listener is promised ({@code TcpListener.guarantee}) {@code
 * guaranteedConnections} connections, so no flood of other clients can leave HTTP unable to
 * accept one.
 *
 * <p>Time comes from the stack; one application timer ({@link Stack#reserveTimer()}) wakes the
 * server at the earliest deadline any connection has. Not thread-safe: start, route, close and
 * read the figures on the stack's thread (or under its runner's lock).
 */
public final class HttpServer implements TcpListener.Listener, AutoCloseable {
    /** CONTROL bytes for the server apart from its connections (object, owner, stats, decoder, timer, route table, date cache). */
    static final int BASE_BYTES = 1024 + 8 * (64 + 256);
    /** Refused connections lingering at once. */
    static final int REFUSALS = 8;
    /** Routes at most. */
    public static final int MAX_ROUTES = 32;
    /** Per route: the entry, its prefix string (charged at its length when added). */
    static final int ROUTE_BYTES = 64;

    final Stack stack;
    final Budget m;
    final HttpConfig cfg;
    final Owner owner;
    final HttpStats stats;
    final TcpListener listener;
    final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final HttpConnection[] connections;
    private final String[] prefixes = new String[MAX_ROUTES];
    private final HttpHandler[] handlers = new HttpHandler[MAX_ROUTES];
    private final int[] routeCharges = new int[MAX_ROUTES];
    private int routes;
    private final Sweep timer = new Sweep();
    private final int charge;
    private final byte[] refusal;
    private final byte[] dateCache = new byte[HttpDate.LENGTH];
    private long dateSecond = Long.MIN_VALUE;
    private boolean closed;
    /** The access log, or null. */
    HttpAccessLog access;

    private HttpServer(Stack stack, HttpConfig cfg, TcpListener listener) {
        this.stack = stack;
        this.m = stack.budget();
        this.cfg = cfg;
        this.owner = new Owner("http server", this);
        this.stats = new HttpStats(cfg.port());
        this.listener = listener;
        this.connections = new HttpConnection[cfg.maxConnections()];
        for (int i = 0; i < connections.length; i++) connections[i] = new HttpConnection(this, i);
        this.charge = chargeFor(cfg);
        this.refusal = HttpConnection.ascii("HTTP/1.1 503 Service Unavailable\r\nRetry-After: " + cfg.retryAfterSeconds()
                + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\nConnection: close\r\n\r\n503 Too many users.\n");
    }

    /** CONTROL bytes a server with {@code cfg} is charged at start (routes are charged as they are added). */
    public static int chargeFor(HttpConfig cfg) {
        return BASE_BYTES + cfg.maxConnections() * HttpConnection.chargeFor(cfg);
    }

    /** CONTROL bytes each connection is charged. */
    public static int connectionCharge(HttpConfig cfg) {
        return HttpConnection.chargeFor(cfg);
    }

    /**
     * Starts serving on {@code cfg.port()}: files from {@code cfg.fs()} (if any) and the routes added later.
     *
     * @throws IllegalStateException if the port is taken, the budget cannot hold the connections, or
     *         the stack has no application timer left ({@code StackConfig.Builder.applicationTimers})
     */
    public static HttpServer start(Stack stack, HttpConfig cfg) {
        if (!stack.reserveTimer()) {
            throw new IllegalStateException("the HTTP server needs a timer slot: build the stack with StackConfig.Builder.applicationTimers(n)");
        }
        TcpListener l;
        try {
            l = stack.tcp().listen(0, cfg.port(), Math.max(2, Math.min(64, cfg.maxConnections())));
            if (cfg.sendBuffer() > 0) l.setBuffers(cfg.sendBuffer(), cfg.receiveBuffer());
        } catch (TcpException | RuntimeException e) {
            stack.releaseTimer();
            throw new IllegalStateException("cannot start the HTTP server on port " + cfg.port() + ": " + e.getMessage(), e);
        }
        HttpServer s = new HttpServer(stack, cfg, l); // heap only: nothing is charged until the charge succeeds
        if (!stack.budget().charge(Category.CONTROL, s.owner, s.charge)) {
            l.close();
            stack.releaseTimer();
            throw new IllegalStateException("out of memory: the HTTP server needs " + s.charge + " bytes for " + cfg.maxConnections() + " connections");
        }
        l.guarantee(cfg.guaranteedConnections());
        l.setListener(s);
        return s;
    }

    /**
     * Mounts {@code handler} on {@code prefix}: it answers GET and HEAD for the path equal to the
     * prefix and every path below it ("/status" matches "/status" and "/status/events", not
     * "/status.json"; a prefix ending in "/" matches everything under it). The longest matching
     * prefix wins; routes are looked at before files. Adding a prefix again replaces its handler;
     * a null handler removes the route. The route's entry is charged (CONTROL).
     *
     * @throws IllegalArgumentException if the prefix does not start with "/"
     * @throws IllegalStateException if {@link #MAX_ROUTES} are mounted, or the budget cannot hold the entry
     */
    public void route(String prefix, HttpHandler handler) {
        if (prefix == null || !prefix.startsWith("/")) throw new IllegalArgumentException("a route prefix starts with '/': " + prefix);
        for (int i = 0; i < routes; i++) {
            if (prefixes[i].equals(prefix)) {
                if (handler != null) {
                    handlers[i] = handler;
                    return;
                }
                m.uncharge(Category.CONTROL, owner, routeCharges[i]);
                routes--;
                prefixes[i] = prefixes[routes];
                handlers[i] = handlers[routes];
                routeCharges[i] = routeCharges[routes];
                prefixes[routes] = null;
                handlers[routes] = null;
                return;
            }
        }
        if (handler == null) return;
        if (closed) throw new IllegalStateException("the HTTP server is closed");
        if (routes == MAX_ROUTES) throw new IllegalStateException("at most " + MAX_ROUTES + " routes");
        int c = ROUTE_BYTES + 2 * prefix.length();
        if (!m.charge(Category.CONTROL, owner, c)) throw new IllegalStateException("out of memory for a route");
        prefixes[routes] = prefix;
        handlers[routes] = handler;
        routeCharges[routes] = c;
        routes++;
    }

    /** CONTROL bytes the routes added so far are charged (part of {@link #chargedBytes}). */
    int routeBytes() {
        int n = 0;
        for (int i = 0; i < routes; i++) n += routeCharges[i];
        return n;
    }

    /** The handler of the longest route matching {@code path} (normalised, no trailing slash but "/"), or null. */
    HttpHandler handlerFor(String path) {
        HttpHandler best = null;
        int bestLen = -1;
        for (int i = 0; i < routes; i++) {
            String p = prefixes[i];
            boolean match;
            if (p.endsWith("/")) match = path.startsWith(p) || path.equals(p.substring(0, p.length() - 1)) || p.equals("/");
            else match = path.equals(p) || (path.startsWith(p) && path.charAt(p.length()) == '/');
            if (match && p.length() > bestLen) {
                best = handlers[i];
                bestLen = p.length();
            }
        }
        return best;
    }

    /** Sets the access log (null: none). On the stack's thread. */
    public void accessLog(HttpAccessLog log) {
        access = log;
    }

    public HttpConfig config() {
        return cfg;
    }

    public HttpStats stats() {
        return stats;
    }

    public int port() {
        return cfg.port();
    }

    public boolean isClosed() {
        return closed;
    }

    /** Connections held now. */
    public int activeConnections() {
        int n = 0;
        for (HttpConnection c : connections) if (c.socket != null) n++;
        return n;
    }

    /** CONTROL bytes the server is charged now (its sockets not included): connections, routes, held bodies and events. */
    public long chargedBytes() {
        return owner.used(Category.CONTROL);
    }

    /** A usage summary for people: what the server is charged, then its figures. */
    public String report() {
        return "  http: " + chargedBytes() + " bytes charged (" + connections.length + " connections of " + HttpConnection.chargeFor(cfg) + "), "
                + activeConnections() + " connections held, " + routes + " routes\n    " + stats.line() + "\n";
    }

    // ------------------------------------------------------------------ connections

    @Override
    public void acceptable(TcpListener l) {
        long now = stack.time();
        for (TcpSocket s; !closed && (s = l.accept()) != null; ) {
            int addr = s.remoteAddress();
            HttpConnection free = null, oldest = null, ownIdle = null;
            int fromAddr = 0;
            for (HttpConnection c : connections) {
                if (c.socket == null) {
                    if (free == null) free = c;
                    continue;
                }
                if (c.peer == addr) {
                    fromAddr++;
                    if (c.evictable() && (ownIdle == null || c.waitingSince() < ownIdle.waitingSince())) ownIdle = c;
                }
                if (c.evictable() && (oldest == null || c.waitingSince() < oldest.waitingSince())) oldest = c;
            }
            if (fromAddr >= cfg.maxConnectionsPerAddress()) {
                if (ownIdle == null) { // an address past its share: reset at once, its memory back now
                    stats.refusedPerAddress++;
                    s.abort();
                    continue;
                }
                // A browser opening another connection while its others wait for a request (idle between
                // requests, or opened ahead and still unused): the address's own connection waiting longest
                // makes room (an idle one closed gracefully, else reset), so the address competes only
                // with itself and its share stays what it was. Connections busy answering are never taken.
                ownIdle.evict();
                free = ownIdle;
            }
            if (free == null && oldest != null) { // every slot taken: the one waiting longest for a request makes room
                oldest.evict();
                free = oldest;
            }
            if (free == null) {
                stats.refusedFull++;
                stats.responses5xx++;
                refuse(s);
                continue;
            }
            stats.opened();
            free.open(s, now);
            want(free.deadline());
        }
    }

    /**
     * 503 with Retry-After, then the FIN; the client's request, which usually arrives just after,
     * is read and dropped until its FIN (a lingering close, at most {@link HttpConnection#LINGER_NANOS},
     * in one of {@link #REFUSALS} slots), since data reaching a closed socket resets the connection
     * and the client would lose the 503. With every such slot busy, the connection is closed at once.
     */
    private void refuse(TcpSocket s) {
        try {
            if (s.write(refusal, 0, refusal.length) < refusal.length) {
                s.abort();
                return;
            }
            stats.bytesOut += refusal.length;
        } catch (TcpException e) {
            s.abort();
            return;
        }
        s.shutdownOutput();
        for (Refusal r : refusals) {
            if (r.socket == null) {
                r.socket = s;
                r.until = stack.time() + HttpConnection.LINGER_NANOS;
                s.setListener(r);
                r.drain();
                want(r.until);
                return;
            }
        }
        s.shutdownInput();
        s.close();
    }

    private final Refusal[] refusals = new Refusal[REFUSALS];

    {
        for (int i = 0; i < REFUSALS; i++) refusals[i] = new Refusal();
    }

    /** A refused connection whose input is read and dropped until the client's FIN or its deadline. */
    private final class Refusal implements TcpSocket.Listener {
        TcpSocket socket;
        long until;
        private final byte[] sink = new byte[256];

        @Override
        public void onEvent(TcpSocket s, int events) {
            if (s != socket) return;
            drain();
        }

        void drain() {
            try {
                int total = 0;
                for (int n; (n = socket.read(sink, 0, sink.length)) != 0; ) {
                    if (n < 0 || (total += n) > 64 * 1024) {
                        end(n > 0);
                        return;
                    }
                }
            } catch (TcpException e) {
                end(true);
                return;
            }
            if (socket.isEnded()) end(false);
        }

        void end(boolean abort) {
            TcpSocket s = socket;
            if (s == null) return;
            socket = null;
            if (abort) s.abort();
            else s.close();
        }
    }

    /** Called by a connection when it ended. */
    void released() {
        stats.active--;
    }

    /** Writes the Date of now (IMF-fixdate, cached for the second) at {@code off}; returns the end. */
    int date(byte[] dst, int off) {
        long ms = cfg.wallClockMillis().getAsLong();
        long sec = Math.floorDiv(ms, 1000);
        if (sec != dateSecond) {
            HttpDate.format(ms, dateCache, 0);
            dateSecond = sec;
        }
        System.arraycopy(dateCache, 0, dst, off, HttpDate.LENGTH);
        return off + HttpDate.LENGTH;
    }

    // ------------------------------------------------------------------ time

    /** Makes sure the timer fires no later than {@code deadline}. */
    void want(long deadline) {
        if (closed) return;
        // The slot was reserved at start, so arming cannot find the queue full.
        if (!stack.timers().armBy(timer, deadline)) throw new IllegalStateException("timer queue full despite a reserved slot");
    }

    private void reschedule() {
        long next = TimerQueue.NONE;
        for (HttpConnection c : connections) if (c.socket != null) next = Math.min(next, c.deadline());
        for (Refusal r : refusals) if (r.socket != null) next = Math.min(next, r.until);
        want(next);
    }

    private final class Sweep extends Timer {
        @Override
        protected void fire(long now) {
            for (HttpConnection c : connections) if (c.socket != null) c.tick(now);
            for (Refusal r : refusals) if (r.socket != null && now >= r.until) r.end(false);
            reschedule();
        }
    }

    // ------------------------------------------------------------------ closing

    /** Stops listening, resets every connection, frees the charge, the routes and the timer. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        for (HttpConnection c : connections) if (c.socket != null) c.kill();
        for (Refusal r : refusals) r.end(true);
        closed = true;
        listener.close();
        if (timer.armed()) stack.timers().cancel(timer);
        stack.releaseTimer();
        for (int i = 0; i < routes; i++) {
            m.uncharge(Category.CONTROL, owner, routeCharges[i]);
            prefixes[i] = null;
            handlers[i] = null;
        }
        routes = 0;
        m.uncharge(Category.CONTROL, owner, charge);
    }
}
