package net.sloop.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import net.sloop.link.FrameReceiver;
import net.sloop.wire.Ipv4Address;
import net.sloop.testing.Netns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The TUN link's read and write paths allocate nothing per frame: echo requests written to a real
 * device (from native memory and from a heap array) and Linux's replies read back, in steady state.
 */
@Timeout(60)
class TunAllocationTest {
    /** Counts the echo replies that arrive (not Linux's IPv6 chatter); made once, so delivering allocates nothing. */
    static final class Counter implements FrameReceiver {
        long frames, others;

        @Override
        public void receive(long now, MemorySegment src, long off, int len) {
            boolean reply = len >= 28 && src.get(ValueLayout.JAVA_BYTE, off) == 0x45 && src.get(ValueLayout.JAVA_BYTE, off + 9) == 1
                    && src.get(ValueLayout.JAVA_BYTE, off + 20) == 0;
            if (reply) frames++;
            else others++;
        }
    }

    @Test
    void echoRoundTripsThroughTheDeviceAllocateNothing() throws Exception {
        Netns.assumeDevices();
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Netns ns = Netns.create(); Arena arena = Arena.ofConfined()) {
            try (TunLink link = TunLink.open(ns.dev("sla"), TunLink.Mode.TUN)) {
                HostNet.configureHostSide(ns.name, link.name(), 1500, ns.cidr(1));
                Counter c = new Counter();
                link.attach(c);
                byte[] echo = echoRequest(Ipv4Address.parse(ns.addr(2)), Ipv4Address.parse(ns.addr(1)));
                MemorySegment nativeFrame = arena.allocate(echo.length + 32);
                MemorySegment.copy(MemorySegment.ofArray(echo), 0, nativeFrame, 16, echo.length);
                MemorySegment heapFrame = MemorySegment.ofArray(echo);
                // Steady state means after the JIT: interpreted or C1-compiled, a downcall allocates
                // (about 60 bytes). On a busy machine C2 may come late, so measure until one run of
                // 2000 round trips is clean, for at most 150 runs (in the full suite, compilation queues are long).
                long allocated = -1;
                for (int run = 0; run < 150; run++) {
                    long frames = c.frames;
                    long before = bean.getCurrentThreadAllocatedBytes();
                    roundTrips(link, c, nativeFrame, heapFrame, echo.length, 2000);
                    allocated = bean.getCurrentThreadAllocatedBytes() - before;
                    assertEquals(frames + 2000, c.frames);
                    if (run >= 5 && allocated < 4096) break;
                }
                assertTrue(allocated < 4096, "allocated " + allocated + " bytes in 2000 round trips");
            }
        }
    }

    private static void roundTrips(TunLink link, Counter c, MemorySegment nat, MemorySegment heap, int len, int n) {
        for (int i = 0; i < n; i++) {
            long want = c.frames + 1;
            boolean sent = (i & 1) == 0 ? link.transmit(0, nat, 16, len) : link.transmit(0, heap, 0, len);
            assertTrue(sent);
            long spins = 0;
            while (c.frames < want) {
                link.receive(0, 64);
                if (++spins > 50_000_000) throw new AssertionError("no echo reply from Linux");
            }
        }
    }

    /** An IPv4 ICMP echo request, 32 bytes of payload, checksums filled. */
    static byte[] echoRequest(int src, int dst) {
        byte[] p = new byte[20 + 8 + 32];
        p[0] = 0x45;
        p[2] = 0;
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 1;
        for (int i = 0; i < 4; i++) {
            p[12 + i] = (byte) (src >>> (24 - 8 * i));
            p[16 + i] = (byte) (dst >>> (24 - 8 * i));
        }
        int h = checksum(p, 0, 20);
        p[10] = (byte) (h >>> 8);
        p[11] = (byte) h;
        p[20] = 8; // echo request
        p[24] = 0x12;
        p[25] = 0x34;
        p[27] = 1;
        for (int i = 28; i < p.length; i++) p[i] = (byte) i;
        int ic = checksum(p, 20, p.length - 20);
        p[22] = (byte) (ic >>> 8);
        p[23] = (byte) ic;
        return p;
    }

    private static int checksum(byte[] b, int off, int len) {
        long s = 0;
        for (int i = 0; i < len; i += 2) s += (b[off + i] & 0xff) << 8 | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        while (s >>> 16 != 0) s = (s & 0xffff) + (s >>> 16);
        return (int) ~s & 0xffff;
    }
}
