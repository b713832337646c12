package net.sloop.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random arm/re-arm/cancel/run sequences against a reference model: a TreeMap from (deadline,
 * timer id) to timer id. Timers with equal deadlines may fire in any order, so firing order is
 * compared by (deadline, set of ids); every step also compares size and next deadline.
 */
class TimerQueueProperties {
    static final int TIMERS = 12;
    static final int CAPACITY = 8;

    enum Kind { ARM, CANCEL, RUN }

    record Op(Kind kind, int timer, long time) {}

    record Key(long deadline, int id) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Integer.compare(id, o.id);
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, TIMERS - 1),
                Arbitraries.longs().between(0, 50)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(200);
    }

    @Property
    void agreesWithASortedMap(@ForAll("ops") List<Op> ops) {
        TimerQueue q = new TimerQueue(CAPACITY);
        List<Key> fired = new ArrayList<>();
        Timer[] timers = new Timer[TIMERS];
        for (int i = 0; i < TIMERS; i++) {
            int id = i;
            timers[i] = new Timer() {
                @Override
                protected void fire(long now) {
                    fired.add(new Key(deadline(), id));
                }
            };
        }
        TreeMap<Key, Integer> model = new TreeMap<>();
        Key[] armedAt = new Key[TIMERS];
        long now = 0;
        for (Op op : ops) {
            int id = op.timer();
            switch (op.kind()) {
                case ARM -> {
                    long deadline = now + op.time();
                    boolean room = armedAt[id] != null || model.size() < CAPACITY;
                    assertEquals(room, q.arm(timers[id], deadline));
                    if (room) {
                        if (armedAt[id] != null) model.remove(armedAt[id]);
                        armedAt[id] = new Key(deadline, id);
                        model.put(armedAt[id], id);
                    }
                }
                case CANCEL -> {
                    q.cancel(timers[id]);
                    if (armedAt[id] != null) model.remove(armedAt[id]);
                    armedAt[id] = null;
                }
                case RUN -> {
                    now += op.time();
                    List<Key> due = new ArrayList<>(model.headMap(new Key(now, Integer.MAX_VALUE), true).keySet());
                    fired.clear();
                    assertEquals(due.size(), q.runDue(now));
                    fired.sort(null); // equal deadlines: any order
                    assertEquals(due, fired);
                    for (Key k : due) {
                        model.remove(k);
                        armedAt[k.id()] = null;
                    }
                }
            }
            assertEquals(model.size(), q.size());
            assertEquals(model.isEmpty() ? TimerQueue.NONE : model.firstKey().deadline(), q.nextDeadline());
            for (int i = 0; i < TIMERS; i++) assertEquals(armedAt[i] != null, timers[i].armed(), "timer " + i);
        }
    }

    /** Firing order is by deadline even when the heap was reshaped by re-arms and cancels. */
    @Property
    void firingOrderIsNonDecreasing(@ForAll("ops") List<Op> ops) {
        TimerQueue q = new TimerQueue(CAPACITY);
        List<Long> seen = new ArrayList<>();
        Timer[] timers = new Timer[TIMERS];
        for (int i = 0; i < TIMERS; i++) {
            timers[i] = new Timer() {
                @Override
                protected void fire(long now) {
                    seen.add(deadline());
                }
            };
        }
        for (Op op : ops) {
            if (op.kind() == Kind.CANCEL) q.cancel(timers[op.timer()]);
            else q.arm(timers[op.timer()], op.time());
        }
        q.runDue(Long.MAX_VALUE - 1);
        List<Long> sorted = new ArrayList<>(seen);
        sorted.sort(null);
        assertEquals(sorted, seen);
        assertEquals(0, q.size());
    }
}
