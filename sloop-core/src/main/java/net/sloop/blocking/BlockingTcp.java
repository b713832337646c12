package net.sloop.blocking;

import java.io.IOException;
import java.time.Duration;
import net.sloop.stack.Stack;
import java.net.InetSocketAddress;
import net.sloop.tcp.TcpException;
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

    /**
     * Connects to {@code remote} (an IPv4 address and port; not resolved here) with default
     * options; see {@link #connect(int, int, Duration, TcpSocket.Options)}.
     */
    public BlockingSocket connect(InetSocketAddress remote, Duration timeout) throws IOException {
        return connect(remote, timeout, null);
    }

    /** As {@link #connect(int, int, Duration, TcpSocket.Options)}, to {@code remote}. */
    public BlockingSocket connect(InetSocketAddress remote, Duration timeout, TcpSocket.Options options) throws IOException {
        if (remote.isUnresolved()) throw new java.net.UnknownHostException(remote.getHostString() + " (Sloop does not resolve names)");
        return connect(Ipv4Address.of(remote.getAddress()), remote.getPort(), timeout, options);
    }

    /** Listens on {@code local} (the wildcard address: every address); see {@link #listen(int, int, int)}. */
    public BlockingServerSocket listen(InetSocketAddress local, int backlog) throws IOException {
        return listen(local.getAddress().isAnyLocalAddress() ? 0 : Ipv4Address.of(local.getAddress()), local.getPort(), backlog);
    }

    /** Connects with default options; see {@link #connect(int, int, Duration, TcpSocket.Options)}. */
    public BlockingSocket connect(int address, int port, Duration timeout) throws IOException {
        return connect(address, port, timeout, null);
    }

    /**
     * Opens a connection to {@code address}:{@code port} and waits until it is established.
     *
     * @param timeout how long to wait (null or zero: until the handshake's own retries give up)
     * @throws java.net.ConnectException refused (a reset answered the SYN), timed out (the SYN's
     *     retries went unanswered), or out of memory (the budget cannot admit the connection)
     * @throws java.net.NoRouteToHostException no route, or an ICMP unreachable answered
     * @throws java.net.SocketTimeoutException if {@code timeout} passed first (the attempt is aborted)
     *     <p>Each is caused by a {@link net.sloop.tcp.TcpException}: {@link net.sloop.tcp.TcpError#of} names the reason.
     */
    public BlockingSocket connect(int address, int port, Duration timeout, TcpSocket.Options options) throws IOException {
        long t = timeout == null ? 0 : timeout.toNanos();
        runner.lock();
        try {
            TcpSocket s;
            try {
                s = stack.tcp().connect(address, port, options);
            } catch (TcpException e) {
                throw NetErrors.connecting(e);
            }
            BlockingSocket b = new BlockingSocket(runner, s);
            runner.wakeupLocked(); // the SYN is queued on the link
            b.awaitConnected(t, Ipv4Address.toString(address) + ":" + port);
            return b;
        } finally {
            runner.unlock();
        }
    }

    /**
     * Listens on every address and every port no other listener takes: the catch-all listener
     * ({@link net.sloop.tcp.Tcp#listenAll}). With an interface that intercepts a prefix
     * ({@link net.sloop.iface.NetIf#intercept}) it accepts connections to other hosts routed
     * into the stack; an accepted socket's {@link BlockingSocket#getLocalSocketAddress()} is the
     * destination its peer connected to.
     *
     * @throws java.net.BindException a catch-all listener is open
     * @throws java.net.SocketException out of memory (caused by a {@link net.sloop.tcp.TcpException})
     */
    public BlockingServerSocket listenAll(int backlog) throws IOException {
        runner.lock();
        try {
            TcpListener l;
            try {
                l = stack.tcp().listenAll(backlog);
            } catch (TcpException e) {
                throw NetErrors.toJava(e);
            }
            return new BlockingServerSocket(runner, l);
        } finally {
            runner.unlock();
        }
    }

    /**
     * Listens on {@code port} of {@code address} (0: every address).
     *
     * @throws java.net.BindException the address and port are taken
     * @throws java.net.SocketException out of memory (caused by a {@link net.sloop.tcp.TcpException})
     */
    public BlockingServerSocket listen(int address, int port, int backlog) throws IOException {
        runner.lock();
        try {
            TcpListener l;
            try {
                l = stack.tcp().listen(address, port, backlog);
            } catch (TcpException e) {
                throw NetErrors.toJava(e);
            }
            return new BlockingServerSocket(runner, l);
        } finally {
            runner.unlock();
        }
    }
}
