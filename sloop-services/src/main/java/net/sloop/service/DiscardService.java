package net.sloop.service;

import net.sloop.tcp.TcpException;

/** Discard over TCP (RFC 863 §1): reads and drops everything; closes when the client closes. */
final class DiscardService extends TcpService {
    DiscardService(Services services, ServiceConfig cfg) throws TcpException {
        super(services, ServiceKind.DISCARD, cfg);
    }

    @Override
    void opened(Slot slot) throws TcpException {
        handle(slot, 0);
    }

    @Override
    void handle(Slot slot, int events) throws TcpException {
        if (!drainInput(slot)) finish(slot);
    }
}
