package net.sloop.nio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import net.sloop.blocking.NetErrors;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;

/**
 * A {@link ServerSocketChannel} over a Sloop {@link TcpListener}. Acceptable when a connection
 * has completed its handshake and waits in the listener's accept queue (bounded by the backlog);
 * {@link #accept()} takes it as a connected {@link SloopSocketChannel}. Closing stops listening
 * and resets the connections not accepted yet, freeing them at once (as {@code TcpListener}
 * does). Binding to port 0 takes a free port from 49152 up (RFC 6335's dynamic range).
 * {@code SO_REUSEADDR} is accepted and has no effect: a Sloop listener never waits for TIME_WAIT
 * records. {@code SO_RCVBUF} fixes the receive buffer of the connections it accepts.
 */
final class SloopServerSocketChannel extends ServerSocketChannel implements SloopChannel {
    private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR);
    private static final int DYNAMIC_FIRST = 49152, DYNAMIC_COUNT = 65536 - DYNAMIC_FIRST;

    private final SloopProvider provider;
    private final Net net;
    private final Registrations registrations = new Registrations();
    private final Condition acceptable;
    private TcpListener listener;
    private volatile boolean blocking = true;
    private boolean reuseAddress = true;
    private int receiveBuffer = -1;
    private ServerSocketAdaptor socket;
    private static int nextPort; // rotates through the dynamic range (under a runner's lock; a race only changes where the search starts)

    SloopServerSocketChannel(SloopProvider provider, Net net) {
        super(provider);
        this.provider = provider;
        this.net = net;
        this.acceptable = net.newCondition();
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
        return listener != null && !listener.isClosed() && listener.pending() > 0 ? SelectionKey.OP_ACCEPT : 0;
    }

    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        InetSocketAddress a = Net.inet(local);
        net.lock();
        try {
            ensureOpen();
            if (listener != null) throw new AlreadyBoundException();
            int address = a == null ? 0 : Net.address(a);
            if (address != 0 && !net.stack().isLocalAddress(address)) {
                throw new java.net.BindException("not an address of this stack: " + a.getAddress().getHostAddress());
            }
            int port = a == null ? 0 : a.getPort();
            int queue = backlog < 1 ? net.stack().config().tcp().acceptBacklog() : backlog;
            listener = port != 0 ? listen(address, port, queue) : listenAnywhere(address, queue);
            if (receiveBuffer > 0) listener.setBuffers(net.stack().config().tcp().sendBuffer(), receiveBuffer);
            listener.setListener(this::onAcceptable);
            return this;
        } finally {
            net.unlock();
        }
    }

    private TcpListener listen(int address, int port, int backlog) throws IOException {
        try {
            return net.stack().tcp().listen(address, port, backlog);
        } catch (TcpException e) {
            throw NetErrors.toJava(e);
        }
    }

    private TcpListener listenAnywhere(int address, int backlog) throws IOException {
        for (int i = 0; i < DYNAMIC_COUNT; i++) {
            int port = DYNAMIC_FIRST + Math.floorMod(nextPort++, DYNAMIC_COUNT);
            try {
                return net.stack().tcp().listen(address, port, backlog);
            } catch (TcpException e) {
                if (e.error() != TcpError.ADDRESS_IN_USE) throw NetErrors.toJava(e);
            }
        }
        throw new java.net.BindException("no free port to listen on");
    }

    /** The listener's acceptable event, under the lock. */
    private void onAcceptable(TcpListener l) {
        acceptable.signalAll();
        registrations.signal();
    }

    @Override
    public SocketChannel accept() throws IOException {
        net.lock();
        try {
            return acceptLocked(blocking, 0);
        } finally {
            net.unlock();
        }
    }

    /** Accepts; waits if {@code block}, at most {@code timeoutNanos} (0: no limit). Lock held. */
    private SocketChannel acceptLocked(boolean block, long timeoutNanos) throws IOException {
        ensureOpen();
        if (listener == null) throw new NotYetBoundException();
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        while (true) {
            TcpSocket s = listener.accept();
            if (s != null) return new SloopSocketChannel(provider, net, s);
            if (!block) return null;
            try {
                if (deadline == 0) acceptable.await();
                else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) throw new SocketTimeoutException("accept timed out on " + this);
                    acceptable.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                net.unlock();
                try {
                    close();
                } finally {
                    net.lock();
                }
                Thread.currentThread().interrupt();
                throw new ClosedByInterruptException();
            }
            if (!isOpen()) throw new AsynchronousCloseException();
        }
    }

    /** A blocking accept with a timeout (SO_TIMEOUT), for the adaptor. */
    SocketChannel adaptorAccept(long timeoutNanos) throws IOException {
        net.lock();
        try {
            if (!blocking) throw new IllegalBlockingModeException();
            return acceptLocked(true, timeoutNanos);
        } finally {
            net.unlock();
        }
    }

    /** Stops listening: connections not accepted yet are reset and freed now; blocked accepts wake. */
    @Override
    protected void implCloseSelectableChannel() {
        net.lock();
        try {
            if (listener != null) listener.close();
            acceptable.signalAll();
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

    @Override
    public ServerSocket socket() {
        net.lock();
        try {
            if (socket == null) socket = new ServerSocketAdaptor(this);
            return socket;
        } finally {
            net.unlock();
        }
    }

    boolean isBound() {
        return listener != null;
    }

    /** The address listened on, or null before bind (no open check: the adaptor's view). */
    InetSocketAddress local() {
        TcpListener l = listener;
        return l == null ? null : Net.socketAddress(l.address(), l.port());
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return local();
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name);
        if (!OPTIONS.contains(name)) throw new UnsupportedOperationException("'" + name + "' not supported");
        if (!name.type().isInstance(value)) throw new IllegalArgumentException("invalid value '" + value + "'");
        net.lock();
        try {
            ensureOpen();
            if (name == StandardSocketOptions.SO_RCVBUF) {
                int v = (Integer) value;
                if (v <= 0) throw new IllegalArgumentException("SO_RCVBUF must be positive");
                receiveBuffer = v;
                if (listener != null) listener.setBuffers(net.stack().config().tcp().sendBuffer(), v);
            } else {
                reuseAddress = (Boolean) value;
            }
            return this;
        } finally {
            net.unlock();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name);
        if (!OPTIONS.contains(name)) throw new UnsupportedOperationException("'" + name + "' not supported");
        ensureOpen();
        if (name == StandardSocketOptions.SO_RCVBUF) {
            return (T) Integer.valueOf(receiveBuffer > 0 ? receiveBuffer : net.stack().config().tcp().receiveBuffer());
        }
        return (T) Boolean.valueOf(reuseAddress);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    @Override
    public String toString() {
        return "SloopServerSocketChannel[" + (!isOpen() ? "closed" : listener == null ? "unbound" : local().toString()) + "]";
    }
}
