package net.sloop.tcp;

/**
 * Socket and listener events: where the parts of TCP tell the application what happened. For now
 * they are delivered at once, from inside processing, as before; the processing brackets
 * ({@link #enter}, {@link #leave}, {@link #deliver}) mark where delivering them afterwards will go.
 */
final class TcpEvents {
    private final Tcp tcp;

    TcpEvents(Tcp tcp) {
        this.tcp = tcp;
    }

    /** Events ({@link TcpSocket#CONNECTED}, READABLE, WRITABLE, CLOSED) for {@code c}'s handle. */
    void raise(TcpConnection c, int events) {
        if (c.socket != null) c.socket.deliver(events);
    }

    /** A connection waits to be accepted on {@code l}. */
    void acceptable(TcpListener l) {
        l.notifyAcceptable();
    }

    /** Sends what {@code c} has to send at the end of processing a segment. */
    void output(long now, TcpConnection c) {
        tcp.output.output(now, c);
    }

    /** An application's write or FIN has something for {@code c} to send. */
    void applicationOutput(TcpConnection c) {
        tcp.output.output(tcp.now(), c);
    }

    void enter() {}

    void leave() {}

    void deliver() {}
}
