package net.sloop.blocking;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpException;

/**
 * The blocking face speaks {@code java.net}: a TCP failure is thrown as the exception a Java
 * programmer catches from {@code java.net.Socket} ({@link ConnectException} for a refused or
 * timed-out connect, {@link NoRouteToHostException}, {@link BindException}, {@link SocketException}
 * "connection reset by peer", ...), with the same message and the {@link TcpException} (which
 * names the {@link TcpError}) as its cause; {@link TcpError#of(Throwable)} finds it again.
 */
public final class NetErrors {
    private NetErrors() {}

    /** {@code e} as the {@code java.net} exception for its error, caused by {@code e}. */
    public static IOException toJava(TcpException e) {
        String m = e.getMessage();
        IOException j = switch (e.error()) {
            case REFUSED -> new ConnectException(m);
            case HOST_UNREACHABLE, NETWORK_UNREACHABLE, NO_ROUTE -> new NoRouteToHostException(m);
            case PORT_UNREACHABLE -> new PortUnreachableException(m);
            case ADDRESS_IN_USE -> new BindException(m);
            default -> new SocketException(m);
        };
        j.initCause(e);
        return j;
    }

    /** As {@link #toJava(TcpException)}, for a failure while connecting: a connect that timed out is a {@link ConnectException}, as Linux's ETIMEDOUT is in Java. */
    public static IOException connecting(TcpException e) {
        if (e.error() == TcpError.TIMED_OUT || e.error() == TcpError.OUT_OF_MEMORY) {
            ConnectException c = new ConnectException(e.getMessage());
            c.initCause(e);
            return c;
        }
        return toJava(e);
    }
}
