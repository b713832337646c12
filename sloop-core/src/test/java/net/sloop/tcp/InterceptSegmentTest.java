package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import net.sloop.iface.NetIf;
import net.sloop.link.Link;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.stats.DropReason;
import net.sloop.testing.CaptureLink;
import net.sloop.testing.Frames;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Time;
import net.sloop.time.TimerQueue;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Icmpv4View;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4Repr;
import net.sloop.wire.Ipv4View;
import net.sloop.wire.TcpRepr;
import net.sloop.wire.TcpView;
import net.sloop.wire.WireError;
import org.junit.jupiter.api.Test;

/**
 * Terminating connections addressed to other hosts (the tunnel use case): an interface that
 * intercepts a prefix ({@link NetIf#intercept}) and the catch-all listener ({@link Tcp#listenAll}),
 * packet by packet in simulated time. The stack is 198.18.0.2/24 on a TUN-like link; Linux
 * (198.18.0.1) routes 198.19.0.0/16 into it.
 */
class InterceptSegmentTest extends InterceptRig {
    // ------------------------------------------------------------------ tests

    @Test
    void aSynToAForeignAddressInThePrefixIsAcceptedByTheCatchAllWithThatLocalAddress() throws Exception {
        nif.intercept("198.19.0.0/16");
        TcpListener all = stack.tcp().listenAll(4);
        assertTrue(all.catchesAll());
        assertEquals(0, all.port());
        Seg sa = handshake(FOREIGN, 40000, 8080);
        TcpSocket s = all.accept();
        assertNotNull(s, "accepted by the catch-all listener");
        assertEquals(FOREIGN, s.localAddress(), "the local address is the original destination");
        assertEquals(8080, s.localPort());
        assertEquals(LINUX, s.remoteAddress());
        assertEquals(40000, s.remotePort());

        // Data both ways, from the foreign address.
        byte[] hello = "hello through the tunnel".getBytes(StandardCharsets.US_ASCII);
        send(FOREIGN, 40000, 8080, PSH | ACK, RISS + 1, sa.seq() + 1, hello);
        Seg ack = expectTcp();
        assertEquals(RISS + 1 + hello.length, ack.ack());
        byte[] got = new byte[64];
        int n = s.read(got, 0, got.length);
        assertEquals(new String(hello, StandardCharsets.US_ASCII), new String(got, 0, n, StandardCharsets.US_ASCII));
        byte[] reply = "HELLO".getBytes(StandardCharsets.US_ASCII);
        assertEquals(reply.length, s.write(reply, 0, reply.length));
        stack.poll(now);
        Seg data = expectTcp();
        assertEquals(FOREIGN, data.src());
        assertEquals(8080, data.srcPort());
        assertArrayEquals(reply, data.payload());
        int snxt = sa.seq() + 1 + reply.length, rnxt = RISS + 1 + hello.length;
        send(FOREIGN, 40000, 8080, ACK, rnxt, snxt, NONE);
        nothing();

        peerClosesFirst(s, FOREIGN, 40000, 8080, rnxt, snxt);
        all.close();
        finish();
    }

    @Test
    void withoutInterceptionAForeignAddressIsDroppedAsBefore() throws Exception {
        TcpListener all = stack.tcp().listenAll(4);
        send(FOREIGN, 40000, 8080, SYN, RISS, 0, NONE);
        nothing();
        assertEquals(1, stack.stats().drops(DropReason.IP_NOT_FOR_US));
        assertEquals(0, all.pending());
        all.close();
        finish();
    }

    @Test
    void outsideThePrefixIsDroppedAsBefore() throws Exception {
        nif.intercept("198.19.0.0/16");
        TcpListener all = stack.tcp().listenAll(4);
        send(OUTSIDE, 40000, 8080, SYN, RISS, 0, NONE);
        nothing();
        assertEquals(1, stack.stats().drops(DropReason.IP_NOT_FOR_US));
        nif.stopIntercepting();
        send(FOREIGN, 40001, 8080, SYN, RISS, 0, NONE);
        nothing();
        assertEquals(2, stack.stats().drops(DropReason.IP_NOT_FOR_US), "no longer intercepted");
        all.close();
        finish();
    }

    @Test
    void aPortNothingListensOnIsResetFromTheInterceptedAddress() {
        nif.intercept("198.19.0.0/16");
        send(FOREIGN, 40000, 8080, SYN, RISS, 0, NONE);
        Seg rst = expectTcp();
        assertTrue(rst.is(RST | ACK), "RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>");
        assertEquals(FOREIGN, rst.src());
        assertEquals(8080, rst.srcPort());
        assertEquals(0, rst.seq());
        assertEquals(RISS + 1, rst.ack());
        assertEquals(1, stack.stats().drops(DropReason.TCP_NO_SOCKET));
        // A stray ACK gets the other form: <SEQ=SEG.ACK><CTL=RST>. A reset is not answered.
        send(FOREIGN, 40000, 8080, ACK, RISS, 777, NONE);
        Seg rst2 = expectTcp();
        assertTrue(rst2.is(RST));
        assertEquals(777, rst2.seq());
        send(FOREIGN, 40000, 8080, RST, RISS, 0, NONE);
        nothing();
        finish();
    }

    @Test
    void aListenerForThePortComesBeforeTheCatchAll() throws Exception {
        nif.intercept("198.19.0.0/16");
        TcpListener all = stack.tcp().listenAll(4);
        TcpListener web = stack.tcp().listen(0, 80, 4);
        TcpListener own = stack.tcp().listen(SLOOP, 81, 4);
        Seg a = handshake(FOREIGN, 40000, 80);
        Seg b = handshake(FOREIGN, 40001, 443);
        Seg c = handshake(FOREIGN, 40002, 81); // port 81 is listened on for 198.18.0.2 only
        Seg d = handshake(SLOOP, 40003, 22); // the catch-all takes the interface's own address too
        assertEquals(1, web.pending());
        assertEquals(0, own.pending());
        assertEquals(3, all.pending());
        TcpSocket sa = web.accept(), sb = all.accept(), sc = all.accept(), sd = all.accept();
        assertEquals(80, sa.localPort());
        assertEquals(443, sb.localPort());
        assertEquals(81, sc.localPort());
        assertEquals(FOREIGN, sc.localAddress());
        assertEquals(22, sd.localPort());
        assertEquals(SLOOP, sd.localAddress());
        peerClosesFirst(sa, FOREIGN, 40000, 80, RISS + 1, a.seq() + 1);
        peerClosesFirst(sb, FOREIGN, 40001, 443, RISS + 1, b.seq() + 1);
        peerClosesFirst(sc, FOREIGN, 40002, 81, RISS + 1, c.seq() + 1);
        peerClosesFirst(sd, SLOOP, 40003, 22, RISS + 1, d.seq() + 1);
        all.close();
        web.close();
        own.close();
        finish();
    }

    @Test
    void oneCatchAllAtATimeAndConnectStillFindsEphemeralPorts() throws Exception {
        TcpListener all = stack.tcp().listenAll(4);
        TcpException e = assertThrows(TcpException.class, () -> stack.tcp().listenAll(4));
        assertEquals(TcpError.ADDRESS_IN_USE, e.error());
        TcpListener p = stack.tcp().listen(0, 7, 4); // a port of its own is no conflict
        TcpSocket out = stack.tcp().connect(LINUX, 9);
        stack.poll(now);
        Seg syn = expectTcp();
        assertTrue(syn.is(SYN));
        assertEquals(SLOOP, syn.src());
        assertTrue(syn.srcPort() >= Tcp.EPHEMERAL_FIRST);
        send(SLOOP, 9, syn.srcPort(), RST | ACK, 0, syn.seq() + 1, NONE); // refused
        assertEquals(TcpState.CLOSED, out.state());
        out.close();
        p.close();
        all.close();
        assertEquals("", stack.tcp().stillHeld());
        TcpListener again = stack.tcp().listenAll(1); // closed: the catch-all may be opened again
        again.close();
        finish();
    }

    @Test
    void theCatchAllsBacklogBoundsItsAcceptQueue() throws Exception {
        nif.intercept("198.19.0.0/16");
        TcpListener all = stack.tcp().listenAll(1);
        Seg a = handshake(FOREIGN, 40000, 8080);
        send(Ipv4Address.parse("198.19.9.9"), 40001, 25, SYN, RISS, 0, NONE);
        nothing(); // not answered: the accept queue is full (the peer retries)
        assertEquals(1, stack.stats().drops(DropReason.TCP_ACCEPT_QUEUE_FULL));
        TcpSocket s = all.accept();
        peerClosesFirst(s, FOREIGN, 40000, 8080, RISS + 1, a.seq() + 1);
        all.close();
        finish();
    }

    @Test
    void theCatchAllCannotTakeAnotherListenersPromise() throws Exception {
        // A small budget: the catch-all is admitted connections while memory beyond every promise
        // allows, and the promise made to the listener on port 7 stays kept.
        InterceptRig t = new InterceptRig(StackConfig.builder().budget(48 * 1024).tcp(TcpConfig.builder().secret(7).build()).build());
        t.nif.intercept("198.19.0.0/16");
        TcpListener all = t.stack.tcp().listenAll(64);
        TcpListener seven = t.stack.tcp().listen(0, 7, 4);
        seven.guarantee(1);
        int admitted = 0;
        int[] isn = new int[64];
        for (; admitted < 64; admitted++) {
            t.send(FOREIGN, 41000 + admitted, 8080, SYN, RISS, 0, NONE);
            byte[] f = t.link.take();
            if (f == null) break;
            t.link.sent().addFirst(f);
            Seg sa = t.expectTcp();
            assertTrue(sa.is(SYN | ACK));
            isn[admitted] = sa.seq();
            t.send(FOREIGN, 41000 + admitted, 8080, ACK, RISS + 1, sa.seq() + 1, NONE);
            t.nothing();
        }
        assertTrue(admitted >= 1 && admitted < 64, "the budget admits some and refuses the rest: " + admitted);
        assertEquals(1, t.stack.stats().drops(DropReason.TCP_ADMISSION), "refused by admission, counted");
        Seg promised = t.handshake(FOREIGN, 42000, 7); // the promise holds
        TcpSocket p = seven.accept();
        assertNotNull(p);
        t.peerClosesFirst(p, FOREIGN, 42000, 7, RISS + 1, promised.seq() + 1);
        for (int i = 0; i < admitted; i++) {
            TcpSocket s = all.accept();
            assertEquals(41000 + i, s.remotePort());
            t.peerClosesFirst(s, FOREIGN, 41000 + i, 8080, RISS + 1, isn[i] + 1);
        }
        all.close();
        seven.close();
        t.finish();
    }

    @Test
    void udpAndPingToAnInterceptedAddressAreAnsweredFromIt() {
        nif.intercept("198.19.0.0/16");
        // No UDP socket: ICMP port unreachable, from the address the datagram was sent to.
        byte[] u = Frames.udp(LINUX, FOREIGN, 5000, 53, new byte[] {1, 2, 3});
        byte[] p = ip(LINUX, FOREIGN, 17, u);
        inject(p);
        byte[] f = link.take();
        assertNotNull(f, "an ICMP error");
        MemorySegment s = MemorySegment.ofArray(f);
        Ipv4View ip = new Ipv4View().wrap(s, 0, f.length);
        assertEquals(1, ip.protocol());
        assertEquals(FOREIGN, ip.src());
        assertEquals(LINUX, ip.dst());
        Icmpv4View icmp = new Icmpv4View().wrap(s, 20, f.length - 20);
        assertEquals(3, icmp.type());
        assertEquals(3, icmp.code(), "port unreachable");
        // A socket bound to every address receives it.
        UdpSocket any = stack.udp().open(0, 53);
        inject(p);
        UdpSocket.Datagram d = any.receive();
        assertNotNull(d);
        assertArrayEquals(new byte[] {1, 2, 3}, d.data());
        any.close();
        // An echo request is answered from the intercepted address.
        inject(ip(LINUX, FOREIGN, 1, Frames.echoRequest(1, 1, new byte[8])));
        f = link.take();
        assertNotNull(f, "an echo reply");
        ip = new Ipv4View().wrap(MemorySegment.ofArray(f), 0, f.length);
        assertEquals(FOREIGN, ip.src());
        assertEquals(0, new Icmpv4View().wrap(MemorySegment.ofArray(f), 20, f.length - 20).type());
        nothing();
        finish();
    }

    @Test
    void broadcastAndMalformedPrefixesAreNotTaken() throws Exception {
        nif.intercept("198.18.0.0/16"); // covers the interface's subnet and its broadcast
        assertTrue(nif.intercepts(Ipv4Address.parse("198.18.7.7")));
        assertFalse(nif.intercepts(Ipv4Address.parse("198.18.0.255")), "the subnet's broadcast stays a broadcast");
        assertFalse(nif.intercepts(Ipv4Address.parse("198.19.0.1")));
        nif.intercept("0.0.0.0/0");
        assertFalse(nif.intercepts(-1));
        assertFalse(nif.intercepts(Ipv4Address.parse("224.0.0.1")));
        assertTrue(nif.intercepts(Ipv4Address.parse("8.8.8.8")));
        assertThrows(IllegalArgumentException.class, () -> nif.intercept("198.19.0.1/16"));
        assertThrows(IllegalArgumentException.class, () -> nif.intercept(Ipv4Address.parse("198.19.0.0"), 33));
        assertEquals(0, nif.interceptLength(), "a refused call changes nothing");
        nif.intercept(java.net.InetAddress.getByAddress(new byte[] {(byte) 198, 19, 0, 0}), 16);
        assertEquals(16, nif.interceptLength());
        assertEquals(Ipv4Address.parse("198.19.0.0"), nif.interceptPrefix());
        finish();
    }


    @Test
    void aConnectionIsLetGoByTheListenerThatHeldItWhateverListenersCameSince() throws Exception {
        nif.intercept("198.19.0.0/16");
        TcpListener all = stack.tcp().listenAll(4);
        all.guarantee(2);
        Seg a = handshake(FOREIGN, 40000, 80); // the catch-all holds it
        Seg b = handshake(FOREIGN, 40001, 81);
        assertEquals(2, all.held());
        TcpListener web = stack.tcp().listen(0, 80, 4); // port 80 has a listener of its own from now on
        web.guarantee(1);
        TcpListener other = stack.tcp().listen(0, 81, 4);
        Seg c = handshake(FOREIGN, 40002, 81); // ... and port 81 too; this one is held by it
        assertEquals(1, other.held());
        TcpSocket sa = all.accept(), sb = all.accept(), sc = other.accept();
        assertEquals(40000, sa.remotePort());
        int reserved = stack.tcp().promisedToListeners();
        peerClosesFirst(sa, FOREIGN, 40000, 80, RISS + 1, a.seq() + 1);
        assertEquals(1, all.held(), "the catch-all let it go, not port 80's listener");
        assertEquals(0, web.held());
        assertEquals(reserved + 1, stack.tcp().promisedToListeners(), "the catch-all's promise is room again");
        other.close(); // the catch-all would take port 81 now, but sc stays port 81's
        peerClosesFirst(sc, FOREIGN, 40002, 81, RISS + 1, c.seq() + 1);
        assertEquals(1, all.held(), "a connection of a closed listener is not the catch-all's");
        peerClosesFirst(sb, FOREIGN, 40001, 81, RISS + 1, b.seq() + 1);
        assertEquals(0, all.held());
        all.close();
        web.close();
        finish();
    }

    @Test
    void icmpErrorsAboutAnInterceptedConnectionReachIt() throws Exception {
        nif.intercept("198.19.0.0/16");
        TcpListener all = stack.tcp().listenAll(4);
        Seg sa = handshake(FOREIGN, 40000, 8080);
        TcpSocket s = all.accept();
        s.setNoDelay(true);
        byte[] data = new byte[1400];
        assertEquals(data.length, s.write(data, 0, data.length));
        stack.poll(now);
        byte[] sent = link.sent().peekFirst();
        Seg first = expectTcp();
        assertEquals(1400, first.payload().length);
        // A router on the way says 1000 bytes is the most it forwards (RFC 1191), quoting our packet.
        byte[] icmp = new byte[8 + 28];
        icmp[0] = 3;
        icmp[1] = 4;
        icmp[6] = (byte) (1000 >> 8);
        icmp[7] = (byte) (1000 & 0xff);
        System.arraycopy(sent, 0, icmp, 8, 28);
        new Icmpv4View().wrap(MemorySegment.ofArray(icmp), 0, icmp.length).fillChecksum();
        inject(ip(LINUX, FOREIGN, 1, icmp));
        assertEquals(1, stack.tcp().counters().pmtuUpdates, "matched to the connection from 198.19.5.5");
        Seg again = expectTcp(); // resent at once, in segments that fit
        assertEquals(first.seq(), again.seq());
        assertEquals(960, again.payload().length);
        assertEquals(FOREIGN, again.src());
        Seg rest = expectTcp();
        assertEquals(440, rest.payload().length);
        int snxt = sa.seq() + 1 + 1400;
        send(FOREIGN, 40000, 8080, ACK, RISS + 1, snxt, NONE);
        nothing();
        peerClosesFirst(s, FOREIGN, 40000, 8080, RISS + 1, snxt);
        all.close();
        finish();
    }
}
