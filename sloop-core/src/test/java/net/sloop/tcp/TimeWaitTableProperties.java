package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.testing.LeakCheck;
import net.sloop.time.TimerQueue;

/**
 * Random sequences of add, remove, restart, time passing, reclaim and find, checked after every
 * step against a reference model: a {@link LinkedHashMap} of the live records in insertion order
 * plus the FIFO of ring slots they occupy (dead ones included, until the head passes them).
 */
@AddLifecycleHook(LeakCheck.PerTry.class)
class TimeWaitTableProperties {
    static final int BS = 256;
    static final int K = BS / TimeWaitTable.RECORD_BYTES; // 6
    static final long MS = 1_000_000L;
    static final long DURATION_MS = 5_000;
    static final int KEYS = 40;

    enum Kind { ADD, REMOVE, RESTART, ADVANCE, RECLAIM, RECLAIM_BLOCK, CLEAR }

    record Op(Kind kind, int key, int dtMs) {}

    /** A model record; {@code slot} is the ring slot the table must report. */
    static final class Rec {
        final int key, slot, snd, rcv, ts, off, win, flags;
        final long expiryMs;
        boolean alive = true;

        Rec(int key, int slot, int snd, int rcv, int ts, int off, int win, int flags, long expiryMs) {
            this.key = key;
            this.slot = slot;
            this.snd = snd;
            this.rcv = rcv;
            this.ts = ts;
            this.off = off;
            this.win = win;
            this.flags = flags;
            this.expiryMs = expiryMs;
        }
    }

    static int raddr(int key) {
        return 0x0A000000 | key / 7;
    }

    static int rport(int key) {
        return 1000 + key % 7 * 3;
    }

    /** The model. */
    static final class Model {
        final int capacity;
        final ArrayDeque<Rec> ring = new ArrayDeque<>();
        final LinkedHashMap<Integer, Rec> live = new LinkedHashMap<>();
        int head, tail;
        long recycled, expired;

        Model(int capacity) {
            this.capacity = capacity;
        }

        void add(long nowMs, int key, int snd, int rcv, int ts, int off, int win, int flags) {
            expire(nowMs);
            Rec old = live.get(key);
            if (old != null) kill(old);
            if (ring.size() == capacity) {
                kill(ring.peekFirst());
                recycled++;
            }
            Rec r = new Rec(key, tail, snd, rcv, ts, off, win, flags, nowMs + DURATION_MS);
            tail = (tail + 1) % capacity;
            ring.addLast(r);
            live.put(key, r);
        }

        void kill(Rec r) {
            r.alive = false;
            live.remove(r.key);
            while (!ring.isEmpty() && !ring.peekFirst().alive) {
                ring.pollFirst();
                head = (head + 1) % capacity;
            }
            if (ring.isEmpty()) head = tail = tail - tail % K;
        }

        void expire(long nowMs) {
            while (!ring.isEmpty() && ring.peekFirst().expiryMs <= nowMs) {
                kill(ring.peekFirst());
                expired++;
            }
        }

        boolean reclaimOldest() {
            if (ring.isEmpty()) return false;
            kill(ring.peekFirst());
            recycled++;
            return true;
        }

        int blocks() {
            Set<Integer> b = new HashSet<>();
            for (Rec r : ring) b.add(r.slot / K);
            return b.size();
        }

        void clear() {
            for (Rec r : ring) r.alive = false;
            ring.clear();
            live.clear();
            head = tail = 0;
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(Kind.ADD)), Tuple.of(3, Arbitraries.just(Kind.REMOVE)),
                Tuple.of(2, Arbitraries.just(Kind.RESTART)), Tuple.of(4, Arbitraries.just(Kind.ADVANCE)),
                Tuple.of(1, Arbitraries.just(Kind.RECLAIM)), Tuple.of(1, Arbitraries.just(Kind.RECLAIM_BLOCK)),
                Tuple.of(1, Arbitraries.just(Kind.CLEAR)));
        Arbitrary<Op> op = Combinators.combine(kind, Arbitraries.integers().between(0, KEYS - 1),
                Arbitraries.integers().between(0, 1500)).as(Op::new);
        return op.list().ofMinSize(20).ofMaxSize(200);
    }

    @Property(tries = 400)
    void tableBehavesLikeTheModel(@ForAll("ops") List<Op> ops, @ForAll @IntRange(min = 1, max = 30) int capacity) {
        Budget budget = LeakCheck.track(new Budget(64 * 1024, BS, 4));
        TimerQueue timers = new TimerQueue(4);
        TimeWaitTable t = LeakCheck.closeLater(new TimeWaitTable(budget, timers, capacity, DURATION_MS * MS, 0xAB, 0xCD));
        Model m = new Model(t.capacity());
        assertEquals((capacity + K - 1) / K * K, t.capacity());
        long nowMs = 0;
        int step = 0;
        for (Op op : ops) {
            step++;
            int key = op.key();
            switch (op.kind()) {
                case ADD -> {
                    nowMs += op.dtMs() / 10;
                    int v = step * 1000 + key;
                    int slot = t.add(nowMs * MS, 7, 80, raddr(key), rport(key), v, v + 1, v + 2, v + 3, v & 0xFFFF, key & 3);
                    m.add(nowMs, key, v, v + 1, v + 2, v + 3, v & 0xFFFF, key & 3);
                    assertEquals(m.live.get(key).slot, slot, "slot of add at step " + step);
                }
                case REMOVE -> {
                    Rec r = pick(m, key);
                    if (r != null) {
                        t.remove(t.find(7, 80, raddr(r.key), rport(r.key)));
                        m.kill(r);
                    }
                }
                case RESTART -> {
                    Rec r = pick(m, key);
                    if (r != null) {
                        nowMs += op.dtMs() / 10;
                        int slot = t.restart(t.find(7, 80, raddr(r.key), rport(r.key)), nowMs * MS);
                        m.kill(r);
                        m.add(nowMs, r.key, r.snd, r.rcv, r.ts, r.off, r.win, r.flags);
                        assertEquals(m.live.get(r.key).slot, slot);
                    }
                }
                case ADVANCE -> {
                    nowMs += op.dtMs();
                    timers.runDue(nowMs * MS);
                    m.expire(nowMs);
                }
                case RECLAIM -> assertEquals(m.reclaimOldest(), t.reclaimOldest());
                case RECLAIM_BLOCK -> {
                    int held = m.blocks();
                    while (!m.ring.isEmpty() && m.blocks() == held) m.reclaimOldest();
                    assertEquals(m.blocks() < held, t.reclaimBlock());
                }
                case CLEAR -> {
                    t.clear();
                    m.clear();
                }
            }
            check(t, m, budget, timers, step);
        }
        Statistics.label("recycled").collect(m.recycled > 0);
        Statistics.label("wrapped").collect(step > 0 && nowMs > 0 && m.recycled + m.expired > t.capacity());
        Statistics.label("recycled").coverage(c -> c.check(true).percentage(p -> p > 30));
        t.close();
        assertEquals(0, budget.used());
    }

    /** A live record: the one for {@code key} if live, else the {@code key}-th live one (mod size), or null. */
    private static Rec pick(Model m, int key) {
        if (m.live.isEmpty()) return null;
        Rec r = m.live.get(key);
        if (r != null) return r;
        return m.live.values().stream().skip(key % m.live.size()).findFirst().orElseThrow();
    }

    private static void check(TimeWaitTable t, Model m, Budget budget, TimerQueue timers, int step) {
        String at = "step " + step;
        assertEquals(m.live.size(), t.size(), at);
        assertEquals(m.recycled, t.recycled(), at);
        assertEquals(m.expired, t.expired(), at);
        assertEquals(m.blocks(), t.blocksHeld(), at);
        assertEquals((long) m.blocks() * BS, budget.used(Category.TIME_WAIT), at);
        for (int key = 0; key < KEYS; key++) {
            Rec r = m.live.get(key);
            int slot = t.find(7, 80, raddr(key), rport(key));
            if (r == null) {
                assertEquals(-1, slot, at + " key " + key);
                continue;
            }
            assertEquals(r.slot, slot, at + " key " + key);
            assertEquals(r.snd, t.sndNxt(slot));
            assertEquals(r.rcv, t.rcvNxt(slot));
            assertEquals(r.ts, t.tsRecent(slot));
            assertEquals(r.off, t.tsOffset(slot));
            assertEquals(r.win, t.window(slot));
            assertEquals(r.flags, t.flags(slot));
            assertEquals(r.expiryMs * MS, t.expiresAt(slot));
        }
        long want = m.ring.isEmpty() ? TimerQueue.NONE : m.ring.peekFirst().expiryMs * MS;
        assertEquals(want, timers.nextDeadline(), at + " timer");
    }
}
