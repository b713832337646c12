package net.sloop.nio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * The {@link Socket} view of a {@link SloopSocketChannel} ({@code channel.socket()}), as the JDK's
 * own adaptor: addresses, options, shutdowns and close go to the channel; its streams read and
 * write in blocking mode (with {@code SO_TIMEOUT} for reads), and throw
 * {@link java.nio.channels.IllegalBlockingModeException} while the channel is non-blocking.
 * Urgent data is not supported (Sloop does not send it).
 */
final class SocketAdaptor extends Socket {
    private final SloopSocketChannel ch;
    private volatile int timeoutMillis;
    private volatile int trafficClass;
    private InputStream in;
    private OutputStream out;

    /** Socket keeps no implementation when given none: every public method is overridden here. */
    SocketAdaptor(SloopSocketChannel ch) throws SocketException {
        super((java.net.SocketImpl) null);
        this.ch = ch;
    }

    @Override
    public void connect(SocketAddress remote) throws IOException {
        connect(remote, 0);
    }

    @Override
    public void connect(SocketAddress remote, int timeout) throws IOException {
        if (remote == null) throw new IllegalArgumentException("connect: the address can't be null");
        if (timeout < 0) throw new IllegalArgumentException("connect: timeout can't be negative");
        ch.adaptorConnect(remote, timeout);
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        ch.bind(local);
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress a = ch.remote();
        return a == null || !ch.isConnected() ? null : a.getAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        InetSocketAddress a = ch.isOpen() ? ch.local() : null;
        if (a == null) {
            try {
                return InetAddress.getByAddress(new byte[4]);
            } catch (java.net.UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return a.getAddress();
    }

    @Override
    public int getPort() {
        InetSocketAddress a = ch.remote();
        return a == null || !ch.isConnected() ? 0 : a.getPort();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress a = ch.isOpen() ? ch.local() : null;
        return a == null ? -1 : a.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return ch.isConnected() ? ch.remote() : null;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return ch.isOpen() ? ch.local() : null;
    }

    @Override
    public SocketChannel getChannel() {
        return ch;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        if (!ch.isConnected()) throw new SocketException("Socket is not connected");
        if (ch.isInputShut()) throw new SocketException("Socket input is shutdown");
        if (in == null) in = new In();
        return in;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        if (!ch.isConnected()) throw new SocketException("Socket is not connected");
        if (ch.isOutputShut()) throw new SocketException("Socket output is shutdown");
        if (out == null) out = new Out();
        return out;
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) return 0;
            return ch.adaptorRead(ByteBuffer.wrap(b, off, len), timeoutMillis * 1_000_000L);
        }

        @Override
        public int available() throws IOException {
            return ch.available();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            ch.adaptorWrite(ByteBuffer.wrap(b, off, len));
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    // ------------------------------------------------------------------ options

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        Net.setOption(ch, name, value);
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        return Net.option(ch, name);
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        set(StandardSocketOptions.TCP_NODELAY, on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return get(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        if (on && linger < 0) throw new IllegalArgumentException("invalid value for SO_LINGER");
        set(StandardSocketOptions.SO_LINGER, on ? Math.min(linger, 65535) : -1);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return get(StandardSocketOptions.SO_LINGER);
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data not supported");
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        if (on) throw new SocketException("urgent data not supported");
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return false;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        if (timeout < 0) throw new IllegalArgumentException("timeout can't be negative");
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        return timeoutMillis;
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) throw new IllegalArgumentException("Invalid send size");
        set(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) throw new IllegalArgumentException("Invalid receive size");
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return get(StandardSocketOptions.SO_KEEPALIVE);
    }

    /** Kept and returned; Sloop sends every packet with TOS 0. */
    @Override
    public void setTrafficClass(int tc) throws SocketException {
        if (tc < 0 || tc > 255) throw new IllegalArgumentException("tc is not in range 0 -- 255");
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        trafficClass = tc;
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return trafficClass;
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
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // no effect, as in the JDK
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
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

    // ------------------------------------------------------------------ state

    @Override
    public void close() throws IOException {
        ch.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        if (!ch.isConnected()) throw new SocketException("Socket is not connected");
        ch.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        if (!ch.isOpen()) throw new SocketException("Socket is closed");
        if (!ch.isConnected()) throw new SocketException("Socket is not connected");
        ch.shutdownOutput();
    }

    @Override
    public boolean isConnected() {
        return ch.isConnected() || (!ch.isOpen() && ch.remote() != null);
    }

    @Override
    public boolean isBound() {
        return ch.isBound();
    }

    @Override
    public boolean isClosed() {
        return !ch.isOpen();
    }

    @Override
    public boolean isInputShutdown() {
        return ch.isInputShut();
    }

    @Override
    public boolean isOutputShutdown() {
        return ch.isOutputShut();
    }

    @Override
    public String toString() {
        if (ch.isConnected()) return "Socket[addr=" + getInetAddress() + ",port=" + getPort() + ",localport=" + getLocalPort() + "]";
        return "Socket[unconnected]";
    }
}
