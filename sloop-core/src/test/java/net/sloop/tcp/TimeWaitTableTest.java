package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Timer;
import net.sloop.time.TimerQueue;
import net.sloop.testing.SteadyState;
import org.junit.jupiter.api.Test;

class TimeWaitTableTest {
    static final long SEC = 1_000_000_000L;
    static final long MS = 1_000_000L;
    static final long TW = 60 * SEC;
    static final int BS = 512;
    static final int K = BS / TimeWaitTable.RECORD_BYTES; // 12
    static final int L = 0xC6120001;
    static final long K0 = 0x0DDB_A11L, K1 = 0xC0FFEEL;

    final Budget budget = LeakCheck.track(new Budget(64 * 1024, BS, 4));
    final TimerQueue timers = new TimerQueue(16);

    TimeWaitTable table(int capacity) {
        return LeakCheck.closeLater(new TimeWaitTable(budget, timers, capacity, TW, K0, K1));
    }

    /** A record for remote address 10.0.(i/60000).x and port from i; fields derived from i. */
    static int raddr(int i) {
        return 0x0A000000 + i / 50_000;
    }

    static int rport(int i) {
        return 1024 + i % 50_000;
    }

    static int add(TimeWaitTable t, long now, int i) {
        return t.add(now, L, 80, raddr(i), rport(i), 1000 + i, 2000 + i, 3000 + i, 4000 + i, i & 0xFFFF, i & 3);
    }

    static int find(TimeWaitTable t, int i) {
        return t.find(L, 80, raddr(i), rport(i));
    }

    @Test
    void addFindReadAndRemove() {
        TimeWaitTable t = table(100);
        assertEquals(108, t.capacity(), "rounded up to whole blocks of 12");
        assertEquals(K, t.recordsPerBlock());
        assertEquals(0, t.blocksHeld());
        assertEquals(0, budget.used(Category.TIME_WAIT), "an empty table holds no block");
        assertEquals(t.controlBytes(), budget.used(Category.CONTROL));

        int s = t.add(5 * SEC, L, 80, 0x0A000002, 51000, 111, 222, 333, 444, 0xFFFF, TimeWaitTable.TIMESTAMPS);
        assertTrue(s >= 0);
        assertEquals(s, t.find(L, 80, 0x0A000002, 51000));
        assertEquals(s, t.find(L, 80 | 0x10000, 0x0A000002, 51000), "ports are 16 bits");
        assertEquals(-1, t.find(L, 81, 0x0A000002, 51000));
        assertEquals(-1, t.find(L, 80, 0x0A000003, 51000));
        assertEquals(-1, t.find(L + 1, 80, 0x0A000002, 51000));
        assertEquals(-1, t.find(L, 80, 0x0A000002, 51001));
        assertEquals(L, t.localAddress(s));
        assertEquals(80, t.localPort(s));
        assertEquals(0x0A000002, t.remoteAddress(s));
        assertEquals(51000, t.remotePort(s));
        assertEquals(111, t.sndNxt(s));
        assertEquals(222, t.rcvNxt(s));
        assertEquals(333, t.tsRecent(s));
        assertEquals(444, t.tsOffset(s));
        assertEquals(0xFFFF, t.window(s));
        assertEquals(TimeWaitTable.TIMESTAMPS, t.flags(s));
        assertEquals(65 * SEC, t.expiresAt(s));
        t.tsRecent(s, -5);
        t.rcvNxt(s, 0x8000_0001);
        assertEquals(-5, t.tsRecent(s));
        assertEquals(0x8000_0001, t.rcvNxt(s));
        assertEquals(1, t.size());
        assertEquals(1, t.blocksHeld());
        assertEquals(BS, budget.used(Category.TIME_WAIT));
        assertEquals(BS, t.owner().used(Category.TIME_WAIT));
        assertEquals(65 * SEC, timers.nextDeadline());

        t.remove(s);
        assertEquals(-1, t.find(L, 80, 0x0A000002, 51000));
        assertEquals(0, t.size());
        assertEquals(0, t.blocksHeld());
        assertEquals(0, budget.used(Category.TIME_WAIT));
        assertEquals(TimerQueue.NONE, timers.nextDeadline());
        assertThrows(IllegalArgumentException.class, () -> t.sndNxt(s));
        assertThrows(IllegalArgumentException.class, () -> t.remove(s));
        assertThrows(IllegalArgumentException.class, () -> t.sndNxt(-1));
        assertThrows(IllegalArgumentException.class, () -> t.sndNxt(108));

        t.close();
        assertEquals(0, t.owner().used());
        assertThrows(IllegalStateException.class, () -> add(t, 0, 1));
        t.close(); // idempotent
    }

    @Test
    void addingTheSameTupleReplacesTheRecord() {
        TimeWaitTable t = table(24);
        int a = add(t, 0, 7);
        add(t, 0, 8);
        int b = t.add(SEC, L, 80, raddr(7), rport(7), 9, 9, 9, 9, 9, 0);
        assertNotEquals(a, b);
        assertEquals(2, t.size());
        assertEquals(b, find(t, 7));
        assertEquals(9, t.sndNxt(b));
        assertEquals(0, t.recycled());
        assertEquals(TW, timers.nextDeadline(), "record 8 is the head now");
        t.remove(find(t, 8));
        assertEquals(SEC + TW, timers.nextDeadline(), "then the new record");
    }

    @Test
    void recordsExpireInVirtualTime() {
        TimeWaitTable t = table(100);
        for (int i = 0; i < 30; i++) add(t, i * SEC, i);
        assertEquals(3, t.blocksHeld());
        assertEquals(TW, timers.nextDeadline());
        assertEquals(0, timers.runDue(TW - 1));
        assertEquals(30, t.size());
        assertEquals(1, timers.runDue(TW));
        assertEquals(29, t.size());
        assertEquals(-1, find(t, 0));
        assertTrue(find(t, 1) >= 0);
        assertEquals(TW + SEC, timers.nextDeadline());
        timers.runDue(TW + 11 * SEC + 500 * MS); // records 1..11 due: the first block goes
        assertEquals(18, t.size());
        assertEquals(12, t.expired());
        assertEquals(2, t.blocksHeld());
        assertEquals(2 * BS, budget.used(Category.TIME_WAIT));
        timers.runDue(TW + 29 * SEC);
        assertEquals(0, t.size());
        assertEquals(30, t.expired());
        assertEquals(0, t.blocksHeld());
        assertEquals(0, budget.used(Category.TIME_WAIT));
        assertEquals(0, timers.size());
        assertEquals(0, t.recycled());
    }

    @Test
    void expiryIsNeverEarlyAndAtMostAMillisecondLate() {
        TimeWaitTable t = LeakCheck.closeLater(new TimeWaitTable(budget, timers, 12, 2 * SEC + 1, K0, K1));
        int s = add(t, 123_456, 1);
        long due = 123_456 + 2 * SEC + 1;
        assertTrue(t.expiresAt(s) >= due && t.expiresAt(s) < due + MS, "expires at " + t.expiresAt(s));
        timers.runDue(due - 1);
        assertEquals(1, t.size());
        timers.runDue(t.expiresAt(s));
        assertEquals(0, t.size());
    }

    @Test
    void addExpiresDueRecordsItself() {
        TimeWaitTable t = table(24);
        add(t, 0, 1);
        add(t, SEC, 2);
        add(t, TW + SEC, 3); // without running the timers: 1 and 2 are due
        assertEquals(1, t.size());
        assertEquals(2, t.expired());
        assertEquals(-1, find(t, 1));
    }

    @Test
    void fullRingRecyclesTheOldest() {
        TimeWaitTable t = table(24);
        for (int i = 0; i < 24; i++) add(t, i, i);
        assertEquals(24, t.size());
        assertEquals(2, t.blocksHeld());
        for (int i = 24; i < 30; i++) assertTrue(add(t, i, i) >= 0);
        assertEquals(24, t.size());
        assertEquals(6, t.recycled());
        for (int i = 0; i < 6; i++) assertEquals(-1, find(t, i), "oldest recycled: " + i);
        for (int i = 6; i < 30; i++) assertTrue(find(t, i) >= 0, "kept: " + i);
        assertEquals(2, t.blocksHeld(), "the tail shares the head's block");
        assertEquals(2 * BS, budget.used(Category.TIME_WAIT));
    }

    @Test
    void reclaimOldestAndReclaimBlockReturnBlocks() {
        TimeWaitTable t = table(36);
        for (int i = 0; i < 30; i++) add(t, i, i);
        assertEquals(3, t.blocksHeld());
        for (int i = 0; i < 11; i++) {
            assertTrue(t.reclaimOldest());
            assertEquals(3, t.blocksHeld());
        }
        assertTrue(t.reclaimOldest());
        assertEquals(2, t.blocksHeld(), "the head left the first block");
        assertEquals(12, t.recycled());
        assertEquals(18, t.size());
        assertTrue(t.reclaimBlock());
        assertEquals(1, t.blocksHeld());
        assertEquals(6, t.size());
        assertEquals(-1, find(t, 23));
        assertTrue(find(t, 24) >= 0);
        assertTrue(t.reclaimBlock());
        assertEquals(0, t.blocksHeld());
        assertEquals(0, t.size());
        assertFalse(t.reclaimBlock());
        assertFalse(t.reclaimOldest());
        assertEquals(30, t.recycled());
        assertEquals(0, budget.used(Category.TIME_WAIT));
        assertEquals(TimerQueue.NONE, timers.nextDeadline());
    }

    @Test
    void headSkipsDeadRecordsAndFreesBlocksEagerly() {
        TimeWaitTable t = table(36);
        int[] slots = new int[30];
        for (int i = 0; i < 30; i++) slots[i] = add(t, i * SEC, i);
        for (int i = 1; i < 12; i++) t.remove(slots[i]); // behind the head: space is kept for now
        assertEquals(3, t.blocksHeld());
        assertEquals(19, t.size());
        assertEquals(TW, timers.nextDeadline());
        t.remove(slots[0]); // the head goes: it passes the 11 dead ones and leaves the first block
        assertEquals(2, t.blocksHeld());
        assertEquals(TW + 12 * SEC, timers.nextDeadline(), "re-armed for the new head");
        for (int i = 13; i < 30; i++) t.remove(slots[i]);
        assertEquals(2, t.blocksHeld(), "record 12 still holds the head");
        t.remove(slots[12]);
        assertEquals(0, t.blocksHeld());
        assertEquals(0, t.size());
        assertEquals(0, t.expired());
        assertEquals(0, timers.size());
    }

    @Test
    void restartMovesTheRecordToTheTail() {
        TimeWaitTable t = table(24);
        int a = add(t, 0, 1);
        add(t, SEC, 2);
        t.tsRecent(a, 77);
        int a2 = t.restart(a, 2 * SEC); // a retransmitted FIN restarts the 2MSL wait (RFC 9293 §3.10.7.4)
        assertEquals(a2, find(t, 1));
        assertEquals(77, t.tsRecent(a2));
        assertEquals(1001, t.sndNxt(a2));
        assertEquals(1 & 3, t.flags(a2));
        assertEquals(2 * SEC + TW, t.expiresAt(a2));
        assertEquals(SEC + TW, timers.nextDeadline(), "record 2 is the head now");
        timers.runDue(SEC + TW);
        assertEquals(-1, find(t, 2));
        assertEquals(a2, find(t, 1));
        timers.runDue(2 * SEC + TW);
        assertEquals(0, t.size());
        assertEquals(0, t.blocksHeld());
    }

    @Test
    void collidingTuplesShareAChain() {
        TimeWaitTable t = table(48);
        assertEquals(32, t.bucketCount(), "a power of two, at least capacity / 2");
        // Tuples that all hash to bucket 0: 40 records in one chain.
        List<Integer> ports = new ArrayList<>();
        for (int p = 1024; ports.size() < 40; p++) {
            if (t.bucket(L, 80, 0x0A000009, p) == 0) ports.add(p);
        }
        int[] slots = new int[40];
        for (int i = 0; i < 40; i++) slots[i] = t.add(i, L, 80, 0x0A000009, ports.get(i), i, i, i, i, i, 0);
        for (int i = 0; i < 40; i++) assertEquals(slots[i], t.find(L, 80, 0x0A000009, ports.get(i)));
        // Remove from the chain's head (last added), its tail (first added) and its middle.
        t.remove(slots[39]);
        t.remove(slots[0]);
        t.remove(slots[20]);
        for (int i = 0; i < 40; i++) {
            int want = i == 0 || i == 20 || i == 39 ? -1 : slots[i];
            assertEquals(want, t.find(L, 80, 0x0A000009, ports.get(i)), "record " + i);
            if (want >= 0) assertEquals(i, t.sndNxt(want));
        }
        // A different key puts these tuples in many buckets.
        TimeWaitTable other = LeakCheck.closeLater(new TimeWaitTable(budget, timers, 48, TW, K0 + 1, K1));
        long distinct = ports.stream().mapToInt(p -> other.bucket(L, 80, 0x0A000009, p)).distinct().count();
        assertTrue(distinct > 10, "another key spreads them: " + distinct + " buckets");
    }

    @Test
    void ringWrapsAroundManyTimes() {
        // 24 slots, records every second living 10 s: the ring goes round ~40 times.
        TimeWaitTable t = LeakCheck.closeLater(new TimeWaitTable(budget, timers, 24, 10 * SEC, K0, K1));
        for (int i = 0; i < 1000; i++) {
            long now = i * SEC;
            timers.runDue(now);
            int s = add(t, now, i);
            assertEquals(i % 24, s);
            assertEquals(Math.min(i + 1, 10), t.size(), "at " + i);
            assertTrue(t.blocksHeld() <= 2, "two blocks cover 10 consecutive slots");
            for (int j = Math.max(0, i - 9); j <= i; j++) assertEquals(1000 + j, t.sndNxt(find(t, j)));
            if (i >= 10) assertEquals(-1, find(t, i - 10));
        }
        assertEquals(990, t.expired());
        assertEquals(0, t.recycled());
        timers.runDue(2000 * SEC);
        assertEquals(0, t.blocksHeld());
    }

    @Test
    void budgetFiguresStayUnder48BytesPerRecord() {
        TimeWaitTable t = table(1200);
        for (int n = 1; n <= 1200; n++) {
            add(t, n, n);
            int blocks = (n + K - 1) / K;
            assertEquals((long) blocks * BS, budget.used(Category.TIME_WAIT), n + " records");
            assertEquals(blocks, t.blocksHeld());
            if (n % K == 0) {
                double perRecord = (double) budget.used(Category.TIME_WAIT) / n;
                assertEquals(512.0 / 12, perRecord, 1e-9);
                assertTrue(perRecord <= 48);
            }
        }
        double withControl = (double) (budget.used(Category.TIME_WAIT) + t.controlBytes()) / 1200;
        System.out.printf("TIME_WAIT: 1200 records in %d blocks of %d: %.1f bytes/record in the arena, %.1f with the %d bytes of control structures%n",
                t.blocksHeld(), BS, budget.used(Category.TIME_WAIT) / 1200.0, withControl, t.controlBytes());
        assertTrue(withControl <= 48, "with control structures: " + withControl);
        t.clear();
        assertEquals(0, budget.used(Category.TIME_WAIT));
        assertEquals(0, t.size());
        assertEquals(TimerQueue.NONE, timers.nextDeadline());
        assertTrue(add(t, 0, 1) >= 0, "usable after clear");
    }

    @Test
    void withoutABlockTheOldestGiveWayOrTheAddIsRefused() {
        // 10 blocks, 1 in reserve; the others hold all but 2: TIME_WAIT can have 2.
        Budget small = LeakCheck.track(new Budget(10 * BS, BS, 1));
        TimeWaitTable t = new TimeWaitTable(small, timers, 120, TW, K0, K1);
        Owner other = new Owner("other");
        int[] held = new int[small.freeBlocks() - small.reserveBlocks() - 2];
        for (int i = 0; i < held.length; i++) held[i] = small.alloc(Category.SOCKET_SEND, other);
        for (int i = 0; i < 2 * K; i++) assertTrue(add(t, i, i) >= 0);
        assertEquals(2, t.blocksHeld());
        assertEquals(0, small.freeBlocks() - small.reserveBlocks());
        assertTrue(add(t, 100, 100) >= 0, "the oldest block's records give way");
        assertEquals(K, t.recycled());
        assertEquals(K + 1, t.size());
        assertEquals(2, t.blocksHeld());
        assertTrue(find(t, 100) >= 0);
        assertEquals(-1, find(t, K - 1));
        assertTrue(find(t, K) >= 0);

        // Empty table, and other categories take everything up to the reserve: refused.
        while (t.reclaimBlock()) {}
        assertEquals(0, t.size());
        assertEquals(small.reserveBlocks() + 2, small.freeBlocks());
        int a = small.alloc(Category.SOCKET_SEND, other), c = small.alloc(Category.SOCKET_SEND, other);
        long failures = small.failures(Category.TIME_WAIT);
        assertEquals(-1, add(t, 200, 200));
        assertEquals(1, t.refused());
        assertEquals(failures + 1, small.failures(Category.TIME_WAIT), "counted by the budget too");
        small.free(a);
        for (int i = 0; i < K; i++) assertTrue(add(t, 300 + i, 300 + i) >= 0);
        assertEquals(1, t.blocksHeld());
        assertEquals(small.reserveBlocks(), small.freeBlocks());
        // The receive path dips into the reserve: giving back the table's one block would not make
        // a block available to TIME_WAIT, so no record is sacrificed and the add is refused.
        int b = small.alloc(Category.RX, other);
        assertEquals(0, small.freeBlocks());
        long recycled = t.recycled();
        assertEquals(-1, add(t, 400, 400));
        assertEquals(2, t.refused());
        assertEquals(K, t.size());
        assertEquals(recycled, t.recycled());
        small.free(b);
        // With the reserve whole again, the table's own records give way.
        assertTrue(add(t, 401, 401) >= 0);
        assertEquals(1, t.size());
        assertEquals(recycled + K, t.recycled());
        small.free(c);
        t.close();
        for (int h : held) small.free(h);
    }

    @Test
    void fullTimerQueueDoesNotLoseOrder() {
        TimerQueue one = new TimerQueue(1);
        Timer blocker = new Timer() {
            @Override
            protected void fire(long now) {}
        };
        assertTrue(one.arm(blocker, Long.MAX_VALUE - 1));
        TimeWaitTable t = LeakCheck.closeLater(new TimeWaitTable(budget, one, 24, TW, K0, K1));
        add(t, 0, 1);
        add(t, SEC, 2);
        assertEquals(2, t.size());
        t.expire(TW); // the TCP layer's poll can expire without the timer
        assertEquals(1, t.size());
        one.cancel(blocker);
        add(t, 2 * SEC, 3);
        assertEquals(SEC + TW, one.nextDeadline(), "armed again once the queue has room");
    }

    @Test
    void constructorChecksAndCharges() {
        assertThrows(IllegalArgumentException.class, () -> new TimeWaitTable(budget, timers, 0, TW, K0, K1));
        assertThrows(IllegalArgumentException.class, () -> new TimeWaitTable(budget, timers, 10, 0, K0, K1));
        assertThrows(IllegalArgumentException.class, () -> new TimeWaitTable(budget, timers, 10, 3601 * SEC, K0, K1));
        Budget tiny = LeakCheck.track(new Budget(4 * 256, 256, 3));
        assertThrows(IllegalStateException.class, () -> new TimeWaitTable(tiny, timers, 10_000, TW, K0, K1));
        assertEquals(0, budget.used());
        TimeWaitTable t = new TimeWaitTable(budget, timers, 1, TW, K0, K1);
        assertEquals(K, t.capacity());
        assertEquals(8, t.bucketCount(), "the power of two at least capacity / 2");
        assertEquals(t.controlBytes(), t.owner().used(Category.CONTROL));
        t.close();
        assertEquals(0, budget.used());
    }

    @Test
    void operationsAllocateNothing() {
        TimeWaitTable t = LeakCheck.closeLater(new TimeWaitTable(budget, timers, 600, 3 * SEC, K0, K1));
        Runnable burst = new Runnable() {
            long now;
            int i;

            @Override
            public void run() {
                for (int k = 0; k < 20_000; k++, i++) {
                    now += 7 * MS;
                    timers.runDue(now);
                    int s = add(t, now, i);
                    if (find(t, i) != s) throw new AssertionError();
                    if ((i & 3) == 0) t.remove(s);
                    else if ((i & 7) == 1) t.tsRecent(s, t.tsRecent(s) + 1);
                    if ((i & 63) == 5) t.restart(find(t, i - 1) >= 0 ? find(t, i - 1) : s, now);
                    if ((i & 255) == 7) t.reclaimOldest();
                }
            }
        };
        for (int w = 0; w < 10; w++) burst.run();
        long before = SteadyState.allocatedBytes();
        for (int w = 0; w < 5; w++) burst.run();
        long allocated = SteadyState.allocatedBytes() - before;
        System.out.println("TIME_WAIT table: " + allocated + " heap bytes allocated over 100,000 adds with finds, removes, restarts");
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes over 100,000 adds");
        assertTrue(t.expired() > 0 && t.recycled() > 0);
    }
}
