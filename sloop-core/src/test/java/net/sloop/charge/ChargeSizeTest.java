package net.sloop.charge;

import static net.sloop.testing.ChargeSizes.assertChargeCovers;
import static net.sloop.testing.ChargeSizes.retainedBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.sloop.link.Link;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TimeWaitTable;
import net.sloop.testing.CaptureLink;
import net.sloop.testing.LeakCheck;
import net.sloop.udp.Udp;
import net.sloop.udp.UdpSocket;
import org.junit.jupiter.api.Test;

/**
 * Every kind of control structure is charged to the budget at no less than the heap it really
 * retains, measured with JOL. What a structure merely points at (the stack, the budget) is
 * excluded; what it owns (arrays, views, its owner record) is included.
 */
class ChargeSizeTest {
    final Stack stack = LeakCheck.closeLater(new Stack(StackConfig.builder().budget(64 * 1024).build()));
    final CaptureLink link = new CaptureLink("c0", Link.Kind.ETHERNET, 0x020000000001L, 1500);

    ChargeSizeTest() {
        LeakCheck.track(stack.budget());
        stack.addInterface(link, "198.18.0.1/24");
    }

    @Test
    void arpCache() {
        assertChargeCovers("ARP cache", stack.arp(), stack.arp().controlBytes(), stack, stack.ethernet(), stack.budget(), stack.budget().memory(), stack.config(), stack.stats(), stack.timers(), link);
    }

    @Test
    void reassemblySlots() {
        var r = stack.ipv4().reassembly();
        assertChargeCovers("reassembly slots", r, r.controlBytes(), stack.budget(), stack.budget().memory(), stack.config(), stack.stats(), stack.timers());
    }

    @Test
    void udpSocket() {
        UdpSocket s = stack.udp().open(0, 7);
        try {
            assertChargeCovers("UDP socket", s, s.owner().used(net.sloop.mem.Category.CONTROL), stack.udp(), stack.budget());
        } finally {
            s.close();
        }
    }

    @Test
    void stackItself() {
        // The stack's own structures: everything it retains except the budget (whose per-block
        // bookkeeping is reported separately as metadataBytes) and the parts charged on their own.
        long charged = stack.controlBytes();
        assertChargeCovers("stack", stack, charged, stack.budget(), stack.arp(), stack.ipv4().reassembly(), stack.tcp(), link);
    }

    @Test
    void tcpLayer() {
        var tcp = stack.tcp();
        assertChargeCovers("TCP layer", tcp, tcp.controlBytes(), stack, stack.budget(), stack.budget().memory(), stack.config(),
                stack.stats(), stack.timers(), tcp.timeWaitTable(), link);
    }

    @Test
    void timeWaitTable() {
        var m = stack.budget();
        for (int capacity : new int[] {1, 12, 100, 1000, 5000}) {
            var t = new TimeWaitTable(m, stack.timers(), capacity, 60_000_000_000L, 1, 2);
            try {
                long measured = measure(t, m, m.memory(), stack.timers());
                System.out.println("TIME_WAIT table of " + t.capacity() + " records: " + measured + " heap bytes, charged "
                        + t.controlBytes() + " (" + m.used(Category.CONTROL) + " CONTROL in the budget)");
                assertChargeCovers("TIME_WAIT table of " + t.capacity(), t, t.controlBytes(), m, m.memory(), stack.timers());
                assertTrue(t.controlBytes() - measured <= 64, "charge close to the measure: " + t.controlBytes() + " vs " + measured);
                assertEquals(t.controlBytes(), t.owner().used(Category.CONTROL));
            } finally {
                t.close();
            }
            assertEquals(0, t.owner().used());
        }
    }

    static long measure(Object o, Object... shared) {
        return retainedBytes(o, shared);
    }
}
