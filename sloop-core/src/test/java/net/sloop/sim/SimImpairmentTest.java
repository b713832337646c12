package net.sloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.sloop.link.Link;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

class SimImpairmentTest {
    /** Two Ethernet ports, a impaired towards b, b's frames recorded. */
    private record Pair(SimNetwork net, SimPort a, SimPort b, Frames.Recorder got) {
        static Pair of(long seed, Impairments ab) {
            SimNetwork net = new SimNetwork(seed);
            SimPort a = net.port("a", Link.Kind.ETHERNET, 0x020000000001L, 1500, ab);
            SimPort b = net.port("b", Link.Kind.ETHERNET, 0x020000000002L, 1500, Impairments.none());
            net.connect(a, b);
            Frames.Recorder got = new Frames.Recorder();
            b.attach(got);
            return new Pair(net, a, b, got);
        }

        boolean send(byte[] f) {
            return a.transmit(net.now(), MemorySegment.ofArray(f), 0, f.length);
        }

        /** Sends {@code n} numbered frames {@code gap} ns apart, then lets everything arrive. */
        void stream(int n, int len, long gap) {
            for (int i = 0; i < n; i++) {
                send(Frames.frame(len, i));
                net.runFor(gap);
            }
            net.runFor(Time.seconds(10));
            assertEquals(0, net.inFlight());
            PortStats s = a.stats();
            assertEquals(s.transmitted() + s.duplicated(), s.accounted(), "every copy accounted once: " + s);
            assertEquals(s.delivered(), got.size());
        }
    }

    private static final Impairments EVERYTHING = Impairments.none().withLoss(0.1).withDelay(Time.millis(2))
            .withJitter((300 * Time.MICROS)).withReorder(0.05, Time.millis(3)).withDuplicate(0.05).withCorrupt(0.05)
            .withBandwidth(10_000_000, 8_000);

    private static long run(long seed) {
        Pair p = Pair.of(seed, EVERYTHING);
        p.stream(3000, 200, (150 * Time.MICROS));
        assertTrue(p.a.stats().queueDropped() > 0 && p.a.stats().lost() > 0);
        return p.got.hash();
    }

    @Test
    void sameSeedReplaysTheSameFramesAtTheSameTimes() {
        assertEquals(run(42), run(42));
    }

    @Test
    void differentSeedsDiffer() {
        assertNotEquals(run(42), run(43));
    }

    @Test
    void perfectLinkDeliversAtOnceUnchanged() {
        Pair p = Pair.of(1, Impairments.none());
        p.net.runFor(Time.millis(1));
        byte[] f = Frames.frame(100, 7);
        assertTrue(p.send(f));
        assertEquals(1, p.net.inFlight());
        p.net.runFor(0);
        assertEquals(List.of(Time.millis(1)), p.got.times);
        assertEquals(List.of(7), p.got.numbers());
    }

    @Test
    void tenPercentLossLosesTenPercent() {
        Pair p = Pair.of(7, Impairments.none().withLoss(0.1));
        p.stream(100_000, 60, 1000);
        long lost = p.a.stats().lost();
        assertTrue(lost >= 9_000 && lost <= 11_000, "lost " + lost);
        assertEquals(100_000 - lost, p.got.size());
    }

    @Test
    void duplicatesAreCountedAndArriveTwice() {
        Pair p = Pair.of(8, Impairments.none().withDuplicate(0.2).withDelay(1000).withJitter(500));
        p.stream(10_000, 64, 100);
        long dup = p.a.stats().duplicated();
        assertTrue(dup > 1_600 && dup < 2_400, "duplicated " + dup);
        Map<Integer, Integer> seen = new HashMap<>();
        for (int n : p.got.numbers()) seen.merge(n, 1, Integer::sum);
        assertEquals(10_000, seen.size());
        assertEquals(dup, seen.values().stream().filter(c -> c == 2).count());
        assertEquals(10_000 + dup, p.got.size());
        // Jitter alone never reorders.
        List<Integer> nums = p.got.numbers();
        for (int i = 1; i < nums.size(); i++) assertTrue(nums.get(i) >= nums.get(i - 1));
    }

    @Test
    void corruptionFlipsExactlyOneBitAndIsCounted() {
        Pair p = Pair.of(9, Impairments.none().withCorrupt(0.3));
        int n = 5_000;
        p.stream(n, 100, 100);
        long corrupted = p.a.stats().corrupted();
        assertTrue(corrupted > 1_300 && corrupted < 1_700, "corrupted " + corrupted);
        int changed = 0;
        for (int i = 0; i < n; i++) {
            byte[] got = p.got.frames.get(i);
            byte[] sent = Frames.frame(100, i);
            int bits = 0;
            for (int j = 0; j < 100; j++) bits += Integer.bitCount((got[j] ^ sent[j]) & 0xff);
            assertTrue(bits <= 1);
            changed += bits;
        }
        assertEquals(corrupted, changed);
    }

    @Test
    void reorderingLetsLaterFramesOvertake() {
        Pair p = Pair.of(10, Impairments.none().withDelay(Time.millis(1)).withReorder(0.1, Time.millis(5)));
        p.stream(1_000, 64, Time.millis(1));
        long reordered = p.a.stats().reordered();
        assertTrue(reordered > 60 && reordered < 140, "reordered " + reordered);
        List<Integer> nums = p.got.numbers();
        assertEquals(1_000, nums.size());
        int overtaken = 0;
        for (int i = 1; i < nums.size(); i++) if (nums.get(i) < nums.get(i - 1)) overtaken++;
        assertTrue(overtaken > 50, "only " + overtaken + " frames arrived after a later one");
        // Arrival times never go backwards: the delivered sequence is the order of arrival.
        for (int i = 1; i < nums.size(); i++) assertTrue(p.got.times.get(i) >= p.got.times.get(i - 1));
    }

    @Test
    void bandwidthSerialisesFramesBackToBack() {
        // 8 Mbit/s: a 1000-byte frame takes exactly 1 ms.
        Pair p = Pair.of(11, Impairments.none().withBandwidth(8_000_000).withDelay((10 * Time.MICROS)));
        assertEquals(Time.millis(1), SimNetwork.serialisationNanos(1000, 8_000_000));
        for (int i = 0; i < 20; i++) assertTrue(p.send(Frames.frame(1000, i)));
        p.net.runFor(Time.seconds(1));
        assertEquals(20, p.got.size());
        for (int i = 0; i < 20; i++) assertEquals(Time.millis(i + 1) + (10 * Time.MICROS), p.got.times.get(i));
    }

    @Test
    void fullTransmitQueueTailDrops() {
        Pair p = Pair.of(12, Impairments.none().withBandwidth(8_000_000, 5_000));
        int accepted = 0;
        for (int i = 0; i < 10; i++) if (p.send(Frames.frame(1000, i))) accepted++;
        assertEquals(5, accepted);
        assertEquals(5, p.a.stats().queueDropped());
        // After 2 ms two frames have left the queue: room for two more, not three.
        p.net.runFor(Time.millis(2));
        assertTrue(p.send(Frames.frame(1000, 100)));
        assertTrue(p.send(Frames.frame(1000, 101)));
        assertFalse(p.send(Frames.frame(1000, 102)));
        p.net.runFor(Time.seconds(1));
        assertEquals(List.of(0, 1, 2, 3, 4, 100, 101), p.got.numbers());
        assertEquals(Time.millis(7), p.got.times.getLast());
        assertEquals(6, p.a.stats().queueDropped());
    }

    @Test
    void framesOverTheMtuAreDroppedAndCounted() {
        Pair p = Pair.of(13, Impairments.none());
        assertTrue(p.send(Frames.frame(1514, 1)));
        assertFalse(p.send(Frames.frame(1515, 2)));
        p.a.setOutbound(Impairments.none().withMtu(576));
        assertTrue(p.send(Frames.frame(590, 3)));
        assertFalse(p.send(Frames.frame(591, 4)));
        p.net.runFor(1);
        assertEquals(List.of(1, 3), p.got.numbers());
        assertEquals(2, p.a.stats().tooBig());

        SimNetwork net = new SimNetwork(1);
        SimPort x = net.port("x", Link.Kind.IP, 0, 1280, Impairments.none());
        SimPort y = net.port("y", Link.Kind.IP, 0, 1280, Impairments.none());
        net.connect(x, y);
        assertEquals(0, x.mac());
        assertTrue(x.transmit(0, MemorySegment.ofArray(Frames.frame(1280, 0)), 0, 1280));
        assertFalse(x.transmit(0, MemorySegment.ofArray(Frames.frame(1281, 0)), 0, 1281));
        assertEquals(1, x.stats().tooBig());
    }

    @Test
    void aSegmentDeliversEachFrameToEveryOtherPort() {
        SimNetwork net = new SimNetwork(3);
        SimSegment lan = net.segment("lan");
        SimPort[] ports = new SimPort[3];
        Frames.Recorder[] got = new Frames.Recorder[3];
        for (int i = 0; i < 3; i++) {
            ports[i] = net.port("p" + i, Link.Kind.ETHERNET, 0x020000000010L + i, 1500, Impairments.none().withDelay(100));
            lan.join(ports[i]);
            got[i] = new Frames.Recorder();
            ports[i].attach(got[i]);
        }
        assertEquals(3, lan.size());
        for (int i = 0; i < 3; i++) {
            byte[] f = Frames.frame(60, i);
            assertTrue(ports[i].transmit(net.now(), MemorySegment.ofArray(f), 0, f.length));
        }
        net.runFor(1000);
        assertEquals(List.of(1, 2), got[0].numbers());
        assertEquals(List.of(0, 2), got[1].numbers());
        assertEquals(List.of(0, 1), got[2].numbers());
        for (SimPort p : ports) {
            assertEquals(2, p.stats().transmitted());
            assertEquals(2, p.stats().delivered());
        }
    }

    @Test
    void segmentCopiesAreImpairedIndependently() {
        SimNetwork net = new SimNetwork(4);
        SimSegment lan = net.segment("lan");
        SimPort a = net.port("a", Link.Kind.ETHERNET, 1, 1500, Impairments.none().withLoss(0.5));
        SimPort b = net.port("b", Link.Kind.ETHERNET, 2, 1500, Impairments.none());
        SimPort c = net.port("c", Link.Kind.ETHERNET, 3, 1500, Impairments.none());
        lan.join(a).join(b).join(c);
        Frames.Recorder gb = new Frames.Recorder();
        Frames.Recorder gc = new Frames.Recorder();
        b.attach(gb);
        c.attach(gc);
        for (int i = 0; i < 2000; i++) a.transmit(net.now(), MemorySegment.ofArray(Frames.frame(60, i)), 0, 60);
        net.runFor(1);
        assertNotEquals(gb.numbers(), gc.numbers());
        assertEquals(4000, a.stats().transmitted());
        assertEquals(a.stats().transmitted(), a.stats().accounted());
    }

    @Test
    void aPortConnectedToNothingCountsItsFrames() {
        SimNetwork net = new SimNetwork(5);
        SimPort lonely = net.port("lonely", Link.Kind.IP, 0, 1500, Impairments.none());
        assertTrue(lonely.transmit(0, MemorySegment.ofArray(new byte[20]), 0, 20));
        assertEquals(1, lonely.stats().noPeer());
        assertEquals(0, lonely.stats().transmitted());
        assertEquals(0, net.inFlight());
    }
}
