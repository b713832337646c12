package net.sloop.tcp;

import java.lang.foreign.MemorySegment;
import net.sloop.mem.Budget;
import net.sloop.wire.Ipv4Address;

/**
 * The application's handle on a TCP connection, event-driven face: calls never block; they
 * return "would block" (0) and a {@link Listener} hears when trying again is worthwhile.
 *
 * <p>Ownership (the lesson of seed 003): the handle and the protocol's state are separate. The
 * application may {@link #close}, {@link #shutdownOutput}, {@link #abort} at any time, any
 * number of times; the protocol may finish or reset the connection at any time; whatever
 * happens, the connection's memory is freed exactly once, by the protocol. After the peer's FIN
 * and the data before it, {@link #read} returns -1. After the connection ended with an error,
 * reads and writes throw a {@link TcpException} naming it. Any call but {@code close}/{@code
 * abort} on a closed handle throws {@link IllegalStateException}.
 *
 * <p>Calls are made on the stack's thread or under its lock (the blocking face does this).
 * Operations act at the stack's current time.
 */
public final class TcpSocket implements AutoCloseable {
    /** Event bits given to a {@link Listener}. */
    public static final int CONNECTED = 1, READABLE = 2, WRITABLE = 4, CLOSED = 8;

    /** Hears a socket's events (bits of {@link #CONNECTED}, {@link #READABLE}, {@link #WRITABLE}, {@link #CLOSED}). */
    @FunctionalInterface
    public interface Listener {
        void onEvent(TcpSocket socket, int events);
    }

    /** Options for {@link Tcp#connect(int, int, Options)}, applied before the SYN is sent. */
    public static final class Options {
        int sendBuffer = -1, receiveBuffer = -1;

        /** Options that change nothing: the listener's or the stack's defaults apply. */
        public Options() {}
        boolean noDelay, keepAlive;
        long userTimeoutNanos;

        public Options sendBuffer(int bytes) { sendBuffer = bytes; return this; }
        public Options receiveBuffer(int bytes) { receiveBuffer = bytes; return this; }
        public Options noDelay(boolean v) { noDelay = v; return this; }
        public Options keepAlive(boolean v) { keepAlive = v; return this; }
        public Options userTimeoutNanos(long v) { userTimeoutNanos = v; return this; }

        void applyTo(TcpConnection c) {
            if (sendBuffer > 0) c.fixSendBuffer(sendBuffer);
            if (receiveBuffer > 0) c.fixReceiveBuffer(receiveBuffer);
            if (noDelay) c.set(TcpConnection.F_NODELAY);
            if (keepAlive) c.set(TcpConnection.F_KEEPALIVE);
            c.userTimeoutNanos = userTimeoutNanos;
        }
    }

    // The connection points back at its handle until the handle is closed (c.socket), and is
    // flagged F_FREED once the protocol is done with it: the handle keeps no copy of either.
    private final TcpConnection c;
    private Listener listener;
    private int lingerSeconds = -1;

    TcpSocket(TcpConnection c) {
        this.c = c;
        c.socket = this;
    }

    // ------------------------------------------------------------------ state

    public TcpState state() {
        return c.state;
    }

    /** Why the connection ended, or NONE. */
    public TcpError error() {
        return c.error;
    }

    public boolean isConnected() {
        return c.state.synchronizedState() && !c.has(TcpConnection.F_FREED);
    }

    public boolean isClosed() {
        return c.socket != this;
    }

    /** True once the protocol has finished with the connection (closed, reset, timed out, TIME_WAIT). */
    public boolean isEnded() {
        return c.has(TcpConnection.F_FREED);
    }

    public int localAddress() { return c.laddr; }
    public int localPort() { return c.lport; }
    public int remoteAddress() { return c.raddr; }
    public int remotePort() { return c.rport; }

    /** Bytes that can be read now without blocking. */
    public int available() {
        return c.recvBuf.length;
    }

    /** Bytes written but not yet acknowledged. */
    public int unacknowledged() {
        return c.sendBuf.length;
    }

    /** True if the peer's FIN has arrived (after the data now readable, reads return -1). */
    public boolean inputEnded() {
        return c.has(TcpConnection.F_FIN_RCVD);
    }

    public void setListener(Listener l) {
        open();
        this.listener = l;
    }

    // ------------------------------------------------------------------ options

    /** Turns Nagle's algorithm off (true) or on. */
    public void setNoDelay(boolean on) {
        open();
        if (on) c.set(TcpConnection.F_NODELAY);
        else c.clear(TcpConnection.F_NODELAY);
        if (on && live()) c.tcp.output.output(c.tcp.now(), c);
    }

    public boolean noDelay() {
        return c.has(TcpConnection.F_NODELAY);
    }

    /** Enables keepalive with the stack's default times. */
    public void setKeepAlive(boolean on) {
        open();
        if (on) c.set(TcpConnection.F_KEEPALIVE);
        else c.clear(TcpConnection.F_KEEPALIVE);
        if (live()) c.tcp.timers.armKeepalive(c.tcp.now(), c);
    }

    /** Enables keepalive: first probe after {@code idleNanos} of silence, then every {@code intervalNanos}, abort after {@code count}. */
    public void setKeepAlive(long idleNanos, long intervalNanos, int count) {
        if (idleNanos <= 0 || intervalNanos <= 0 || count < 1) throw new IllegalArgumentException("keepalive times and count must be positive");
        c.keepIdleNanos = idleNanos;
        c.keepIntervalNanos = intervalNanos;
        c.keepCount = count;
        setKeepAlive(true);
    }

    public boolean keepAlive() {
        return c.has(TcpConnection.F_KEEPALIVE);
    }

    /**
     * Aborts the connection if data stays unacknowledged longer than this (RFC 5482's user
     * timeout; 0: only the retransmission limit applies).
     */
    public void setUserTimeout(long nanos) {
        open();
        if (nanos < 0) throw new IllegalArgumentException("negative user timeout");
        c.userTimeoutNanos = nanos;
    }

    /**
     * SO_LINGER: -1 (default) closes gracefully in the background; 0 makes {@link #close} an
     * abort that sends a reset; a positive value makes a blocking close wait up to that many
     * seconds for the peer to acknowledge everything.
     */
    public void setLinger(int seconds) {
        open();
        lingerSeconds = seconds < 0 ? -1 : seconds;
    }

    public int linger() {
        return lingerSeconds;
    }

    /**
     * Fixes the send buffer limit at {@code bytes}, ending its autotuning (memory is still taken
     * only as data is written).
     */
    public void setSendBuffer(int bytes) {
        open();
        if (bytes < 1) throw new IllegalArgumentException("send buffer must be positive");
        c.fixSendBuffer(bytes);
    }

    public int sendBuffer() {
        return c.sendLimit;
    }

    /**
     * Fixes the receive buffer limit at {@code bytes}, ending its autotuning; it bounds the
     * advertised window. Set before connecting to get a window scale that can advertise it all
     * (RFC 7323: the scale is fixed by the SYN).
     */
    public void setReceiveBuffer(int bytes) {
        open();
        if (bytes < 1) throw new IllegalArgumentException("receive buffer must be positive");
        c.fixReceiveBuffer(bytes);
        if (live()) c.tcp.output.output(c.tcp.now(), c);
    }

    public int receiveBuffer() {
        return c.rcvLimit;
    }

    // ------------------------------------------------------------------ data

    /**
     * Reads up to {@code len} bytes into {@code dst}. Returns the count, 0 if nothing can be read
     * now (would block), or -1 at end of stream (the peer's FIN, after all its data).
     *
     * @throws TcpException if the connection ended with an error (reset, timed out, ...)
     */
    public int read(MemorySegment dst, long off, int len) throws TcpException {
        open();
        if (len < 0) throw new IllegalArgumentException("negative length");
        int n = Math.min(len, c.recvBuf.length);
        if (n > 0) {
            c.recvBuf.copyOut(c.tcp.budget(), 0, dst, off, n);
            return consumed(n);
        }
        return nothingToRead();
    }

    /**
     * Consumes up to {@code max} received bytes without copying them anywhere, as a read into a
     * buffer thrown away would, window updates and buffer growth included (Linux's {@code recv}
     * with {@code MSG_TRUNC} on TCP): for an application that drops what it receives, such as
     * the discard service. Returns the count, 0 if nothing is queued now, or -1 at end of stream.
     *
     * @throws TcpException if the connection ended with an error (reset, timed out, ...)
     */
    public int skip(int max) throws TcpException {
        open();
        if (max < 0) throw new IllegalArgumentException("negative length");
        int n = Math.min(max, c.recvBuf.length);
        return n > 0 ? consumed(n) : nothingToRead();
    }

    /** {@code n} bytes at the front of the receive queue have been read: frees their blocks, grows the buffer, updates the window. */
    private int consumed(int n) {
        c.consumeReceived(c.tcp.budget(), n);
        c.copied(n, c.tcp.now());
        if (live()) windowUpdate();
        return n;
    }

    /** With nothing queued: -1 at end of stream, 0 if more may come. @throws TcpException if the connection ended with an error */
    private int nothingToRead() throws TcpException {
        if (c.has(TcpConnection.F_FIN_RCVD) || c.has(TcpConnection.F_RCV_SHUT)) return -1;
        if (c.error != TcpError.NONE) throw new TcpException(c.error);
        if (c.has(TcpConnection.F_FREED)) return -1; // closed cleanly (TIME_WAIT or CLOSED)
        return 0;
    }

    /**
     * Moves up to {@code max} bytes received on this socket straight into {@code dst}'s send queue
     * (which may be this socket's own: an echo), with one copy, from the receive blocks to the
     * send blocks, and only as many as {@code dst} takes now, so nothing is left over to hold
     * elsewhere. Returns the bytes moved; 0 if nothing could be (none received: READABLE will
     * come; or {@code dst} full: its handle hears WRITABLE); -1 at end of stream.
     *
     * @throws TcpException if either connection ended with an error, or {@code dst}'s output was shut down
     */
    public int transferTo(TcpSocket dst, int max) throws TcpException {
        open();
        if (max < 0) throw new IllegalArgumentException("negative length");
        Budget m = c.tcp.budget();
        int moved = 0;
        while (moved < max && c.recvBuf.length > 0) {
            int b = c.recvBuf.head; // its data window holds the next bytes
            int piece = Math.min(max - moved, m.len(b));
            int w = dst.write(m.memory(), m.address(b), piece);
            if (w == 0) break;
            c.consumeReceived(m, w);
            moved += w;
            if (w < piece) break;
        }
        if (moved > 0) {
            c.copied(moved, c.tcp.now());
            if (live()) windowUpdate();
            return moved;
        }
        return c.recvBuf.length > 0 ? 0 : nothingToRead();
    }

    public int read(byte[] dst, int off, int len) throws TcpException {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        return read(MemorySegment.ofArray(dst), off, len);
    }

    public int read(byte[] dst) throws TcpException {
        return read(dst, 0, dst.length);
    }

    /**
     * If reading opened the window enough to matter (receiver SWS avoidance), tell the peer
     * (at once, or when the handler reading returns) rather than at the next segment: a zero window is reopened by this update. And if this read
     * emptied the buffer of data that ended in a small pushed segment whose ACK is being delayed,
     * acknowledge now, as Linux's tcp_cleanup_rbuf does: a sender that sends small segments is
     * usually short of buffer (or done), and waiting 40 ms for the delayed ACK would stall it.
     */
    private void windowUpdate() {
        int limit = c.windowLimit();
        int space = limit - c.recvBuf.length;
        int adv = Math.max(0, c.rcvAdv - c.rcvNxt);
        boolean drainedPushed = c.recvBuf.length == 0 && c.has(TcpConnection.F_ACK_PUSHED) && c.delackAt != TcpConnection.OFF;
        if (drainedPushed || space - adv >= Math.min(limit / 2, Math.max(c.smss, 1))) {
            c.set(TcpConnection.F_ACK_NOW);
            // From a handler, once it returns: one update for all its reads (as Linux sends one per
            // recvmsg, not one per segment copied), carried by whatever the handler writes.
            c.tcp.events.applicationOutput(c);
        }
    }

    /**
     * Writes up to {@code len} bytes from {@code src}. Returns how many were taken (0: would
     * block; the listener hears WRITABLE when acknowledged data frees room).
     *
     * @throws TcpException if the connection ended with an error, or output was shut down
     */
    public int write(MemorySegment src, long off, int len) throws TcpException {
        open();
        if (len < 0) throw new IllegalArgumentException("negative length");
        if (c.error != TcpError.NONE) throw new TcpException(c.error);
        if (c.has(TcpConnection.F_FIN_QUEUED)) throw new TcpException(TcpError.NONE, "output was shut down");
        if (c.has(TcpConnection.F_FREED)) throw new TcpException(TcpError.NONE, "connection is closed");
        if (!c.state.synchronizedState()) {
            c.set(TcpConnection.F_WANT_WRITE);
            return 0; // not connected yet: the listener hears CONNECTED
        }
        Budget m = c.tcp.budget();
        int want = Math.min(len, c.sendSpace());
        int done = 0;
        while (done < want) {
            if (c.sendBuf.tailRoom(m) == 0) {
                int b = c.takeSendBlock(m);
                if (b < 0) {
                    if (!c.has(TcpConnection.F_WAIT_MEMORY)) {
                        c.set(TcpConnection.F_WAIT_MEMORY);
                        c.tcp.memoryWaiters++;
                    }
                    break;
                }
                c.sendBuf.link(m, b);
            }
            done += c.sendBuf.fill(m, src, off + done, want - done);
        }
        if (done < len) c.set(TcpConnection.F_WANT_WRITE);
        if (done > 0) c.tcp.events.applicationOutput(c);
        return done;
    }

    public int write(byte[] src, int off, int len) throws TcpException {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        return write(MemorySegment.ofArray(src), off, len);
    }

    public int write(byte[] src) throws TcpException {
        return write(src, 0, src.length);
    }

    // ------------------------------------------------------------------ ending

    /** Sends a FIN after the data already written (half-close). Idempotent. */
    public void shutdownOutput() {
        open();
        queueFin();
    }

    private void queueFin() {
        if (c.has(TcpConnection.F_FIN_QUEUED) || c.has(TcpConnection.F_FREED)) return;
        switch (c.state) {
            case ESTABLISHED -> c.state = TcpState.FIN_WAIT_1;
            case CLOSE_WAIT -> c.state = TcpState.LAST_ACK;
            case SYN_RECEIVED -> {
                // RFC 9293 §3.10.4 (CLOSE in SYN-RECEIVED): queued until the handshake completes;
                // TcpHandshake then enters FIN_WAIT_1 and sends the FIN after the ACK of our SYN.
                c.set(TcpConnection.F_FIN_QUEUED);
                return;
            }
            default -> { return; }
        }
        c.set(TcpConnection.F_FIN_QUEUED); // at sendEnd()
        c.tcp.events.applicationOutput(c);
    }

    /** Discards data received from now on (it is still acknowledged) and frees what is unread. Idempotent. */
    public void shutdownInput() {
        open();
        if (c.has(TcpConnection.F_RCV_SHUT)) return;
        c.set(TcpConnection.F_RCV_SHUT);
        dropUnread();
    }

    private void dropUnread() {
        if (c.recvBuf.length > 0) c.consumeReceived(c.tcp.budget(), c.recvBuf.length);
        c.tcp.ooo.clear(c);
        c.tcp.output.releaseReceiveMemory(c); // discarded input needs no window backing
    }

    /**
     * Closes the handle. The connection finishes in the background: queued data is sent, then a
     * FIN; the protocol frees everything when it is done. With unread data, or linger 0, the
     * connection is reset instead (RFC 2525 §2.17). Idempotent; safe after the peer reset.
     */
    @Override
    public void close() {
        closeHandle(); // what it frees may serve a writer waiting for memory: woken at the stack's next poll
    }

    private void closeHandle() {
        if (isClosed()) return;
        listener = null;
        c.socket = null;
        if (c.has(TcpConnection.F_FREED)) {
            net.sloop.mem.Chains.free(c.tcp.budget(), c.recvBuf.takeAll()); // unread data kept for this handle
            return;
        }
        if (lingerSeconds == 0 || c.recvBuf.length > 0) {
            c.tcp.timers.abort(c, TcpError.ABORTED, true);
            return;
        }
        switch (c.state) {
            case SYN_SENT -> c.tcp.timers.abort(c, TcpError.ABORTED, false);
            case ESTABLISHED, SYN_RECEIVED, CLOSE_WAIT -> queueFin();
            case FIN_WAIT_2 -> {
                c.finWait2At = c.tcp.now() + c.tcp.cfg.finWait2Nanos();
                c.schedule();
            }
            default -> {}
        }
        if (!c.has(TcpConnection.F_FREED)) {
            c.set(TcpConnection.F_RCV_SHUT);
            dropUnread();
            c.tcp.admission.orphaned(c); // bounded in number and lifetime; its commitments go back to the pool
        }
    }

    /** Resets the connection and frees everything at once (linger 0). Idempotent. */
    public void abort() {
        abortHandle();
    }

    private void abortHandle() {
        if (!isClosed()) {
            listener = null;
            c.socket = null;
        }
        if (c.has(TcpConnection.F_FREED)) net.sloop.mem.Chains.free(c.tcp.budget(), c.recvBuf.takeAll());
        c.tcp.timers.abort(c, TcpError.ABORTED, true);
    }

    // ------------------------------------------------------------------ from the protocol

    /**
     * Delivers the events TCP queued for this handle while it processed ({@link TcpEvents}), in
     * the order of a connection's life: CONNECTED (with WRITABLE), then READABLE and WRITABLE,
     * then CLOSED (with READABLE and WRITABLE: the protocol is done with the connection, ended
     * or failed, and readers and writers must look).
     */
    void deliver(int pending) {
        pending &= CONNECTED | READABLE | WRITABLE | CLOSED;
        int rest = pending & (READABLE | WRITABLE);
        if ((pending & CONNECTED) != 0) {
            fire(CONNECTED | WRITABLE);
            rest &= ~WRITABLE;
        }
        if ((pending & CLOSED) != 0) fire(CLOSED | READABLE | WRITABLE);
        else if (rest != 0) fire(rest);
    }

    private void fire(int events) {
        Listener l = listener;
        if (l != null) l.onEvent(this, events);
    }

    private boolean live() {
        return !c.has(TcpConnection.F_FREED) && c.state.synchronizedState();
    }

    private void open() {
        if (isClosed()) throw new IllegalStateException("socket " + this + " is closed");
    }

    /** The protocol state behind this handle (for tests and reports). */
    TcpConnection connection() {
        return c;
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(c.laddr) + ":" + c.lport + "->" + Ipv4Address.toString(c.raddr) + ":" + c.rport;
    }
}
