package net.sloop.tcp;

import static net.sloop.tcp.Peer.ACK;
import static net.sloop.tcp.Peer.PSH;
import static net.sloop.tcp.Peer.REMOTE;
import static net.sloop.tcp.Peer.RISS;
import static net.sloop.tcp.Peer.RST;
import static net.sloop.tcp.Peer.SLOOP_PORT;
import static net.sloop.tcp.Peer.SYN;
import static net.sloop.tcp.Peer.seg;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import net.sloop.tcp.Peer.Conn;
import net.sloop.tcp.Peer.Seg;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * Retransmission, one segment at a time: the RTO and its backoff (RFC 6298), the limits that end
 * a connection whose peer is gone, SYN and SYN-ACK retransmission, limited transmit (RFC 3042),
 * fast retransmit and NewReno recovery (RFC 5681, 6582) and SACK-based recovery (RFC 6675).
 */
class TcpRecoverySegmentTest {
    static final int MSS = 1000;

    /** An accepted connection with an MSS of 1000 whose quick-ACK start is over; {@code sack} offers SACK. */
    static Conn conn(Peer p, boolean sack) throws TcpException {
        Peer.Out syn = seg(SYN, RISS, 0).mss(MSS);
        if (sack) syn.sackOk();
        return TcpDataSegmentTest.warm(p, syn);
    }

    /** Writes {@code n} full segments and returns the ones the stack sent at once. */
    static List<Seg> write(Peer p, Conn k, int n) throws TcpException {
        assertEquals(n * MSS, k.socket.write(new byte[n * MSS]));
        p.sync();
        return p.all();
    }

    static Peer.Out dupAck(Conn k) {
        return seg(ACK, k.rnxt, k.snxt);
    }

    @Test
    void aFastRetransmitResendsOnlyWhatWasSent() throws Exception {
        // The first unacknowledged segment was short (300 bytes) and more is queued behind a shut
        // window. Resending a full SMSS from SND.UNA would send 700 bytes never sent before
        // without moving SND.MAX, and the peer's ACK of them would then be refused as
        // acknowledging something never sent: the connection stalled (found over a lossy link).
        Peer p = new Peer(Peer.config().build());
        Conn k = conn(p, false);
        k.socket.write(new byte[300]);
        p.sync();
        Seg first = p.expect();
        assertEquals(300, first.payload().length, "sent: " + first);
        p.nothing();
        p.send(seg(ACK, k.rnxt, k.snxt).win(300)); // a window update: nothing more fits
        k.socket.write(new byte[5000]);
        p.sync();
        p.nothing();
        for (int i = 0; i < 3; i++) p.send(seg(ACK, k.rnxt, k.snxt).win(300)); // three duplicate ACKs
        Seg r = p.expect();
        assertEquals(k.snxt, r.seq(), "fast retransmit of the first segment: " + r);
        assertEquals(300, r.payload().length, "only what was sent: " + r);
        k.socket.abort();
        p.all();
        p.finish();
    }

    @Test
    void rtoRetransmitsTheFirstSegmentAndBacksOff() throws Exception {
        Peer p = new Peer(Peer.config().maxRetransmits(20).build());
        Conn k = conn(p, false);
        assertEquals(3, write(p, k, 3).size());
        long[] gaps = new long[5];
        for (int i = 0; i < gaps.length; i++) {
            gaps[i] = p.advanceUntilSent(Time.seconds(100));
            Seg r = p.expect(ACK, k.snxt, k.rnxt);
            assertEquals(MSS, r.payload().length, "one segment: the window collapsed to one (RFC 5681 §3.1)");
            p.nothing();
        }
        assertEquals(Time.millis(200), gaps[0], "the minimum RTO: no RTT has been measured above a few ms");
        for (int i = 1; i < gaps.length; i++) assertEquals(2 * gaps[i - 1], gaps[i], "RFC 6298 §5.5 backoff");
        // The ACK of the retransmission: the window grows from one segment in slow start.
        p.send(seg(ACK, k.rnxt, k.snxt + MSS));
        List<Seg> next = p.all();
        assertEquals(2, next.size(), "slow start from one segment: " + next);
        assertEquals(k.snxt + MSS, next.get(0).seq(), "go-back-N from the first unacknowledged byte");
        p.send(seg(ACK, k.rnxt, k.snxt + 3 * MSS));
        p.nothing();
        k.socket.abort();
        p.finish();
    }

    /**
     * Issue 9, item 2 (RFC 6298 §5 note after 5.7, Karn's algorithm): the ACK of a retransmitted
     * segment gives no RTT sample, so the backed-off RTO stays for the next segment; only a valid
     * sample (an ACK for a segment sent once) brings it back.
     */
    @Test
    void theBackedOffRtoSurvivesTheAckOfARetransmission() throws Exception {
        Peer p = new Peer();
        Conn k = conn(p, false);
        assertEquals(1, write(p, k, 1).size());
        assertEquals(Time.millis(200), p.advanceUntilSent(Time.seconds(10)));
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        assertEquals(Time.millis(400), p.advanceUntilSent(Time.seconds(10)));
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        p.advance(Time.millis(10));
        k.snxt += MSS;
        p.send(seg(ACK, k.rnxt, k.snxt)); // acknowledges a segment sent three times: no sample
        p.nothing();
        assertEquals(1, write(p, k, 1).size());
        assertEquals(Time.millis(800), p.advanceUntilSent(Time.seconds(10)), "still backed off twice");
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        p.advance(Time.millis(10));
        k.snxt += MSS;
        p.send(seg(ACK, k.rnxt, k.snxt));
        // That ACK was for a retransmission too; the next segment is sent once and acknowledged: a sample.
        assertEquals(1, write(p, k, 1).size());
        p.advance(Time.millis(10));
        k.snxt += MSS;
        p.send(seg(ACK, k.rnxt, k.snxt));
        assertEquals(1, write(p, k, 1).size());
        assertEquals(Time.millis(200), p.advanceUntilSent(Time.seconds(10)), "a valid sample ended the backoff");
        k.socket.abort();
        p.finish();
    }

    @Test
    void tooManyRetransmissionsEndTheConnectionAndFreeEverything() throws Exception {
        Peer p = new Peer(Peer.config().maxRetransmits(3).build());
        Conn k = conn(p, false);
        write(p, k, 2);
        for (int i = 0; i < 3; i++) {
            p.advanceUntilSent(Time.seconds(100));
            p.expect(ACK, k.snxt, k.rnxt);
        }
        p.advanceUntilSent(Time.seconds(100));
        p.expect(RST | ACK, k.snxt + 2 * MSS, k.rnxt); // the peer may be alive but unable to answer: tell it
        assertTrue(k.socket.isEnded());
        assertEquals(TcpError.TIMED_OUT, k.socket.error());
        assertThrows(TcpException.class, () -> k.socket.write(new byte[1]));
        assertEquals(0, p.stack.tcp().connections());
        p.advance(Time.seconds(100));
        p.nothing();
        p.finish();
    }

    /** RFC 6298 §5.7 (issue 9, item 8): a SYN retransmitted and no RTT sample: data starts with an RTO of 3 s, not backed off. */
    @Test
    void afterARetransmittedSynTheRtoStartsAtThreeSeconds() throws Exception {
        Peer p = new Peer();
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        p.sync();
        Seg syn = p.expect();
        assertEquals(Time.seconds(1), p.advanceUntilSent(Time.seconds(100)));
        p.expect();
        assertEquals(Time.seconds(2), p.advanceUntilSent(Time.seconds(100)));
        p.expect();
        p.advance(Time.millis(5));
        p.send(seg(SYN | ACK, RISS, syn.seq() + 1).ports(7, syn.srcPort()).mss(MSS));
        p.expect(ACK, syn.seq() + 1, RISS + 1);
        assertTrue(c.isConnected());
        c.write(new byte[100]);
        p.sync();
        p.expect(PSH | ACK, syn.seq() + 1, RISS + 1);
        assertEquals(Time.seconds(3), p.advanceUntilSent(Time.seconds(100)), "RFC 6298 §5.7, not the SYN's 4 s");
        c.abort();
        p.finish();
    }

    @Test
    void synIsRetransmittedWithBackoffThenTheConnectTimesOut() throws Exception {
        Peer p = new Peer(Peer.config().synRetries(3).build());
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        p.sync();
        Seg syn = p.expect();
        long[] gaps = new long[3];
        for (int i = 0; i < 3; i++) {
            gaps[i] = p.advanceUntilSent(Time.seconds(100));
            Seg again = p.expect();
            assertEquals(syn.seq(), again.seq());
            assertEquals(SYN, again.flags());
        }
        assertEquals(Time.seconds(1), gaps[0], "initial RTO of 1 s (RFC 6298 §2.1)");
        assertEquals(Time.seconds(2), gaps[1]);
        assertEquals(Time.seconds(4), gaps[2]);
        p.advance(Time.seconds(7));
        assertFalse(c.isEnded());
        p.advance(Time.seconds(2));
        assertTrue(c.isEnded(), "ended after its last SYN's timeout");
        assertEquals(TcpError.TIMED_OUT, c.error());
        p.nothing();
        c.close();
        p.finish();
    }

    @Test
    void synAckIsRetransmittedAndTheHalfOpenEntryExpires() throws Exception {
        Peer p = new Peer(Peer.config().synRetries(2).build());
        TcpListener l = p.stack.tcp().listen(0, SLOOP_PORT);
        p.send(seg(SYN, RISS, 0).mss(MSS));
        Seg sa = p.expect();
        assertEquals(Time.seconds(1), p.advanceUntilSent(Time.seconds(10)));
        assertEquals(sa.seq(), p.expect(SYN | ACK, sa.seq(), RISS + 1).seq());
        assertEquals(Time.seconds(2), p.advanceUntilSent(Time.seconds(10)));
        p.expect(SYN | ACK, sa.seq(), RISS + 1);
        p.advance(Time.seconds(10));
        p.nothing();
        assertEquals(0, p.stack.tcp().synQueue().size(), "the entry expired");
        // A late ACK finds nothing: reset.
        p.send(seg(ACK, RISS + 1, sa.seq() + 1));
        Seg r = p.expect();
        assertTrue(r.has(RST), "a late ACK for an expired entry is reset: " + r);
        l.close();
        p.finish();
    }

    @Test
    void limitedTransmitSendsNewDataOnTheFirstTwoDuplicateAcks() throws Exception {
        Peer p = new Peer(Peer.config().sendBuffer(64 * 1024).build());
        Conn k = conn(p, false);
        assertEquals(10, write(p, k, 16).size());
        p.send(seg(ACK, k.rnxt, k.snxt + MSS)); // segment 1 arrives; 2 is lost
        assertEquals(2, p.all().size(), "slow start: two more (segments 11 and 12)");
        int una = k.snxt + MSS;
        Peer.Out dup = seg(ACK, k.rnxt, una);
        p.send(dup);
        Seg lt1 = p.expect(ACK, k.snxt + 12 * MSS, k.rnxt);
        assertEquals(MSS, lt1.payload().length, "RFC 3042: a new segment on the first duplicate ACK");
        p.nothing();
        p.send(dup);
        p.expect(ACK, k.snxt + 13 * MSS, k.rnxt);
        p.nothing();
        p.send(dup); // the third: fast retransmit (RFC 5681 §3.2)
        Seg fr = p.expect(ACK, una, k.rnxt);
        assertEquals(MSS, fr.payload().length);
        assertEquals(1, p.stack.tcp().counters().fastRetransmits);
        p.send(seg(ACK, k.rnxt, k.snxt + 16 * MSS));
        p.all();
        k.socket.abort();
        p.finish();
    }

    @Test
    void newRenoRetransmitsOnTheThirdDuplicateAndEachPartialAck() throws Exception {
        Peer p = new Peer(Peer.config().sendBuffer(64 * 1024).build());
        Conn k = conn(p, false);
        List<Seg> flight = write(p, k, 10);
        assertEquals(10, flight.size());
        int s0 = k.snxt;
        // Segments 1 and 4 (numbered from 1) are lost; each of the 8 that arrive draws a duplicate ACK.
        for (int i = 0; i < 3; i++) p.send(dupAck(k));
        Seg fr = p.expect(ACK, s0, k.rnxt);
        assertEquals(MSS, fr.payload().length, "fast retransmit of the first segment");
        p.nothing();
        for (int i = 0; i < 5; i++) p.send(dupAck(k)); // window inflation: no new data to send
        p.nothing();
        // The retransmission fills the first hole: a partial ACK up to the second hole (RFC 6582 §3.2 step 4).
        p.send(seg(ACK, k.rnxt, s0 + 3 * MSS));
        Seg second = p.expect(ACK, s0 + 3 * MSS, k.rnxt);
        assertEquals(MSS, second.payload().length, "the next hole at once, without waiting for three more duplicates");
        p.nothing();
        // The full ACK ends recovery; nothing is resent.
        p.send(seg(ACK, k.rnxt, s0 + 10 * MSS));
        p.nothing();
        assertEquals(1, p.stack.tcp().counters().fastRetransmits);
        assertEquals(0, p.stack.tcp().counters().timeouts);
        assertEquals(2, p.stack.tcp().counters().retransmittedSegments);
        k.socket.abort();
        p.finish();
    }

    @Test
    void sackRecoveryRetransmitsEveryHoleTheScoreboardShows() throws Exception {
        Peer p = new Peer(Peer.config().sendBuffer(64 * 1024).build());
        Conn k = conn(p, true);
        assertEquals(10, write(p, k, 10).size());
        int s0 = k.snxt;
        // Segments 1 and 4 are lost: the peer's duplicate ACKs carry SACK blocks for what arrived.
        p.send(dupAck(k).sack(s0 + MSS, s0 + 2 * MSS));
        p.send(dupAck(k).sack(s0 + MSS, s0 + 3 * MSS));
        p.send(dupAck(k).sack(s0 + 4 * MSS, s0 + 5 * MSS, s0 + MSS, s0 + 3 * MSS));
        Seg r1 = p.expect(ACK, s0, k.rnxt);
        assertEquals(MSS, r1.payload().length, "the first hole (RFC 6675 §5 NextSeg rule 1)");
        p.nothing();
        p.send(dupAck(k).sack(s0 + 4 * MSS, s0 + 6 * MSS, s0 + MSS, s0 + 3 * MSS));
        p.send(dupAck(k).sack(s0 + 4 * MSS, s0 + 7 * MSS, s0 + MSS, s0 + 3 * MSS));
        // Three segments SACKed above segment 4 make it lost (RFC 6675 IsLost): resent before any partial ACK.
        List<Seg> out = p.all();
        assertTrue(out.stream().anyMatch(x -> x.seq() == s0 + 3 * MSS && x.payload().length == MSS),
                "the second hole resent during recovery: " + out);
        p.send(seg(ACK, k.rnxt, s0 + 10 * MSS));
        p.all();
        assertEquals(0, p.stack.tcp().counters().timeouts);
        k.socket.abort();
        p.finish();
    }

    /**
     * Issue 9, item 8 (RFC 6675 §4 NextSeg rule 4): when the last segment of the flight is lost
     * too and nothing is SACKed above it, one rescue retransmission resends it without waiting
     * for the RTO.
     */
    @Test
    void aLostTailIsResentByTheRescueRetransmission() throws Exception {
        Peer p = new Peer();
        Conn k = conn(p, true);
        assertEquals(5, write(p, k, 5).size());
        int s0 = k.snxt;
        // Segments 1 and 5 lost; 2, 3 and 4 SACKed: three duplicate ACKs, recovery, segment 1 resent.
        p.send(dupAck(k).sack(s0 + MSS, s0 + 2 * MSS));
        p.send(dupAck(k).sack(s0 + MSS, s0 + 3 * MSS));
        p.send(dupAck(k).sack(s0 + MSS, s0 + 4 * MSS));
        p.expect(ACK, s0, k.rnxt);
        p.nothing();
        // The retransmission arrives: a partial ACK up to the lost tail, nothing SACKed above it.
        p.send(seg(ACK, k.rnxt, s0 + 4 * MSS));
        Seg rescue = p.expect();
        assertEquals(s0 + 4 * MSS, rescue.seq(), "the tail, at once: " + rescue);
        assertEquals(MSS, rescue.payload().length);
        p.nothing();
        assertEquals(1, p.stack.tcp().counters().rescueRetransmits);
        p.send(seg(ACK, k.rnxt, s0 + 5 * MSS));
        p.nothing();
        assertEquals(0, p.stack.tcp().counters().timeouts);
        k.socket.abort();
        p.finish();
    }

    /** Issue 9, item 8 (RFC 2883 §4): a D-SACK, a first block below the cumulative ACK, is detected and counted. */
    @Test
    void aDsackReportingASpuriousRetransmissionIsCounted() throws Exception {
        Peer p = new Peer();
        Conn k = conn(p, true);
        assertEquals(1, write(p, k, 1).size());
        p.advanceUntilSent(Time.seconds(5)); // the RTO resends it, though the peer had it (its ACK was lost)
        p.expect();
        p.send(seg(ACK, k.rnxt, k.snxt + MSS).sack(k.snxt, k.snxt + MSS));
        p.nothing();
        assertEquals(1, p.stack.tcp().counters().dsacksReceived);
        k.socket.abort();
        p.finish();
    }

    /**
     * Issue 9, item 8 (RFC 7323 Appendix G): a timestamp sample is one of ExpectedSamples =
     * ceil(FlightSize / (2 * SMSS)) per RTT, and its gains are divided by that number.
     */
    @Test
    void timestampSamplesAreWeightedByTheExpectedSamplesPerRtt() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(MSS + 12).ts(5000, 0));
        TcpConnection c = p.stack.tcp().find(Peer.SLOOP, SLOOP_PORT, Peer.REMOTE, Peer.REMOTE_PORT);
        assertEquals(0, c.rtt.srtt(), "the handshake's sample: no delay");
        List<Seg> sent = write(p, k, 10);
        assertEquals(10, sent.size());
        p.advance(Time.millis(100));
        p.send(seg(ACK, k.rnxt, k.snxt + 2 * MSS).ts(5001, sent.get(0).repr().tsVal()));
        // A 100 ms sample in a flight of 10 segments: ExpectedSamples 5, SRTT += (100 - 0) / (8 * 5).
        assertEquals(Time.micros(2500), c.rtt.srtt());
        k.socket.abort();
        p.finish();
    }

    @Test
    void aLostRetransmissionIsRecoveredByTheRto() throws Exception {
        Peer p = new Peer(Peer.config().sendBuffer(64 * 1024).build());
        Conn k = conn(p, false);
        write(p, k, 10);
        int s0 = k.snxt;
        for (int i = 0; i < 3; i++) p.send(dupAck(k));
        p.expect(ACK, s0, k.rnxt); // lost again
        long t = p.advanceUntilSent(Time.seconds(10));
        assertTrue(t >= Time.millis(200), "after the RTO: " + t);
        p.expect(ACK, s0, k.rnxt);
        p.nothing();
        assertEquals(1, p.stack.tcp().counters().timeouts);
        p.send(seg(ACK, k.rnxt, s0 + 10 * MSS));
        p.all();
        k.socket.abort();
        p.finish();
    }
}
