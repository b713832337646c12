package net.sloop.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.ServiceStats;
import net.sloop.service.Services;
import net.sloop.tcp.Tcp;
import net.sloop.tcp.TcpConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 200 connections from Linux (python3 in the namespace) to Sloop's echo, all held open at once,
 * each echoing its own data twice (once while they are being opened, once when all are open);
 * then all closed. The budget is sized for exactly that from what a connection costs.
 */
@Timeout(90)
class ConcurrentConnectionsInteropTest {
    static final int CONNECTIONS = 200;
    static final int BLOCK = 512;
    static final int BUFFER = 2048;

    static final String CLIENT = """
            import socket, sys
            addr, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
            def echo(s, msg):
                s.sendall(msg); got = b''
                while len(got) < len(msg):
                    b = s.recv(4096)
                    assert b, 'closed early'
                    got += b
                assert got == msg, (got, msg)
            socks = []
            for i in range(n):
                s = socket.create_connection((addr, port), timeout=20)
                echo(s, b'connection %d of %d ' % (i, n) * 8)
                socks.append(s)
            for i, s in enumerate(socks):
                echo(s, b'again %d ' % i * 20)
            for s in socks:
                s.close()
            print('ok', len(socks))
            """;

    /**
     * What one echo connection can hold at most: its control block ({@link TcpConnection#CHARGE}),
     * the service's slot (64 bytes), and in blocks: each way the larger of the guaranteed minimum
     * ({@link Tcp#floorBlocks}) and what the buffer can hold (the receive window's blocks and one
     * more for a partly filled block; the send buffer's blocks), and echo's spill block.
     */
    static long perConnection() {
        int floor = Tcp.floorBlocks(InteropRig.config(64 * 1024 + CONNECTIONS * 8192L, BLOCK, BUFFER));
        int windowBlocks = Math.max(floor, BUFFER / BLOCK + 1);
        int sendBlocks = Math.max(floor, BUFFER / BLOCK);
        return TcpConnection.CHARGE + 64 + (long) (windowBlocks + 1 + sendBlocks) * BLOCK;
    }

    @Test
    void twoHundredConnectionsHeldAtOnceAllServed() throws Exception {
        // The stack's own tables and frames (about 32 KiB at these settings) plus every connection at its worst.
        long budget = 64 * 1024 + CONNECTIONS * perConnection();
        try (InteropRig r = InteropRig.open(InteropRig.config(budget, BLOCK, BUFFER))) {
            Services svc = r.startServices(ServiceConfig.builder().tcp(ServiceKind.ECHO).udp()
                    .maxConnections(CONNECTIONS).backlog(16).buffers(BUFFER, BUFFER).build());
            int takenBefore = r.budget().takenBlocks();
            String out = r.python(60, CLIENT, r.sloop(), "7", Integer.toString(CONNECTIONS));
            assertEquals("ok " + CONNECTIONS, out.strip());
            r.assertAtBaseline();
            ServiceStats st = svc.stats(ServiceKind.ECHO, false);
            assertEquals(CONNECTIONS, st.served(), st::line);
            assertEquals(CONNECTIONS, st.peakActive(), "all held at once: " + st.line());
            assertEquals(0, st.refused(), st::line);
            assertEquals(0, st.errors(), st::line);
            assertEquals(0, r.budget().failures(), r::report);
            // Committed blocks count as free in used(): the peak of used and committed together.
            long peak = (long) (r.budget().peakTakenBlocks() - takenBefore) * BLOCK;
            System.out.printf("interop: %d connections, budget %,d bytes (%,d per connection at most), peak used + committed above idle %,d bytes (%,d per connection)%n",
                    CONNECTIONS, budget, perConnection(), peak, peak / CONNECTIONS);
            assertTrue(peak <= CONNECTIONS * perConnection(), r::report);
        }
    }
}
