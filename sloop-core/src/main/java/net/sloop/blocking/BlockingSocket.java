package net.sloop.blocking;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.tcp.TcpState;
import net.sloop.wire.Ipv4Address;

/**
 * The blocking face of a {@link TcpSocket}, for plain Java code on (virtual) threads. Every call
 * takes the {@link StackRunner}'s lock, makes the non-blocking call, and if that would block,
 * waits on one of this socket's {@link Condition}s, which the socket's events (delivered on the
 * runner's thread, under the lock) signal: READABLE/CLOSED wake readers, WRITABLE/CLOSED wake
 * writers. Nothing polls; nothing pins a carrier thread (no {@code synchronized}).
 *
 * <p>Errors are those of {@code java.net}: a connection that ended abnormally makes reads and
 * writes throw a {@link SocketException} naming the reason (e.g. "connection reset by peer"),
 * caused by a {@link TcpException} ({@link net.sloop.tcp.TcpError#of} names the error). A
 * timed-out read or write throws {@link SocketTimeoutException}. Any call on a closed socket (and
 * a call blocked when another thread closes it) throws {@link SocketException} "socket closed".
 *
 * <p>{@link #close()} and {@link #abort()} may be called from any thread, any number of times,
 * while other threads are blocked in {@link #read} or {@link #write}: those wake at once.
 */
public final class BlockingSocket implements AutoCloseable {
    private final StackRunner runner;
    private final TcpSocket s;
    private final Condition readable, writable, changed;
    private boolean closed; // the application's handle is closed (reads/writes fail)
    private boolean released; // the TcpSocket has been closed or aborted
    private boolean inputShut, outputShut;
    private long readTimeoutNanos, writeTimeoutNanos;
    private InputStream in;
    private OutputStream out;
    // Figures (under the lock).
    private long writeWaits, writeWakeups, readWaits;

    /** Wraps {@code s}; called with the runner's lock held. */
    BlockingSocket(StackRunner runner, TcpSocket s) {
        this.runner = runner;
        this.s = s;
        this.readable = runner.newCondition();
        this.writable = runner.newCondition();
        this.changed = runner.newCondition();
        s.setListener(this::onEvent);
    }

    /** Socket events: on the runner's thread (or an application thread making a call), with the lock held. */
    private void onEvent(TcpSocket socket, int events) {
        if ((events & (TcpSocket.READABLE | TcpSocket.CLOSED)) != 0) readable.signalAll();
        if ((events & (TcpSocket.WRITABLE | TcpSocket.CLOSED | TcpSocket.CONNECTED)) != 0) {
            writeWakeups++;
            writable.signalAll();
        }
        changed.signalAll();
    }

    // ------------------------------------------------------------------ connecting

    /** Waits until connected or failed; on failure or timeout the connection is aborted and the error thrown. Lock held. */
    void awaitConnected(long timeoutNanos, String what) throws IOException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        try {
            while (!s.isConnected()) {
                if (closed) throw new SocketException("socket closed while connecting to " + what);
                if (s.isEnded()) {
                    TcpException e = new TcpException(s.error(), what);
                    release(true);
                    throw NetErrors.connecting(e);
                }
                if (!await(changed, deadline)) {
                    release(true);
                    throw new SocketTimeoutException("connect to " + what + " timed out after " + timeoutNanos / 1_000_000 + " ms");
                }
            }
        } catch (InterruptedIOException e) {
            release(true);
            throw e;
        }
    }

    // ------------------------------------------------------------------ data

    /**
     * Reads up to {@code len} bytes, blocking until at least one is there. Returns the count, or
     * -1 at end of stream (the peer's FIN after its data, or input shut down).
     *
     * @throws SocketException the connection ended with an error (reset, timed out, ...; its cause, a {@link TcpException}, says which)
     * @throws SocketTimeoutException nothing arrived within the {@linkplain #setSoTimeout read timeout}
     * @throws SocketException the socket is (or was meanwhile) closed
     */
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return read(MemorySegment.ofArray(b), off, len);
    }

    public int read(byte[] b) throws IOException {
        return read(b, 0, b.length);
    }

    /** Reads into {@code dst[off, off+len)}; see {@link #read(byte[], int, int)}. */
    public int read(MemorySegment dst, long off, int len) throws IOException {
        if (len < 0) throw new IllegalArgumentException("negative length");
        runner.lock();
        try {
            ensureOpen();
            if (len == 0) return 0;
            long timeout = readTimeoutNanos;
            long deadline = timeout > 0 ? System.nanoTime() + timeout : 0;
            while (true) {
                if (inputShut) return -1;
                int n;
                try {
                    n = s.read(dst, off, len);
                } catch (TcpException e) {
                    throw NetErrors.toJava(e);
                }
                if (n != 0) {
                    if (n > 0) runner.wakeupLocked(); // a window update may have gone out
                    return n;
                }
                readWaits++;
                if (!await(readable, deadline)) {
                    throw new SocketTimeoutException("read timed out after " + timeout / 1_000_000 + " ms on " + this);
                }
                ensureOpen();
            }
        } finally {
            runner.unlock();
        }
    }

    /**
     * Writes all {@code len} bytes, blocking while the send buffer is full until the socket's
     * WRITABLE event (acknowledged data freed room).
     *
     * @throws SocketTimeoutException not all was taken within the {@linkplain #setWriteTimeout
     *     write timeout} ({@link SocketTimeoutException#bytesTransferred} says how much was)
     */
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        write(MemorySegment.ofArray(b), off, len);
    }

    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** Writes all of {@code src[off, off+len)}; see {@link #write(byte[], int, int)}. */
    public void write(MemorySegment src, long off, int len) throws IOException {
        if (len < 0) throw new IllegalArgumentException("negative length");
        runner.lock();
        try {
            ensureOpen();
            if (outputShut) throw new SocketException("socket output is shut down: " + this);
            long timeout = writeTimeoutNanos;
            long deadline = timeout > 0 ? System.nanoTime() + timeout : 0;
            int done = 0;
            while (done < len) {
                int n;
                try {
                    n = s.write(src, off + done, len - done);
                } catch (TcpException e) {
                    throw NetErrors.toJava(e);
                }
                if (n > 0) {
                    done += n;
                    runner.wakeupLocked(); // segments are queued on the link: deliver them
                    continue;
                }
                if (deadline != 0 && System.nanoTime() - deadline >= 0) {
                    SocketTimeoutException e = new SocketTimeoutException(
                            "write timed out after " + timeout / 1_000_000 + " ms with " + done + " of " + len + " bytes taken, on " + this);
                    e.bytesTransferred = done;
                    throw e;
                }
                writeWaits++;
                // Woken by WRITABLE: its own ACKs freeing room, or (when the budget refused a
                // block) memory freed by any connection of the stack.
                await(writable, deadline);
                ensureOpen();
                if (outputShut) throw new SocketException("socket output was shut down during a write: " + this);
            }
        } finally {
            runner.unlock();
        }
    }

    /**
     * Waits on {@code c} until signalled or {@code deadline} (System.nanoTime; 0: none). Returns
     * false if the deadline passed. Lock held.
     */
    private boolean await(Condition c, long deadline) throws InterruptedIOException {
        try {
            if (deadline == 0) {
                c.await();
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            c.awaitNanos(left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while blocked on " + this);
        }
    }

    /** Bytes that can be read now without blocking. */
    public int available() throws IOException {
        runner.lock();
        try {
            ensureOpen();
            return inputShut ? 0 : s.available();
        } finally {
            runner.unlock();
        }
    }

    // ------------------------------------------------------------------ ending

    /** Sends a FIN after the data written so far (half-close). Idempotent. */
    public void shutdownOutput() throws IOException {
        runner.lock();
        try {
            ensureOpen();
            if (outputShut) return;
            outputShut = true;
            s.shutdownOutput();
            writable.signalAll();
            runner.wakeupLocked();
        } finally {
            runner.unlock();
        }
    }

    /** Discards what is unread and what arrives from now on; reads return -1. Idempotent. */
    public void shutdownInput() throws IOException {
        runner.lock();
        try {
            ensureOpen();
            if (inputShut) return;
            inputShut = true;
            s.shutdownInput();
            readable.signalAll();
            runner.wakeupLocked();
        } finally {
            runner.unlock();
        }
    }

    /**
     * Closes the socket. Blocked reads and writes in other threads wake and throw "socket
     * closed". The connection then finishes in the background (queued data, then a FIN), unless
     * {@linkplain #setSoLinger linger} is 0 (a reset) or there is unread data (a reset, RFC 2525).
     * With linger > 0 this call first waits up to that long for the peer to acknowledge
     * everything (including the FIN); if that time runs out, the connection goes on finishing in
     * the background, as on Linux. Idempotent; safe from any thread, concurrently with anything.
     */
    @Override
    public void close() {
        runner.lock();
        try {
            if (closed) return;
            closed = true;
            wakeAll();
            int linger = released ? -1 : s.linger();
            if (linger > 0 && s.isConnected() && s.available() == 0) {
                s.shutdownOutput();
                runner.wakeupLocked();
                long deadline = System.nanoTime() + linger * 1_000_000_000L;
                try {
                    while (!released && !flushed()) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) break;
                        // Woken by the event of the FIN's acknowledgment (WRITABLE) or the end (CLOSED).
                        changed.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (!released) {
                released = true;
                s.close();
            }
            runner.wakeupLocked();
        } finally {
            runner.unlock();
        }
    }

    private boolean flushed() {
        if (s.isEnded()) return true;
        TcpState st = s.state();
        return s.unacknowledged() == 0 && (st == TcpState.FIN_WAIT_2 || st == TcpState.TIME_WAIT || st == TcpState.CLOSED);
    }

    /**
     * Resets the connection and frees everything now (linger 0). Blocked calls wake and throw.
     * Idempotent; cuts short a lingering {@link #close()} in another thread; after a completed
     * close it does nothing (the handle is gone).
     */
    public void abort() {
        runner.lock();
        try {
            closed = true;
            wakeAll();
            if (!released) {
                released = true;
                s.abort();
            }
            runner.wakeupLocked();
        } finally {
            runner.unlock();
        }
    }

    /** Abandons the connection (on a failed connect) without a reset unless it was established. Lock held. */
    private void release(boolean abort) {
        closed = true;
        wakeAll();
        if (!released) {
            released = true;
            if (abort) s.abort();
            else s.close();
        }
        runner.wakeupLocked();
    }

    private void wakeAll() {
        readable.signalAll();
        writable.signalAll();
        changed.signalAll();
    }

    private void ensureOpen() throws SocketException {
        if (closed) throw new SocketException("socket closed");
    }

    // ------------------------------------------------------------------ state and options

    public boolean isClosed() {
        return locked(() -> closed);
    }

    public boolean isConnected() {
        return locked(() -> !released && s.isConnected());
    }

    /** The protocol state now (CLOSED once the handle is closed and the connection gone). */
    public TcpState state() {
        return locked(s::state);
    }

    public int localAddress() { return s.localAddress(); }
    public int localPort() { return s.localPort(); }
    public int remoteAddress() { return s.remoteAddress(); }
    public int remotePort() { return s.remotePort(); }

    /** The local end as a {@code java.net} address. */
    public java.net.InetSocketAddress getLocalSocketAddress() {
        return new java.net.InetSocketAddress(net.sloop.wire.Ipv4Address.toInet(s.localAddress()), s.localPort());
    }

    /** The remote end as a {@code java.net} address. */
    public java.net.InetSocketAddress getRemoteSocketAddress() {
        return new java.net.InetSocketAddress(net.sloop.wire.Ipv4Address.toInet(s.remoteAddress()), s.remotePort());
    }

    /** Read timeout (SO_TIMEOUT); zero or null: wait for ever. */
    public void setSoTimeout(Duration d) {
        long n = d == null ? 0 : d.toNanos();
        if (n < 0) throw new IllegalArgumentException("negative timeout");
        locked(() -> readTimeoutNanos = n);
    }

    /** Read timeout in milliseconds, as {@link java.net.Socket#setSoTimeout}. */
    public void setSoTimeout(int millis) {
        setSoTimeout(Duration.ofMillis(millis));
    }

    public Duration soTimeout() {
        return Duration.ofNanos(locked(() -> readTimeoutNanos));
    }

    /** Write timeout: the longest a {@link #write} waits for room; zero or null: for ever. */
    public void setWriteTimeout(Duration d) {
        long n = d == null ? 0 : d.toNanos();
        if (n < 0) throw new IllegalArgumentException("negative timeout");
        locked(() -> writeTimeoutNanos = n);
    }

    public void setTcpNoDelay(boolean on) throws IOException {
        option(() -> s.setNoDelay(on));
    }

    public boolean tcpNoDelay() {
        return locked(s::noDelay);
    }

    public void setKeepAlive(boolean on) throws IOException {
        option(() -> s.setKeepAlive(on));
    }

    public boolean keepAlive() {
        return locked(s::keepAlive);
    }

    public void setSendBufferSize(int bytes) throws IOException {
        option(() -> s.setSendBuffer(bytes));
    }

    public int sendBufferSize() {
        return locked(s::sendBuffer);
    }

    public void setReceiveBufferSize(int bytes) throws IOException {
        option(() -> s.setReceiveBuffer(bytes));
    }

    public int receiveBufferSize() {
        return locked(s::receiveBuffer);
    }

    /** SO_LINGER in seconds: -1 off (default), 0 close resets, > 0 close waits that long; see {@link #close()}. */
    public void setSoLinger(int seconds) throws IOException {
        option(() -> s.setLinger(seconds));
    }

    public int soLinger() {
        return locked(s::linger);
    }

    /** RFC 5482 user timeout: abort if data stays unacknowledged this long (zero: off). */
    public void setUserTimeout(Duration d) throws IOException {
        option(() -> s.setUserTimeout(d.toNanos()));
    }

    private void option(Runnable r) throws IOException {
        runner.lock();
        try {
            ensureOpen();
            r.run();
            runner.wakeupLocked();
        } finally {
            runner.unlock();
        }
    }

    private <T> T locked(java.util.function.Supplier<T> f) {
        runner.lock();
        try {
            return f.get();
        } finally {
            runner.unlock();
        }
    }

    // ------------------------------------------------------------------ figures

    /** Times a write found the send buffer full and waited. */
    public long writeWaits() {
        return locked(() -> writeWaits);
    }

    /** WRITABLE (or CONNECTED/CLOSED) events heard. */
    public long writeWakeups() {
        return locked(() -> writeWakeups);
    }

    /** Times a read found nothing and waited. */
    public long readWaits() {
        return locked(() -> readWaits);
    }

    /** The event-driven handle underneath (use only under the runner's lock). */
    public TcpSocket tcpSocket() {
        return s;
    }

    // ------------------------------------------------------------------ adapters

    /** A stream over {@link #read}; closing it closes the socket. */
    public InputStream getInputStream() {
        runner.lock();
        try {
            if (in == null) in = new In();
            return in;
        } finally {
            runner.unlock();
        }
    }

    /** A stream over {@link #write}; closing it closes the socket. */
    public OutputStream getOutputStream() {
        runner.lock();
        try {
            if (out == null) out = new Out();
            return out;
        } finally {
            runner.unlock();
        }
    }

    /** A byte channel over this socket (blocking); closing it closes the socket. */
    public Channel channel() {
        return new Channel();
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = BlockingSocket.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return BlockingSocket.this.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return BlockingSocket.this.available();
        }

        @Override
        public void close() {
            BlockingSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            BlockingSocket.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            BlockingSocket.this.write(b, off, len);
        }

        @Override
        public void close() {
            BlockingSocket.this.close();
        }
    }

    /** Blocking {@link ReadableByteChannel} and {@link WritableByteChannel} over the socket. */
    public final class Channel implements ReadableByteChannel, WritableByteChannel {
        Channel() {} // made by channel()

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!isOpen()) throw new ClosedChannelException();
            int n = BlockingSocket.this.read(MemorySegment.ofBuffer(dst), 0, dst.remaining());
            if (n > 0) dst.position(dst.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!isOpen()) throw new ClosedChannelException();
            int n = src.remaining();
            BlockingSocket.this.write(MemorySegment.ofBuffer(src), 0, n);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return !isClosed();
        }

        @Override
        public void close() {
            BlockingSocket.this.close();
        }
    }

    @Override
    public String toString() {
        return "BlockingSocket[" + Ipv4Address.toString(s.localAddress()) + ":" + s.localPort() + "->"
                + Ipv4Address.toString(s.remoteAddress()) + ":" + s.remotePort() + "]";
    }
}
