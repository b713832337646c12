package net.sloop.blocking;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import net.sloop.stack.Stack;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Address;

/**
 * The blocking face of a {@link UdpSocket}, for plain Java on platform or virtual threads: send,
 * and receive with a timeout, woken by the socket's readable event (not by polling). Like the
 * TCP face it takes the {@link StackRunner}'s lock for each call. Memory is the socket's bounded
 * receive queue, charged to the budget; a datagram that finds it full is dropped and counted, as
 * UDP does.
 *
 * <p>A {@linkplain #connect connected} socket learns of ICMP port unreachable (a datagram it sent
 * found no listener): its next receive throws {@link PortUnreachableException}, as Java's
 * {@code DatagramSocket} does on Linux. {@link #close()} wakes blocked receives, which throw
 * "socket closed". Safe from any thread, any number of times.
 */
public final class BlockingUdpSocket implements AutoCloseable {
    private final StackRunner runner;
    private final Stack stack;
    private final UdpSocket s;
    private final Condition readable;
    private boolean closed;
    private boolean connected;
    private long errorsSeen;
    private int lastSource, lastSourcePort;

    private BlockingUdpSocket(StackRunner runner, Stack stack, UdpSocket s) {
        this.runner = runner;
        this.stack = stack;
        this.s = s;
        this.readable = runner.newCondition();
        s.onReadable(readable::signalAll);
        s.onError((now, type, code, remote, port) -> readable.signalAll());
    }

    /**
     * Opens a socket on {@code port} (0: an ephemeral port) of {@code address} (0: every address)
     * with the stack's default queue bounds.
     *
     * @throws BindException if the port is taken
     * @throws SocketException if the budget cannot hold the socket
     */
    public static BlockingUdpSocket open(StackRunner runner, Stack stack, int address, int port) throws IOException {
        return open(runner, stack, address, port, stack.config().udpQueueDatagrams(), stack.config().udpQueueBytes());
    }

    /** As {@link #open(StackRunner, Stack, int, int)}, with a receive queue of at most {@code queueDatagrams} and {@code queueBytes}. */
    public static BlockingUdpSocket open(StackRunner runner, Stack stack, int address, int port, int queueDatagrams, int queueBytes)
            throws IOException {
        runner.lock();
        try {
            UdpSocket u;
            try {
                u = stack.udp().open(address, port, queueDatagrams, queueBytes);
            } catch (IllegalStateException e) {
                String m = e.getMessage();
                throw m != null && m.contains("in use") ? new BindException(m) : new SocketException(m);
            }
            return new BlockingUdpSocket(runner, stack, u);
        } finally {
            runner.unlock();
        }
    }

    public int localPort() {
        return s.localPort();
    }

    /** Receives only from {@code address:port} from now on, and sends there by default. */
    public void connect(int address, int port) throws IOException {
        runner.lock();
        try {
            ensureOpen();
            s.connect(address, port);
            connected = true;
            errorsSeen = s.errors();
        } finally {
            runner.unlock();
        }
    }

    /**
     * Sends one datagram. Returns false if the stack could not send it (no route, too big, no
     * memory on the way out: the stack counts why); UDP gives no other guarantee.
     */
    public boolean send(int address, int port, byte[] data, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        runner.lock();
        try {
            ensureOpen();
            boolean ok = s.send(stack.time(), address, port, MemorySegment.ofArray(data), off, len);
            runner.wakeupLocked(); // the datagram is queued on the link: deliver it
            return ok;
        } finally {
            runner.unlock();
        }
    }

    public boolean send(int address, int port, byte[] data) throws IOException {
        return send(address, port, data, 0, data.length);
    }

    /**
     * Waits up to {@code timeout} (null or zero: for ever) for a datagram and copies it into
     * {@code buf[off, off+len)}, truncated if longer, as recvfrom(2) does. Returns its full length;
     * {@link #lastSource()} and {@link #lastSourcePort()} say where it came from. Allocates nothing.
     *
     * @throws SocketTimeoutException if none came in time
     * @throws PortUnreachableException if connected and a datagram it sent was refused
     * @throws SocketException if the socket is (or was meanwhile) closed
     */
    public int receive(byte[] buf, int off, int len, Duration timeout) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        long t = timeout == null ? 0 : timeout.toNanos();
        long deadline = t > 0 ? System.nanoTime() + t : 0;
        runner.lock();
        try {
            while (true) {
                ensureOpen();
                int n = s.receive(MemorySegment.ofArray(buf), off, len);
                if (n >= 0) {
                    lastSource = s.lastSource();
                    lastSourcePort = s.lastSourcePort();
                    return n;
                }
                if (connected && s.errors() != errorsSeen) {
                    errorsSeen = s.errors();
                    throw new PortUnreachableException("ICMP error (type " + s.lastErrorType() + ", code " + s.lastErrorCode()
                            + ") for a datagram sent by " + this);
                }
                try {
                    if (deadline == 0) readable.await();
                    else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) throw new SocketTimeoutException("receive timed out after " + t / 1_000_000 + " ms on " + this);
                        readable.awaitNanos(left);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted in receive on " + this);
                }
            }
        } finally {
            runner.unlock();
        }
    }

    /** Where the datagram last received came from. */
    public int lastSource() {
        return lastSource;
    }

    public int lastSourcePort() {
        return lastSourcePort;
    }

    /** Frees the socket and its queue at once, and wakes blocked receives. */
    @Override
    public void close() {
        runner.lock();
        try {
            if (closed) return;
            closed = true;
            s.close();
            readable.signalAll();
        } finally {
            runner.unlock();
        }
    }

    private void ensureOpen() throws SocketException {
        if (closed) throw new SocketException("socket closed: " + this);
    }

    @Override
    public String toString() {
        return "udp " + Ipv4Address.toString(s.localAddress()) + ":" + s.localPort();
    }
}
