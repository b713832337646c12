package net.sloop.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.sloop.testing.LeakCheck;
import org.junit.jupiter.api.Test;

class BudgetTest {
    static final int BS = 256;
    static final int BLOCKS = 16;
    static final int RESERVE = 2;

    final Budget m = LeakCheck.track(new Budget((long) BLOCKS * BS + 100, BS, RESERVE));
    final Owner a = new Owner("tcp", "a");
    final Owner b = new Owner("udp", "b");

    private List<Integer> take(int n, Category c, Owner o) {
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int x = m.alloc(c, o);
            assertTrue(x >= 0, "block " + i + " of " + n);
            got.add(x);
        }
        return got;
    }

    private void freeAll(List<Integer> blocks) {
        for (int x : blocks) m.free(x);
    }

    @Test
    void capacityIsRoundedDownToWholeBlocks() {
        assertEquals(BLOCKS, m.blockCount());
        assertEquals(BLOCKS * BS, m.capacity());
        assertEquals(m.capacity(), m.free());
        assertEquals(0, m.used());
    }

    @Test
    void exhaustionReturnsMinusOneAndIsCounted() {
        List<Integer> held = take(BLOCKS, Category.RX, a);
        assertEquals(0, m.free());
        assertEquals(-1, m.alloc(Category.RX, a));
        assertEquals(-1, m.alloc(Category.TX, b));
        assertEquals(-1, m.alloc(Category.TX, b));
        assertEquals(3, m.failures());
        assertEquals(1, m.failures(Category.RX));
        assertEquals(2, m.failures(Category.TX));
        assertEquals(0, m.failures(Category.SOCKET_SEND));
        assertEquals(1, a.failures());
        assertEquals(2, b.failures());
        freeAll(held);
    }

    @Test
    void nonReceiveCategoriesCannotTakeTheReserve() {
        List<Integer> held = take(BLOCKS - RESERVE, Category.SOCKET_SEND, a);
        for (Category c : Category.values()) {
            if (!c.blocks() || c.mayUseReserve()) continue;
            assertEquals(-1, m.alloc(c, b), c.toString());
            assertFalse(m.available(c, 1));
        }
        assertFalse(m.charge(Category.CONTROL, b, 1), "a byte charge cannot take the reserve either");
        assertEquals(0, m.reserveUses());
        List<Integer> rx = take(RESERVE, Category.RX, b);
        assertEquals(RESERVE, m.reserveUses());
        assertEquals(-1, m.alloc(Category.RX, b));
        freeAll(rx);
        freeAll(held);
    }

    @Test
    void keepingAReceivedChainIsRefusedWhileTheReserveIsDippedInto() {
        List<Integer> held = take(BLOCKS - RESERVE, Category.TX, a);
        int f1 = m.alloc(Category.RX, b); // dips into the reserve
        int f2 = m.alloc(Category.RX, b);
        m.next(f1, f2);
        Owner sock = new Owner("tcp", "sock");
        long fails = m.failures();
        assertFalse(m.transferChain(f1, Category.SOCKET_RECEIVE, sock));
        assertFalse(m.transfer(f2, Category.SOCKET_RECEIVE, sock));
        assertEquals(fails + 2, m.failures());
        assertEquals(2 * BS, b.used(Category.RX), "nothing moved");
        assertEquals(0, sock.used());
        assertTrue(m.transfer(f1, Category.RX, sock), "moving within RX keeps it in flight: allowed");
        m.free(held.removeLast());
        m.free(held.removeLast()); // reserve whole again
        assertTrue(m.transferChain(f1, Category.SOCKET_RECEIVE, sock));
        assertEquals(2 * BS, sock.used(Category.SOCKET_RECEIVE));
        assertEquals(0, b.used());
        assertEquals(Category.SOCKET_RECEIVE, m.category(f2));
        assertEquals(sock, m.owner(f2));
        Chains.free(m, f1);
        freeAll(held);
    }

    @Test
    void transferMovesOneBlockAndTransferChainTheWholeChain() {
        int x = m.alloc(Category.RX, a), y = m.alloc(Category.RX, a);
        m.next(x, y);
        assertTrue(m.transfer(x, Category.REASSEMBLY, b));
        assertEquals(BS, b.used(Category.REASSEMBLY));
        assertEquals(BS, a.used(Category.RX));
        assertEquals(Category.RX, m.category(y));
        assertTrue(m.transferChain(x, Category.OUT_OF_ORDER, a));
        assertEquals(2 * BS, a.used(Category.OUT_OF_ORDER));
        assertEquals(0, b.used());
        assertEquals(2 * BS, m.used(Category.OUT_OF_ORDER));
        assertEquals(0, m.used(Category.RX));
        Chains.free(m, x);
    }

    @Test
    void byteChargesSetWholeBlocksAside() {
        assertTrue(m.charge(Category.CONTROL, a, 10));
        assertEquals(BS, m.used(), "one block set aside for 10 bytes");
        assertEquals(10, m.charged());
        assertEquals(10, a.used(Category.CONTROL));
        assertEquals(10, m.used(Category.CONTROL));
        assertTrue(m.charge(Category.CONTROL, b, BS - 10));
        assertEquals(BS, m.used(), "exactly one block still");
        assertTrue(m.charge(Category.CONTROL, b, 1));
        assertEquals(2 * BS, m.used());
        m.uncharge(Category.CONTROL, b, 1);
        assertEquals(BS, m.used(), "returned as soon as it is not needed");
        m.uncharge(Category.CONTROL, a, 10);
        assertEquals(BS, m.used());
        m.uncharge(Category.CONTROL, b, BS - 10);
        assertEquals(0, m.used());
        assertEquals(0, m.charged());
        assertTrue(m.charge(Category.CONTROL, a, 3 * BS + 1));
        assertEquals(4 * BS, m.used());
        m.uncharge(Category.CONTROL, a, 3 * BS + 1);
        assertEquals(0, m.used());
    }

    @Test
    void committedBlocksNeverStandInForTheReceiveReserve() {
        // 16 blocks, reserve 2: commit 6, take 8 for a socket, then the receive path takes the
        // last 2 open blocks (the reserve). Free blocks number 6, but all are committed: keeping
        // the received frame would leave nothing for the next one, so it must be refused.
        assertTrue(m.commit(6, Category.SOCKET_RECEIVE, a));
        List<Integer> held = take(8, Category.SOCKET_SEND, a);
        assertEquals(-1, m.alloc(Category.SOCKET_SEND, a), "the reserve is not for sockets");
        List<Integer> frame = take(2, Category.RX, b);
        assertEquals(6, m.freeBlocks());
        assertFalse(m.transfer(frame.get(0), Category.OUT_OF_ORDER, a), "reserve blocks are never kept");
        assertFalse(m.transferChain(frame.get(0), Category.OUT_OF_ORDER, a));
        m.free(frame.get(0));
        m.free(frame.get(1));
        // With the reserve whole again, a received frame may be kept.
        int f = m.alloc(Category.RX, b);
        freeAll(held.subList(0, 1));
        assertTrue(m.transfer(f, Category.OUT_OF_ORDER, a));
        m.free(f);
        freeAll(held.subList(1, held.size()));
        m.release(6);
    }

    @Test
    void chargesAreCheckedForMisuse() {
        assertThrows(IllegalArgumentException.class, () -> m.charge(Category.RX, a, 10));
        assertThrows(IllegalArgumentException.class, () -> m.charge(Category.TIME_WAIT, a, 40), "TIME_WAIT records are kept in blocks");
        assertThrows(IllegalArgumentException.class, () -> m.charge(Category.CONTROL, a, -1));
        int x = m.alloc(Category.TX, a);
        assertThrows(IllegalArgumentException.class, () -> m.uncharge(Category.TX, a, BS));
        assertThrows(IllegalStateException.class, () -> m.uncharge(Category.CONTROL, a, 1));
        assertEquals(BS, m.used());
        m.free(x);
    }

    @Test
    void peaksAndMinimumFree() {
        List<Integer> held = take(5, Category.TX, a);
        m.charge(Category.CONTROL, a, 300);
        freeAll(held);
        m.uncharge(Category.CONTROL, a, 300);
        take(1, Category.RX, b).forEach(m::free);
        assertEquals(7 * BS, m.peak());
        assertEquals((BLOCKS - 7) * BS, m.minFree());
        assertEquals(5 * BS, m.peak(Category.TX));
        assertEquals(300, m.peak(Category.CONTROL));
        assertEquals(BS, m.peak(Category.RX));
        assertEquals(0, m.peak(Category.SOCKET_SEND));
        assertEquals(5 * BS + 300, a.peak(), "an owner's peak counts charges in bytes");
        assertEquals(0, m.used(Category.TX));
    }

    @Test
    void doubleFreeThrows() {
        int x = m.alloc(Category.TX, a);
        m.free(x);
        assertThrows(IllegalStateException.class, () -> m.free(x));
        assertThrows(IllegalStateException.class, () -> m.free(BLOCKS - 1), "never allocated");
        m.charge(Category.CONTROL, a, 1); // sets aside the block freed last: x
        assertEquals(null, m.category(x));
        assertThrows(IllegalStateException.class, () -> m.free(x), "a slab block is not a block to free");
        m.uncharge(Category.CONTROL, a, 1);
    }

    @Test
    void allocRunGivesAdjacentBlocks() {
        int x = m.alloc(Category.TX, a); // block 0
        int y = m.alloc(Category.TX, a); // block 1
        m.free(x); // a hole of one block at 0
        int run = m.allocRun(4, Category.TX, b);
        assertTrue(run >= 2, "the one-block hole is too small: " + run);
        for (int i = run; i < run + 4; i++) {
            assertEquals(Category.TX, m.category(i));
            assertEquals(b, m.owner(i));
        }
        assertEquals(4 * BS, b.used());
        // The run left the free list consistent: everything else can still be taken, once each.
        List<Integer> rest = take(BLOCKS - 5, Category.RX, a);
        assertEquals(BLOCKS - 5, rest.stream().distinct().count());
        assertEquals(-1, m.alloc(Category.RX, a));
        freeAll(rest);
        assertEquals(-1, m.allocRun(BLOCKS, Category.TX, a), "longer than what is free");
        assertEquals(-1, m.allocRun(0, Category.TX, a));
        for (int i = run; i < run + 4; i++) m.free(i);
        m.free(y);
    }

    @Test
    void leaksNameOwnerAndCategory() {
        Owner table = new Owner("arp-table");
        m.charge(Category.CONTROL, table, 100);
        int kept = m.alloc(Category.TX, table);
        m.markBaseline();
        assertTrue(m.atBaseline());
        assertEquals("", m.leakReport());
        assertEquals(2 * BS, m.baseline());

        Owner conn = new Owner("tcp", "10.0.0.2:443");
        int x = m.alloc(Category.SOCKET_SEND, conn);
        m.free(kept);
        assertFalse(m.atBaseline());
        List<Budget.Leak> leaks = m.leaks();
        assertTrue(leaks.contains(new Budget.Leak("tcp 10.0.0.2:443", Category.SOCKET_SEND, BS)), leaks.toString());
        assertTrue(leaks.contains(new Budget.Leak("arp-table", Category.TX, -BS)), leaks.toString());
        assertEquals(2, leaks.size(), leaks.toString());
        String report = m.leakReport();
        assertTrue(report.contains("tcp 10.0.0.2:443 holds 256 bytes more of SOCKET_SEND"), report);
        assertTrue(report.contains("arp-table holds 256 bytes fewer of TX"), report);

        m.uncharge(Category.CONTROL, table, 100); // the baseline owner now holds nothing at all
        report = m.leakReport();
        assertTrue(report.contains("arp-table holds 100 bytes fewer of CONTROL"), report);

        m.charge(Category.CONTROL, table, 100);
        m.transfer(x, Category.TX, table);
        assertTrue(m.atBaseline(), m.leakReport());
        m.free(x);
        m.uncharge(Category.CONTROL, table, 100);
        m.markBaseline();
    }

    @Test
    void freshBudgetIsAtItsEmptyBaseline() {
        assertTrue(m.atBaseline());
        assertEquals(0, m.baseline());
        int x = m.alloc(Category.RX, a);
        assertFalse(m.atBaseline());
        m.free(x);
        assertTrue(m.atBaseline());
    }

    @Test
    void activeOwnersAreThoseHoldingSomething() {
        int x = m.alloc(Category.TX, a);
        m.charge(Category.CONTROL, b, 5);
        assertEquals(List.of(b, a), m.activeOwners());
        m.free(x);
        assertEquals(List.of(b), m.activeOwners());
        m.uncharge(Category.CONTROL, b, 5);
        assertEquals(List.of(), m.activeOwners());
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new Budget(4096, 100, 0));
        assertThrows(IllegalArgumentException.class, () -> new Budget(3 * 256, 256, 0));
        assertThrows(IllegalArgumentException.class, () -> new Budget(4 * 256, 256, 4));
        // An owner's figures are ints: the arena stays below 2 GiB (checked before anything is allocated).
        assertThrows(IllegalArgumentException.class, () -> new Budget(2L << 30, 4096, 0));
        assertThrows(IllegalArgumentException.class, () -> m.window(m.alloc(Category.TX, a), 200, 57));
        m.free(0);
    }
}
