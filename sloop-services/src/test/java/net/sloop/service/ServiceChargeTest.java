package net.sloop.service;

import static net.sloop.testing.ChargeSizes.assertChargeCovers;
import static net.sloop.testing.ChargeSizes.retainedBytes;
import static org.junit.jupiter.api.Assertions.*;

import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * What the services are charged covers what they retain on the heap (JOL): a TCP service with its
 * slots, a UDP service, and the handle with its scratch buffer. What they merely point at (the
 * stack, the budget, the TCP listener and UDP socket, which the stack charges, the handle) is
 * excluded.
 */
class ServiceChargeTest {
    @Test
    void everyPartIsChargedAtLeastWhatItRetains() {
        ServiceNet n = new ServiceNet(31, ServiceNet.config(256 * 1024).build());
        for (int slots : new int[] {1, 8, 64}) {
            Services svc = n.start(ServiceNet.services().maxConnections(slots).idleTimeoutNanos(Time.seconds(5)).build());
            Stack st = n.server;
            Object[] shared = {svc, st, st.budget(), st.budget().memory(), st.config(), st.tcp(), st.udp(), svc.config(),
                    svc.config().wallClockMillis()};
            for (ServiceStats s : svc.stats()) assertNotNull(s);
            // A TCP service (echo: the largest) with its slots, excluding its listener (charged by TCP).
            TcpService echo = svcTcp(svc);
            Object[] tcpShared = append(shared, echo.listener);
            long t = retainedBytes(echo, tcpShared);
            assertChargeCovers("TCP service with " + slots + " slots", echo, TcpService.chargeFor(slots), tcpShared);
            assertEquals(TcpService.chargeFor(slots), echo.owner.used(Category.CONTROL));
            UdpService u = svcUdp(svc);
            Object[] udpShared = append(shared, u.socket);
            long ub = retainedBytes(u, udpShared);
            assertChargeCovers("UDP service", u, UdpService.CHARGE, udpShared);
            // The handle without its services (measured above) and the stack's things.
            Object[] handleShared = {st, st.budget(), st.budget().memory(), st.config(), st.tcp(), st.udp(), svc.config(),
                    svc.config().wallClockMillis(), echo, u};
            long h = retainedBytes(svc, all(handleShared, svc));
            assertChargeCovers("services handle", svc, Services.BASE_BYTES + svc.scratch.charge(), all(handleShared, svc));
            System.out.printf("services with %d slots: TCP service %d heap bytes (charged %d), UDP service %d (charged %d), handle %d (charged %d)%n",
                    slots, t, TcpService.chargeFor(slots), ub, UdpService.CHARGE, h, Services.BASE_BYTES + svc.scratch.charge());
            svc.close();
        }
        n.services = null;
        n.finish();
    }

    /** The handle's own heap: everything reachable from it except the services (each measured on its own). */
    private static Object[] all(Object[] shared, Services svc) {
        java.util.List<Object> out = new java.util.ArrayList<>(java.util.Arrays.asList(shared));
        for (ServiceStats s : svc.stats()) out.add(s);
        out.addAll(svcAllTcp(svc));
        out.addAll(svcAllUdp(svc));
        return out.toArray();
    }

    private static Object[] append(Object[] a, Object x) {
        Object[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = x;
        return b;
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<TcpService> svcAllTcp(Services svc) {
        return (java.util.List<TcpService>) field(svc, "tcp");
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<UdpService> svcAllUdp(Services svc) {
        return (java.util.List<UdpService>) field(svc, "udp");
    }

    private static TcpService svcTcp(Services svc) {
        return svcAllTcp(svc).get(0);
    }

    private static UdpService svcUdp(Services svc) {
        return svcAllUdp(svc).get(0);
    }

    private static Object field(Object o, String name) {
        try {
            var f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
