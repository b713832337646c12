package net.sloop.nio;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import net.sloop.udp.UdpSocket;

/**
 * A {@link DatagramChannel} over a Sloop {@link UdpSocket}. Datagrams wait in the socket's bounded
 * receive queue, in the blocks they arrived in (charged to the socket); a receive copies one into
 * the caller's buffer (the rest of a longer datagram is discarded, as the JDK does). Readable
 * when a datagram waits (or, connected, when an ICMP error arrived: the next read throws
 * {@link PortUnreachableException}); always writable: UDP sends at once or not at all.
 *
 * <p>A send the stack cannot make returns 0 and sends nothing: no memory on the way out (the
 * stack counts it); no route throws {@link NoRouteToHostException}, a datagram too big for IPv4
 * a {@link SocketException}. The channel is bound to an ephemeral port by its first send,
 * receive or connect if not before. Multicast is not supported ({@link #join} throws
 * {@link UnsupportedOperationException}). {@link #socket()} is a {@link DatagramSocket} view.
 * {@code SO_SNDBUF} and {@code SO_RCVBUF} report the stack's datagram size bound and receive queue
 * bytes and cannot be changed; {@code SO_REUSEADDR} and {@code SO_BROADCAST} are kept and have no effect.
 */
final class SloopDatagramChannel extends DatagramChannel implements SloopChannel {
    private static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF,
            StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_BROADCAST);
    private static final int MAX_PAYLOAD = 65535 - 20 - 8;

    private final Net net;
    private final Registrations registrations = new Registrations();
    private final Condition readable;
    private UdpSocket u; // null until bound
    private InetSocketAddress remote; // connected to, or null
    private long errorsSeen;
    private volatile boolean blocking = true;
    private boolean reuseAddress, broadcast;
    private DatagramSocketAdaptor socket;

    SloopDatagramChannel(SloopProvider provider, Net net) {
        super(provider);
        this.net = net;
        this.readable = net.newCondition();
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
        if (u == null) return SelectionKey.OP_WRITE;
        int r = SelectionKey.OP_WRITE;
        if (u.queued() > 0 || (remote != null && u.errors() != errorsSeen)) r |= SelectionKey.OP_READ;
        return r;
    }

    private void onReadable() {
        readable.signalAll();
        registrations.signal();
    }

    // ------------------------------------------------------------------ binding and connecting

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        InetSocketAddress a = Net.inet(local);
        net.lock();
        try {
            ensureOpen();
            if (u != null) throw new AlreadyBoundException();
            bindLocked(a);
            return this;
        } finally {
            net.unlock();
        }
    }

    private void bindLocked(InetSocketAddress a) throws IOException {
        int address = a == null ? 0 : Net.address(a);
        if (address != 0 && !net.stack().isLocalAddress(address)) {
            throw new BindException("not an address of this stack: " + a.getAddress().getHostAddress());
        }
        try {
            u = net.stack().udp().open(address, a == null ? 0 : a.getPort());
        } catch (IllegalStateException e) {
            String m = e.getMessage();
            throw m != null && m.contains("in use") ? new BindException(m) : new SocketException(m);
        }
        u.onReadable(this::onReadable);
        u.onError((now, type, code, dst, port) -> onReadable());
    }

    private void ensureBound() throws IOException {
        if (u == null) bindLocked(null);
    }

    @Override
    public DatagramChannel connect(SocketAddress remoteAddress) throws IOException {
        InetSocketAddress a = Net.inet(Objects.requireNonNull(remoteAddress, "remote"));
        net.lock();
        try {
            ensureOpen();
            if (remote != null) throw new AlreadyConnectedException();
            ensureBound();
            u.connect(Net.address(a), a.getPort());
            remote = a;
            errorsSeen = u.errors();
            while (u.receive() != null) {
                // connecting discards what other senders queued before (as the JDK does)
            }
            return this;
        } finally {
            net.unlock();
        }
    }

    @Override
    public DatagramChannel disconnect() throws IOException {
        net.lock();
        try {
            if (remote != null && u != null && !u.isClosed()) u.connect(0, 0); // port 0: accepts every sender again
            remote = null;
            return this;
        } finally {
            net.unlock();
        }
    }

    @Override
    public boolean isConnected() {
        return remote != null && isOpen();
    }

    // ------------------------------------------------------------------ data

    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) throw new IllegalArgumentException("read-only buffer");
        net.lock();
        try {
            ensureOpen();
            ensureBound();
            if (receiveLocked(dst, blocking, 0) < 0) return null;
            return Net.socketAddress(u.lastSource(), u.lastSourcePort());
        } finally {
            net.unlock();
        }
    }

    /**
     * Receives one datagram into {@code dst}; -1 if none (not blocking). Blocking, waits at most
     * {@code timeoutNanos} (0: no limit; then {@link java.net.SocketTimeoutException}). Lock held.
     */
    private int receiveLocked(ByteBuffer dst, boolean block, long timeoutNanos) throws IOException {
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        while (true) {
            int room = dst.remaining();
            int n = u.receive(MemorySegment.ofBuffer(dst), 0, room);
            if (n >= 0) {
                int got = Math.min(n, room);
                dst.position(dst.position() + got);
                return got;
            }
            if (remote != null && u.errors() != errorsSeen) {
                errorsSeen = u.errors();
                throw new PortUnreachableException("ICMP error (type " + u.lastErrorType() + ", code " + u.lastErrorCode() + ") for a datagram sent to " + remote);
            }
            if (!block) return -1;
            try {
                if (deadline == 0) readable.await();
                else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) throw new java.net.SocketTimeoutException("receive timed out on " + this);
                    readable.awaitNanos(left);
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

    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        InetSocketAddress a = Net.inet(Objects.requireNonNull(target, "target"));
        net.lock();
        try {
            ensureOpen();
            if (remote != null && !remote.equals(a)) throw new AlreadyConnectedException();
            ensureBound();
            return sendLocked(src, a);
        } finally {
            net.unlock();
        }
    }

    private int sendLocked(ByteBuffer src, InetSocketAddress a) throws IOException {
        int len = src.remaining();
        if (len > MAX_PAYLOAD) throw new SocketException("message too long: " + len + " bytes (at most " + MAX_PAYLOAD + ")");
        int dst = Net.address(a);
        boolean ok = u.send(net.stack().time(), dst, a.getPort(), MemorySegment.ofBuffer(src), 0, len);
        net.kick();
        if (!ok) {
            if (net.stack().routes().lookup(dst) < 0) throw new NoRouteToHostException("no route to " + a.getAddress().getHostAddress());
            return 0;
        }
        src.position(src.limit());
        return len;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) throw new IllegalArgumentException("read-only buffer");
        net.lock();
        try {
            ensureOpen();
            if (remote == null) throw new NotYetConnectedException();
            return Math.max(0, receiveLocked(dst, blocking, 0));
        } finally {
            net.unlock();
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        long room = 0;
        for (int i = offset; i < offset + length; i++) room += dsts[i].remaining();
        ByteBuffer one = ByteBuffer.allocate((int) Math.min(room, MAX_PAYLOAD));
        int n = read(one);
        one.flip();
        for (int i = offset; i < offset + length && one.hasRemaining(); i++) {
            ByteBuffer d = dsts[i];
            int k = Math.min(d.remaining(), one.remaining());
            d.put(d.position(), one, one.position(), k).position(d.position() + k);
            one.position(one.position() + k);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        net.lock();
        try {
            ensureOpen();
            if (remote == null) throw new NotYetConnectedException();
            return sendLocked(src, remote);
        } finally {
            net.unlock();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        long len = 0;
        for (int i = offset; i < offset + length; i++) len += srcs[i].remaining();
        if (len > MAX_PAYLOAD) throw new SocketException("message too long: " + len + " bytes (at most " + MAX_PAYLOAD + ")");
        ByteBuffer one = ByteBuffer.allocate((int) len);
        for (int i = offset; i < offset + length; i++) one.put(srcs[i].duplicate());
        one.flip();
        int n = write(one);
        if (n > 0) for (int i = offset; i < offset + length; i++) srcs[i].position(srcs[i].limit());
        return n;
    }

    // ------------------------------------------------------------------ ending, addresses, options

    /** Frees the socket and its queue at once; blocked receives wake. */
    @Override
    protected void implCloseSelectableChannel() {
        net.lock();
        try {
            if (u != null) u.close();
            readable.signalAll();
            registrations.signal();
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
    public DatagramSocket socket() {
        net.lock();
        try {
            if (socket == null) socket = new DatagramSocketAdaptor(this);
            return socket;
        } finally {
            net.unlock();
        }
    }

    /** A blocking receive with a timeout (SO_TIMEOUT), for the adaptor; returns the source. */
    InetSocketAddress adaptorReceive(ByteBuffer dst, long timeoutNanos) throws IOException {
        net.lock();
        try {
            ensureOpen();
            if (!blocking) throw new java.nio.channels.IllegalBlockingModeException();
            ensureBound();
            receiveLocked(dst, true, timeoutNanos);
            return Net.socketAddress(u.lastSource(), u.lastSourcePort());
        } finally {
            net.unlock();
        }
    }

    /** The local address without the open check, or null if unbound. */
    InetSocketAddress local() {
        net.lock();
        try {
            return u == null ? null : Net.socketAddress(u.localAddress(), u.localPort());
        } finally {
            net.unlock();
        }
    }

    /** The connected address, or null. */
    InetSocketAddress remote() {
        return remote;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        net.lock();
        try {
            ensureOpen();
            return u == null ? null : Net.socketAddress(u.localAddress(), u.localPort());
        } finally {
            net.unlock();
        }
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return remote;
    }

    @Override
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name);
        if (!OPTIONS.contains(name)) throw new UnsupportedOperationException("'" + name + "' not supported");
        if (!name.type().isInstance(value)) throw new IllegalArgumentException("invalid value '" + value + "'");
        ensureOpen();
        if (name == StandardSocketOptions.SO_REUSEADDR) reuseAddress = (Boolean) value;
        else if (name == StandardSocketOptions.SO_BROADCAST) broadcast = (Boolean) value;
        // SO_SNDBUF, SO_RCVBUF: fixed by the stack's configuration; a hint, like Linux's, that is not taken
        return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name);
        if (!OPTIONS.contains(name)) throw new UnsupportedOperationException("'" + name + "' not supported");
        ensureOpen();
        Object v;
        if (name == StandardSocketOptions.SO_REUSEADDR) v = reuseAddress;
        else if (name == StandardSocketOptions.SO_BROADCAST) v = broadcast;
        else if (name == StandardSocketOptions.SO_SNDBUF) v = MAX_PAYLOAD;
        else v = net.stack().config().udpQueueBytes();
        return (T) v;
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return OPTIONS;
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf) {
        throw new UnsupportedOperationException("Sloop does not do multicast");
    }

    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) {
        throw new UnsupportedOperationException("Sloop does not do multicast");
    }

    @Override
    public String toString() {
        return "SloopDatagramChannel[" + (!isOpen() ? "closed" : u == null ? "unbound" : ":" + u.localPort() + (remote == null ? "" : " -> " + remote)) + "]";
    }
}
