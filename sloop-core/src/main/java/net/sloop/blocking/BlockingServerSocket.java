package net.sloop.blocking;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.wire.Ipv4Address;

/**
 * The blocking face of a {@link TcpListener}: {@link #accept()} waits, woken by the listener's
 * acceptable event (delivered on the runner's thread under its lock). {@link #close()} stops
 * listening, resets the connections not yet accepted, and wakes blocked accepts, which throw
 * "server socket closed". Safe from any thread, any number of times.
 */
public final class BlockingServerSocket implements AutoCloseable {
    private final StackRunner runner;
    private final TcpListener l;
    private final Condition acceptable;
    private boolean closed;

    /** Wraps {@code l}; called with the runner's lock held. */
    BlockingServerSocket(StackRunner runner, TcpListener l) {
        this.runner = runner;
        this.l = l;
        this.acceptable = runner.newCondition();
        l.setListener(x -> acceptable.signalAll());
    }

    /** Waits for the next connection. */
    public BlockingSocket accept() throws IOException {
        return accept(null);
    }

    /**
     * Waits up to {@code timeout} (null or zero: for ever) for the next connection.
     *
     * @throws SocketTimeoutException if none came in time
     * @throws SocketException if the server socket is (or was meanwhile) closed
     */
    public BlockingSocket accept(Duration timeout) throws IOException {
        long t = timeout == null ? 0 : timeout.toNanos();
        long deadline = t > 0 ? System.nanoTime() + t : 0;
        runner.lock();
        try {
            while (true) {
                if (closed) throw new SocketException("server socket closed: " + this);
                TcpSocket s = l.accept();
                if (s != null) return new BlockingSocket(runner, s);
                try {
                    if (deadline == 0) acceptable.await();
                    else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) throw new SocketTimeoutException("accept timed out after " + t / 1_000_000 + " ms on " + this);
                        acceptable.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted in accept on " + this);
                }
            }
        } finally {
            runner.unlock();
        }
    }

    /** Buffer sizes for connections accepted from now on (the receive buffer decides the window scale offered). */
    public void setBuffers(int sendBytes, int receiveBytes) throws IOException {
        runner.lock();
        try {
            if (closed) throw new SocketException("server socket closed: " + this);
            l.setBuffers(sendBytes, receiveBytes);
        } finally {
            runner.unlock();
        }
    }

    /** Connections established and waiting to be accepted. */
    public int pending() {
        runner.lock();
        try {
            return closed ? 0 : l.pending();
        } finally {
            runner.unlock();
        }
    }

    public int port() {
        return l.port();
    }

    public int address() {
        return l.address();
    }

    public boolean isClosed() {
        runner.lock();
        try {
            return closed;
        } finally {
            runner.unlock();
        }
    }

    /** Stops listening; connections not yet accepted are reset and freed at once. Idempotent. */
    @Override
    public void close() {
        runner.lock();
        try {
            if (closed) return;
            closed = true;
            l.close();
            acceptable.signalAll();
            runner.wakeupLocked();
        } finally {
            runner.unlock();
        }
    }

    @Override
    public String toString() {
        return "BlockingServerSocket[" + (l.catchesAll() ? "every address and port" : Ipv4Address.toString(l.address()) + ":" + l.port()) + "]";
    }
}
