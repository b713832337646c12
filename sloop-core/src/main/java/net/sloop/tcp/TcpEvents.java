package net.sloop.tcp;

/**
 * Socket and listener events, queued while TCP processes and delivered after it, as smoltcp
 * does: an application handler never runs inside segment processing or a timer, so whatever it
 * calls back (read, write, close, accept) finds the connection as the whole segment left it.
 *
 * <p>While processing (a segment, an ICMP error, a timer, the end of a poll round, a stack-wide
 * abort), the parts {@link #raise} bits of {@link TcpSocket}'s events on a connection, or mark a
 * listener {@link #acceptable}. Each connection keeps its pending bits and its place in an
 * intrusive list ({@code TcpConnection.pendingEvents}, {@code eventNext}), each listener a flag
 * and its place in another, so queuing allocates nothing. When the outermost processing ends,
 * {@link #deliver} hands them out: listeners first (a connection accepted on acceptable then
 * hears its own events), then connections in the order they first had an event. A connection's
 * bits go out in the order of its life (CONNECTED, then READABLE/WRITABLE, then CLOSED, which
 * includes them), each kind at most once per delivery. A connection freed meanwhile stays on the
 * list, so its handle, if it still has one, hears CLOSED once; a handle closed meanwhile hears
 * nothing. Events a handler causes are delivered in the same loop, after it returns.
 *
 * <p>Output follows the application (smoltcp's egress follows its poll): the ACK of a segment
 * whose connection has events waiting is sent after they are delivered ({@link #output}), and
 * what a handler's writes and FIN would send goes once it returns ({@link #applicationOutput}),
 * so a reply and the ACK leave together. A window opened by a handler's reads is offered the same
 * way: one update when the handler returns, however many reads it made.
 */
final class TcpEvents {
    private final Tcp tcp;
    private TcpConnection first, last;
    private TcpListener firstListener, lastListener;
    /** Nesting of processing: events are delivered only when the outermost ends. */
    private int processing;
    private boolean delivering;

    TcpEvents(Tcp tcp) {
        this.tcp = tcp;
    }

    /** Not an event: output deferred until the handler running returns ({@link #applicationOutput}). */
    static final int OUTPUT = 16;

    /** Queues {@code events} (bits of {@link TcpSocket#CONNECTED}, READABLE, WRITABLE, CLOSED) for {@code c}'s handle. */
    void raise(TcpConnection c, int events) {
        // No handle and none to come (a handle comes only from connect, or accept from the queue): nobody to tell.
        if (c.socket == null && c.listener == null) return;
        enqueue(c, events);
    }

    private void enqueue(TcpConnection c, int bits) {
        if (c.pendingEvents == 0) {
            c.eventNext = null;
            if (last == null) first = c;
            else last.eventNext = c;
            last = c;
        }
        c.pendingEvents |= (byte) bits;
    }

    /**
     * An application's write or FIN has something for {@code c} to send. From a handler (events
     * being delivered) it goes once the handler returns, with everything else the handler wrote,
     * as smoltcp's egress follows the application; otherwise now.
     */
    void applicationOutput(TcpConnection c) {
        if (delivering) enqueue(c, OUTPUT);
        else tcp.output.output(tcp.now(), c);
    }

    /** Queues "a connection waits to be accepted" for {@code l}'s listener. */
    void acceptable(TcpListener l) {
        if (l.acceptablePending) return;
        l.acceptablePending = true;
        l.eventNext = null;
        if (lastListener == null) firstListener = l;
        else lastListener.eventNext = l;
        lastListener = l;
    }

    /**
     * Sends what {@code c} has to send at the end of processing a segment: now, or, if its handle
     * has events waiting, once they are delivered, so that what the handler reads and writes goes
     * out with the segment's ACK (ingress, application, egress, as in smoltcp's poll; the handler
     * used to run before this output, inside processing, with the same effect).
     */
    void output(long now, TcpConnection c) {
        if (c.pendingEvents == 0) tcp.output.output(now, c);
    }

    /** Processing begins (nested calls allowed); pair with {@link #leave}, then {@link #deliver}. */
    void enter() {
        processing++;
    }

    void leave() {
        processing--;
    }

    /** True while TCP processes: a handler must never see this. */
    boolean processing() {
        return processing > 0;
    }

    /** Delivers what is pending, unless processing or already delivering (the loop running will). */
    void deliver() {
        if (processing > 0 || delivering) return;
        if (first == null && firstListener == null) return;
        delivering = true;
        try {
            while (true) {
                TcpListener l = firstListener;
                if (l != null) {
                    firstListener = l.eventNext;
                    if (firstListener == null) lastListener = null;
                    l.eventNext = null;
                    l.acceptablePending = false;
                    if (!l.closed) l.notifyAcceptable();
                    continue;
                }
                TcpConnection c = first;
                if (c == null) break;
                first = c.eventNext;
                if (first == null) last = null;
                c.eventNext = null;
                int events = c.pendingEvents;
                c.pendingEvents = 0;
                TcpSocket s = c.socket;
                if (s != null) s.deliver(events);
                if (!c.has(TcpConnection.F_FREED)) tcp.output.output(tcp.now(), c); // see output()
            }
        } finally {
            delivering = false;
        }
    }
}
