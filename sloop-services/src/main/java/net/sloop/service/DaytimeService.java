package net.sloop.service;

import net.sloop.tcp.TcpException;

/**
 * Daytime over TCP (RFC 867 §1): on connection, sends the date and time as one line
 * ({@link Daytime}) from the wall clock the configuration gives, and closes; anything the client
 * sent is read and dropped first (closing with unread data would reset). The slot is free again
 * at once; the stack finishes the connection in the background.
 */
final class DaytimeService extends TcpService {
    DaytimeService(Services services, ServiceConfig cfg) throws TcpException {
        super(services, ServiceKind.DAYTIME, cfg);
    }

    @Override
    void opened(Slot slot) throws TcpException {
        drainInput(slot);
        Scratch sc = services.scratch;
        int n = Daytime.format(services.wallClockMillis.getAsLong(), sc.bytes, 0);
        stats.bytesOut += slot.socket.write(sc.segment, 0, n); // fits: the connection's guaranteed block holds it
        finish(slot);
    }

    @Override
    void handle(Slot slot, int events) throws TcpException {
        if (!drainInput(slot)) finish(slot);
    }
}
