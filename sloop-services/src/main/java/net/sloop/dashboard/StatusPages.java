package net.sloop.dashboard;

import java.nio.charset.StandardCharsets;
import net.sloop.http.HttpEventStream;
import net.sloop.http.HttpRequest;
import net.sloop.http.HttpResponse;
import net.sloop.http.HttpServer;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;
import net.sloop.status.StatusView;
import net.sloop.time.Timer;

/**
 * The live view over HTTP: mounted on an {@link HttpServer} at a base path ({@code /status} in
 * {@code serve}), it answers
 * <ul>
 *   <li>{@code BASE}: the dashboard page (HTML, with its style and script at
 *       {@code BASE/dashboard-HASH.css} and {@code BASE/dashboard-HASH.js}, uPlot included);
 *   <li>{@code BASE.json}: the status document (docs/STATUS.md), the same as {@code sloop status --json};
 *   <li>{@code BASE.csv}: the memory history as CSV;
 *   <li>{@code BASE/events}: server-sent events, one {@code data:} line holding the status document
 *       a second (a new snapshot each time, sent only when the client took the one before).
 * </ul>
 *
 * <p><b>Memory.</b> What the pages hold is charged (CONTROL, owner "status pages") when they are
 * mounted and fixed: their objects, one pooled {@link DocumentSource} per HTTP connection and per
 * event subscriber. No response copies a document: each is rendered again, window by window,
 * into its connection's output buffer (charged with the connection), from the live view's
 * snapshot held for the purpose ({@link StatusView#hold}), so a 10 KiB document costs nothing on a
 * 128 KiB stack; static files are read-only bytes from the jar (like the files of
 * {@code --http-root}, outside the budget). Event subscribers are bounded (half the HTTP
 * connections, at least one); beyond, and while the view has given its memory back to admit
 * connections, requests are answered 503 with Retry-After (the page then polls {@code BASE.json}).
 * A subscriber that has not taken its last event when the next is due skips it, so a slow client
 * gets fewer events, never more memory. The pages take nothing from connections: the view itself
 * is the first memory TCP takes back.
 *
 * <p>One application timer ({@link Stack#reserveTimer()}) ticks every second: it samples the
 * view's memory history ({@link StatusView#sampleIfDue}) and sends the events. On the stack's
 * thread (or under its runner's lock), like the server.
 */
public final class StatusPages implements AutoCloseable {
    /** CONTROL bytes of the pages' own objects (this, the owner, the handlers, the timer, the arrays' headers, the base path). */
    static final int BASE_BYTES = 512;
    /** Per pooled source, and per subscriber (its record and close callback besides its source). */
    static final int SOURCE_BYTES = 128, SUBSCRIBER_BYTES = 96;
    /** Events are sent this often (stack time). */
    public static final long PERIOD_NANOS = 1_000_000_000L;
    /** Retry-After of a 503. */
    static final int RETRY_AFTER_SECONDS = 10;

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final Stack stack;
    private final HttpServer http;
    private final StatusView view;
    private final String base;
    private final Owner owner = new Owner("status pages");
    private final Assets assets;
    private final byte[] baseBytes;
    private final DocumentSource[] pool;
    private final Subscriber[] subscribers;
    private final Tick timer = new Tick();
    private final int charge;
    private long eventsSent, eventsSkipped, refused, documents;
    private boolean closed;

    private StatusPages(Stack stack, HttpServer http, StatusView view, String base, int sources, int subs) {
        this.stack = stack;
        this.http = http;
        this.view = view;
        this.base = base;
        this.assets = Assets.get();
        this.baseBytes = base.getBytes(StandardCharsets.US_ASCII);
        this.pool = new DocumentSource[sources];
        for (int i = 0; i < sources; i++) pool[i] = new DocumentSource();
        this.subscribers = new Subscriber[subs];
        for (int i = 0; i < subs; i++) subscribers[i] = new Subscriber();
        this.charge = chargeFor(sources, subs);
    }

    /** CONTROL bytes the pages are charged with {@code sources} pooled sources and {@code subscribers} event subscribers. */
    static int chargeFor(int sources, int subscribers) {
        return BASE_BYTES + sources * SOURCE_BYTES + subscribers * (SOURCE_BYTES + SUBSCRIBER_BYTES);
    }

    /** Event subscribers an HTTP server with {@code maxConnections} admits: half of them, at least one. */
    public static int subscribersFor(int maxConnections) {
        return Math.max(1, maxConnections / 2);
    }

    /**
     * Checks a base path: it starts with '/', is not "/" alone, does not end with '/', and holds
     * only letters, digits and {@code - . _ ~ /} with no empty, "." or ".." segment (so it needs
     * no escaping in a URL or in the page). Returns null if it is good, else why not.
     */
    public static String checkPath(String p) {
        if (p == null || p.isEmpty() || p.charAt(0) != '/') return "must start with '/'";
        if (p.length() == 1) return "must name a path below '/'";
        if (p.length() > 64) return "longer than 64 characters";
        if (p.endsWith("/")) return "must not end with '/'";
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
            if (!ok) return "may hold only letters, digits and - . _ ~ /";
        }
        for (String seg : p.substring(1).split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) return "has an empty, '.' or '..' segment";
        }
        return null;
    }

    /**
     * Mounts the pages of {@code view} on {@code http} at {@code base} (three routes: {@code base},
     * {@code base.json}, {@code base.csv}), charged to the stack's budget. On the stack's thread.
     *
     * @throws IllegalArgumentException if {@code base} is not a good path ({@link #checkPath})
     * @throws IllegalStateException if the budget cannot hold the pages, the server cannot take
     *         three more routes, or the stack has no application timer left
     */
    public static StatusPages mount(Stack stack, HttpServer http, StatusView view, String base) {
        String why = checkPath(base);
        if (why != null) throw new IllegalArgumentException("status path " + base + ": " + why);
        int conns = http.config().maxConnections();
        StatusPages p = new StatusPages(stack, http, view, base, conns, subscribersFor(conns));
        if (!stack.reserveTimer()) throw new IllegalStateException("the status pages need a timer slot: build the stack with StackConfig.Builder.applicationTimers(n)");
        if (!stack.budget().charge(Category.CONTROL, p.owner, p.charge)) {
            stack.releaseTimer();
            throw new IllegalStateException("out of memory: the status pages need " + p.charge + " bytes");
        }
        try {
            http.route(base, p::page);
            http.route(base + ".json", p::json);
            http.route(base + ".csv", p::csv);
        } catch (RuntimeException e) {
            p.close();
            throw new IllegalStateException("cannot mount the status pages at " + base + ": " + e.getMessage(), e);
        }
        p.arm(stack.time() + PERIOD_NANOS);
        return p;
    }

    /** The base path ("/status"). */
    public String base() {
        return base;
    }

    /** The HTTP server's port. */
    public int port() {
        return http.port();
    }

    /** CONTROL bytes the pages are charged (0 once closed). */
    public long chargedBytes() {
        return owner.used(Category.CONTROL);
    }

    public Owner owner() {
        return owner;
    }

    /** Event streams open now. */
    public int subscribers() {
        int n = 0;
        for (Subscriber s : subscribers) if (s.stream != null) n++;
        return n;
    }

    /** Event streams open at most at once. */
    public int maxSubscribers() {
        return subscribers.length;
    }

    /** Events sent (queued on their streams). */
    public long eventsSent() {
        return eventsSent;
    }

    /** Events not sent to a subscriber that still had the one before to take. */
    public long eventsSkipped() {
        return eventsSkipped;
    }

    /** Requests answered 503 (no subscriber slot, no source, or the view unavailable). */
    public long refused() {
        return refused;
    }

    /** JSON and CSV documents begun. */
    public long documents() {
        return documents;
    }

    // ------------------------------------------------------------------ handlers

    private void page(HttpRequest req, HttpResponse resp) {
        String path = req.path();
        String rest = path.substring(base.length());
        switch (rest) {
            case "" -> {
                DocumentSource s = take(resp);
                if (s == null) return;
                resp.header("Cache-Control", "no-cache").header("X-Content-Type-Options", "nosniff")
                        .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:")
                        .stream("text/html; charset=utf-8", s.page(assets.pageParts, baseBytes));
            }
            case "/events" -> events(req, resp);
            default -> {
                if (file(rest, assets.cssName)) asset(resp, "text/css; charset=utf-8", assets.css, "max-age=86400");
                else if (file(rest, assets.jsName)) asset(resp, "text/javascript; charset=utf-8", assets.js, "max-age=86400");
                else resp.status(404).send("text/plain; charset=utf-8", "404 Not found.\n");
            }
        }
    }

    /** True if {@code rest} is "/" and {@code name}. */
    private static boolean file(String rest, String name) {
        return rest.length() == name.length() + 1 && rest.charAt(0) == '/' && rest.startsWith(name, 1);
    }

    private void asset(HttpResponse resp, String type, byte[] bytes, String cache) {
        DocumentSource s = take(resp);
        if (s == null) return;
        resp.header("Cache-Control", cache).header("X-Content-Type-Options", "nosniff").stream(type, s.asset(bytes));
    }

    private void json(HttpRequest req, HttpResponse resp) {
        document(resp, DocumentSource.Kind.JSON, "application/json");
    }

    private void csv(HttpRequest req, HttpResponse resp) {
        document(resp, DocumentSource.Kind.CSV, "text/csv; charset=utf-8");
    }

    private void document(HttpResponse resp, DocumentSource.Kind kind, String type) {
        if (!view.available()) {
            unavailable(resp, StatusView.UNAVAILABLE);
            return;
        }
        DocumentSource s = take(resp);
        if (s == null) return;
        if (kind == DocumentSource.Kind.JSON) view.snapshot(wallMillis()); // the held one while another response renders it
        documents++;
        resp.header("Cache-Control", "no-store").stream(type, s.begin(view, kind, null, null));
    }

    private DocumentSource take(HttpResponse resp) {
        for (DocumentSource s : pool) if (!s.inUse) return s;
        unavailable(resp, "every status document is in use");
        return null;
    }

    private void unavailable(HttpResponse resp, String why) {
        refused++;
        resp.status(503).header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)).header("Cache-Control", "no-store")
                .send("text/plain; charset=utf-8", "503 " + why + "\n");
    }

    private void events(HttpRequest req, HttpResponse resp) {
        if (req.isHead()) {
            resp.header("Cache-Control", "no-store").events(); // the head alone: the stream closes at once
            return;
        }
        Subscriber free = null;
        for (Subscriber s : subscribers) {
            if (s.stream == null) {
                free = s;
                break;
            }
        }
        if (free == null) {
            unavailable(resp, "every event stream is taken (at most " + subscribers.length + "); poll " + base + ".json");
            return;
        }
        free.lastSequence = -1;
        free.stream = resp.header("Cache-Control", "no-store").events();
        free.stream.onClose(free.onClose);
        if (free.stream != null) publish(free); // the first event at once
    }

    // ------------------------------------------------------------------ events

    /** One event stream and the source its events are rendered by. */
    private final class Subscriber {
        HttpEventStream stream;
        long lastSequence;
        final DocumentSource source = new DocumentSource();
        final Runnable onClose = () -> stream = null;
    }

    /** Sends {@code s} the current snapshot if it has not had it and took the one before. */
    private void publish(Subscriber s) {
        if (closed || s.stream == null || !s.stream.isOpen() || !view.available()) return;
        if (s.source.inUse) { // still sending the one before: this one is skipped
            eventsSkipped++;
            return;
        }
        long seq = view.snapshot(wallMillis()).sequence; // a held snapshot is answered again as it is
        if (seq == s.lastSequence) return;
        s.source.begin(view, DocumentSource.Kind.JSON, DATA, END);
        if (!s.stream.send(s.source)) {
            s.source.close();
            eventsSkipped++;
            return;
        }
        s.lastSequence = seq;
        eventsSent++;
    }

    private long wallMillis() {
        return http.config().wallClockMillis().getAsLong();
    }

    private void arm(long deadline) {
        if (!closed && !stack.timers().arm(timer, deadline)) throw new IllegalStateException("timer queue full despite a reserved slot");
    }

    private final class Tick extends Timer {
        @Override
        protected void fire(long now) {
            if (closed) return;
            view.sampleIfDue(wallMillis());
            for (Subscriber s : subscribers) publish(s);
            arm(now + PERIOD_NANOS);
        }
    }

    // ------------------------------------------------------------------ closing

    /**
     * Unmounts the routes, ends the event streams, and returns the timer and the charge. A
     * document still being sent is cut when the view closes. On the stack's thread, before the
     * view and the server close. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (!http.isClosed()) {
            http.route(base, null);
            http.route(base + ".json", null);
            http.route(base + ".csv", null);
        }
        for (Subscriber s : subscribers) {
            HttpEventStream es = s.stream;
            if (es != null) es.close();
        }
        if (timer.armed()) stack.timers().cancel(timer);
        stack.releaseTimer();
        stack.budget().uncharge(Category.CONTROL, owner, charge);
    }
}
