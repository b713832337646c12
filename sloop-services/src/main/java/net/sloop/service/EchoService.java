package net.sloop.service;

import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;

/**
 * Echo over TCP (RFC 862 §1): sends back every byte received, in order, then closes after the
 * client's FIN once everything read has been sent.
 *
 * <p>Backpressure: bytes move from the receive queue to the send queue only as far as the send
 * queue takes them ({@link TcpSocket#transferTo}: one copy, nothing held in between). When it is
 * full the service stops reading until WRITABLE: unread data then fills the receive buffer and
 * the window the client sees closes. A connection never holds more than its socket buffers.
 */
final class EchoService extends TcpService {
    EchoService(Services services, ServiceConfig cfg) throws TcpException {
        super(services, ServiceKind.ECHO, cfg);
    }

    @Override
    void opened(Slot slot) throws TcpException {
        pump(slot);
    }

    @Override
    void handle(Slot slot, int events) throws TcpException {
        pump(slot);
    }

    /**
     * Moves what has arrived into the send queue, one copy from receive blocks to send blocks
     * ({@link TcpSocket#transferTo}), as much as the send queue takes: when it is full, reading
     * stops (the window closes behind us) until WRITABLE says acknowledged data freed room.
     */
    private void pump(Slot slot) throws TcpException {
        TcpSocket s = slot.socket;
        while (true) {
            int n = s.transferTo(s, Integer.MAX_VALUE);
            if (n == 0) return; // READABLE or WRITABLE will come
            if (n < 0) { // the client's FIN, and everything before it has been written back
                finish(slot);
                return;
            }
            stats.bytesIn += n;
            stats.bytesOut += n;
        }
    }
}
