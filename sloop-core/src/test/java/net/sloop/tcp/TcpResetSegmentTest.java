package net.sloop.tcp;

import static net.sloop.tcp.Peer.ACK;
import static net.sloop.tcp.Peer.FIN;
import static net.sloop.tcp.Peer.PSH;
import static net.sloop.tcp.Peer.REMOTE;
import static net.sloop.tcp.Peer.RISS;
import static net.sloop.tcp.Peer.RST;
import static net.sloop.tcp.Peer.SLOOP;
import static net.sloop.tcp.Peer.SYN;
import static net.sloop.tcp.Peer.seg;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import net.sloop.tcp.Peer.Conn;
import net.sloop.tcp.Peer.Seg;
import net.sloop.time.Time;
import net.sloop.wire.Icmpv4View;
import net.sloop.wire.Ipv4Repr;
import net.sloop.wire.Ipv4View;
import org.junit.jupiter.api.Test;

/**
 * Resets, challenge ACKs (RFC 5961), PAWS (RFC 7323 §5), keepalive (RFC 1122 §4.2.3.6), TIME_WAIT
 * assassination (RFC 1337) and ICMP errors (RFC 1122 §4.2.3.9, RFC 5927), one segment at a time.
 */
class TcpResetSegmentTest {

    @Test
    void onlyAnExactResetEndsTheConnectionOthersInTheWindowDrawAChallengeAck() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        // In the window but not at RCV.NXT: a challenge ACK (RFC 5961 §3.2), the connection lives.
        p.send(seg(RST, k.rnxt + 100, 0));
        p.expect(ACK, k.snxt, k.rnxt);
        assertEquals(TcpState.ESTABLISHED, k.socket.state());
        // Outside the window: dropped in silence.
        p.send(seg(RST, k.rnxt + 10_000_000, 0));
        p.nothing();
        p.send(seg(RST, k.rnxt - 1, 0));
        p.nothing();
        assertEquals(TcpState.ESTABLISHED, k.socket.state());
        // Exactly RCV.NXT: the connection is reset, everything freed, the application told.
        p.send(seg(RST, k.rnxt, 0));
        p.nothing();
        assertTrue(k.socket.isEnded());
        assertEquals(TcpError.RESET, k.socket.error());
        TcpException e = assertThrows(TcpException.class, () -> k.socket.read(new byte[1]));
        assertEquals(TcpError.RESET, e.error());
        assertTrue(e.getMessage().contains("reset"), e.getMessage());
        assertEquals(0, p.stack.tcp().connections());
        k.socket.close();
        p.finish();
    }

    @Test
    void aSynInASynchronizedStateDrawsAChallengeAck() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        // RFC 5961 §4.2: whatever its sequence number, a SYN gets a challenge ACK and changes nothing.
        p.send(seg(SYN, k.rnxt + 5, 0).mss(1460));
        p.expect(ACK, k.snxt, k.rnxt);
        p.advance(Time.millis(500)); // ACKs to invalid segments are spaced per connection (item 5)
        p.send(seg(SYN, RISS - 500, 0).mss(1460));
        p.expect(ACK, k.snxt, k.rnxt);
        p.nothing();
        assertEquals(TcpState.ESTABLISHED, k.socket.state());
        // The in-window SYN counts as a challenge; the other was answered as an unacceptable segment.
        assertEquals(1, p.stack.tcp().counters().challengeAcks);
        k.socket.abort();
        p.finish();
    }

    @Test
    void anAckOfDataNeverSentOrFarTooOldIsChallengedAndDropped() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        // RFC 9293 §3.10.7.4 / RFC 5961 §5.2: an ACK beyond SND.NXT is answered with an ACK and the segment dropped.
        p.send(seg(PSH | ACK, k.rnxt, k.snxt + 5000).data(10));
        p.expect(ACK, k.snxt, k.rnxt);
        assertEquals(0, k.socket.available(), "its data is dropped with it");
        p.advance(Time.millis(500)); // challenge ACKs are spaced per connection (item 5)
        // Below SND.UNA - MAX.SND.WND: the same.
        p.send(seg(PSH | ACK, k.rnxt, k.snxt - 200_000).data(10));
        p.expect(ACK, k.snxt, k.rnxt);
        assertEquals(0, k.socket.available());
        // An old ACK within MAX.SND.WND is acceptable: its data is taken.
        p.send(seg(PSH | ACK, k.rnxt, k.snxt - 100).data(10));
        assertEquals(10, k.socket.available());
        k.socket.abort();
        p.finish();
    }

    /**
     * Issue 9, item 5 (CVE-2016-5696): challenge ACKs are limited per connection, so an attacker
     * flooding its own connection cannot drain a budget that another connection's challenge ACKs
     * come from, nor count that connection's ACKs by the dent they make.
     */
    @Test
    void challengeAcksAreLimitedPerConnection() throws Exception {
        Peer p = new Peer();
        Conn a = p.accepted();
        Conn b = p.accepted(seg(SYN, RISS, 0).mss(1460).ports(Peer.REMOTE_PORT + 1, Peer.SLOOP_PORT));
        for (int i = 0; i < 1500; i++) p.send(seg(RST, a.rnxt + 1 + i, 0));
        assertEquals(1, p.all().size(), "one challenge ACK per 500 ms on a connection");
        assertEquals(1500, p.stack.tcp().counters().challengeAcks);
        assertEquals(1499, p.stack.tcp().counters().challengeAcksSuppressed);
        // The other connection's challenge ACK is not held back by the flood on the first.
        p.send(seg(RST, b.rnxt + 1, 0).ports(Peer.REMOTE_PORT + 1, Peer.SLOOP_PORT));
        p.expect(ACK, b.snxt, b.rnxt);
        p.advance(Time.millis(500));
        p.send(seg(RST, a.rnxt + 1, 0));
        p.expect(ACK, a.snxt, a.rnxt);
        assertEquals(TcpState.ESTABLISHED, a.socket.state());
        a.socket.abort();
        b.socket.abort();
        p.finish();
    }

    /** Item 5: the stack-wide budget of challenge ACKs is drawn at random each second, about 1000 on average. */
    @Test
    void theStackWideChallengeAckBudgetIsRandomisedPerSecond() throws Exception {
        Peer p = new Peer();
        Tcp tcp = p.stack.tcp();
        java.util.Set<Integer> budgets = new java.util.HashSet<>();
        long total = 0;
        for (int second = 10; second < 30; second++) {
            int n = 0;
            for (int i = 0; i < 3000; i++) if (tcp.challengeAllowed(Time.seconds(second) + i * 1000L, null)) n++;
            assertTrue(n >= 500 && n < 1500, "within [limit/2, 3*limit/2): " + n);
            budgets.add(n);
            total += n;
        }
        assertTrue(budgets.size() > 10, "drawn anew each second: " + budgets);
        assertTrue(total > 20 * 800 && total < 20 * 1200, "about 1000 a second on average: " + total / 20);
        p.finish();
    }

    /** Issue 9, item 7: ACKs for bare out-of-window segments are rate-limited per connection; data is always acknowledged. */
    @Test
    void acksForOutOfWindowSegmentsAreRateLimitedPerConnection() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        for (int i = 0; i < 5; i++) p.send(seg(ACK, k.rnxt + 1_000_000 + i, k.snxt));
        assertEquals(1, p.all().size(), "one ACK per 500 ms for bare segments out of the window");
        // A retransmission of data already received is answered every time: our ACK was lost.
        p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(10));
        p.all();
        k.rnxt += 10;
        for (int i = 0; i < 3; i++) {
            p.send(seg(PSH | ACK, k.rnxt - 10, k.snxt).data(10));
            p.expect(ACK, k.snxt, k.rnxt);
        }
        p.advance(Time.millis(500));
        p.send(seg(ACK, k.rnxt + 1_000_000, k.snxt));
        p.expect(ACK, k.snxt, k.rnxt);
        assertTrue(p.stack.tcp().counters().invalidAcksSuppressed >= 4);
        k.socket.abort();
        p.finish();
    }

    /** Item 7: ACKs for PAWS-rejected bare segments are rate-limited per connection too. */
    @Test
    void acksForPawsRejectedSegmentsAreRateLimited() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(1460).ts(5000, 0));
        p.send(seg(ACK, k.rnxt, k.snxt).ts(6000, 0));
        p.nothing();
        for (int i = 0; i < 5; i++) p.send(seg(ACK, k.rnxt, k.snxt).ts(5500, 0));
        assertEquals(1, p.all().size(), "one ACK per 500 ms");
        k.socket.abort();
        p.finish();
    }

    @Test
    void pawsDropsASegmentWithAnOldTimestamp() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(1460).ts(5000, 0));
        p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(10).ts(6000, 0));
        p.all();
        assertEquals(10, k.socket.available());
        // An old duplicate: sequence fine, timestamp older than TS.Recent (RFC 7323 §5.3).
        p.send(seg(PSH | ACK, k.rnxt + 10, k.snxt).data(10).ts(5500, 0));
        Seg a = p.expect(ACK, k.snxt, k.rnxt + 10);
        assertEquals(6000, a.repr().tsEcr(), "we still echo the newest timestamp");
        assertEquals(10, k.socket.available(), "its data is not taken");
        // A reset is not subject to PAWS (RFC 7323 §5.3 R1 note): an exact one still ends the connection.
        p.send(seg(RST, k.rnxt + 10, 0).ts(1, 0));
        assertTrue(k.socket.isEnded());
        k.socket.close();
        p.finish();
    }

    @Test
    void keepaliveProbesAnIdlePeerAndEndsADeadOne() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        k.socket.setKeepAlive(Time.seconds(10), Time.seconds(2), 3);
        p.sync();
        p.nothing();
        // RFC 1122 §4.2.3.6: after the idle time, a probe with SEG.SEQ = SND.NXT - 1 and no data.
        assertEquals(Time.seconds(10), p.advanceUntilSent(Time.seconds(20)));
        p.expect(ACK, k.snxt - 1, k.rnxt);
        p.send(seg(ACK, k.rnxt, k.snxt)); // the peer is alive: the idle time starts again
        assertEquals(Time.seconds(10), p.advanceUntilSent(Time.seconds(20)));
        p.expect(ACK, k.snxt - 1, k.rnxt);
        // Now it is silent: probes every 2 s, then the connection ends.
        assertEquals(Time.seconds(2), p.advanceUntilSent(Time.seconds(20)));
        p.expect(ACK, k.snxt - 1, k.rnxt);
        assertEquals(Time.seconds(2), p.advanceUntilSent(Time.seconds(20)));
        p.expect(ACK, k.snxt - 1, k.rnxt);
        assertEquals(Time.seconds(2), p.advanceUntilSent(Time.seconds(20)));
        p.expect(RST | ACK, k.snxt, k.rnxt); // as Linux does, the dead peer is sent a reset
        assertTrue(k.socket.isEnded());
        assertEquals(TcpError.KEEPALIVE_TIMEOUT, k.socket.error());
        assertEquals(0, p.stack.tcp().connections());
        k.socket.close();
        p.finish();
    }

    /**
     * Issue 9, item 1: only acceptable segments prove the peer alive. An off-path sender's
     * far-out-of-window ACKs, every 500 ms, must not reset the keepalive count (they are answered
     * and dropped, RFC 9293 §3.10.7.4), or a dead connection would live for ever.
     */
    @Test
    void outOfWindowSegmentsDoNotKeepADeadConnectionAlive() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        k.socket.setKeepAlive(Time.seconds(10), Time.seconds(2), 3);
        p.sync();
        for (int i = 0; i < 60 && !k.socket.isEnded(); i++) {
            p.send(seg(ACK, k.rnxt + 100_000_000, k.snxt));
            p.advance(Time.millis(500));
            p.all();
        }
        assertTrue(k.socket.isEnded(), "ended by keepalive after 10 s + 3 probes, whatever the junk: " + k.socket.state());
        assertEquals(TcpError.KEEPALIVE_TIMEOUT, k.socket.error());
        k.socket.close();
        p.finish();
    }

    /** Item 1 for window probes: junk out of the window does not count as the peer answering them. */
    @Test
    void outOfWindowSegmentsDoNotAnswerWindowProbes() throws Exception {
        Peer p = new Peer(Peer.config().maxRetransmits(4).build());
        Conn k = TcpDataSegmentTest.warm(p, seg(SYN, RISS, 0).mss(1000));
        p.send(seg(ACK, k.rnxt, k.snxt).win(0));
        k.socket.write(new byte[500]);
        p.sync();
        for (int i = 0; i < 2000 && !k.socket.isEnded(); i++) {
            p.send(seg(ACK, k.rnxt - 100_000_000, k.snxt).win(0));
            p.advance(Time.millis(500));
            p.all();
        }
        assertTrue(k.socket.isEnded(), "dead after 4 unanswered probes: " + k.socket.state());
        assertEquals(TcpError.TIMED_OUT, k.socket.error());
        p.finish();
    }

    /** Item 1 for the user timeout (RFC 5482) while probing a shut window. */
    @Test
    void outOfWindowSegmentsDoNotHoldOffTheUserTimeout() throws Exception {
        Peer p = new Peer(Peer.config().maxRetransmits(1000).build());
        Conn k = TcpDataSegmentTest.warm(p, seg(SYN, RISS, 0).mss(1000));
        k.socket.setUserTimeout(Time.seconds(30));
        p.send(seg(ACK, k.rnxt, k.snxt).win(0));
        k.socket.write(new byte[500]);
        p.sync();
        for (int i = 0; i < 200 && !k.socket.isEnded(); i++) {
            p.send(seg(ACK, k.rnxt + 100_000_000, k.snxt).win(0));
            p.advance(Time.millis(500));
            p.all();
        }
        assertTrue(k.socket.isEnded(), "ended by the user timeout: " + k.socket.state());
        assertEquals(TcpError.USER_TIMEOUT, k.socket.error());
        p.finish();
    }

    @Test
    void aResetDoesNotEndTimeWaitEarly() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        p.closeIntoTimeWait(k);
        // RFC 1337: TIME_WAIT assassination; the record stays.
        p.send(seg(RST, k.rnxt + 1, 0));
        p.nothing();
        assertEquals(1, p.stack.tcp().timeWaitRecords());
        p.finish();
    }

    @Test
    void aNewSynBeyondTheOldSequenceSpaceReopensFromTimeWait() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        TcpListener l = p.stack.tcp().listen(0, Peer.SLOOP_PORT);
        p.closeIntoTimeWait(k);
        // RFC 9293 §3.10.7.4 / RFC 6191: a SYN with a higher sequence number may start a new incarnation.
        p.send(seg(SYN, k.rnxt + 100_000, 0).mss(1460));
        Seg sa = p.expect();
        assertEquals(SYN | ACK, sa.flags(), "a new connection: " + sa);
        assertEquals(k.rnxt + 100_001, sa.ack());
        assertEquals(0, p.stack.tcp().timeWaitRecords());
        // An old SYN (lower sequence number) only gets the last ACK again.
        l.close();
        p.finish();
    }

    /**
     * Issue 9, item 3 (RFC 6191 §2): with timestamps on both sides, the timestamp alone decides
     * whether a SYN may reopen a TIME_WAIT pair; the sequence number decides only without them.
     */
    @Test
    void withTimestampsTheSynsTimestampDecidesTimeWaitReuse() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(1460).ts(5000, 0));
        TcpListener l = p.stack.tcp().listen(0, Peer.SLOOP_PORT);
        p.closeExpectingFinTs(k);
        p.send(seg(FIN | ACK, k.rnxt, k.snxt + 1).ts(6000, 0));
        p.expect(ACK, k.snxt + 1, k.rnxt + 1);
        assertEquals(1, p.stack.tcp().timeWaitRecords());
        // A higher sequence number but an older timestamp: an old duplicate, not a new incarnation.
        p.send(seg(SYN, k.rnxt + 100_000, 0).mss(1460).ts(5500, 0));
        Seg a = p.expect();
        assertEquals(ACK, a.flags(), "the TIME_WAIT ACK, not a SYN-ACK: " + a);
        assertEquals(1, p.stack.tcp().timeWaitRecords());
        // A lower sequence number but a newer timestamp: RFC 6191 lets it in.
        p.advance(Time.seconds(1));
        p.send(seg(SYN, k.rnxt - 100_000, 0).mss(1460).ts(7000, 0));
        Seg sa = p.expect();
        assertEquals(SYN | ACK, sa.flags(), "a new connection: " + sa);
        assertEquals(k.rnxt - 100_000 + 1, sa.ack());
        assertEquals(0, p.stack.tcp().timeWaitRecords());
        l.close();
        p.finish();
    }

    /** An ICMP destination-unreachable quoting the start of {@code quoted} (an IP packet the stack sent). */
    static byte[] unreachable(int code, int mtu, byte[] quoted) {
        int q = Math.min(quoted.length, 28);
        byte[] icmp = new byte[8 + q];
        icmp[0] = 3;
        icmp[1] = (byte) code;
        icmp[6] = (byte) (mtu >>> 8);
        icmp[7] = (byte) mtu;
        System.arraycopy(quoted, 0, icmp, 8, q);
        MemorySegment s = MemorySegment.ofArray(icmp);
        new Icmpv4View().wrap(s, 0, icmp.length).fillChecksum();
        byte[] p = new byte[20 + icmp.length];
        MemorySegment ps = MemorySegment.ofArray(p);
        new Ipv4Repr(REMOTE, SLOOP, 1, 64, 99, false, false, 0, icmp.length).emit(new Ipv4View().wrap(ps, 0, p.length));
        System.arraycopy(icmp, 0, p, 20, icmp.length);
        return p;
    }

    @Test
    void portUnreachableEndsAConnectAttempt() throws Exception {
        Peer p = new Peer();
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        p.sync();
        byte[] syn = p.link.take();
        p.sendRaw(unreachable(3, 0, syn));
        assertTrue(c.isEnded(), "RFC 1122 §4.2.3.9: a hard error in SYN_SENT ends the attempt");
        assertEquals(TcpError.REFUSED, c.error(), "reported as refused, as Linux maps it to ECONNREFUSED");
        c.close();
        p.finish();
    }

    /**
     * Issue 9, item 6: "fragmentation needed" cannot drive the MSS below that of a 552-byte path
     * MTU (Linux's min_pmtu), and a stream of ever smaller MTUs cannot make the stack resend its
     * whole flight once per ICMP: the go-back happens only when the MTU decreases, at most once
     * per round trip.
     */
    @Test
    void fragmentationNeededIsClampedAndCannotForceARetransmissionPerIcmp() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        k.socket.write(new byte[2920]);
        p.sync();
        byte[] big = p.link.take();
        assertEquals(1500, big.length);
        p.expect();
        p.sendRaw(unreachable(4, 1000, big));
        assertEquals(4, p.all().size(), "resent at once: three 960-byte segments and the 40 left (Minshall's Nagle: no small segment was in flight)");
        // Another, smaller MTU at once: the MSS follows, but no second go-back within the round trip.
        p.sendRaw(unreachable(4, 999, big));
        p.nothing();
        p.sendRaw(unreachable(4, 998, big));
        p.nothing();
        // An absurd MTU is clamped to 552: 512 bytes of data per segment, not 28.
        p.sendRaw(unreachable(4, 100, big));
        p.nothing();
        p.send(seg(ACK, k.rnxt, k.snxt + 2920));
        k.snxt += 2920;
        p.all();
        k.socket.write(new byte[1000]);
        p.sync();
        Seg s = p.expect();
        assertEquals(512, s.payload().length, "552 - 40: " + s);
        assertEquals(488, p.expect().payload().length, "the rest, at once: only a full segment is in flight");
        // The same MTU again changes nothing.
        p.sendRaw(unreachable(4, 552, big));
        p.nothing();
        k.socket.abort();
        p.finish();
    }

    @Test
    void fragmentationNeededLowersTheMssAndResendsSmaller() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        k.socket.write(new byte[1460]);
        p.sync();
        byte[] big = p.link.take();
        assertEquals(1500, big.length);
        // RFC 1191 / RFC 5927: a "fragmentation needed" for a segment in flight, next-hop MTU 1000.
        p.sendRaw(unreachable(4, 1000, big));
        Seg r = p.expect();
        assertEquals(k.snxt, r.seq(), "resent at once, smaller: " + r);
        assertEquals(960, r.payload().length, "1000 - 20 - 20");
        // The 500 left follow at once: only a full segment is in flight (Minshall's Nagle, as Linux).
        Seg rest = p.expect();
        assertEquals(k.snxt + 960, rest.seq());
        assertEquals(500, rest.payload().length);
        p.nothing();
        p.send(seg(ACK, k.rnxt, k.snxt + 960));
        // An ICMP quoting a sequence number outside the flight is ignored (RFC 5927 §4.1).
        byte[] forged = Arrays.copyOf(big, big.length);
        forged[24] ^= 0x40; // the quoted TCP sequence number, far away
        p.sendRaw(unreachable(4, 600, forged));
        p.nothing();
        k.socket.abort();
        p.finish();
    }
}
