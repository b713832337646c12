package net.sloop.service;

import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;

/**
 * A small service on a TCP port, on the stack's event-driven API and thread. It listens, takes
 * every established connection at once into one of {@code maxConnections} slots made at start,
 * and resets (RST) a connection that finds every slot taken: the client learns at once that it was
 * refused, instead of waiting on a connection nobody serves. Per connection it keeps only a
 * {@link Slot}; bytes pass through the handle's one scratch buffer, so the steady state allocates
 * nothing, and what a connection holds is bounded by its socket's buffers.
 *
 * <p>A connection that ends with an error (reset, timed out) is closed and its slot freed; so is
 * one idle longer than the idle timeout (reset by {@link Services}' timer). Closing the service
 * stops listening, resets the connections it holds and frees everything at once.
 */
abstract class TcpService implements TcpListener.Listener {
    /** CONTROL bytes charged for a service apart from its slots (object, owner, stats, listener hook); see ServiceChargeTest. */
    static final int BASE_BYTES = 512;
    /** CONTROL bytes charged per slot (the Slot and its array entries); see ServiceChargeTest. */
    static final int SLOT_BYTES = 64;

    final Services services;
    final ServiceKind kind;
    final Stack stack;
    final Budget m;
    final Owner owner;
    final ServiceStats stats;
    final TcpListener listener;
    private final Slot[] slots;
    private final int[] free;
    private int freeCount;
    private final int charge;
    private boolean closed;

    TcpService(Services services, ServiceKind kind, ServiceConfig cfg) throws TcpException {
        this.services = services;
        this.kind = kind;
        this.stack = services.stack;
        this.m = stack.budget();
        int port = cfg.port(kind);
        this.owner = new Owner("service " + kind.serviceName() + "/tcp", this);
        this.stats = new ServiceStats(kind, false, port);
        this.slots = new Slot[cfg.maxConnections()];
        this.free = new int[slots.length];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(this, i);
            free[i] = slots.length - 1 - i;
        }
        this.freeCount = slots.length;
        this.charge = chargeFor(slots.length);
        if (!m.charge(Category.CONTROL, owner, charge)) {
            throw new TcpException(TcpError.OUT_OF_MEMORY, kind.serviceName() + " service needs " + charge + " bytes");
        }
        TcpListener l;
        try {
            l = stack.tcp().listen(0, port, cfg.backlog());
            if (cfg.guaranteedConnections() > 0) l.guarantee(cfg.guaranteedConnections());
        } catch (TcpException | RuntimeException e) {
            m.uncharge(Category.CONTROL, owner, charge);
            throw e;
        }
        this.listener = l;
        if (cfg.sendBuffer() > 0 || cfg.receiveBuffer() > 0) {
            // Fixed buffers asked for; otherwise the stack's (autotuned by default).
            int send = cfg.sendBuffer() > 0 ? cfg.sendBuffer() : stack.config().tcp().sendBuffer();
            int receive = cfg.receiveBuffer() > 0 ? cfg.receiveBuffer() : stack.config().tcp().receiveBuffer();
            l.setBuffers(send, receive);
        }
        l.setListener(this);
    }

    /** CONTROL bytes a service with {@code slots} slots is charged. */
    static int chargeFor(int slots) {
        return BASE_BYTES + slots * SLOT_BYTES;
    }

    // ------------------------------------------------------------------ what each service does

    /** A connection was taken into {@code slot}: start serving it (it may be ended at once). */
    abstract void opened(Slot slot) throws TcpException;

    /** The socket's events (never CLOSED alone: that ends the slot first). */
    abstract void handle(Slot slot, int events) throws TcpException;

    /** Sets aside what a connection needs beyond its socket; false if the budget cannot. */
    boolean reserve() {
        return true;
    }

    /** Returns what {@link #reserve()} set aside (the slot's socket is already gone). */
    void unreserve(Slot slot) {}

    // ------------------------------------------------------------------ connections

    @Override
    public void acceptable(TcpListener l) {
        for (TcpSocket s; !closed && (s = l.accept()) != null; ) {
            if (freeCount == 0) {
                stats.refused++;
                s.abort(); // RST: every slot is taken
                continue;
            }
            if (!reserve()) {
                stats.refused++;
                stats.refusedNoMemory++;
                s.abort();
                continue;
            }
            Slot slot = slots[free[--freeCount]];
            slot.socket = s;
            slot.lastActive = stack.time();
            slot.position = 0;
            stats.opened();
            s.setListener(slot);
            services.connectionOpened(slot.lastActive);
            try {
                opened(slot);
            } catch (TcpException e) {
                failed(slot);
            }
        }
    }

    void event(Slot slot, int events) {
        if (slot.socket == null) return;
        slot.lastActive = stack.time();
        try {
            handle(slot, events);
            if (slot.socket != null && (events & TcpSocket.CLOSED) != 0) {
                // The protocol is done with the connection (the handle read what was left in handle()).
                if (slot.socket.error() != TcpError.NONE) stats.errors++;
                finish(slot);
            }
        } catch (TcpException e) {
            failed(slot);
        }
    }

    /**
     * Drops everything readable, without copying it anywhere ({@link TcpSocket#skip}: its blocks
     * are freed where they lie); returns false at end of stream. Counts the bytes.
     */
    final boolean drainInput(Slot slot) throws TcpException {
        TcpSocket s = slot.socket;
        while (true) { // until nothing is left (0) or the end of stream is reached (-1)
            int n = s.skip(Integer.MAX_VALUE);
            if (n < 0) return false;
            if (n == 0) return true;
            stats.bytesIn += n;
        }
    }

    /** Closes the connection gracefully (queued data, then FIN) and frees the slot. */
    final void finish(Slot slot) {
        TcpSocket s = slot.socket;
        release(slot);
        s.close();
    }

    /** Resets the connection and frees the slot. */
    final void abort(Slot slot) {
        TcpSocket s = slot.socket;
        release(slot);
        s.abort();
    }

    private void failed(Slot slot) {
        stats.errors++;
        abort(slot);
    }

    private void release(Slot slot) {
        slot.socket = null;
        unreserve(slot);
        free[freeCount++] = slot.index;
        stats.active--;
    }

    /**
     * Resets connections idle for {@code idle} nanoseconds or more at {@code now}; returns the
     * earliest time another will be, or {@link Long#MAX_VALUE}.
     */
    long idleSweep(long now, long idle) {
        long next = Long.MAX_VALUE;
        for (Slot slot : slots) {
            if (slot.socket == null) continue;
            long due = slot.lastActive + idle;
            if (due <= now) {
                stats.idleClosed++;
                abort(slot);
            } else if (due < next) {
                next = due;
            }
        }
        return next;
    }

    /** Stops listening, resets every connection held and frees the service's charge. Idempotent. */
    void close() {
        if (closed) return;
        closed = true;
        listener.close();
        for (Slot slot : slots) {
            if (slot.socket != null) abort(slot);
        }
        m.uncharge(Category.CONTROL, owner, charge);
    }

    /** Connections held now. */
    int active() {
        return slots.length - freeCount;
    }

    int maxConnections() {
        return slots.length;
    }
}
