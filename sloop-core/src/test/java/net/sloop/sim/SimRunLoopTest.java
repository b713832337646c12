package net.sloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import net.sloop.link.Link;
import net.sloop.time.Pollable;
import net.sloop.time.Time;
import net.sloop.time.TimerQueue;
import org.junit.jupiter.api.Test;

class SimRunLoopTest {
    /** A node that wants to be polled at fixed times and records when it was. */
    private static final class FakeNode implements Pollable {
        final List<Long> polled = new ArrayList<>();
        final long[] wants;
        int next;

        FakeNode(long... wants) {
            this.wants = wants;
        }

        @Override
        public long poll(long now) {
            polled.add(now);
            while (next < wants.length && wants[next] <= now) next++;
            return next < wants.length ? wants[next] : TimerQueue.NONE;
        }
    }

    @Test
    void withNothingScheduledTheClockJumpsToTheLimit() {
        SimNetwork net = new SimNetwork(1);
        net.runUntil(Time.seconds(60));
        assertEquals(Time.seconds(60), net.now());
        net.runFor(Time.millis(5));
        assertEquals(Time.seconds(60) + Time.millis(5), net.now());
        assertFalse(net.runUntil(() -> false, Long.MAX_VALUE), "nothing can ever happen");
        assertEquals(Time.seconds(60) + Time.millis(5), net.now());
        assertThrows(IllegalArgumentException.class, () -> net.runUntil(0));
    }

    @Test
    void nodesArePolledAtTheirDeadlinesAndNowhereElse() {
        SimNetwork net = new SimNetwork(1);
        FakeNode node = new FakeNode(Time.millis(10), Time.millis(25), Time.seconds(3));
        net.addNode(node);
        net.runUntil(Time.seconds(1));
        assertEquals(List.of(0L, Time.millis(10), Time.millis(25)), node.polled);
        assertEquals(Time.seconds(1), net.now());
        net.runUntil(Time.seconds(5));
        assertEquals(List.of(0L, Time.millis(10), Time.millis(25), Time.seconds(1), Time.seconds(3)), node.polled);
    }

    @Test
    void timeAdvancesOnlyToFrameArrivalsAndDeadlines() {
        SimNetwork net = new SimNetwork(1);
        SimPort a = net.port("a", Link.Kind.IP, 0, 1500, Impairments.none().withDelay(Time.millis(3)));
        SimPort b = net.port("b", Link.Kind.IP, 0, 1500, Impairments.none().withDelay(Time.millis(4)));
        net.connect(a, b);
        Frames.Recorder atB = new Frames.Recorder();
        Frames.Recorder atA = new Frames.Recorder();
        b.attach((now, src, off, len) -> {
            atB.receive(now, src, off, len);
            b.transmit(now, src, off, len); // echo
        });
        a.attach(atA);
        FakeNode node = new FakeNode(Time.millis(5));
        net.addNode(node);
        a.transmit(0, MemorySegment.ofArray(Frames.frame(40, 1)), 0, 40);
        assertTrue(net.runUntil(() -> atA.size() == 1, Time.seconds(1)));
        assertEquals(Time.millis(7), net.now(), "the echo arrived at 3 + 4 ms and the run stopped there");
        assertEquals(List.of(Time.millis(3)), atB.times);
        assertEquals(List.of(Time.millis(7)), atA.times);
        assertEquals(List.of(0L, Time.millis(3), Time.millis(5), Time.millis(7)), node.polled);
    }

    @Test
    void runUntilReportsWhenTheConditionNeverHolds() {
        SimNetwork net = new SimNetwork(1);
        net.addNode(new FakeNode(Time.millis(1)));
        assertFalse(net.runUntil(() -> false, Time.millis(10)));
        assertEquals(Time.millis(10), net.now());
        assertTrue(net.runUntil(() -> true, Time.millis(20)));
        assertEquals(Time.millis(10), net.now());
    }

    @Test
    void pokeAndEveryRunPollNodesAtOnce() {
        SimNetwork net = new SimNetwork(1);
        long[] deadline = {TimerQueue.NONE};
        List<Long> polled = new ArrayList<>();
        net.addNode(now -> {
            polled.add(now);
            long d = deadline[0];
            if (d <= now) deadline[0] = TimerQueue.NONE;
            return deadline[0];
        });
        net.runUntil(Time.millis(10));
        assertEquals(List.of(0L), polled);
        // An application call between runs makes the node want a poll at 12 ms.
        deadline[0] = Time.millis(12);
        net.poke();
        assertEquals(List.of(0L, Time.millis(10)), polled);
        net.runUntil(Time.millis(20));
        assertEquals(List.of(0L, Time.millis(10), Time.millis(10), Time.millis(12)), polled);
    }

    @Test
    void aNodeThatAlwaysWantsNowIsReportedAsALivelock() {
        SimNetwork net = new SimNetwork(1);
        net.addNode(now -> now);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.runFor(Time.seconds(1)));
        assertTrue(e.getMessage().contains("node #0"), e.getMessage());
    }

    @Test
    void twoPortsEchoingForeverWithNoDelayIsReportedAsALivelock() {
        SimNetwork net = new SimNetwork(1);
        SimPort a = net.port("a", Link.Kind.IP, 0, 1500, Impairments.none());
        SimPort b = net.port("b", Link.Kind.IP, 0, 1500, Impairments.none());
        net.connect(a, b);
        a.attach((now, src, off, len) -> a.transmit(now, src, off, len));
        b.attach((now, src, off, len) -> b.transmit(now, src, off, len));
        a.transmit(0, MemorySegment.ofArray(new byte[20]), 0, 20);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> net.runFor(1));
        assertTrue(e.getMessage().contains("no delay"), e.getMessage());
    }

    @Test
    void connectingAndJoiningAreChecked() {
        SimNetwork net = new SimNetwork(1);
        SimPort a = net.port("a", Link.Kind.IP, 0, 1500, Impairments.none());
        SimPort b = net.port("b", Link.Kind.IP, 0, 1500, Impairments.none());
        SimPort e = net.port("e", Link.Kind.ETHERNET, 5, 1500, Impairments.none());
        assertThrows(IllegalArgumentException.class, () -> net.connect(a, a));
        assertThrows(IllegalArgumentException.class, () -> net.connect(a, e));
        net.connect(a, b);
        assertEquals(b, a.peer());
        SimSegment s = net.segment("s");
        assertThrows(IllegalArgumentException.class, () -> s.join(a));
        SimPort c = net.port("c", Link.Kind.IP, 0, 1500, Impairments.none());
        s.join(c);
        assertThrows(IllegalArgumentException.class, () -> s.join(e));
        SimPort other = new SimNetwork(2).port("o", Link.Kind.IP, 0, 1500, Impairments.none());
        assertThrows(IllegalArgumentException.class, () -> s.join(other));
        assertThrows(IllegalArgumentException.class, () -> net.port("big", Link.Kind.IP, 0, 70_000, Impairments.none()));
        assertThrows(IllegalArgumentException.class, () -> net.port("mac", Link.Kind.ETHERNET, 1L << 48, 1500, Impairments.none()));
    }
}
