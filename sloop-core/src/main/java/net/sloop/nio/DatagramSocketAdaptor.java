package net.sloop.nio;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.DatagramSocketImpl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Set;

/**
 * The {@link DatagramSocket} view of a {@link SloopDatagramChannel} ({@code channel.socket()}), as
 * the JDK's own adaptor: bind, connect, send, a blocking receive with {@code SO_TIMEOUT}, addresses
 * and options go to the channel. Multicast is not supported.
 */
final class DatagramSocketAdaptor extends DatagramSocket {
    private final SloopDatagramChannel ch;
    private volatile int timeoutMillis;
    private volatile int trafficClass;

    DatagramSocketAdaptor(SloopDatagramChannel ch) {
        super(new NoDatagramSocketImpl());
        this.ch = ch;
    }

    @Override
    public void bind(SocketAddress local) throws SocketException {
        try {
            ch.bind(local);
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    @Override
    public void connect(InetAddress address, int port) {
        try {
            connect(new InetSocketAddress(address, port));
        } catch (SocketException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void connect(SocketAddress remote) throws SocketException {
        if (remote == null) throw new IllegalArgumentException("Address can't be null");
        try {
            ch.connect(remote);
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    @Override
    public void disconnect() {
        try {
            ch.disconnect();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public boolean isBound() {
        return ch.local() != null;
    }

    @Override
    public boolean isConnected() {
        return ch.remote() != null;
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress a = ch.remote();
        return a == null ? null : a.getAddress();
    }

    @Override
    public int getPort() {
        InetSocketAddress a = ch.remote();
        return a == null ? -1 : a.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return ch.remote();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return ch.isOpen() ? ch.local() : null;
    }

    @Override
    public InetAddress getLocalAddress() {
        InetSocketAddress a = ch.isOpen() ? ch.local() : null;
        return a == null ? null : a.getAddress();
    }

    @Override
    public int getLocalPort() {
        if (!ch.isOpen()) return -1;
        InetSocketAddress a = ch.local();
        return a == null ? 0 : a.getPort();
    }

    @Override
    public void send(DatagramPacket p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(p.getData(), p.getOffset(), p.getLength());
        SocketAddress to = p.getAddress() == null ? ch.remote() : p.getSocketAddress();
        if (to == null) throw new IllegalArgumentException("Address not set");
        if (ch.remote() != null && p.getAddress() == null) ch.write(b);
        else ch.send(b, to);
    }

    @Override
    public void receive(DatagramPacket p) throws IOException {
        byte[] buf = p.getData();
        ByteBuffer b = ByteBuffer.wrap(buf, p.getOffset(), buf.length - p.getOffset());
        InetSocketAddress from = ch.adaptorReceive(b, timeoutMillis * 1_000_000L);
        p.setData(buf, p.getOffset(), b.position() - p.getOffset());
        p.setSocketAddress(from);
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        if (timeout < 0) throw new IllegalArgumentException("timeout < 0");
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        return timeoutMillis;
    }

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        Net.setOption(ch, name, value);
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        return Net.option(ch, name);
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) throw new IllegalArgumentException("negative send size");
        set(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) throw new IllegalArgumentException("invalid receive size");
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return get(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public void setBroadcast(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_BROADCAST, on);
    }

    @Override
    public boolean getBroadcast() throws SocketException {
        return get(StandardSocketOptions.SO_BROADCAST);
    }

    /** Kept and returned; Sloop sends every packet with TOS 0. */
    @Override
    public void setTrafficClass(int tc) throws SocketException {
        if (tc < 0 || tc > 255) throw new IllegalArgumentException("tc is not in range 0 -- 255");
        trafficClass = tc;
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return trafficClass;
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public boolean isClosed() {
        return !ch.isOpen();
    }

    @Override
    public DatagramChannel getChannel() {
        return ch;
    }

    @Override
    public <T> DatagramSocket setOption(SocketOption<T> name, T value) throws IOException {
        ch.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return ch.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return ch.supportedOptions();
    }

    @Override
    public void joinGroup(SocketAddress group, NetworkInterface netIf) {
        throw new UnsupportedOperationException("Sloop does not do multicast");
    }

    @Override
    public void leaveGroup(SocketAddress group, NetworkInterface netIf) {
        throw new UnsupportedOperationException("Sloop does not do multicast");
    }

    /** The implementation {@link DatagramSocket}'s protected constructor requires; never reached (every public method is overridden). */
    private static final class NoDatagramSocketImpl extends DatagramSocketImpl {
        private static SocketException unused() {
            return new SocketException("not used: a Sloop socket adaptor works through its channel");
        }

        @Override protected void create() throws SocketException { throw unused(); }
        @Override protected void bind(int lport, InetAddress laddr) throws SocketException { throw unused(); }
        @Override protected void send(DatagramPacket p) throws IOException { throw unused(); }
        @Override protected int peek(InetAddress i) throws IOException { throw unused(); }
        @Override protected int peekData(DatagramPacket p) throws IOException { throw unused(); }
        @Override protected void receive(DatagramPacket p) throws IOException { throw unused(); }
        @Override @Deprecated @SuppressWarnings("removal") protected void setTTL(byte ttl) throws IOException { throw unused(); }
        @Override @Deprecated @SuppressWarnings("removal") protected byte getTTL() throws IOException { throw unused(); }
        @Override protected void setTimeToLive(int ttl) throws IOException { throw unused(); }
        @Override protected int getTimeToLive() throws IOException { throw unused(); }
        @Override protected void join(InetAddress inetaddr) throws IOException { throw unused(); }
        @Override protected void leave(InetAddress inetaddr) throws IOException { throw unused(); }
        @Override protected void joinGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException { throw unused(); }
        @Override protected void leaveGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException { throw unused(); }
        @Override protected void close() {}
        @Override public void setOption(int optID, Object value) throws SocketException { throw unused(); }
        @Override public Object getOption(int optID) throws SocketException { throw unused(); }
    }
}
