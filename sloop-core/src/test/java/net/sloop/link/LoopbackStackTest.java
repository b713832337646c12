package net.sloop.link;

import static org.junit.jupiter.api.Assertions.*;

import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.time.TimerQueue;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/** A stack talking to itself over the loopback link: datagrams and pings go out, come back on the next poll. */
class LoopbackStackTest {
    @Test
    void udpAndPingOverLoopback() {
        Stack s = new Stack(StackConfig.builder().budget(32 * 1024).build());
        LeakCheck.track(s.budget());
        LeakCheck.closeLater(s);
        LoopbackLink lo = new LoopbackLink();
        s.addInterface(lo, "127.0.0.1/8");
        int local = Ipv4Address.parse("127.0.0.1");
        UdpSocket a = s.udp().open(0, 1000);
        UdpSocket b = s.udp().open(0, 2000);
        long now = 1;
        assertTrue(a.send(now, local, 2000, "over lo".getBytes()));
        assertNull(b.receive(), "nothing arrives before the stack polls its links");
        assertTrue(lo.pending());
        assertEquals(TimerQueue.NONE, s.poll(now), "the frame is delivered by this poll; nothing else is due");
        UdpSocket.Datagram d = b.receive();
        assertEquals("over lo", new String(d.data()));
        assertEquals(1000, d.sourcePort());

        int[] replies = {0};
        s.icmp().echoListener((t, from, id, seq, len) -> replies[0]++);
        s.icmp().sendEcho(now, local, 1, 1, java.lang.foreign.MemorySegment.ofArray(new byte[8]), 0, 8);
        s.poll(now); // request delivered, reply queued
        s.poll(now); // reply delivered
        assertEquals(1, replies[0]);
        a.close();
        b.close();
    }
}
