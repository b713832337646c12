package net.sloop.nio;

import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Objects;
import java.util.Set;
import net.sloop.tcp.TcpConfig;
import net.sloop.tcp.TcpSocket;

/**
 * A {@link SloopSocketChannel}'s socket options: kept until the channel connects (and applied to
 * the SYN through {@link TcpSocket.Options}), then read from and written to the {@link TcpSocket}.
 * {@code SO_REUSEADDR} is kept and has no effect (a Sloop connection's local port is always
 * chosen by the stack). Used under the runner's lock.
 */
final class TcpChannelOptions {
    static final Set<SocketOption<?>> SUPPORTED = Set.of(StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE,
            StandardSocketOptions.SO_SNDBUF, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_LINGER,
            StandardSocketOptions.SO_REUSEADDR);

    private final TcpSocket.Options forConnect = new TcpSocket.Options();
    private boolean noDelay, keepAlive, reuseAddress;
    private int linger = -1, sendBuffer = -1, receiveBuffer = -1;

    /** Checks {@code name} and {@code value} as {@code setOption} must (before taking any lock). */
    static void check(SocketOption<?> name, Object value) {
        checkName(name);
        if (!name.type().isInstance(value)) throw new IllegalArgumentException("invalid value '" + value + "'");
        if ((name == StandardSocketOptions.SO_SNDBUF || name == StandardSocketOptions.SO_RCVBUF) && (Integer) value <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    static void checkName(SocketOption<?> name) {
        Objects.requireNonNull(name);
        if (!SUPPORTED.contains(name)) throw new UnsupportedOperationException("'" + name + "' not supported");
    }

    /** The options to connect with. */
    TcpSocket.Options forConnect() {
        forConnect.noDelay(noDelay).keepAlive(keepAlive);
        if (sendBuffer > 0) forConnect.sendBuffer(sendBuffer);
        if (receiveBuffer > 0) forConnect.receiveBuffer(receiveBuffer);
        return forConnect;
    }

    /** What {@code TcpSocket.Options} cannot carry, applied once the socket exists. */
    void applyAfterConnect(TcpSocket s) {
        if (linger >= 0) s.setLinger(linger);
    }

    /** Sets {@code name} (checked) and, if {@code live} is not null, on the socket too. */
    void set(SocketOption<?> name, Object value, TcpSocket live) {
        if (name == StandardSocketOptions.TCP_NODELAY) {
            noDelay = (Boolean) value;
            if (live != null) live.setNoDelay(noDelay);
        } else if (name == StandardSocketOptions.SO_KEEPALIVE) {
            keepAlive = (Boolean) value;
            if (live != null) live.setKeepAlive(keepAlive);
        } else if (name == StandardSocketOptions.SO_SNDBUF) {
            sendBuffer = (Integer) value;
            if (live != null) live.setSendBuffer(sendBuffer);
        } else if (name == StandardSocketOptions.SO_RCVBUF) {
            receiveBuffer = (Integer) value;
            if (live != null) live.setReceiveBuffer(receiveBuffer);
        } else if (name == StandardSocketOptions.SO_LINGER) {
            int v = (Integer) value;
            linger = v < 0 ? -1 : v;
            if (live != null) live.setLinger(linger);
        } else {
            reuseAddress = (Boolean) value;
        }
    }

    /** The value of {@code name}: the socket's if {@code live} is not null, else what was set (or the stack's default). */
    Object get(SocketOption<?> name, TcpSocket live, TcpConfig defaults) {
        if (name == StandardSocketOptions.TCP_NODELAY) return live != null ? live.noDelay() : noDelay;
        if (name == StandardSocketOptions.SO_KEEPALIVE) return live != null ? live.keepAlive() : keepAlive;
        if (name == StandardSocketOptions.SO_SNDBUF) return live != null ? live.sendBuffer() : sendBuffer > 0 ? sendBuffer : defaults.sendBuffer();
        if (name == StandardSocketOptions.SO_RCVBUF) return live != null ? live.receiveBuffer() : receiveBuffer > 0 ? receiveBuffer : defaults.receiveBuffer();
        if (name == StandardSocketOptions.SO_LINGER) return live != null ? live.linger() : linger;
        return reuseAddress;
    }
}
