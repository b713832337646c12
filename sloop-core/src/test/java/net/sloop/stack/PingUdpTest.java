package net.sloop.stack;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import net.sloop.link.Link;
import net.sloop.stats.DropReason;
import net.sloop.testing.CaptureLink;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two stacks joined by capture links that the test pumps by hand: ARP, ping, UDP, ICMP errors, fragments. */
class PingUdpTest {
    static final int A = Ipv4Address.parse("198.18.0.1");
    static final int B = Ipv4Address.parse("198.18.0.2");
    final CaptureLink la = new CaptureLink("a0", Link.Kind.ETHERNET, 0x020000000001L, 1500);
    final CaptureLink lb = new CaptureLink("b0", Link.Kind.ETHERNET, 0x020000000002L, 1500);
    final Stack a = new Stack(StackConfig.builder().budget(64 * 1024).build());
    final Stack b = new Stack(StackConfig.builder().budget(64 * 1024).build());
    long now = 1_000_000;

    PingUdpTest() {
        a.addInterface(la, A, 24);
        b.addInterface(lb, B, 24);
    }

    void pump() {
        for (int i = 0; i < 20; i++) {
            int n = CaptureLink.pipe(now, la, lb) + CaptureLink.pipe(now, lb, la);
            if (n == 0) return;
        }
    }

    @AfterEach
    void atBaseline() {
        a.drain();
        b.drain();
        assertEquals("", a.budget().leakReport());
        assertEquals("", b.budget().leakReport());
        a.close();
        b.close();
    }

    @Test
    void pingResolvesArpAndGetsAReply() {
        List<Integer> replies = new ArrayList<>();
        a.icmp().echoListener((t, from, id, seq, len) -> replies.add(seq));
        byte[] payload = "hello sloop".getBytes();
        a.icmp().sendEcho(now, B, 7, 1, java.lang.foreign.MemorySegment.ofArray(payload), 0, payload.length);
        assertEquals(0, a.arp().size() == 1 ? 0 : 1, "an ARP entry is resolving");
        assertEquals(1, a.arp().queued(), "the echo waits for ARP");
        pump();
        assertEquals(List.of(1), replies);
        assertEquals(lb.mac(), a.arp().lookup(a.interfaces().get(0), B));
    }

    @Test
    void udpDatagramsArriveAndPortUnreachableComesBack() {
        UdpSocket sa = a.udp().open(0, 5000);
        UdpSocket sb = b.udp().open(0, 6000);
        assertTrue(sa.send(now, B, 6000, "one".getBytes()));
        pump();
        UdpSocket.Datagram d = sb.receive();
        assertNotNull(d);
        assertEquals("one", new String(d.data()));
        assertEquals(A, d.source());
        assertEquals(5000, d.sourcePort());
        sa.send(now, B, 6001, "nobody".getBytes());
        pump();
        assertEquals(1, sa.errors());
        assertEquals(3, sa.lastErrorType());
        assertEquals(3, sa.lastErrorCode());
        assertEquals(1, b.stats().drops(DropReason.UDP_NO_SOCKET));
        sa.close();
        sb.close();
        sb.close(); // twice is fine
        assertThrows(IllegalStateException.class, () -> sb.send(now, A, 1, new byte[1]));
    }

    @Test
    void largeDatagramIsFragmentedAndReassembled() {
        UdpSocket sa = a.udp().open(0, 5000);
        UdpSocket sb = b.udp().open(0, 6000, 4, 16 * 1024);
        byte[] big = new byte[4000];
        for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 7);
        assertTrue(sa.send(now, B, 6000, big));
        pump();
        UdpSocket.Datagram d = sb.receive();
        assertNotNull(d, () -> b.report());
        assertArrayEquals(big, d.data());
        sa.close();
        sb.close();
    }

    @Test
    void incompleteFragmentsTimeOutAndAreFreed() {
        UdpSocket sa = a.udp().open(0, 5000);
        sa.send(now, B, 6000, new byte[1]); // resolve ARP first
        pump();
        sa.send(now, B, 6000, new byte[3000]);
        la.take(); // lose the first fragment
        pump();
        assertEquals(1, b.ipv4().reassembly().inProgress());
        assertTrue(b.budget().used() > b.budget().baseline());
        now += 31_000_000_000L;
        b.poll(now);
        assertEquals(0, b.ipv4().reassembly().inProgress());
        assertEquals(1, b.stats().drops(DropReason.FRAG_TIMEOUT));
        sa.close();
    }
}
