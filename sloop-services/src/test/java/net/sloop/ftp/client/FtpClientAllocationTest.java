package net.sloop.ftp.client;

import static org.junit.jupiter.api.Assertions.*;

import net.sloop.ftp.sim.FtpNet;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.api.Test;

/**
 * A RETR's steady state allocates nothing per segment in the client: once the transfer is under
 * way, megabytes through the client into a {@link Sha256Sink} (the simulator, both stacks, the
 * client and a server that writes from one preallocated buffer, all on this thread) allocate next
 * to nothing on the heap.
 */
class FtpClientAllocationTest {
    @Test
    void aRetrieveAllocatesNothingPerSegment() throws Exception {
        FtpNet n = new FtpNet(17, FtpNet.config(1 << 20, 1, 1).build(), FtpNet.config(1 << 20, 0, 2).build(), FtpNet.wire());
        long total = 256L << 20;
        byte[] block = new byte[16 * 1024];
        new java.util.Random(1).nextBytes(block);
        var blockSeg = java.lang.foreign.MemorySegment.ofArray(block);
        long[] sent = {0};
        TcpSocket[] data = {null};
        ScriptedServer[] srv = {null};
        // The data side: a listener that pumps the block until `total` bytes are written, then closes and says 226.
        TcpListener dl = n.server.tcp().listen(0, 40_100);
        TcpSocket.Listener pump = (s, ev) -> {
            try {
                while (sent[0] < total) {
                    int w = s.write(blockSeg, 0, (int) Math.min(block.length, total - sent[0]));
                    if (w == 0) return;
                    sent[0] += w;
                }
                if (data[0] != null) {
                    data[0] = null;
                    s.close();
                    srv[0].reply("226 done");
                }
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
        };
        dl.setListener(l -> {
            TcpSocket s = l.accept();
            if (s != null) {
                data[0] = s;
                s.setListener(pump);
            }
        });
        srv[0] = new ScriptedServer(n.server, "220 hi\r\n", ScriptedServer.login((s, cmd) -> {
            if (cmd.equals("PASV")) s.reply("227 Entering Passive Mode (198,18,0,2,156,164).");
            else if (cmd.startsWith("RETR")) {
                s.reply("150 here it comes");
                pump.onEvent(data[0], TcpSocket.WRITABLE);
            }
        }));
        FtpClient[] c = {null};
        Outcome[] got = {null};
        n.sync();
        c[0] = FtpClient.open(n.client, FtpNet.SERVER, 21, FtpClientConfig.builder().scratchBytes(16 * 1024).build(), (cl, o) -> got[0] = o);
        assertTrue(n.runUntil(() -> got[0] != null, Time.seconds(5)));
        assertEquals(Outcome.OK, got[0]);
        got[0] = null;
        Sha256Sink sink = new Sha256Sink();
        n.sync();
        c[0].retr("big", sink, (cl, o) -> got[0] = o);
        assertTrue(n.runUntil(() -> c[0].transferred() >= 16 << 20, Time.seconds(600))); // warm-up: compiles the paths
        SteadyState.Round r = SteadyState.measure(12, () -> { // rounds of 16 MB
            long start = c[0].transferred();
            long goal = start + (16 << 20);
            assertTrue(n.runUntil(() -> c[0].transferred() >= goal, Time.seconds(600)));
            return c[0].transferred() - start;
        }, segments -> segments / 4);
        System.out.printf("ftp client RETR steady state: ~%d segments, %d heap bytes allocated (%.3f per segment)%n",
                r.segments(), r.allocated(), r.perSegment());
        assertTrue(r.allocated() < r.segments() / 4, "allocated " + r.allocated() + " heap bytes for " + r.segments() + " segments");
        assertTrue(n.runUntil(() -> got[0] != null, Time.seconds(600)));
        assertEquals(Outcome.OK, got[0]);
        assertEquals(total, c[0].transferred());
        assertEquals(Outcome.OK, op(n, c[0]::quit));
        dl.close();
        srv[0].closeAll();
        n.finish();
    }

    private static Outcome op(FtpNet n, java.util.function.Consumer<Done> start) {
        Outcome[] got = {null};
        n.sync();
        start.accept((c, o) -> got[0] = o);
        assertTrue(n.runUntil(() -> got[0] != null, Time.seconds(10)));
        return got[0];
    }
}
