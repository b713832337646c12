package net.sloop.tcp;

import java.io.IOException;

/** A TCP operation failed; {@link #error()} says why. */
public final class TcpException extends IOException {
    private final TcpError error;

    public TcpException(TcpError error, String detail) {
        super(detail == null ? error.message() : error.message() + ": " + detail);
        this.error = error;
    }

    public TcpException(TcpError error) {
        this(error, null);
    }

    public TcpError error() {
        return error;
    }
}
