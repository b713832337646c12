package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The hot path (wrap, check, getters, checksums, option parse and write) allocates nothing. */
class AllocationTest {
    final EthernetView eth = new EthernetView();
    final Ipv4View ip = new Ipv4View();
    final TcpView tcp = new TcpView();
    final UdpView udp = new UdpView();
    final Icmpv4View icmp = new Icmpv4View();
    long sink;

    @Test
    void steadyStateParsingAndChecksummingAllocatesNothing() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (Arena arena = Arena.ofConfined()) {
            String[] labels = {"tcp-syn-ack", "tcp-data-client", "udp-to-closed-port", "icmp-echo-request"};
            MemorySegment[] frames = new MemorySegment[labels.length];
            for (int i = 0; i < labels.length; i++) {
                byte[] b = LinuxCapture.frame(labels[i]);
                frames[i] = arena.allocate(b.length);
                MemorySegment.copy(MemorySegment.ofArray(b), 0, frames[i], 0, b.length);
            }
            MemorySegment scratch = arena.allocate(64);
            for (int i = 0; i < 50_000; i++) {
                run(frames, scratch);
            }
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50_000; i++) {
                run(frames, scratch);
            }
            long allocated = bean.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < 4096, "allocated " + allocated + " bytes in the measured loop");
        }
        assertTrue(sink != 0);
    }

    private void run(MemorySegment[] frames, MemorySegment scratch) {
        for (MemorySegment f : frames) {
            assertEquals(WireError.NONE, eth.wrap(f, 0, (int) f.byteSize()).check());
            assertEquals(WireError.NONE, ip.wrap(f, eth.payloadOffset(), eth.payloadLength()).check());
            long p = ip.payloadOffset();
            int n = ip.payloadLength();
            switch (ip.protocol()) {
                case Ipv4View.PROTO_TCP -> {
                    tcp.wrap(f, p, n).check();
                    sink += tcp.verifyChecksum(ip.src(), ip.dst()) ? tcp.options().tsVal : 0;
                    sink += TcpOptions.write(scratch, 0, 1460, 7, true, true, 1, 2, 0, null);
                }
                case Ipv4View.PROTO_UDP -> {
                    udp.wrap(f, p, n).check();
                    sink += udp.verifyChecksum(ip.src(), ip.dst()) ? udp.dstPort() : 0;
                }
                default -> sink += icmp.wrap(f, p, n).check().ordinal() + icmp.identifier();
            }
            sink += Checksum.update32(ip.headerChecksum(), ip.src(), ip.dst());
        }
    }
}
