package net.sloop.status;

import static net.sloop.testing.ChargeSizes.assertChargeCovers;
import static net.sloop.testing.ChargeSizes.retainedBytes;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import net.sloop.mem.Category;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.Services;
import net.sloop.tcp.TcpInfo;
import org.junit.jupiter.api.Test;

/**
 * What the live view is charged (CONTROL, owner "status view") covers what it retains on the heap
 * (JOL), with no rows and no history, and with many of both; and the TcpInfo TCP fills for its
 * observer is covered by {@link TcpInfo#HEAP_BYTES}. What the view merely points at (the stack, its
 * budget, the services' counters) is excluded.
 */
class StatusChargeTest {
    @Test
    void theChargeCoversTheHeapRetained() {
        StatusNet n = new StatusNet(3, 64L << 20);
        Services svc = Services.start(n.server, ServiceConfig.builder().tcp(ServiceKind.values()).udp(ServiceKind.values()).build());
        for (int[] c : new int[][] {{0, 0}, {1, 1}, {16, 300}, {256, 3600}}) {
            StatusView v = StatusView.open(n.server, new StatusView.Config(c[0], c[1], 1 << 20), Sources.of(svc, null));
            assertEquals(c[0], v.last().rowCapacity());
            assertEquals(c[1], v.history().capacity());
            assertEquals(v.chargedBytes(), v.owner().used(Category.CONTROL));
            List<Object> shared = new ArrayList<>(List.of(n.server, n.server.budget(), n.server.budget().memory()));
            for (int i = 0; i < v.last().sourceCount; i++) shared.add(v.last().sourceFigureNames[i]); // shared by every view (constants)
            shared.addAll(svc.stats());
            for (int i = 0; i < 5; i++) v.sampleIfDue(i); // fill what sampling fills (nothing is allocated by it)
            v.snapshot(1);
            long heap = retainedBytes(v, shared.toArray());
            System.out.printf("live view with %d rows, %d samples: %d heap bytes retained, charged %d%n", c[0], c[1], heap, v.chargedBytes());
            assertChargeCovers("live view " + c[0] + " rows, " + c[1] + " samples", v, v.chargedBytes(), shared.toArray());
            v.close();
            assertEquals(0, v.owner().used(Category.CONTROL));
        }
        svc.close();
        assertChargeCovers("TcpInfo", new TcpInfo(), TcpInfo.HEAP_BYTES);
    }

    @Test
    void observingChargesNothingBeyondTcpsOwnCharge() {
        // The TcpInfo an observer is given is part of TCP's charge from the start (Tcp.controlBytes):
        // observing changes no figure a budget was planned with.
        StatusNet n = new StatusNet(4, 128 * 1024);
        long before = n.server.tcp().owner().used(Category.CONTROL);
        assertTrue(before >= n.server.tcp().controlBytes(), "TCP's charge includes the TcpInfo");
        long used = n.server.budget().used();
        assertTrue(n.server.tcp().observe(new net.sloop.tcp.TcpObserver() {}));
        assertEquals(before, n.server.tcp().owner().used(Category.CONTROL));
        assertEquals(used, n.server.budget().used());
        assertTrue(n.server.tcp().observe(new net.sloop.tcp.TcpObserver() {})); // replacing it charges nothing either
        n.server.tcp().observe(null);
        assertEquals(before, n.server.tcp().owner().used(Category.CONTROL));
    }
}
