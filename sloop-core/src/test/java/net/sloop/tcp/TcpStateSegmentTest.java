package net.sloop.tcp;

import static net.sloop.tcp.Peer.ACK;
import static net.sloop.tcp.Peer.FIN;
import static net.sloop.tcp.Peer.PSH;
import static net.sloop.tcp.Peer.REMOTE;
import static net.sloop.tcp.Peer.REMOTE_PORT;
import static net.sloop.tcp.Peer.RISS;
import static net.sloop.tcp.Peer.RST;
import static net.sloop.tcp.Peer.SLOOP_PORT;
import static net.sloop.tcp.Peer.SYN;
import static net.sloop.tcp.Peer.seg;
import static org.junit.jupiter.api.Assertions.*;

import net.sloop.tcp.Peer.Conn;
import net.sloop.tcp.Peer.Seg;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * Every transition of the RFC 9293 §3.3.2 state diagram, one segment at a time: the script says
 * which segment arrives when, and checks exactly which segment the stack answers with (and that
 * it sends nothing else).
 */
class TcpStateSegmentTest {

    // ------------------------------------------------------------------ opening

    @Test
    void listenToSynReceivedToEstablished() throws Exception {
        Peer p = new Peer();
        TcpListener l = p.stack.tcp().listen(0, SLOOP_PORT);
        p.send(seg(SYN, RISS, 0).mss(1460));
        Seg sa = p.expect();
        assertEquals(SYN | ACK, sa.flags(), "SYN-ACK: " + sa);
        assertEquals(RISS + 1, sa.ack());
        assertEquals(1460, sa.repr().mss(), "our MSS for a 1500-byte link");
        assertEquals(-1, sa.repr().windowScale(), "no window scale unless the SYN offered it (RFC 7323 §2.2)");
        assertFalse(sa.repr().sackPermitted(), "no SACK-permitted unless offered (RFC 2018 §2)");
        assertFalse(sa.repr().timestamps(), "no timestamps unless offered (RFC 7323 §3.2)");
        assertTrue(sa.window() > 0);
        p.nothing();
        assertNull(l.accept(), "a half-open connection is not handed to the application");

        p.send(seg(ACK, RISS + 1, sa.seq() + 1));
        p.nothing();
        TcpSocket s = l.accept();
        assertNotNull(s);
        assertEquals(TcpState.ESTABLISHED, s.state());
        assertEquals(REMOTE, s.remoteAddress());
        assertEquals(REMOTE_PORT, s.remotePort());
        s.abort();
        p.sync();
        // RFC 9293 §3.10.4 ABORT: <SEQ=SND.NXT><CTL=RST>; with ACK=RCV.NXT as Linux sends it.
        p.expect(RST | ACK, sa.seq() + 1, RISS + 1);
        l.close();
        p.finish();
    }

    @Test
    void synWithOptionsIsAnsweredWithTheSameOptions() throws Exception {
        Peer p = new Peer();
        TcpListener l = p.stack.tcp().listen(0, SLOOP_PORT);
        p.send(seg(SYN, RISS, 0).mss(1400).ws(7).sackOk().ts(5000, 0));
        Seg sa = p.expect();
        assertEquals(SYN | ACK, sa.flags());
        assertTrue(sa.repr().windowScale() >= 0, "window scale answered: " + sa);
        assertTrue(sa.repr().sackPermitted(), "SACK-permitted answered");
        assertTrue(sa.repr().timestamps(), "timestamps answered");
        assertEquals(5000, sa.repr().tsEcr(), "TSecr echoes the SYN's TSval (RFC 7323 §3.2)");
        p.send(seg(ACK, RISS + 1, sa.seq() + 1).ts(5001, sa.repr().tsVal()));
        TcpSocket s = l.accept();
        assertNotNull(s);
        // The connection's segments now carry timestamps, and we send at most the peer's MSS.
        s.write(new byte[3000]);
        p.sync();
        Seg d1 = p.expect();
        assertTrue(d1.repr().timestamps());
        assertEquals(5001, d1.repr().tsEcr(), "TS.Recent is the last in-order TSval");
        assertEquals(1400 - 12, d1.payload().length, "MSS less the 12 bytes of the timestamp option (RFC 7323 §3.2 / RFC 9293 §3.7.1)");
        s.abort();
        l.close();
        p.finish();
    }

    @Test
    void dataOnTheHandshakesLastAckIsDelivered() throws Exception {
        // The peer's bare ACK was lost; its first data segment completes the handshake.
        Peer p = new Peer();
        TcpListener l = p.stack.tcp().listen(0, SLOOP_PORT);
        p.send(seg(SYN, RISS, 0).mss(1460));
        Seg sa = p.expect();
        p.send(seg(PSH | ACK, RISS + 1, sa.seq() + 1).data("GET /\r\n".getBytes()));
        TcpSocket s = l.accept();
        assertNotNull(s, "the data segment's ACK completed the handshake");
        byte[] b = new byte[100];
        assertEquals(7, s.read(b), "its data is delivered, not dropped");
        assertEquals("GET /\r\n", new String(b, 0, 7));
        // Acknowledged at once: the connection starts in quick-ACK mode.
        p.expect(ACK, sa.seq() + 1, RISS + 8);
        s.abort();
        l.close();
        p.finish();
    }

    @Test
    void synSentToEstablished() throws Exception {
        Peer p = new Peer();
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        assertEquals(TcpState.SYN_SENT, c.state());
        p.sync();
        Seg syn = p.expect();
        assertEquals(SYN, syn.flags(), "a SYN without ACK: " + syn);
        assertEquals(1460, syn.repr().mss());
        assertTrue(syn.repr().windowScale() >= 0, "we offer window scaling");
        assertTrue(syn.repr().sackPermitted(), "we offer SACK");
        assertTrue(syn.repr().timestamps(), "we offer timestamps");
        assertEquals(7, syn.dstPort());
        p.nothing();

        p.send(seg(SYN | ACK, RISS, syn.seq() + 1).ports(7, syn.srcPort()).mss(536));
        Seg ack = p.expect(ACK, syn.seq() + 1, RISS + 1);
        assertEquals(0, ack.payload().length);
        assertFalse(ack.repr().timestamps(), "timestamps only if both SYNs carry them");
        assertEquals(TcpState.ESTABLISHED, c.state());
        c.write(new byte[1000]);
        p.sync();
        assertEquals(536, p.expect().payload().length, "we respect the peer's MSS");
        c.abort();
        p.finish();
    }

    @Test
    void synSentAcceptsTheSynAckOnlyIfItAcknowledgesOurSyn() throws Exception {
        Peer p = new Peer();
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        p.sync();
        Seg syn = p.expect();
        // RFC 9293 §3.10.7.3: an unacceptable ACK in SYN_SENT gets a reset <SEQ=SEG.ACK><CTL=RST>.
        p.send(seg(SYN | ACK, RISS, syn.seq() + 100).ports(7, syn.srcPort()));
        p.expect(RST, syn.seq() + 100, 0);
        p.nothing();
        assertEquals(TcpState.SYN_SENT, c.state());
        // A reset whose ACK is not for our SYN is ignored; one that is ends the attempt: refused.
        p.send(seg(RST | ACK, 0, syn.seq() + 5).ports(7, syn.srcPort()));
        assertEquals(TcpState.SYN_SENT, c.state());
        p.send(seg(RST | ACK, 0, syn.seq() + 1).ports(7, syn.srcPort()));
        p.nothing();
        assertTrue(c.isEnded());
        assertEquals(TcpError.REFUSED, c.error());
        c.close();
        p.finish();
    }

    @Test
    void simultaneousOpen() throws Exception {
        Peer p = new Peer();
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        p.sync();
        Seg syn = p.expect();
        // RFC 9293 §3.5 figure 7: both sides send SYN; each answers with SYN-ACK.
        p.send(seg(SYN, RISS, 0).ports(7, syn.srcPort()).mss(1460));
        Seg sa = p.expect(SYN | ACK, syn.seq(), RISS + 1);
        assertEquals(TcpState.SYN_RECEIVED, c.state());
        p.nothing();
        p.send(seg(SYN | ACK, RISS, syn.seq() + 1).ports(7, syn.srcPort()).mss(1460));
        assertEquals(TcpState.ESTABLISHED, c.state());
        // The stack acknowledges the peer's SYN-ACK (its SYN is a duplicate now), or has already; at most one ACK.
        var rest = p.all();
        assertTrue(rest.size() <= 1, "at most one ACK: " + rest);
        for (Seg s : rest) assertEquals(ACK, s.flags());
        assertNotNull(sa);
        c.abort();
        p.finish();
    }

    /**
     * Issue 9, item 4: closing during a simultaneous open queues the FIN (RFC 9293 §3.10.4 CLOSE in
     * SYN-RECEIVED: "queue for processing after entering ESTABLISHED"); the peer's SYN-ACK still
     * completes the handshake and the FIN goes out then; the close finishes normally.
     */
    @Test
    void closingDuringASimultaneousOpenSendsTheFinOnceTheHandshakeCompletes() throws Exception {
        Peer p = new Peer();
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        p.sync();
        Seg syn = p.expect();
        p.send(seg(SYN, RISS, 0).ports(7, syn.srcPort()).mss(1460));
        p.expect(SYN | ACK, syn.seq(), RISS + 1);
        c.shutdownOutput();
        p.sync();
        p.nothing();
        p.send(seg(SYN | ACK, RISS, syn.seq() + 1).ports(7, syn.srcPort()).mss(1460));
        p.expect(FIN | ACK, syn.seq() + 1, RISS + 1);
        assertEquals(TcpState.FIN_WAIT_1, c.state());
        p.send(seg(FIN | ACK, RISS + 1, syn.seq() + 2).ports(7, syn.srcPort()));
        p.expect(ACK, syn.seq() + 2, RISS + 2);
        assertEquals(TcpState.TIME_WAIT, c.state());
        c.close();
        p.finish();
    }

    /** Item 4: RFC 7323 §2.2, the window of the peer's SYN-ACK completing a simultaneous open is not scaled. */
    @Test
    void theWindowOfTheSynAckCompletingASimultaneousOpenIsNotScaled() throws Exception {
        Peer p = new Peer();
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        p.sync();
        Seg syn = p.expect();
        p.send(seg(SYN, RISS, 0).ports(7, syn.srcPort()).mss(1000).ws(7));
        p.expect(SYN | ACK, syn.seq(), RISS + 1);
        p.send(seg(SYN | ACK, RISS, syn.seq() + 1).ports(7, syn.srcPort()).mss(1000).ws(7).win(1000));
        assertEquals(TcpState.ESTABLISHED, c.state());
        p.all();
        assertEquals(3000, c.write(new byte[3000]));
        p.sync();
        var sent = p.all();
        assertEquals(1, sent.size(), "one segment, 1000 bytes: the window is 1000, not 1000 << 7: " + sent);
        assertEquals(1000, sent.get(0).payload().length);
        c.abort();
        p.finish();
    }

    /** Issue 9, item 7: SYN and FIN together make no sense (a scan): discarded and counted, never answered. */
    @Test
    void aSynWithFinIsDiscarded() throws Exception {
        Peer p = new Peer();
        TcpListener l = p.stack.tcp().listen(0, SLOOP_PORT);
        p.send(seg(SYN | FIN, RISS, 0).mss(1460));
        p.nothing();
        assertEquals(0, p.stack.tcp().synQueue().size());
        l.close();
        Conn k = p.accepted();
        p.send(seg(SYN | FIN, k.rnxt, 0).mss(1460));
        p.nothing();
        assertEquals(2, p.stack.stats().drops(net.sloop.stats.DropReason.TCP_SYN_FIN));
        assertEquals(TcpState.ESTABLISHED, k.socket.state());
        k.socket.abort();
        p.finish();
    }

    /** Issue 9, item 10: the harness does not abort what is left; a connection still alive at the end fails, naming its state. */
    @Test
    void aConnectionLeftAliveFailsTheEndOfATestNamingItsState() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        AssertionError e = assertThrows(AssertionError.class, p::finish);
        assertTrue(e.getMessage().contains("ESTABLISHED"), e.getMessage());
        k.socket.abort();
        p.finish();
    }

    @Test
    void synReceivedReturnsToListenOnReset() throws Exception {
        Peer p = new Peer();
        TcpListener l = p.stack.tcp().listen(0, SLOOP_PORT);
        p.send(seg(SYN, RISS, 0).mss(1460));
        Seg sa = p.expect();
        assertEquals(1, l.pending() + p.stack.tcp().synQueue().size(), "one half-open entry");
        // RFC 9293 §3.10.7.4 (SYN-RECEIVED, passive open): a reset returns to LISTEN and frees the entry.
        p.send(seg(RST, RISS + 1, 0));
        p.nothing();
        assertEquals(0, p.stack.tcp().synQueue().size());
        assertEquals(0, p.stack.tcp().connections());
        // The listener still listens: a new SYN is answered.
        p.send(seg(SYN, RISS + 50, 0).mss(1460));
        assertEquals(SYN | ACK, p.expect().flags());
        assertNotNull(sa);
        l.close();
        p.finish();
    }

    @Test
    void closeInSynSentSendsNothingAndFreesAll() throws Exception {
        Peer p = new Peer();
        TcpSocket c = p.stack.tcp().connect(REMOTE, 7);
        p.sync();
        p.expect();
        c.close();
        p.sync();
        p.nothing();
        assertEquals(TcpState.CLOSED, c.state());
        assertEquals(0, p.stack.tcp().connections());
        p.advance(Time.seconds(10));
        p.nothing();
        p.finish();
    }

    @Test
    void segmentToAClosedPortGetsAReset() {
        Peer p = new Peer();
        // RFC 9293 §3.10.7.1: without ACK, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
        p.send(seg(SYN, RISS, 0).ports(REMOTE_PORT, 81));
        Seg r = p.expect(RST | ACK, 0, RISS + 1);
        assertEquals(81, r.srcPort());
        // With ACK: <SEQ=SEG.ACK><CTL=RST>.
        p.send(seg(ACK, RISS, 777).ports(REMOTE_PORT, 81).data(10));
        p.expect(RST, 777, 0);
        // A reset is never answered.
        p.send(seg(RST, RISS, 0).ports(REMOTE_PORT, 81));
        p.nothing();
        p.finish();
    }

    // ------------------------------------------------------------------ closing

    @Test
    void activeCloseThroughFinWait1FinWait2AndTimeWait() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        p.closeExpectingFin(k);
        assertEquals(TcpState.FIN_WAIT_1, k.socket.state());
        p.send(seg(ACK, k.rnxt, k.snxt + 1));
        p.nothing();
        assertEquals(TcpState.FIN_WAIT_2, k.socket.state());
        p.send(seg(FIN | ACK, k.rnxt, k.snxt + 1));
        p.expect(ACK, k.snxt + 1, k.rnxt + 1);
        p.nothing();
        assertEquals(TcpState.TIME_WAIT, k.socket.state());
        assertEquals(0, p.stack.tcp().connections(), "TIME_WAIT keeps no connection block");
        assertEquals(1, p.stack.tcp().timeWaitRecords());
        // A retransmitted FIN in TIME_WAIT is acknowledged again (RFC 9293 §3.10.7.4).
        p.advance(Time.seconds(1));
        p.send(seg(FIN | ACK, k.rnxt, k.snxt + 1));
        p.expect(ACK, k.snxt + 1, k.rnxt + 1);
        p.nothing();
        // The record lasts the configured 60 s, then goes; the port is then closed.
        p.advance(Time.seconds(58));
        assertEquals(1, p.stack.tcp().timeWaitRecords());
        p.advance(Time.seconds(2));
        assertEquals(0, p.stack.tcp().timeWaitRecords());
        p.send(seg(ACK, k.rnxt + 1, k.snxt + 1));
        p.expect(RST, k.snxt + 1, 0);
        p.finish();
    }

    @Test
    void theAcknowledgmentOfOurFinIsAnEventForTheHandle() throws Exception {
        // A lingering close waits for it; without an event it would have to poll.
        Peer p = new Peer();
        Conn k = p.accepted();
        int[] events = {0};
        k.socket.setListener((s, e) -> events[0] |= e);
        k.socket.shutdownOutput();
        p.sync();
        p.expect(FIN | ACK, k.snxt, k.rnxt);
        assertEquals(0, events[0] & TcpSocket.WRITABLE);
        p.send(seg(ACK, k.rnxt, k.snxt + 1));
        assertEquals(TcpState.FIN_WAIT_2, k.socket.state());
        assertEquals(TcpSocket.WRITABLE, events[0] & TcpSocket.WRITABLE, "WRITABLE when the FIN is acknowledged");
        k.socket.abort();
        p.finish();
    }

    @Test
    void finWait1ToTimeWaitWhenFinAndAckArriveTogether() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        p.closeExpectingFin(k);
        p.send(seg(FIN | ACK, k.rnxt, k.snxt + 1));
        p.expect(ACK, k.snxt + 1, k.rnxt + 1);
        assertEquals(TcpState.TIME_WAIT, k.socket.state());
        p.nothing();
        p.finish();
    }

    @Test
    void simultaneousCloseThroughClosing() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        p.closeExpectingFin(k);
        // The peer's FIN crossed ours: it does not acknowledge our FIN.
        p.send(seg(FIN | ACK, k.rnxt, k.snxt));
        p.expect(ACK, k.snxt + 1, k.rnxt + 1);
        assertEquals(TcpState.CLOSING, k.socket.state());
        p.send(seg(ACK, k.rnxt + 1, k.snxt + 1));
        p.nothing();
        assertEquals(TcpState.TIME_WAIT, k.socket.state());
        p.finish();
    }

    @Test
    void passiveCloseThroughCloseWaitAndLastAck() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        p.send(seg(FIN | ACK, k.rnxt, k.snxt));
        // RFC 9293 §3.10.7.4 (eighth): a FIN is acknowledged at once, not delayed.
        p.expect(ACK, k.snxt, k.rnxt + 1);
        assertEquals(TcpState.CLOSE_WAIT, k.socket.state());
        assertEquals(-1, k.socket.read(new byte[10]), "end of stream after the peer's FIN");
        // Half-closed: we can still send.
        k.socket.write(new byte[100]);
        p.sync();
        Seg d = p.expect(PSH | ACK, k.snxt, k.rnxt + 1);
        assertEquals(100, d.payload().length);
        p.send(seg(ACK, k.rnxt + 1, k.snxt + 100));
        k.socket.close();
        p.sync();
        p.expect(FIN | ACK, k.snxt + 100, k.rnxt + 1);
        assertEquals(TcpState.LAST_ACK, k.socket.state());
        p.send(seg(ACK, k.rnxt + 1, k.snxt + 101));
        p.nothing();
        assertEquals(TcpState.CLOSED, k.socket.state());
        assertEquals(0, p.stack.tcp().connections());
        assertEquals(0, p.stack.tcp().timeWaitRecords(), "the passive closer keeps no TIME_WAIT");
        p.finish();
    }

    @Test
    void finWait2TimesOutWhenThePeerNeverCloses() throws Exception {
        Peer p = new Peer(Peer.config().finWait2Nanos(Time.seconds(30)).build());
        Conn k = p.accepted();
        p.closeExpectingFin(k);
        p.send(seg(ACK, k.rnxt, k.snxt + 1));
        assertEquals(TcpState.FIN_WAIT_2, k.socket.state());
        p.advance(Time.seconds(29));
        assertEquals(TcpState.FIN_WAIT_2, k.socket.state());
        p.advance(Time.seconds(2));
        assertTrue(k.socket.isEnded());
        assertEquals(0, p.stack.tcp().connections());
        assertEquals(1, p.stack.tcp().counters().finWait2Timeouts);
        p.finish();
    }

    @Test
    void finRetransmittedUntilAcknowledged() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        p.closeExpectingFin(k);
        long t1 = p.advanceUntilSent(Time.seconds(5));
        p.expect(FIN | ACK, k.snxt, k.rnxt);
        long t2 = p.advanceUntilSent(Time.seconds(10));
        p.expect(FIN | ACK, k.snxt, k.rnxt);
        assertEquals(2 * t1, t2, "the RTO doubles (RFC 6298 §5.5)");
        p.send(seg(ACK, k.rnxt, k.snxt + 1));
        assertEquals(TcpState.FIN_WAIT_2, k.socket.state());
        p.advance(Time.seconds(20));
        p.nothing();
        p.finish();
    }

    @Test
    void lingerZeroCloseSendsResetAndFreesAtOnce() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        k.socket.write(new byte[500]);
        p.sync();
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        k.socket.setLinger(0);
        k.socket.close();
        p.sync();
        // RFC 9293 §3.10.4 ABORT: <SEQ=SND.NXT><CTL=RST> (with ACK, as Linux sends it).
        p.expect(RST | ACK, k.snxt + 500, k.rnxt);
        p.nothing();
        assertEquals(0, p.stack.tcp().connections());
        assertEquals(0, p.stack.tcp().timeWaitRecords());
        p.finish();
    }
}
