package net.sloop.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.Set;

/**
 * The {@link ServerSocket} view of a {@link SloopServerSocketChannel} ({@code channel.socket()}),
 * as the JDK's own adaptor: binding, addresses, options and a blocking {@link #accept()} (with
 * {@code SO_TIMEOUT}) all go to the channel. The JDK's HttpServer binds through it.
 */
final class ServerSocketAdaptor extends ServerSocket {
    private final SloopServerSocketChannel ch;
    private volatile int timeoutMillis;

    ServerSocketAdaptor(SloopServerSocketChannel ch) {
        super(new NoSocketImpl());
        this.ch = ch;
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        bind(local, 50);
    }

    @Override
    public void bind(SocketAddress local, int backlog) throws IOException {
        ch.bind(local, backlog);
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress a = ch.isOpen() ? ch.local() : null;
        return a == null ? null : a.getAddress();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress a = ch.isOpen() ? ch.local() : null;
        return a == null ? -1 : a.getPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return ch.isOpen() ? ch.local() : null;
    }

    @Override
    public Socket accept() throws IOException {
        SloopSocketChannel s = (SloopSocketChannel) ch.adaptorAccept(timeoutMillis * 1_000_000L);
        return s.socket();
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }

    @Override
    public ServerSocketChannel getChannel() {
        return ch;
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
    public void setSoTimeout(int timeout) throws SocketException {
        if (!ch.isOpen()) throw new SocketException("socket closed");
        if (timeout < 0) throw new IllegalArgumentException("timeout < 0");
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() throws IOException {
        if (!ch.isOpen()) throw new SocketException("socket closed");
        return timeoutMillis;
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
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) throw new IllegalArgumentException("negative receive size");
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // no effect, as in the JDK
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
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

    private <T> void set(SocketOption<T> name, T value) throws SocketException {
        Net.setOption(ch, name, value);
    }

    private <T> T get(SocketOption<T> name) throws SocketException {
        return Net.option(ch, name);
    }

    @Override
    public String toString() {
        InetSocketAddress a = ch.isOpen() ? ch.local() : null;
        return a == null ? "ServerSocket[unbound]" : "ServerSocket[addr=" + a.getAddress() + ",localport=" + a.getPort() + "]";
    }
}
