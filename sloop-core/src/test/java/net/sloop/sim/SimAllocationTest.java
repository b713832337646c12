package net.sloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import net.sloop.link.FrameReceiver;
import net.sloop.link.Link;
import net.sloop.time.Time;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.api.Test;

class SimAllocationTest {
    private static final class Sum implements FrameReceiver {
        long sum;
        long frames;

        @Override
        public void receive(long now, MemorySegment src, long off, int len) {
            sum += src.get(ValueLayout.JAVA_BYTE, off + len - 1);
            frames++;
        }
    }

    @Test
    void steadyStateDeliveryAllocatesNothingPerFrame() {
        SimNetwork net = new SimNetwork(99);
        Impairments imp = Impairments.none().withDelay(Time.millis(1)).withJitter(200 * Time.MICROS).withLoss(0.01)
                .withDuplicate(0.01).withCorrupt(0.01).withReorder(0.01, Time.millis(2)).withBandwidth(1_000_000_000L);
        SimPort a = net.port("a", Link.Kind.ETHERNET, 1, 1500, imp);
        SimPort b = net.port("b", Link.Kind.ETHERNET, 2, 1500, imp);
        net.connect(a, b);
        Sum atA = new Sum();
        Sum atB = new Sum();
        a.attach(atA);
        b.attach(atB);
        long[] ticks = {0};
        net.addNode(now -> {
            ticks[0]++;
            return now + 50 * Time.MICROS;
        });
        MemorySegment frame = MemorySegment.ofArray(new byte[1000]);
        Runnable burst = () -> {
            for (int i = 0; i < 10_000; i++) {
                a.transmit(net.now(), frame, 0, 1000);
                b.transmit(net.now(), frame, 0, 600);
                net.runFor(10 * Time.MICROS);
            }
        };
        burst.run(); // warm-up: grows the pool and the queue, compiles the loop
        burst.run();
        long before = SteadyState.allocatedBytes();
        long framesBefore = atA.frames + atB.frames;
        for (int k = 0; k < 5; k++) burst.run();
        long allocated = SteadyState.allocatedBytes() - before;
        long frames = atA.frames + atB.frames - framesBefore;
        assertTrue(frames > 95_000, "delivered " + frames);
        assertTrue(allocated < frames / 10, "allocated " + allocated + " bytes for " + frames + " frames");
        net.runFor(Time.seconds(1));
        assertEquals(0, net.inFlight());
        assertEquals(a.stats().transmitted() + a.stats().duplicated(), a.stats().accounted());
        assertTrue(ticks[0] > 0);
    }
}
