package net.sloop.service;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;
import org.junit.jupiter.api.Test;

/** The UDP forms (RFC 862 §2, 863 §2, 864 §2, 867 §2): one datagram each, answered (or swallowed) once. */
class ServicesUdpTest {
    private static UdpSocket.Datagram ask(ServiceNet n, UdpSocket s, ServiceKind kind, byte[] payload) {
        n.sync();
        assertTrue(s.send(n.net.now(), ServiceNet.SERVER, kind.port(), payload));
        UdpSocket.Datagram[] got = {null};
        n.runUntil(() -> (got[0] = s.receive()) != null, Time.seconds(2));
        return got[0];
    }

    @Test
    void eachUdpServiceAnswersOneDatagram() {
        ServiceNet n = new ServiceNet(21, ServiceNet.config(128 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp().build());
        UdpSocket s = n.client.udp().open(0, 0);
        byte[] hello = "hello, echo".getBytes(StandardCharsets.US_ASCII);
        UdpSocket.Datagram echo = ask(n, s, ServiceKind.ECHO, hello);
        assertNotNull(echo);
        assertArrayEquals(hello, echo.data());
        assertEquals(ServiceKind.ECHO.port(), echo.sourcePort());

        byte[] big = ServicesTcpTest.data(1400, 21);
        assertArrayEquals(big, ask(n, s, ServiceKind.ECHO, big).data(), "an MTU-sized datagram comes back whole");

        assertNull(ask(n, s, ServiceKind.DISCARD, hello), "discard answers nothing");
        assertEquals(1, svc.stats(ServiceKind.DISCARD, true).served());
        assertEquals(hello.length, svc.stats(ServiceKind.DISCARD, true).bytesIn());

        UdpSocket.Datagram day = ask(n, s, ServiceKind.DAYTIME, new byte[0]);
        assertEquals("Sunday, November 22, 2026 03:00:00-UTC\r\n", new String(day.data(), StandardCharsets.US_ASCII));

        UdpSocket.Datagram cg = ask(n, s, ServiceKind.CHARGEN, new byte[0]);
        assertEquals(UdpService.CHARGEN_REPLY, cg.data().length);
        assertTrue(cg.data().length <= 512, "RFC 864 §2: at most 512 characters");
        String[] lines = new String(cg.data(), StandardCharsets.US_ASCII).split("\r\n");
        for (int i = 0; i < lines.length; i++) assertEquals(Chargen.line(i), lines[i]);
        String[] next = new String(ask(n, s, ServiceKind.CHARGEN, new byte[0]).data(), StandardCharsets.US_ASCII).split("\r\n");
        assertEquals(Chargen.line(6), next[0], "the next answer carries on the pattern");

        assertEquals(2, svc.stats(ServiceKind.ECHO, true).served());
        assertEquals(hello.length + big.length, svc.stats(ServiceKind.ECHO, true).bytesOut());
        System.out.println(svc.report());
        s.close();
        n.finish();
    }

    @Test
    void repliesAreRateLimited() {
        ServiceNet n = new ServiceNet(22, ServiceNet.config(128 * 1024).build());
        Services svc = n.start(ServiceNet.services().tcp().udp(ServiceKind.ECHO).udpRepliesPerSecond(5).build());
        UdpSocket s = n.client.udp().open(0, 0);
        assertNotNull(ask(n, s, ServiceKind.ECHO, new byte[] {0})); // resolves the addresses (ARP queues only 3 packets)
        n.run(Time.seconds(1)); // the bucket refills
        for (int i = 0; i < 20; i++) { // a burst of 20 in one instant: 5 answered
            assertTrue(s.send(n.net.now(), ServiceNet.SERVER, 7, new byte[] {(byte) i}));
            n.run(Time.millis(1) / 10);
        }
        n.run(Time.millis(100));
        int answered = 0;
        while (s.receive() != null) answered++;
        assertEquals(5, answered);
        assertEquals(15, svc.stats(ServiceKind.ECHO, true).refused());
        assertEquals(21, svc.stats(ServiceKind.ECHO, true).served());
        n.run(Time.seconds(1)); // the bucket refills
        assertNotNull(ask(n, s, ServiceKind.ECHO, new byte[] {1}));
        s.close();
        n.finish();
    }
}
