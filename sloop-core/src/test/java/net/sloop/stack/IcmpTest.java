package net.sloop.stack;

import static net.sloop.stack.Lan.*;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Chains;
import net.sloop.mem.Owner;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.testing.Frames;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Icmpv4View;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4Repr;
import org.junit.jupiter.api.Test;

/** ICMP echo, error generation (and its limits), and errors about our own datagrams. */
class IcmpTest {
    long now = 4_000_000_000L;

    static byte[] echoIn(int dst, int id, int seq, byte[] payload) {
        byte[] echo = Frames.echoRequest(id, seq, payload);
        long mac = dst == US ? OUR_MAC : 0xFFFF_FFFF_FFFFL;
        return Frames.ipv4(mac, PEER_MAC, new Ipv4Repr(PEER, dst, 1, 64, 500, false, false, 0, echo.length), echo);
    }

    /** A UDP datagram from the peer to a port of ours that has no socket. */
    static byte[] toClosedPort(int id) {
        return Frames.udpFrame(OUR_MAC, PEER_MAC, PEER, US, 9000, 4444, id, bytes(12, id));
    }

    /** An ICMP error from the peer quoting {@code quoted}. */
    static byte[] errorIn(int type, int code, byte[] quoted) {
        byte[] m = icmp(type, code, 0, quoted);
        return ip(new Ipv4Repr(PEER, US, 1, 64, 900, false, false, 0, m.length), m);
    }

    Lan lan(int errorsPerSecond) {
        Lan lan = new Lan(StackConfig.builder().budget(128 * 1024).icmpErrorsPerSecond(errorsPerSecond).build());
        lan.learn(now, PEER, PEER_MAC);
        return lan;
    }

    @Test
    void echoRequestIsAnsweredWithTheSameIdentifierSequenceAndPayload() {
        Lan lan = lan(100);
        byte[] payload = bytes(33, 9); // odd length: the checksum's last byte is padded
        lan.link.inject(now, echoIn(US, 0xBEEF, 0x0102, payload));
        byte[] reply = lan.link.take();
        assertNotNull(reply);
        assertArrayEquals(ourIp(PEER_MAC, PEER, 1, 0, icmp(0, 0, 0xBEEF_0102, payload)), reply);
        Icmpv4View v = new Icmpv4View().wrap(MemorySegment.ofArray(reply), 34, reply.length - 34);
        assertTrue(v.verifyChecksum());
        assertEquals(0xBEEF, v.identifier());
        assertEquals(0x0102, v.sequence());
        lan.link.inject(now, echoIn(US, 1, 2, new byte[0]));
        lan.expect(ourIp(PEER_MAC, PEER, 1, 1, icmp(0, 0, 0x0001_0002, new byte[0])));
        lan.expectNothing();
        assertEquals(2, lan.stack.stats().get(Proto.ICMP, Counter.RECEIVED));
        assertEquals(2, lan.stack.stats().get(Proto.ICMP, Counter.SENT));
        assertEquals(0, lan.stack.stats().totalDrops());
        lan.assertAtBaseline();
    }

    @Test
    void echoToABroadcastAddressIsNotAnswered() {
        Lan lan = lan(100);
        lan.link.inject(now, echoIn(SUBNET_BROADCAST, 1, 1, bytes(8, 1)));
        lan.link.inject(now, echoIn(-1, 1, 2, bytes(8, 1)));
        lan.expectNothing();
        assertEquals(2, lan.stack.stats().drops(DropReason.ICMP_BROADCAST_ECHO));
        lan.assertAtBaseline();
    }

    @Test
    void badIcmpChecksumIsDropped() {
        Lan lan = lan(100);
        byte[] f = echoIn(US, 1, 1, bytes(20, 1));
        f[f.length - 1] ^= 0x40;
        lan.link.inject(now, f);
        lan.expectNothing();
        assertEquals(1, lan.stack.stats().drops(DropReason.ICMP_BAD_CHECKSUM));
        assertEquals(1, lan.stack.stats().get(Proto.ICMP, Counter.CHECKSUM_ERRORS));
        lan.assertAtBaseline();
    }

    @Test
    void portUnreachableQuotesTheHeaderAndEightBytes() {
        Lan lan = lan(100);
        byte[] f = toClosedPort(1);
        lan.link.inject(now, f);
        lan.expect(ourIp(PEER_MAC, PEER, 1, 0, icmp(3, 3, 0, quote(f, 28))));
        lan.expectNothing();
        assertEquals(1, lan.stack.stats().drops(DropReason.UDP_NO_SOCKET));
        lan.assertAtBaseline();
    }

    int errorsOut(Lan lan) {
        int n = 0;
        byte[] f;
        while ((f = lan.link.take()) != null) {
            assertEquals(3, f[34], "only port unreachables are expected");
            n++;
        }
        return n;
    }

    @Test
    void errorsAreRateLimitedWithABurstThenRefillOverTime() {
        Lan lan = lan(3);
        long interval = Time.SECONDS / 3;
        long t0 = now;
        for (int i = 0; i < 5; i++) lan.link.inject(t0, toClosedPort(i));
        assertEquals(3, errorsOut(lan), "a burst of icmpErrorsPerSecond");
        lan.link.inject(t0 + interval - 1, toClosedPort(10));
        assertEquals(0, errorsOut(lan), "no token yet");
        lan.link.inject(t0 + interval, toClosedPort(11));
        assertEquals(1, errorsOut(lan), "one token back after 1/rate");
        lan.link.inject(t0 + interval, toClosedPort(12));
        assertEquals(0, errorsOut(lan));
        long later = t0 + Time.seconds(10);
        for (int i = 0; i < 6; i++) lan.link.inject(later, toClosedPort(20 + i));
        assertEquals(3, errorsOut(lan), "the bucket never holds more than the burst");
        assertEquals(14, lan.stack.stats().drops(DropReason.UDP_NO_SOCKET));
        assertEquals(7, lan.stack.stats().get(Proto.ICMP, Counter.SENT));
        lan.assertAtBaseline();
    }

    @Test
    void zeroErrorsPerSecondSendsNone() {
        Lan lan = lan(0);
        lan.link.inject(now, toClosedPort(1));
        lan.link.inject(now + Time.seconds(100), toClosedPort(2));
        lan.expectNothing();
        lan.assertAtBaseline();
    }

    @Test
    void noErrorAboutABroadcastDatagram() {
        Lan lan = lan(100);
        lan.link.inject(now, Frames.udpFrame(0xFFFF_FFFF_FFFFL, PEER_MAC, PEER, SUBNET_BROADCAST, 9000, 4444, 1, bytes(8, 1)));
        lan.link.inject(now, Frames.udpFrame(0xFFFF_FFFF_FFFFL, PEER_MAC, PEER, -1, 9000, 4444, 2, bytes(8, 1)));
        lan.expectNothing();
        assertEquals(2, lan.stack.stats().drops(DropReason.IP_BROADCAST));
        lan.assertAtBaseline();
    }

    /** Calls sendError directly on a received-like chain holding the IP packet of {@code frame}. */
    boolean sendErrorAbout(Lan lan, byte[] frame) {
        Budget b = lan.stack.budget();
        Owner o = new Owner("test");
        int chain = Chains.copyIn(b, MemorySegment.ofArray(frame), 14, frame.length - 14, StackConfig.RX_HEADROOM, Category.RX, o);
        assertTrue(chain >= 0);
        try {
            lan.stack.icmp().sendError(now, 3, 2, 0, chain, 20);
        } finally {
            Chains.free(b, chain);
        }
        return lan.link.take() != null;
    }

    @Test
    void noErrorAboutAnIcmpErrorANonInitialFragmentOrABadSource() {
        Lan lan = lan(100);
        // Controls: an error is sent about an ordinary datagram, an echo request and a first fragment.
        assertTrue(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, US, 99, 64, 1, false, false, 0, 16), bytes(16, 1))));
        byte[] echo = Frames.echoRequest(1, 1, bytes(8, 1));
        assertTrue(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, US, 1, 64, 2, false, false, 0, echo.length), echo)));
        assertTrue(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, US, 99, 64, 3, false, true, 0, 16), bytes(16, 1))));

        byte[] error = icmp(3, 1, 0, bytes(28, 2));
        assertFalse(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, US, 1, 64, 4, false, false, 0, error.length), error)), "about an ICMP error");
        byte[] timeExceeded = icmp(11, 0, 0, bytes(28, 2));
        assertFalse(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, US, 1, 64, 5, false, false, 0, timeExceeded.length), timeExceeded)));
        assertFalse(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, US, 99, 64, 6, false, true, 8, 16), bytes(16, 1))), "non-initial fragment");
        assertFalse(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, US, 99, 64, 7, false, false, 8, 16), bytes(16, 1))), "last fragment");
        assertFalse(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, SUBNET_BROADCAST, 99, 64, 8, false, false, 0, 16), bytes(16, 1))), "to a broadcast");
        assertFalse(sendErrorAbout(lan, ip(new Ipv4Repr(PEER, Ipv4Address.parse("224.0.0.1"), 99, 64, 9, false, false, 0, 16), bytes(16, 1))), "to a multicast");
        assertFalse(sendErrorAbout(lan, ip(new Ipv4Repr(Ipv4Address.parse("224.0.0.1"), US, 99, 64, 10, false, false, 0, 16), bytes(16, 1))), "from a multicast");
        assertFalse(sendErrorAbout(lan, ip(new Ipv4Repr(0, US, 99, 64, 11, false, false, 0, 16), bytes(16, 1))), "from 0.0.0.0");
        assertEquals(3, lan.stack.stats().get(Proto.ICMP, Counter.SENT));
        lan.assertAtBaseline();
    }

    @Test
    void anIncomingIcmpErrorIsNeverAnswered() {
        Lan lan = lan(100);
        lan.link.inject(now, errorIn(3, 3, bytes(28, 5))); // quoting nothing of ours
        lan.link.inject(now, errorIn(5, 0, bytes(28, 5))); // redirect: not handled
        lan.expectNothing();
        assertEquals(1, lan.stack.stats().drops(DropReason.ICMP_ERROR_UNMATCHED));
        assertEquals(1, lan.stack.stats().drops(DropReason.ICMP_UNHANDLED));
        lan.assertAtBaseline();
    }

    @Test
    void portUnreachableAboutOurDatagramReachesTheSendingSocket() {
        Lan lan = lan(100);
        UdpSocket s = lan.stack.udp().open(0, 5000);
        UdpSocket other = lan.stack.udp().open(0, 5001);
        List<String> heard = new ArrayList<>();
        s.onError((t, type, code, remote, port) -> heard.add(type + "/" + code + " " + Ipv4Address.toString(remote) + ":" + port));
        assertTrue(s.send(now, PEER, 7000, bytes(40, 1)));
        byte[] sent = lan.link.take();
        assertNotNull(sent);
        assertEquals(-1, s.lastErrorType());

        lan.link.inject(now, errorIn(3, 3, quote(sent, 28)));
        lan.expectNothing();
        assertEquals(1, s.errors());
        assertEquals(3, s.lastErrorType());
        assertEquals(3, s.lastErrorCode());
        assertEquals(List.of("3/3 198.18.0.2:7000"), heard);
        assertEquals(0, other.errors());

        // A quote of the whole datagram (as Linux sends) works the same; so does time exceeded.
        lan.link.inject(now, errorIn(11, 0, Lan.ipPacket(sent)));
        assertEquals(2, s.errors());
        assertEquals(11, s.lastErrorType());
        assertEquals(0, s.lastErrorCode());
        assertEquals(0, lan.stack.stats().drops(DropReason.ICMP_ERROR_UNMATCHED));
        assertEquals(0, lan.stack.stats().totalDrops());
        s.close();
        other.close();
        lan.assertAtBaseline();
    }

    @Test
    void anErrorQuotingNothingOfOursIsCountedUnmatched() {
        Lan lan = lan(100);
        UdpSocket s = lan.stack.udp().open(0, 5000);
        s.send(now, PEER, 7000, bytes(40, 1));
        byte[] sent = lan.link.take();

        // Our address, but a source port with no socket.
        byte[] noSocket = quote(sent, 28);
        noSocket[20] = (byte) (5999 >> 8);
        noSocket[21] = (byte) 5999;
        lan.link.inject(now, errorIn(3, 3, noSocket));
        assertEquals(1, lan.stack.stats().drops(DropReason.ICMP_ERROR_UNMATCHED));

        // Port 5000, but another host's datagram.
        byte[] notOurs = Frames.udpFrame(PEER_MAC, OTHER_MAC, OTHER, PEER, 5000, 7000, 3, bytes(8, 1));
        lan.link.inject(now, errorIn(3, 3, quote(notOurs, 28)));
        assertEquals(2, lan.stack.stats().drops(DropReason.ICMP_ERROR_UNMATCHED));

        // About one of our echo requests: no socket to tell.
        lan.stack.icmp().sendEcho(now, PEER, 1, 1, MemorySegment.ofArray(bytes(8, 1)), 0, 8);
        byte[] ping = lan.link.take();
        lan.link.inject(now, errorIn(3, 1, quote(ping, 28)));
        assertEquals(3, lan.stack.stats().drops(DropReason.ICMP_ERROR_UNMATCHED));

        // A quote too short to hold a header and 8 bytes.
        lan.link.inject(now, errorIn(3, 3, quote(sent, 24)));
        assertEquals(1, lan.stack.stats().drops(DropReason.ICMP_TRUNCATED));

        lan.expectNothing();
        assertEquals(0, s.errors());
        assertEquals(-1, s.lastErrorType());
        s.close();
        lan.assertAtBaseline();
    }

    @Test
    void aFragmentedEchoRequestIsReassembledAndTheReplyFragmented() {
        Lan lan = lan(100);
        byte[] payload = bytes(2999, 4); // odd: the reply checksum spans blocks at odd offsets
        byte[] echo = Frames.echoRequest(0x0A0B, 0x0C0D, payload);
        int[] cuts = {0, 1000, 2000, echo.length};
        for (int i = cuts.length - 2; i >= 0; i--) { // last fragment first
            byte[] part = Arrays.copyOfRange(echo, cuts[i], cuts[i + 1]);
            lan.link.inject(now, ip(new Ipv4Repr(PEER, US, 1, 64, 0x7777, false, i < cuts.length - 2, cuts[i], part.length), part));
        }
        byte[] reply = icmp(0, 0, 0x0A0B_0C0D, payload);
        for (int off = 0; off < reply.length; off += 1480) {
            int n = Math.min(1480, reply.length - off);
            boolean more = off + n < reply.length;
            lan.expect(Frames.ipv4(PEER_MAC, OUR_MAC, new Ipv4Repr(US, PEER, 1, 64, 0, false, more, off, n),
                    Arrays.copyOfRange(reply, off, off + n)));
        }
        lan.expectNothing();
        assertEquals(0, lan.stack.stats().totalDrops(), () -> lan.stack.stats().report());
        lan.assertAtBaseline();
    }
}
