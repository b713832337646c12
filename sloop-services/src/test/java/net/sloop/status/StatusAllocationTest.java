package net.sloop.status;

import static org.junit.jupiter.api.Assertions.*;

import java.util.function.BooleanSupplier;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.Services;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpObserver;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.api.Test;

/**
 * The live view costs the hot path nothing: taking a snapshot, rendering it as JSON and the
 * history as CSV, and sampling allocate nothing once warm; and with an observer attached (as serve
 * attaches its log) echoing megabytes allocates nothing per segment.
 */
class StatusAllocationTest {
    @Test
    void snapshotsAndRenderingAllocateNothing() throws Exception {
        StatusNet n = new StatusNet(31, 256 * 1024);
        Services svc = Services.start(n.server, ServiceConfig.builder().tcp(ServiceKind.ECHO).udp(ServiceKind.ECHO).build());
        StatusView v = StatusView.open(n.server, StatusView.Config.defaults(), Sources.of(svc, null));
        n.sync();
        TcpSocket c = n.client.tcp().connect(StatusNet.SERVER, 7);
        assertTrue(n.runUntil(c::isConnected, Time.seconds(5)));
        long[] bytes = {0};
        ByteSink count = (b, off, len) -> bytes[0] += len;
        long before = 0, after = 0, nanos = 0;
        for (int round = 0; round < 10; round++) {
            long t0 = System.nanoTime();
            before = SteadyState.allocatedBytes();
            for (int i = 0; i < 2000; i++) {
                v.json(i, count);
                v.sampleIfDue(i);
                v.writeCsv(count);
            }
            after = SteadyState.allocatedBytes();
            nanos = System.nanoTime() - t0;
            if (after - before < 2000) break;
        }
        System.out.printf("live view: 2000 snapshots rendered (%d bytes of JSON and CSV), %d heap bytes allocated, %.1f us each%n", bytes[0],
                after - before, nanos / 2000 / 1e3);
        assertTrue(after - before < 2000, "allocated " + (after - before) + " bytes for 2000 snapshots");
        c.close();
        n.run(Time.seconds(61));
        v.close();
        svc.close();
    }

    @Test
    void echoWithAnObserverAllocatesNothingPerSegment() throws Exception {
        StatusNet n = new StatusNet(32, 256 * 1024);
        assertTrue(n.server.tcp().observe(new TcpObserver() {}));
        assertTrue(n.client.tcp().observe(new TcpObserver() {}));
        Services svc = Services.start(n.server, ServiceConfig.builder().tcp(ServiceKind.ECHO).udp().build());
        n.sync();
        TcpSocket c = n.client.tcp().connect(StatusNet.SERVER, 7);
        assertTrue(n.runUntil(c::isConnected, Time.seconds(5)));
        byte[] out = new byte[64 * 1024], in = new byte[64 * 1024];
        var outSeg = java.lang.foreign.MemorySegment.ofArray(out);
        var inSeg = java.lang.foreign.MemorySegment.ofArray(in);
        long[] moved = {0, 0}, goal = {2 << 20};
        BooleanSupplier step = () -> {
            try {
                while (moved[0] < goal[0]) {
                    int w = c.write(outSeg, 0, (int) Math.min(out.length, goal[0] - moved[0]));
                    if (w == 0) break;
                    moved[0] += w;
                }
                for (int r; (r = c.read(inSeg, 0, in.length)) > 0; ) moved[1] += r;
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            return moved[1] >= goal[0];
        };
        assertTrue(n.runUntil(step, Time.seconds(120)));
        SteadyState.Round r = SteadyState.measure(12, () -> { // rounds of 4 MB
            long start = moved[1];
            goal[0] += 4 << 20;
            assertTrue(n.runUntil(step, Time.seconds(240)));
            return moved[1] - start;
        }, segments -> Math.max(segments / 4, 4096));
        System.out.printf("echo with an observer: ~%d segments each way, %d heap bytes allocated%n", r.segments(), r.allocated());
        // Less than a byte a segment: the test's own calls into the simulator (a lambda each) are all there is.
        assertTrue(r.allocated() < Math.max(r.segments() / 4, 4096), "allocated " + r.allocated() + " heap bytes for " + r.segments() + " segments");
        c.close();
        svc.close();
        n.run(Time.seconds(61));
        n.server.tcp().observe(null);
        n.client.tcp().observe(null);
    }
}
