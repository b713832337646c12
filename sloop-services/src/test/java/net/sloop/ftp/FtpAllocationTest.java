package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;
import net.sloop.fs.MemoryFs;
import net.sloop.testing.SteadyState;
import net.sloop.tcp.TcpException;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The steady state of a transfer allocates nothing per segment: after a warm-up, a RETR moving
 * megabytes (client, simulator, both stacks and the server, all on this thread) allocates next to
 * nothing on the heap.
 */
class FtpAllocationTest {
    @Test
    void retrieveAllocatesNothingPerSegment() throws Exception {
        FtpNet n = new FtpNet(70, 256 * 1024);
        MemoryFs fs = FtpNet.memfs(64 << 20);
        byte[] data = FtpDataTest.random(48 << 20, 70);
        FtpBasicTest.put(fs, "/big.bin", data);
        n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        c.send("RETR big.bin");
        c.expect(150);
        byte[] in = new byte[64 * 1024];
        MemorySegment inSeg = MemorySegment.ofArray(in);
        long[] got = {0};
        long[] goal = {8 << 20}; // warm-up
        BooleanSupplier step = () -> {
            try {
                for (int r; got[0] < goal[0] && (r = d.s.read(inSeg, 0, in.length)) > 0; ) got[0] += r;
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            return got[0] >= goal[0];
        };
        assertTrue(n.runUntil(step, Time.seconds(300)));
        SteadyState.Round r = SteadyState.measure(8, () -> { // rounds of 4 MB
            long start = got[0];
            goal[0] += 4 << 20;
            assertTrue(n.runUntil(step, Time.seconds(300)));
            return got[0] - start;
        }, segments -> segments / 4);
        System.out.printf("RETR steady state: %d bytes (~%d segments), %d heap bytes allocated (%.3f per segment)%n", r.bytes(), r.segments(),
                r.allocated(), r.perSegment());
        assertTrue(r.allocated() < r.segments() / 4, "allocated " + r.allocated() + " heap bytes for " + r.segments() + " segments");
        goal[0] = data.length;
        assertTrue(n.runUntil(step, Time.seconds(600)));
        assertTrue(n.runUntil(d::pull, Time.seconds(10)));
        d.s.close();
        c.expect(226);
        c.quit();
        n.finish();
    }
}
