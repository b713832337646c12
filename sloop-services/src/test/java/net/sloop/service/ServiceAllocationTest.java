package net.sloop.service;

import static org.junit.jupiter.api.Assertions.*;

import java.util.function.BooleanSupplier;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The steady state of an echo or discard connection allocates nothing per segment: after a
 * warm-up, moving megabytes through the service (client, simulator, both stacks and the service,
 * all on this thread) allocates next to nothing on the heap. Discard drops its input where it
 * lies ({@link TcpSocket#skip}); its client counts what has been acknowledged.
 */
class ServiceAllocationTest {
    @ParameterizedTest
    @EnumSource(value = ServiceKind.class, names = {"ECHO", "DISCARD"})
    void movingDataAllocatesNothingPerSegment(ServiceKind kind) throws Exception {
        boolean echo = kind == ServiceKind.ECHO;
        ServiceNet n = new ServiceNet(41, ServiceNet.config(256 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp(kind).udp().build());
        TcpSocket c = n.connect(kind);
        assertTrue(n.runUntil(c::isConnected, Time.seconds(5)));
        byte[] out = ServicesTcpTest.data(64 * 1024, 41);
        byte[] in = new byte[64 * 1024];
        var outSeg = java.lang.foreign.MemorySegment.ofArray(out);
        var inSeg = java.lang.foreign.MemorySegment.ofArray(in);
        long[] moved = {0, 0}; // written, read
        long[] goal = {0};
        BooleanSupplier step = () -> {
            try {
                while (moved[0] < goal[0]) {
                    int w = c.write(outSeg, 0, (int) Math.min(out.length, goal[0] - moved[0]));
                    if (w == 0) break;
                    moved[0] += w;
                }
                if (echo) for (int r; (r = c.read(inSeg, 0, in.length)) > 0; ) moved[1] += r;
                else moved[1] = moved[0] - c.unacknowledged();
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            return moved[1] >= goal[0];
        };
        goal[0] = 2 << 20; // warm-up: compiles the paths, fills pools
        assertTrue(n.runUntil(step, Time.seconds(120)));
        SteadyState.Round r = SteadyState.measure(12, () -> { // rounds of 4 MB
            long start = moved[1];
            goal[0] += 4 << 20;
            assertTrue(n.runUntil(step, Time.seconds(240)));
            return moved[1] - start;
        }, segments -> segments / 4);
        System.out.printf("%s steady state: %d bytes moved (~%d segments%s), %d heap bytes allocated (%.3f per segment)%n",
                kind.serviceName(), r.bytes(), r.segments(), echo ? " each way" : "", r.allocated(), r.perSegment());
        assertTrue(r.allocated() < r.segments() / 4, "allocated " + r.allocated() + " heap bytes for " + r.segments() + " segments");
        c.close();
        svc.close();
        n.finish();
    }
}
