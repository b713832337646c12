package net.sloop.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimerQueueTest {
    final List<String> fired = new ArrayList<>();

    class Named extends Timer {
        final String name;
        final List<Long> firedAt = new ArrayList<>();

        Named(String name) {
            this.name = name;
        }

        @Override
        protected void fire(long now) {
            assertFalse(armed(), "not armed while firing");
            fired.add(name);
            firedAt.add(now);
        }
    }

    @Test
    void firesInDeadlineOrder() {
        TimerQueue q = new TimerQueue(8);
        long[] deadlines = {50, 10, 40, 20, 30};
        for (long d : deadlines) assertTrue(q.arm(new Named("t" + d), d));
        assertEquals(10, q.nextDeadline());
        assertEquals(0, q.runDue(9));
        assertEquals(2, q.runDue(20), "at or before now");
        assertEquals(List.of("t10", "t20"), fired);
        assertEquals(3, q.runDue(1000));
        assertEquals(List.of("t10", "t20", "t30", "t40", "t50"), fired);
        assertEquals(TimerQueue.NONE, q.nextDeadline());
        assertEquals(0, q.size());
    }

    @Test
    void rearmEarlierAndLater() {
        TimerQueue q = new TimerQueue(8);
        Named a = new Named("a"), b = new Named("b"), c = new Named("c");
        q.arm(a, 10);
        q.arm(b, 20);
        q.arm(c, 30);
        assertTrue(q.arm(c, 5));
        assertEquals(5, q.nextDeadline());
        assertTrue(q.arm(c, 25));
        assertTrue(q.arm(a, 40));
        assertEquals(3, q.size());
        assertEquals(40, a.deadline());
        q.runDue(100);
        assertEquals(List.of("b", "c", "a"), fired);
    }

    @Test
    void cancelFromTheMiddle() {
        TimerQueue q = new TimerQueue(16);
        List<Named> ts = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Named t = new Named("t" + i);
            ts.add(t);
            q.arm(t, 100 - i * 10);
        }
        q.cancel(ts.get(4));
        q.cancel(ts.get(7));
        q.cancel(ts.get(7)); // not armed: nothing happens
        assertFalse(ts.get(4).armed());
        assertEquals(8, q.size());
        q.runDue(1000);
        assertEquals(List.of("t9", "t8", "t6", "t5", "t3", "t2", "t1", "t0"), fired);
    }

    @Test
    void capacityIsABound() {
        TimerQueue q = new TimerQueue(2);
        Named a = new Named("a"), b = new Named("b"), c = new Named("c");
        assertTrue(q.arm(a, 1));
        assertTrue(q.arm(b, 2));
        assertFalse(q.arm(c, 0), "full");
        assertFalse(c.armed());
        assertTrue(q.arm(a, 3), "re-arming an armed timer needs no room");
        q.cancel(b);
        assertTrue(q.arm(c, 0));
        assertEquals(2, q.capacity());
        assertThrows(IllegalArgumentException.class, () -> new TimerQueue(0));
    }

    @Test
    void rearmFromInsideFire() {
        TimerQueue q = new TimerQueue(4);
        List<Long> at = new ArrayList<>();
        Timer periodic = new Timer() {
            @Override
            protected void fire(long now) {
                at.add(now);
                if (at.size() < 3) q.arm(this, now + 10);
            }
        };
        q.arm(periodic, 10);
        assertEquals(1, q.runDue(15));
        assertTrue(periodic.armed());
        assertEquals(25, q.nextDeadline(), "re-armed from the time it fired");
        assertEquals(1, q.runDue(40), "re-armed for 50: not due yet");
        assertEquals(50, q.nextDeadline());
        assertEquals(1, q.runDue(50));
        assertEquals(List.of(15L, 40L, 50L), at);
        assertFalse(periodic.armed());
    }

    @Test
    void rearmAtOrBeforeNowFiresAgainInTheSameRun() {
        TimerQueue q = new TimerQueue(4);
        int[] count = {0};
        Timer t = new Timer() {
            @Override
            protected void fire(long now) {
                if (++count[0] < 3) q.arm(this, now);
            }
        };
        q.arm(t, 5);
        assertEquals(3, q.runDue(5));
    }

    @Test
    void fireMayCancelAndArmOthers() {
        TimerQueue q = new TimerQueue(4);
        Named victim = new Named("victim"), late = new Named("late");
        Timer killer = new Timer() {
            @Override
            protected void fire(long now) {
                fired.add("killer");
                q.cancel(victim);
                q.arm(late, now + 1);
            }
        };
        q.arm(killer, 1);
        q.arm(victim, 2);
        assertEquals(1, q.runDue(2));
        assertEquals(List.of("killer"), fired);
        assertEquals(3, q.nextDeadline());
    }
}
