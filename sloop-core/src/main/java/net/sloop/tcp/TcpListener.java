package net.sloop.tcp;

import net.sloop.mem.Owner;

/**
 * A listening port. Small: it holds no buffers; half-open connections live in the stack's
 * {@link SynQueue}, and connections that completed the handshake wait in a bounded accept queue
 * until {@link #accept()}. Closing or aborting the listener resets and frees the connections it
 * has not handed out yet, at once (the failure of seed 000 cannot happen).
 *
 * <p>Event-driven: {@link #accept()} returns null when nothing waits; a {@link Listener} hears
 * when something does. Calls are made on the stack's thread (or under its lock).
 */
public final class TcpListener implements AutoCloseable {
    /** CONTROL bytes charged per listener (measured with JOL in ChargeSizeTest). */
    public static final int CHARGE = 256;

    /** Told when a connection is ready to be accepted. */
    @FunctionalInterface
    public interface Listener {
        void acceptable(TcpListener l);
    }

    final Tcp tcp;
    final Owner owner;
    final int address;
    final int port;
    final int backlog;
    int receiveBuffer, receiveMax;
    int sendBuffer, sendMax;
    TcpListener next;
    private TcpConnection head, tail;
    int queued;
    boolean closed;
    /** Connections promised to this listener ({@link #guarantee}). */
    int guaranteed;
    /** Its connections admitted and not let go: queued or accepted, not yet ended or orphaned (flag F_HELD). */
    int held;
    private Listener listener;
    /** Acceptable is queued for delivery ({@link TcpEvents}); eventNext: its place on that list. */
    boolean acceptablePending;
    TcpListener eventNext;

    TcpListener(Tcp tcp, int address, int port, int backlog) {
        this.tcp = tcp;
        this.owner = new Owner("tcp listener", this);
        this.address = address;
        this.port = port;
        this.backlog = backlog;
        this.receiveBuffer = tcp.cfg.receiveBuffer();
        this.receiveMax = tcp.cfg.receiveBufferMax();
        this.sendBuffer = tcp.cfg.sendBuffer();
        this.sendMax = tcp.cfg.sendBufferMax();
    }

    /** The port listened on; 0 for the catch-all listener ({@link Tcp#listenAll}). */
    public int port() {
        return port;
    }

    /** True for the catch-all listener ({@link Tcp#listenAll}): any address, any port. */
    public boolean catchesAll() {
        return port == 0;
    }

    public int address() {
        return address;
    }

    /** The next listener of its TCP after this one, or null (see {@link Tcp#firstListener()}). */
    public TcpListener nextListener() {
        return next;
    }

    /** Connections admitted for it and held (queued or accepted, not ended or orphaned). */
    public int held() {
        return held;
    }

    /** The accept queue's bound. */
    public int backlog() {
        return backlog;
    }

    /** Connections established and waiting to be accepted. */
    public int pending() {
        return queued;
    }

    public boolean isClosed() {
        return closed;
    }

    public void setListener(Listener l) {
        open();
        this.listener = l;
    }

    /**
     * Fixed buffer sizes (no autotuning) for connections accepted from now on (the receive buffer
     * decides the window scale offered).
     */
    public void setBuffers(int sendBytes, int receiveBytes) {
        open();
        if (sendBytes < 1 || receiveBytes < 1) throw new IllegalArgumentException("buffer sizes must be positive");
        this.sendBuffer = this.sendMax = sendBytes;
        this.receiveBuffer = this.receiveMax = receiveBytes;
    }

    /**
     * Promises this listener {@code n} connections at their guaranteed minimum: TCP keeps room
     * for those it does not hold yet, which no other listener's connections, no growth and no
     * orphan can take (see {@code TcpAdmission.headroom}). A service that holds {@code n} connections, all
     * idle or hostile, leaves every other service its own. Beyond {@code n}, connections are
     * admitted while memory beyond every promise allows.
     */
    public void guarantee(int n) {
        open();
        if (n < 0) throw new IllegalArgumentException("negative guarantee");
        tcp.reserved -= unheld();
        guaranteed = n;
        tcp.reserved += unheld();
    }

    /**
     * Could a connection to this listener be admitted now, from memory free now, reclaiming
     * nothing, while room stays kept for every other promise (this listener's own included)? A
     * service asks at start whether the promise it was given can be kept on this budget.
     */
    public boolean admissibleNow() {
        open();
        return tcp.admission.fitsNow(this);
    }

    public int guaranteed() {
        return guaranteed;
    }

    /** Promised connections not held now: the admissions TCP keeps room for on this listener's behalf. */
    int unheld() {
        return Math.max(0, guaranteed - held);
    }

    void held(int delta) {
        tcp.reserved -= unheld();
        held = Math.max(0, held + delta);
        tcp.reserved += unheld();
    }

    /** The next established connection, or null if none waits. */
    public TcpSocket accept() {
        open();
        TcpConnection c = head;
        if (c == null) return null;
        remove(c);
        return new TcpSocket(c);
    }

    void enqueue(TcpConnection c) {
        c.listener = this;
        c.queueNext = null;
        if (tail == null) head = c;
        else tail.queueNext = c;
        tail = c;
        queued++;
    }

    /** Takes {@code c} out of the accept queue (accepted, or ended before it was). */
    void remove(TcpConnection c) {
        if (c.listener != this) return;
        TcpConnection prev = null;
        for (TcpConnection x = head; x != null; prev = x, x = x.queueNext) {
            if (x == c) {
                if (prev == null) head = c.queueNext;
                else prev.queueNext = c.queueNext;
                if (tail == c) tail = prev;
                break;
            }
        }
        c.queueNext = null;
        c.listener = null;
        queued--;
    }

    void notifyAcceptable() {
        if (listener != null) listener.acceptable(this);
    }

    /** Resets and frees every connection not yet accepted, and forgets half-open ones. */
    void abortAll(TcpError why) {
        tcp.reserved -= unheld(); // a closed listener is promised nothing
        guaranteed = 0;
        while (head != null) tcp.timers.abort(head, why, true);
        tcp.synQueue.removeListener(this);
        if (!closed) {
            closed = true;
            tcp.unlinkListener(this);
        }
    }

    /**
     * Stops listening. Connections that completed the handshake but were not accepted are reset
     * and freed now; half-open ones are forgotten. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        abortAll(TcpError.LISTENER_CLOSED);
    }

    /** The same as {@link #close()}: a listener has nothing to flush. */
    public void abort() {
        close();
    }

    private void open() {
        if (closed) throw new IllegalStateException((port == 0 ? "catch-all listener" : "listener on port " + port) + " is closed");
    }

    @Override
    public String toString() {
        return port == 0 ? "listen on every address and port" : "listen " + net.sloop.wire.Ipv4Address.toString(address) + ":" + port;
    }
}
