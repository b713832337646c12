package net.sloop.stack;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import net.sloop.link.FrameReceiver;
import net.sloop.link.Link;
import net.sloop.mem.Category;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.testing.Frames;
import net.sloop.testing.LeakCheck;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/**
 * Receive offload ({@link Link#receiveOffload}): a link that declares it may deliver frames longer
 * than its MTU (GSO, up to 65,535 bytes of IP packet) and frames whose transport checksum it
 * vouches for; other links may not. A frame the budget cannot hold is dropped and counted.
 */
class ReceiveOffloadTest {
    static final long MAC = 0x02_00_00_00_00_02L, PEER = 0x02_00_00_00_00_01L;
    static final int SLOOP = Ipv4Address.parse("10.1.0.2"), HOST = Ipv4Address.parse("10.1.0.1");

    /** An Ethernet link at MTU 1500 that frames are injected into, with or without receive offload. */
    static final class Injector implements Link {
        final boolean offload;
        FrameReceiver receiver;

        Injector(boolean offload) {
            this.offload = offload;
        }

        @Override public Kind kind() { return Kind.ETHERNET; }
        @Override public int mtu() { return 1500; }
        @Override public long mac() { return MAC; }
        @Override public String name() { return offload ? "gso0" : "eth0"; }
        @Override public boolean receiveOffload() { return offload; }
        @Override public void attach(FrameReceiver r) { receiver = r; }
        @Override public boolean transmit(long now, MemorySegment frame, long off, int len) { return true; }

        void inject(byte[] frame, boolean trusted) {
            receiver.receive(1, MemorySegment.ofArray(frame), 0, frame.length, trusted);
        }
    }

    static Stack stack(Injector link, long budget) {
        Stack s = new Stack(StackConfig.builder().budget(budget).blockSize(512).maxMtu(1500).build());
        LeakCheck.track(s.budget());
        s.addInterface(link, "10.1.0.2/24");
        return s;
    }

    static byte[] udpFrame(int payload, boolean badChecksum) {
        byte[] f = Frames.udpFrame(MAC, PEER, HOST, SLOOP, 5000, 9999, 7, new byte[payload]);
        if (badChecksum) f[14 + 20 + 6] ^= 0x5A; // the UDP checksum field
        return f;
    }

    @Test
    void aFrameLongerThanTheMtuIsTakenOnlyFromAnOffloadingLink() {
        for (boolean offload : new boolean[] {false, true}) {
            Injector link = new Injector(offload);
            try (Stack s = stack(link, 1 << 20)) {
                link.inject(udpFrame(60_000, false), false); // one 60,028-byte IP packet
                assertEquals(offload ? 0 : 1, s.stats().drops(DropReason.LINK_TOO_LONG), "offload " + offload);
                assertEquals(offload ? 1 : 0, s.stats().drops(DropReason.UDP_NO_SOCKET), "offload " + offload);
                // Beyond 65,535 bytes of IP packet (plus the link header) nothing is taken.
                link.inject(new byte[14 + 65_536], false);
                assertEquals(offload ? 1 : 2, s.stats().drops(DropReason.LINK_TOO_LONG));
                assertEquals(0, s.budget().used(Category.RX), "receive blocks all freed");
            }
        }
    }

    @Test
    void aGsoFrameTheBudgetCannotHoldIsDroppedAndCounted() {
        Injector link = new Injector(true);
        try (Stack s = stack(link, 48 * 1024)) { // 96 blocks of 512: a 60 KB frame needs 119
            long used = s.budget().used();
            link.inject(udpFrame(60_000, false), true);
            assertEquals(1, s.stats().drops(DropReason.LINK_NO_MEMORY));
            assertEquals(0, s.stats().get(Proto.IPV4, net.sloop.stats.Counter.RECEIVED));
            assertEquals(used, s.budget().used());
            // Ordinary frames still get through.
            link.inject(udpFrame(100, false), false);
            assertEquals(1, s.stats().drops(DropReason.UDP_NO_SOCKET));
            assertEquals(0, s.budget().used(Category.RX), "receive blocks all freed");
        }
    }

    @Test
    void aTrustedChecksumIsNotVerifiedOnlyOnAnOffloadingLink() {
        for (boolean offload : new boolean[] {false, true}) {
            Injector link = new Injector(offload);
            try (Stack s = stack(link, 1 << 20)) {
                link.inject(udpFrame(100, true), false); // untrusted: verified, wrong
                assertEquals(1, s.stats().drops(DropReason.UDP_BAD_CHECKSUM));
                link.inject(udpFrame(100, true), true); // trusted (NEEDS_CSUM: the field holds a partial sum)
                assertEquals(offload ? 1 : 2, s.stats().drops(DropReason.UDP_BAD_CHECKSUM), "offload " + offload);
                assertEquals(offload ? 1 : 0, s.stats().drops(DropReason.UDP_NO_SOCKET), "offload " + offload);
                link.inject(udpFrame(100, true), false); // the trust was for that frame only
                assertEquals(offload ? 2 : 3, s.stats().drops(DropReason.UDP_BAD_CHECKSUM));
            }
        }
    }
}
