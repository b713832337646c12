package net.sloop.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.tcp.TcpError;
import net.sloop.tcp.TcpState;
import net.sloop.tcp.TcpStats;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How connections end between Linux (python3 in the namespace) and Sloop (a {@link
 * BlockingSocket}): each side closing first, each side resetting; the states and errors seen at
 * both ends, and Sloop's budget back where it was after each.
 */
@Timeout(60)
class CloseInteropTest {
    static final int PORT = 6000;

    @Test
    void linuxClosesFirst() throws Exception {
        try (InteropRig r = rig()) {
            BlockingServerSocket server = r.rig.tcp.listen(0, PORT, 4);
            CompletableFuture<String> sloop = InteropRig.onVirtualThread(() -> {
                try (BlockingSocket s = server.accept(Duration.ofSeconds(20))) {
                    s.setSoTimeout(Duration.ofSeconds(20));
                    String got = readAll(s);
                    TcpState after = s.state(); // the peer's FIN is in: CLOSE_WAIT
                    s.close(); // our FIN: LAST_ACK, then CLOSED when Linux acknowledges it
                    return got + "|" + after;
                }
            });
            String linux = r.python(20, """
                    import socket, sys
                    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
                    s.sendall(b'hello from linux'); s.close(); print('closed')
                    """, r.sloop(), Integer.toString(PORT));
            assertEquals("closed", linux.strip());
            assertEquals("hello from linux|" + TcpState.CLOSE_WAIT, sloop.get(20, TimeUnit.SECONDS));
            server.close();
            r.assertAtBaseline();
            // Linux, the first to close, holds TIME_WAIT; Sloop holds no record for the connection.
            String ss = r.run(10, "ss", "-Htan", "state", "time-wait", "dst", r.sloop());
            assertTrue(ss.contains(r.sloop() + ":" + PORT), ss);
            assertEquals(0, r.rig.locked(() -> r.rig.stack.tcp().timeWaitRecords()));
            TcpStats st = r.rig.stack.tcp().counters();
            assertEquals(0, st.resetsReceived + st.resetsSent, r::report);
        }
    }

    @Test
    void sloopClosesFirst() throws Exception {
        try (InteropRig r = rig()) {
            BlockingServerSocket server = r.rig.tcp.listen(0, PORT, 4);
            CompletableFuture<TcpState> sloop = InteropRig.onVirtualThread(() -> {
                BlockingSocket s = server.accept(Duration.ofSeconds(20));
                s.write("hello from sloop".getBytes(StandardCharsets.US_ASCII));
                s.close(); // FIN_WAIT_1, FIN_WAIT_2 (Linux's ACK), TIME_WAIT (Linux's FIN)
                return s.state();
            });
            String linux = r.python(20, """
                    import socket, sys
                    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
                    got = b''
                    while True:
                        b = s.recv(4096)
                        if not b: break
                        got += b
                    s.close()
                    print(got.decode(), 'eof')
                    """, r.sloop(), Integer.toString(PORT));
            assertEquals("hello from sloop eof", linux.strip());
            sloop.get(20, TimeUnit.SECONDS);
            // Sloop, the first to close, ends in TIME_WAIT: a record, with every buffer freed.
            assertTrue(r.rig.settle(() -> r.rig.stack.tcp().timeWaitRecords() == 1, 5000), r::report);
            server.close();
            r.assertAtBaseline();
            assertEquals("", r.run(10, "ss", "-Htan", "dst", r.sloop()).strip(), "Linux holds nothing for the connection");
            TcpStats st = r.rig.stack.tcp().counters();
            assertEquals(0, st.resetsReceived + st.resetsSent, r::report);
        }
    }

    @Test
    void linuxResets() throws Exception {
        try (InteropRig r = rig()) {
            BlockingServerSocket server = r.rig.tcp.listen(0, PORT, 4);
            CompletableFuture<java.net.SocketException> sloop = InteropRig.onVirtualThread(() -> {
                try (BlockingSocket s = server.accept(Duration.ofSeconds(20))) {
                    s.setSoTimeout(Duration.ofSeconds(20));
                    byte[] b = new byte[64];
                    int n = s.read(b);
                    s.write(b, 0, n); // tells Linux we have read it
                    return assertThrows(java.net.SocketException.class, () -> s.read(b));
                }
            });
            String linux = r.python(20, """
                    import socket, struct, sys
                    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
                    s.sendall(b'x'); assert s.recv(1) == b'x'
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                    s.close(); print('reset sent')
                    """, r.sloop(), Integer.toString(PORT));
            assertEquals("reset sent", linux.strip());
            java.net.SocketException e = sloop.get(20, TimeUnit.SECONDS);
            assertEquals(TcpError.RESET, TcpError.of(e), e.toString());
            server.close();
            r.assertAtBaseline();
            assertEquals(0, r.rig.locked(() -> r.rig.stack.tcp().timeWaitRecords()));
            assertEquals(1, r.rig.stack.tcp().counters().resetsReceived, r::report);
        }
    }

    @Test
    void sloopResets() throws Exception {
        try (InteropRig r = rig()) {
            BlockingServerSocket server = r.rig.tcp.listen(0, PORT, 4);
            CompletableFuture<Boolean> sloop = InteropRig.onVirtualThread(() -> {
                BlockingSocket s = server.accept(Duration.ofSeconds(20));
                s.setSoTimeout(Duration.ofSeconds(20));
                byte[] b = new byte[64];
                s.read(b);
                s.abort(); // RST, everything freed at once
                return s.isClosed();
            });
            HostNet.Result res = r.ns.exec(20, "python3", "-c", """
                    import socket, sys
                    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
                    s.sendall(b'x')
                    try:
                        s.recv(1); print('no reset')
                    except ConnectionResetError as e:
                        print('ConnectionResetError', e.errno)
                    """, r.sloop(), Integer.toString(PORT));
            assertTrue(res.ok(), res::output);
            assertEquals("ConnectionResetError 104", res.output().strip()); // ECONNRESET
            assertTrue(sloop.get(20, TimeUnit.SECONDS));
            server.close();
            r.assertAtBaseline();
            assertFalse(r.rig.locked(() -> r.rig.stack.tcp().timeWaitRecords()) > 0, "an aborted connection keeps no TIME_WAIT");
            assertEquals(1, r.rig.stack.tcp().counters().resetsSent, r::report);
        }
    }

    private static InteropRig rig() throws Exception {
        return InteropRig.open(InteropRig.config(128 * 1024, 512, 8192));
    }

    private static String readAll(BlockingSocket s) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] b = new byte[256];
        for (int n; (n = s.read(b)) > 0; ) sb.append(new String(b, 0, n, StandardCharsets.US_ASCII));
        return sb.toString();
    }
}
