package net.sloop.service;

import java.lang.foreign.MemorySegment;
import net.sloop.mem.Category;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;

/**
 * Echo over TCP (RFC 862 §1): sends back every byte received, in order, then closes after the
 * client's FIN once everything read has been sent.
 *
 * <p>Backpressure: bytes move a block at a time, read into the scratch buffer and written at once.
 * When the socket takes less than was read (its send buffer is full), the rest waits in the
 * connection's one spill block and the service stops reading until WRITABLE: unread data then
 * fills the receive buffer and the window the client sees closes. A connection never holds more
 * than its socket buffers and that one block, which is committed when the connection is taken
 * (so the spill can never fail): a connection the budget cannot commit it for is refused.
 */
final class EchoService extends TcpService {
    EchoService(Services services, ServiceConfig cfg) throws TcpException {
        super(services, ServiceKind.ECHO, cfg);
    }

    @Override
    boolean reserve() {
        return m.commit(1, Category.SOCKET_SEND, owner);
    }

    @Override
    void unreserve(Slot slot) {
        if (slot.spill >= 0) {
            m.free(slot.spill); // the commitment was taken by the spill block
            slot.spill = -1;
            slot.spillLen = 0;
        } else {
            m.release(1);
        }
    }

    @Override
    void opened(Slot slot) throws TcpException {
        pump(slot);
    }

    @Override
    void handle(Slot slot, int events) throws TcpException {
        pump(slot);
    }

    private void pump(Slot slot) throws TcpException {
        TcpSocket s = slot.socket;
        Scratch sc = services.scratch;
        MemorySegment arena = m.memory();
        int chunk = Math.min(sc.bytes.length, m.blockSize());
        while (true) {
            if (slot.spillLen > 0) {
                int w = s.write(arena, m.base(slot.spill) + slot.spillOff, slot.spillLen);
                stats.bytesOut += w;
                slot.spillOff += w;
                slot.spillLen -= w;
                if (slot.spillLen > 0) return; // the short write asked for WRITABLE
                m.freeToCommitted(slot.spill);
                slot.spill = -1;
            }
            int n = s.read(sc.segment, 0, chunk);
            if (n == 0) return; // READABLE will come
            if (n < 0) { // the client's FIN, and everything before it has been written back
                finish(slot);
                return;
            }
            stats.bytesIn += n;
            int w = s.write(sc.segment, 0, n);
            stats.bytesOut += w;
            if (w < n) {
                slot.spill = m.allocCommitted(Category.SOCKET_SEND, owner);
                MemorySegment.copy(sc.segment, w, arena, m.base(slot.spill), n - w);
                slot.spillOff = 0;
                slot.spillLen = n - w;
                return; // stop reading until WRITABLE: the window closes behind us
            }
        }
    }
}
