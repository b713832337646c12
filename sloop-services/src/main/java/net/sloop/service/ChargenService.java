package net.sloop.service;

import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;

/**
 * Character generator over TCP (RFC 864 §1): sends the {@link Chargen} pattern as fast as the
 * window and the send buffer allow, generating into the scratch buffer only what the socket can
 * take, so nothing is buffered beyond the send buffer; a slot keeps only its position in the
 * pattern. Input is read and dropped; the service stops (closes) when the client closes, and a
 * reset from the client ends the connection at once.
 */
final class ChargenService extends TcpService {
    ChargenService(Services services, ServiceConfig cfg) throws TcpException {
        super(services, ServiceKind.CHARGEN, cfg);
    }

    @Override
    void opened(Slot slot) throws TcpException {
        handle(slot, TcpSocket.WRITABLE);
    }

    @Override
    void handle(Slot slot, int events) throws TcpException {
        if (!drainInput(slot)) {
            finish(slot);
            return;
        }
        TcpSocket s = slot.socket;
        while (true) {
            // Offer what the send buffer has room for, straight from the pattern table (at least
            // one byte, so that a full buffer answers "would block" and asks for WRITABLE).
            int room = s.sendBuffer() - s.unacknowledged();
            int n = Math.max(1, Math.min(room, Chargen.PERIOD));
            int w = s.write(Chargen.TWO_PERIODS, slot.position, n);
            stats.bytesOut += w;
            slot.position = (int) ((slot.position + (long) w) % Chargen.PERIOD);
            if (w < n) return; // WRITABLE will come
        }
    }
}
