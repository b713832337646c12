package net.sloop.nio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import net.sloop.blocking.NetErrors;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;

/**
 * A {@link SocketChannel} over a Sloop {@link TcpSocket}. Its data lives where a blocking
 * socket's does, in the connection's send and receive queues (budget blocks charged to the
 * connection): a read copies from the receive queue into the caller's buffer, a write into the
 * send queue, and the channel keeps no buffer of its own.
 *
 * <p>Readiness, as poll(2) reports it: readable when data is queued, at end of stream (the peer's
 * FIN, input shut down) or when the connection has ended (a read then says why); writable once
 * connected unless the last write could not take everything (then again when the stack's
 * WRITABLE event says acknowledged data freed room: a third of the send buffer, as Linux waits
 * for), and once the connection has ended; connectable when the handshake finished or failed.
 *
 * <p>Blocking mode works as {@code java.net.Socket} does: reads wait for data, writes until all
 * is taken, connects until established; each wait is on a condition of the runner's lock that
 * the socket's events signal. A thread interrupted while blocked closes the channel
 * ({@link ClosedByInterruptException}); closing from another thread wakes it
 * ({@link AsynchronousCloseException}). Errors are {@code java.net}'s ({@link NetErrors}).
 *
 * <p>Binding a client channel is limited to port 0 (Sloop chooses the source address and
 * ephemeral port at connect); {@code SO_REUSEADDR} is accepted and has no effect; a positive
 * {@code SO_LINGER} closes in the background (the connection finishes on its own), zero resets.
 */
final class SloopSocketChannel extends SocketChannel implements SloopChannel {
    private static final int UNCONNECTED = 0, PENDING = 1, CONNECTED = 2;

    private final Net net;
    private final Registrations registrations = new Registrations();
    private final Condition readable, writable;
    private TcpSocket s; // null until connect (an accepted channel has it from the start)
    private int state;
    private boolean everConnected;
    private boolean inputShut, outputShut;
    private boolean writeBlocked; // the last write could not take all: not writable until WRITABLE
    private boolean released; // s has been closed or aborted
    private volatile boolean blocking = true;
    private InetSocketAddress remote, bound;
    private final TcpChannelOptions options = new TcpChannelOptions();
    private SocketAdaptor socket;

    SloopSocketChannel(SloopProvider provider, Net net) {
        super(provider);
        this.net = net;
        this.readable = net.newCondition();
        this.writable = net.newCondition();
    }

    /** An accepted connection (the lock is held). */
    SloopSocketChannel(SloopProvider provider, Net net, TcpSocket s) {
        this(provider, net);
        this.s = s;
        this.state = CONNECTED;
        this.everConnected = true;
        this.remote = Net.socketAddress(s.remoteAddress(), s.remotePort());
        s.setListener(this::onEvent);
    }

    /** The socket's events, on the runner's thread (or a caller's), under the lock. */
    private void onEvent(TcpSocket socket, int events) {
        if ((events & TcpSocket.CONNECTED) != 0) everConnected = true;
        if ((events & (TcpSocket.WRITABLE | TcpSocket.CLOSED | TcpSocket.CONNECTED)) != 0) {
            writeBlocked = false;
            writable.signalAll();
        }
        if ((events & (TcpSocket.READABLE | TcpSocket.CLOSED)) != 0) readable.signalAll();
        registrations.signal();
    }

    @Override
    public Net net() {
        return net;
    }

    @Override
    public Registrations registrations() {
        return registrations;
    }

    @Override
    public int readyOps() {
        if (s == null || released) return 0;
        if (state == PENDING) return s.isConnected() || s.isEnded() ? SelectionKey.OP_CONNECT : 0;
        if (state != CONNECTED) return 0;
        int r = 0;
        boolean ended = s.isEnded();
        if (inputShut || ended || s.available() > 0 || s.inputEnded()) r |= SelectionKey.OP_READ;
        if (!writeBlocked || ended || outputShut) r |= SelectionKey.OP_WRITE;
        return r;
    }

    // ------------------------------------------------------------------ connecting

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        InetSocketAddress a = Net.inet(local);
        net.lock();
        try {
            ensureOpen();
            if (state == CONNECTED || state == PENDING) throw new AlreadyConnectedException();
            if (bound != null) throw new AlreadyBoundException();
            if (a != null && a.getPort() != 0) {
                throw new java.net.BindException("Sloop chooses a connection's local port: bind a client channel to port 0 (or not at all), not " + a.getPort());
            }
            if (a != null && !a.getAddress().isAnyLocalAddress() && !net.stack().isLocalAddress(Net.address(a))) {
                throw new java.net.BindException("not an address of this stack: " + a.getAddress().getHostAddress());
            }
            bound = a != null ? a : new InetSocketAddress(0);
            return this;
        } finally {
            net.unlock();
        }
    }

    @Override
    public boolean connect(SocketAddress remoteAddress) throws IOException {
        InetSocketAddress a = Net.inet(Objects.requireNonNull(remoteAddress, "remote"));
        net.lock();
        try {
            ensureOpen();
            if (state == CONNECTED) throw new AlreadyConnectedException();
            if (state == PENDING) throw new ConnectionPendingException();
            try {
                s = net.stack().tcp().connect(Net.address(a), a.getPort(), options.forConnect());
            } catch (TcpException e) {
                closeQuietly();
                throw NetErrors.connecting(e);
            } catch (IllegalArgumentException e) {
                closeQuietly();
                throw new SocketException("cannot connect to " + a + ": " + e.getMessage());
            }
            options.applyAfterConnect(s);
            s.setListener(this::onEvent);
            remote = a;
            state = PENDING;
            net.kick(); // the SYN is queued
            if (!blocking) return false;
            while (!finishedLocked()) await(writable, 0, "connect");
            return true;
        } finally {
            net.unlock();
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        net.lock();
        try {
            ensureOpen();
            if (state == CONNECTED) return true;
            if (state != PENDING) throw new NoConnectionPendingException();
            if (finishedLocked()) return true;
            if (!blocking) return false;
            while (!finishedLocked()) await(writable, 0, "connect");
            return true;
        } finally {
            net.unlock();
        }
    }

    /** True once connected; throws (and closes the channel) if the attempt failed. Lock held. */
    private boolean finishedLocked() throws IOException {
        if (everConnected || s.isConnected()) {
            everConnected = true;
            state = CONNECTED;
            return true;
        }
        if (s.isEnded()) {
            TcpException e = new TcpException(s.error() == TcpError.NONE ? TcpError.REFUSED : s.error(), remote.toString());
            closeQuietly();
            throw NetErrors.connecting(e);
        }
        return false;
    }

    private void closeQuietly() {
        net.unlock(); // close takes the channel's own locks before the runner's
        try {
            close();
        } catch (IOException ignored) {
            // closing a Sloop channel does not fail
        } finally {
            net.lock();
        }
    }

    @Override
    public boolean isConnected() {
        return state == CONNECTED && isOpen();
    }

    @Override
    public boolean isConnectionPending() {
        return state == PENDING && isOpen();
    }

    // ------------------------------------------------------------------ data

    @Override
    public int read(ByteBuffer dst) throws IOException {
        Objects.requireNonNull(dst);
        if (dst.isReadOnly()) throw new IllegalArgumentException("read-only buffer");
        net.lock();
        try {
            return readLocked(dst, blocking, 0);
        } finally {
            net.unlock();
        }
    }

    /**
     * Reads into {@code dst}; waits (if {@code block}) until at least one byte or the end, at most
     * {@code timeoutNanos} (0: no limit; then {@link SocketTimeoutException}). Lock held.
     */
    private int readLocked(ByteBuffer dst, boolean block, long timeoutNanos) throws IOException {
        ensureOpen();
        if (state != CONNECTED) throw new NotYetConnectedException();
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        while (true) {
            if (inputShut) return -1;
            int want = dst.remaining();
            if (want == 0) return 0;
            int n;
            try {
                n = s.read(MemorySegment.ofBuffer(dst), 0, want);
            } catch (TcpException e) {
                throw NetErrors.toJava(e);
            }
            if (n > 0) {
                dst.position(dst.position() + n);
                net.kick(); // a window update may be queued
                return n;
            }
            if (n < 0) return -1;
            if (!block) return 0;
            await(readable, deadline, "read");
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        for (int i = offset; i < offset + length; i++) if (dsts[i].isReadOnly()) throw new IllegalArgumentException("read-only buffer");
        net.lock();
        try {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = dsts[i];
                if (!b.hasRemaining()) continue;
                int n = readLocked(b, blocking && total == 0, 0);
                if (n < 0) return total == 0 ? -1 : total;
                total += n;
                if (b.hasRemaining()) break; // nothing more queued now
            }
            return total;
        } finally {
            net.unlock();
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src);
        net.lock();
        try {
            return (int) writeLocked(src, blocking, 0);
        } finally {
            net.unlock();
        }
    }

    /**
     * Writes from {@code src}; if {@code block}, all of it, waiting for room (at most
     * {@code timeoutNanos}, 0: no limit); otherwise what the send queue takes now. Lock held.
     */
    private long writeLocked(ByteBuffer src, boolean block, long timeoutNanos) throws IOException {
        ensureOpen();
        if (state != CONNECTED) throw new NotYetConnectedException();
        if (outputShut) throw new ClosedChannelException();
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        long total = 0;
        while (src.hasRemaining()) {
            int want = src.remaining();
            int n;
            try {
                n = s.write(MemorySegment.ofBuffer(src), 0, want);
            } catch (TcpException e) {
                throw NetErrors.toJava(e);
            }
            if (n > 0) {
                src.position(src.position() + n);
                total += n;
                net.kick(); // segments are queued
            }
            if (n == want) break;
            writeBlocked = true; // the stack set its want-write flag: WRITABLE comes when room is freed
            if (!block) break;
            await(writable, deadline, "write");
            if (outputShut) throw new AsynchronousCloseException();
        }
        return total;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        net.lock();
        try {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                ByteBuffer b = srcs[i];
                if (!b.hasRemaining()) continue;
                total += writeLocked(b, blocking, 0);
                if (b.hasRemaining()) break; // the send queue is full
            }
            if (total == 0) {
                ensureOpen();
                if (state != CONNECTED) throw new NotYetConnectedException();
            }
            return total;
        } finally {
            net.unlock();
        }
    }

    /**
     * Waits on {@code c} (lock held) until signalled or {@code deadline} (System.nanoTime; 0:
     * none). The channel closed meanwhile: {@link AsynchronousCloseException}; the thread
     * interrupted: the channel is closed and {@link ClosedByInterruptException} thrown.
     */
    private void await(Condition c, long deadline, String what) throws IOException {
        try {
            if (deadline == 0) c.await();
            else {
                long left = deadline - System.nanoTime();
                if (left <= 0) throw new SocketTimeoutException(what + " timed out on " + this);
                c.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            closeQuietly();
            Thread.currentThread().interrupt();
            throw new ClosedByInterruptException();
        }
        if (!isOpen()) throw new AsynchronousCloseException();
    }

    // ------------------------------------------------------------------ for the socket adaptor

    /** A blocking read with a timeout (SO_TIMEOUT), for the adaptor's input stream. */
    int adaptorRead(ByteBuffer dst, long timeoutNanos) throws IOException {
        net.lock();
        try {
            if (!blocking) throw new IllegalBlockingModeException();
            return readLocked(dst, true, timeoutNanos);
        } finally {
            net.unlock();
        }
    }

    void adaptorWrite(ByteBuffer src) throws IOException {
        net.lock();
        try {
            if (!blocking) throw new IllegalBlockingModeException();
            writeLocked(src, true, 0);
        } finally {
            net.unlock();
        }
    }

    int available() throws IOException {
        net.lock();
        try {
            ensureOpen();
            return s == null || inputShut ? 0 : s.available();
        } finally {
            net.unlock();
        }
    }

    /** A blocking connect with a timeout (0: none), for the adaptor. */
    void adaptorConnect(SocketAddress remoteAddress, int timeoutMillis) throws IOException {
        if (!blocking) throw new IllegalBlockingModeException();
        if (timeoutMillis <= 0) {
            connect(remoteAddress);
            return;
        }
        configureBlocking(false);
        try {
            if (connect(remoteAddress)) return;
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            net.lock();
            try {
                while (!finishedLocked()) {
                    try {
                        await(writable, deadline, "connect");
                    } catch (SocketTimeoutException e) {
                        closeQuietly();
                        throw new SocketTimeoutException("connect to " + remote + " timed out after " + timeoutMillis + " ms");
                    }
                }
            } finally {
                net.unlock();
            }
        } finally {
            if (isOpen()) configureBlocking(true);
        }
    }

    boolean isInputShut() {
        return inputShut;
    }

    boolean isOutputShut() {
        return outputShut;
    }

    boolean isBound() {
        return bound != null || s != null;
    }

    // ------------------------------------------------------------------ ending

    @Override
    public SocketChannel shutdownInput() throws IOException {
        net.lock();
        try {
            ensureOpen();
            if (state != CONNECTED) throw new NotYetConnectedException();
            if (!inputShut) {
                inputShut = true;
                if (!released) s.shutdownInput();
                readable.signalAll();
                registrations.signal();
                net.kick();
            }
            return this;
        } finally {
            net.unlock();
        }
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        net.lock();
        try {
            ensureOpen();
            if (state != CONNECTED) throw new NotYetConnectedException();
            if (!outputShut) {
                outputShut = true;
                if (!released) s.shutdownOutput();
                writable.signalAll();
                registrations.signal();
                net.kick();
            }
            return this;
        } finally {
            net.unlock();
        }
    }

    /**
     * Closes the handle: the connection finishes in the background (queued data, then a FIN), or
     * is reset if {@code SO_LINGER} is 0 or unread data is left (RFC 2525). Blocked threads wake.
     */
    @Override
    protected void implCloseSelectableChannel() {
        net.lock();
        try {
            readable.signalAll();
            writable.signalAll();
            if (s != null && !released) {
                released = true;
                if (s.linger() == 0) s.abort();
                else s.close();
            }
            registrations.signal();
            net.kick();
        } finally {
            net.unlock();
        }
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        blocking = block;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) throw new ClosedChannelException();
    }

    // ------------------------------------------------------------------ addresses and options

    @Override
    public Socket socket() {
        net.lock();
        try {
            if (socket == null) socket = new SocketAdaptor(this);
            return socket;
        } catch (SocketException e) {
            throw new java.io.UncheckedIOException(e); // Socket(null) throws nothing
        } finally {
            net.unlock();
        }
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        net.lock();
        try {
            ensureOpen();
            if (s != null) return Net.socketAddress(s.localAddress(), s.localPort());
            return bound;
        } finally {
            net.unlock();
        }
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return remote;
    }

    /** The remote address without the open check (the adaptor's view), or null. */
    InetSocketAddress remote() {
        return remote;
    }

    /** The local address without the open check, or null if not bound. */
    InetSocketAddress local() {
        net.lock();
        try {
            if (s != null) return Net.socketAddress(s.localAddress(), s.localPort());
            return bound;
        } finally {
            net.unlock();
        }
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        TcpChannelOptions.check(name, value);
        net.lock();
        try {
            ensureOpen();
            options.set(name, value, s != null && !released ? s : null);
            net.kick();
            return this;
        } finally {
            net.unlock();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) throws IOException {
        TcpChannelOptions.checkName(name);
        net.lock();
        try {
            ensureOpen();
            return (T) options.get(name, s != null && !released ? s : null, net.stack().config().tcp());
        } finally {
            net.unlock();
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return TcpChannelOptions.SUPPORTED;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SloopSocketChannel[");
        if (!isOpen()) b.append("closed");
        else if (state == CONNECTED) b.append("connected ").append(local()).append(" -> ").append(remote);
        else if (state == PENDING) b.append("connection-pending ").append(remote);
        else b.append("unconnected");
        return b.append(']').toString();
    }
}
