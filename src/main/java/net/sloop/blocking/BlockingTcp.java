package net.sloop.blocking;

import java.io.IOException;
import java.time.Duration;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.wire.Ipv4Address;

/**
 * Blocking TCP for plain Java code: the entry point of the blocking face, for one stack driven by
 * a {@link StackRunner}. Sockets it makes take the runner's lock for every call and wait on
 * conditions signalled by the socket's events, so they suit virtual threads.
 */
public final class BlockingTcp {
    private final StackRunner runner;
    private final Stack stack;

    /** Blocking TCP on {@code stack}, which {@code runner} drives. */
    public BlockingTcp(StackRunner runner, Stack stack) {
        this.runner = runner;
        this.stack = stack;
    }

    public StackRunner runner() {
        return runner;
    }

    public Stack stack() {
        return stack;
    }

    /** Connects with default options; see {@link #connect(int, int, Duration, TcpSocket.Options)}. */
    public BlockingSocket connect(int address, int port, Duration timeout) throws IOException {
        return connect(address, port, timeout, null);
    }

    /**
     * Opens a connection to {@code address}:{@code port} and waits until it is established.
     *
     * @param timeout how long to wait (null or zero: until the handshake's own retries give up)
     * @throws net.sloop.tcp.TcpException REFUSED (a reset answered the SYN), TIMED_OUT, NO_ROUTE,
     *     OUT_OF_MEMORY (the budget cannot admit the connection), ...
     * @throws java.net.SocketTimeoutException if {@code timeout} passed first (the attempt is aborted)
     */
    public BlockingSocket connect(int address, int port, Duration timeout, TcpSocket.Options options) throws IOException {
        long t = timeout == null ? 0 : timeout.toNanos();
        runner.lock();
        try {
            TcpSocket s = stack.tcp().connect(address, port, options);
            BlockingSocket b = new BlockingSocket(runner, s);
            runner.wakeupLocked(); // the SYN is queued on the link
            b.awaitConnected(t, Ipv4Address.toString(address) + ":" + port);
            return b;
        } finally {
            runner.unlock();
        }
    }

    /**
     * Listens on {@code port} of {@code address} (0: every address).
     *
     * @throws net.sloop.tcp.TcpException ADDRESS_IN_USE, OUT_OF_MEMORY
     */
    public BlockingServerSocket listen(int address, int port, int backlog) throws IOException {
        runner.lock();
        try {
            TcpListener l = stack.tcp().listen(address, port, backlog);
            return new BlockingServerSocket(runner, l);
        } finally {
            runner.unlock();
        }
    }
}
