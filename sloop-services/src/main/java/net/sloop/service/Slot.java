package net.sloop.service;

import net.sloop.tcp.TcpSocket;

/**
 * One connection slot of a {@link TcpService}, made when the service starts and reused for every
 * connection it holds: the socket, when it last moved a byte, and what the service needs to carry
 * between events (chargen's position in its pattern). It is the socket's
 * listener, so an event finds its state without a lookup or an allocation.
 */
final class Slot implements TcpSocket.Listener {
    final TcpService service;
    final int index;
    TcpSocket socket;
    long lastActive;
    // Echo: a block holding bytes read but not yet taken by the socket, or -1 (the field follows).
    /** Chargen: the position in the RFC 864 pattern. */
    int position;

    Slot(TcpService service, int index) {
        this.service = service;
        this.index = index;
    }

    @Override
    public void onEvent(TcpSocket s, int events) {
        service.event(this, events);
    }
}
