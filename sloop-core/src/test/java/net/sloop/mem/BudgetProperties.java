package net.sloop.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.sloop.testing.LeakCheck;

/**
 * Random sequences of alloc, free, transfer, charge and uncharge by several owners, run against a
 * small budget (so exhaustion and the receive reserve come up often) and checked against a model
 * of what each owner holds.
 */
@AddLifecycleHook(LeakCheck.PerTry.class)
class BudgetProperties {
    static final int BS = 256;
    static final int BLOCKS = 12;
    static final int RESERVE = 3;
    /** RX three times: it is the only category that reaches the reserve. */
    static final Category[] BLOCK_CATS = {Category.RX, Category.RX, Category.RX, Category.TX, Category.REASSEMBLY, Category.SOCKET_SEND,
            Category.SOCKET_RECEIVE, Category.OUT_OF_ORDER, Category.ARP_QUEUE, Category.TIME_WAIT};
    static final Category[] BYTE_CATS = {Category.CONTROL};

    /** Blocks are never linked here, so TRANSFER_CHAIN moves one-block chains (linked chains: BudgetTest). */
    enum Kind { ALLOC, FREE, TRANSFER, TRANSFER_CHAIN, CHARGE, UNCHARGE }

    /** One step; {@code pick} chooses among what is held, {@code owner}/{@code cat}/{@code bytes} what to do. */
    record Op(Kind kind, int owner, int cat, int pick, int bytes) {}

    record Held(int block, Owner owner, Category cat) {}

    record Charge(Owner owner, Category cat, int bytes) {}

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Kind> kind = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(Kind.ALLOC)), Tuple.of(3, Arbitraries.just(Kind.FREE)),
                Tuple.of(2, Arbitraries.just(Kind.TRANSFER)),
                Tuple.of(1, Arbitraries.just(Kind.TRANSFER_CHAIN)),
                Tuple.of(2, Arbitraries.just(Kind.CHARGE)), Tuple.of(2, Arbitraries.just(Kind.UNCHARGE)));
        Arbitrary<Op> op = Combinators.combine(kind, Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, BLOCK_CATS.length - 1), Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 2 * BS)).as(Op::new);
        return op.list().ofMinSize(40).ofMaxSize(120);
    }

    @Property(tries = 500)
    void sequencesKeepTheInvariants(@ForAll("ops") List<Op> ops) {
        Budget m = LeakCheck.track(new Budget((long) BLOCKS * BS, BS, RESERVE));
        Owner[] owners = {new Owner("tcp", "a"), new Owner("tcp", "b"), new Owner("udp", "c"), new Owner("arp")};
        List<Held> held = new ArrayList<>();
        List<Charge> charges = new ArrayList<>();
        for (Op op : ops) {
            step(m, op, owners, held, charges);
            check(m, owners, held, charges);
        }
        Statistics.label("exhausted").collect(m.failures() > 0);
        Statistics.label("reserve used").collect(m.reserveUses() > 0);
        Statistics.label("exhausted").coverage(c -> c.check(true).percentage(p -> p > 30));
        Statistics.label("reserve used").coverage(c -> c.check(true).percentage(p -> p > 15));
        for (Held h : held) m.free(h.block());
        for (Charge c : charges) m.uncharge(c.cat(), c.owner(), c.bytes());
        assertEquals(0, m.used());
        assertTrue(m.atBaseline(), m.leakReport());
        assertTrue(m.leaks().isEmpty());
        assertTrue(m.activeOwners().isEmpty());
    }

    private static void step(Budget m, Op op, Owner[] owners, List<Held> held, List<Charge> charges) {
        Owner o = owners[op.owner()];
        Category bc = BLOCK_CATS[op.cat()];
        switch (op.kind()) {
            case ALLOC -> {
                boolean can = m.available(bc, 1);
                int b = m.alloc(bc, o);
                assertEquals(can, b >= 0);
                if (b >= 0) {
                    assertTrue(held.stream().noneMatch(h -> h.block() == b), "block " + b + " handed out twice");
                    held.add(new Held(b, o, bc));
                }
            }
            case FREE -> {
                if (held.isEmpty()) return;
                m.free(held.remove(op.pick() % held.size()).block());
            }
            case TRANSFER, TRANSFER_CHAIN -> {
                if (held.isEmpty()) return;
                int i = op.pick() % held.size();
                Held h = held.get(i);
                boolean refused = !bc.mayUseReserve() && m.freeBlocks() < RESERVE && h.cat().mayUseReserve();
                boolean moved = op.kind() == Kind.TRANSFER ? m.transfer(h.block(), bc, o) : m.transferChain(h.block(), bc, o);
                assertEquals(!refused, moved);
                if (moved) held.set(i, new Held(h.block(), o, bc));
            }
            case CHARGE -> {
                Category c = BYTE_CATS[op.cat() % BYTE_CATS.length];
                long charged = charges.stream().mapToLong(Charge::bytes).sum();
                int need = (int) ((charged + op.bytes() + BS - 1) / BS) - (int) ((charged + BS - 1) / BS);
                boolean can = need <= 0 || m.freeBlocks() - need >= RESERVE; // charges never take the reserve
                boolean ok = m.charge(c, o, op.bytes());
                assertEquals(can, ok);
                if (ok) charges.add(new Charge(o, c, op.bytes()));
            }
            case UNCHARGE -> {
                if (charges.isEmpty()) return;
                Charge c = charges.remove(op.pick() % charges.size());
                m.uncharge(c.cat(), c.owner(), c.bytes());
            }
        }
    }

    private static void check(Budget m, Owner[] owners, List<Held> held, List<Charge> charges) {
        assertEquals(m.capacity(), m.used() + m.free());
        long charged = charges.stream().mapToLong(Charge::bytes).sum();
        assertEquals(charged, m.charged());
        long slabBlocks = (charged + BS - 1) / BS;
        long blockBytes = 0;
        for (Category c : Category.values()) if (c.blocks()) blockBytes += m.used(c);
        assertEquals(m.used(), blockBytes + slabBlocks * BS, "category blocks + slab == used");
        assertEquals(held.size() * (long) BS, blockBytes);
        for (Category c : BYTE_CATS) {
            assertEquals(charges.stream().filter(x -> x.cat() == c).mapToLong(Charge::bytes).sum(), m.used(c));
        }
        for (Owner o : owners) {
            long total = 0;
            for (Category c : Category.values()) {
                long want = c.blocks()
                        ? held.stream().filter(h -> h.owner() == o && h.cat() == c).count() * BS
                        : charges.stream().filter(x -> x.owner() == o && x.cat() == c).mapToLong(Charge::bytes).sum();
                assertEquals(want, o.used(c), o + " " + c);
                total += want;
            }
            assertEquals(total, o.used(), o.toString());
            assertEquals(total != 0, m.activeOwners().contains(o), o + " active");
        }
        for (Held h : held) {
            assertEquals(h.cat(), m.category(h.block()));
            assertEquals(h.owner(), m.owner(h.block()));
        }
        assertTrue(m.minFree() <= m.free());
        assertTrue(m.peak() >= m.used());
        assertFalse(m.freeBlocks() < 0);
    }
}
