package net.sloop.tcp;

import static net.sloop.tcp.Peer.ACK;
import static net.sloop.tcp.Peer.FIN;
import static net.sloop.tcp.Peer.PSH;
import static net.sloop.tcp.Peer.RISS;
import static net.sloop.tcp.Peer.SYN;
import static net.sloop.tcp.Peer.seg;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.Peer.Conn;
import net.sloop.tcp.Peer.Seg;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * Data in both directions, one segment at a time: delayed and immediate ACKs, out-of-order data
 * and SACK blocks, Nagle, the receive window and its updates, zero-window probes.
 */
class TcpDataSegmentTest {

    /** A connection whose first data has gone both ways, so the quick-ACK start is over and the window is open. */
    static Conn warm(Peer p, Peer.Out syn) throws TcpException {
        Conn k = p.accepted(syn);
        // Enough small segments to end the quick-ACK start; each is read at once.
        byte[] b = new byte[4096];
        for (int i = 0; i < 20; i++) {
            p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(10));
            k.rnxt += 10;
            k.socket.read(b);
            p.advance(Time.millis(50));
            for (Seg a : p.all()) k.edge = a.ack() + a.window();
        }
        return k;
    }

    @Test
    void firstDataOfAPassiveConnectionIsAcknowledgedAtOnce() throws Exception {
        // The SYN-ACK offered one committed block; the peer must learn the wider window without
        // waiting for a delayed ACK (Linux's quick-ACK start does the same).
        Peer p = new Peer();
        Conn k = p.accepted();
        p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(300));
        Seg a = p.expect(ACK, k.snxt, k.rnxt + 300);
        assertTrue(a.window() > 1000, "the window opened: " + a);
        p.nothing();
        k.socket.abort();
        p.finish();
    }

    @Test
    void aReceiveBatchIsAcknowledgedOnceAtItsEnd() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        // Six segments read by a runner in one batch: each second one would be acknowledged at
        // once; in the batch the ACK is held, and one ACK for all of them goes at its end.
        p.stack.beginReceiveBatch();
        for (int i = 0; i < 6; i++) p.send(seg(ACK, k.rnxt + 100 * i, k.snxt).data(100));
        p.nothing();
        p.stack.endReceiveBatch(p.now);
        p.expect(ACK, k.snxt, k.rnxt + 600);
        p.nothing();
        k.rnxt += 600;
        // Outside a batch, the rule is as before.
        p.send(seg(ACK, k.rnxt, k.snxt).data(100));
        p.send(seg(ACK, k.rnxt + 100, k.snxt).data(100));
        p.expect(ACK, k.snxt, k.rnxt + 200);
        p.nothing();
        k.socket.abort();
        p.finish();
    }

    @Test
    void delayedAckAfterOneSegmentImmediateAfterTwo() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        // One segment: acknowledged by the delayed-ACK timer, 40 ms later (RFC 9293 §3.8.6.3).
        p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(100));
        p.nothing();
        assertEquals(Time.millis(40), p.advanceUntilSent(Time.millis(500)));
        p.expect(ACK, k.snxt, k.rnxt + 100);
        k.rnxt += 100;
        // Two segments: the second is acknowledged at once (RFC 5681 §4.2: at least every second segment).
        p.send(seg(ACK, k.rnxt, k.snxt).data(100));
        p.nothing();
        p.advance(Time.millis(5));
        p.send(seg(PSH | ACK, k.rnxt + 100, k.snxt).data(100));
        p.expect(ACK, k.snxt, k.rnxt + 200);
        p.nothing();
        p.advance(Time.millis(100));
        p.nothing();
        k.socket.abort();
        p.finish();
    }

    @Test
    void aSmallPushedSegmentIsAcknowledgedOnceTheApplicationHasReadIt() throws Exception {
        // A sender of small pushed segments is usually short of buffer: waiting 40 ms for the
        // delayed ACK would stall it (seed 001's device moved 19 KB/s so; 1.3 MB/s with this).
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(512));
        p.nothing();
        k.socket.read(new byte[100]);
        p.sync();
        p.nothing(); // not while data is left unread
        k.socket.read(new byte[1000]);
        p.sync();
        p.expect(ACK, k.snxt, k.rnxt + 512);
        p.nothing();
        k.socket.abort();
        p.finish();
    }

    @Test
    void outOfOrderDataIsAcknowledgedAtOnceAndTheGapsFillingToo() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        p.send(seg(ACK, k.rnxt + 100, k.snxt).data(100)); // the first 100 bytes are missing
        p.expect(ACK, k.snxt, k.rnxt); // duplicate ACK at once (RFC 5681 §4.2)
        p.send(seg(ACK, k.rnxt + 200, k.snxt).data(100));
        p.expect(ACK, k.snxt, k.rnxt);
        assertEquals(0, k.socket.available());
        p.send(seg(ACK, k.rnxt, k.snxt).data(100)); // the gap filled: everything is acknowledged at once
        p.expect(ACK, k.snxt, k.rnxt + 300);
        p.nothing();
        assertEquals(300, k.socket.available());
        k.socket.abort();
        p.finish();
    }

    @Test
    void outOfOrderDataGetsSackBlocksMostRecentFirst() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460).sackOk());
        int r = k.rnxt;
        p.send(seg(ACK, r + 100, k.snxt).data(100));
        Seg a1 = p.expect(ACK, k.snxt, r);
        assertArrayEquals(new int[] {r + 100, r + 200}, a1.repr().sackBlocks(), "RFC 2018 §4: " + a1);
        p.send(seg(ACK, r + 300, k.snxt).data(100));
        Seg a2 = p.expect(ACK, k.snxt, r);
        assertArrayEquals(new int[] {r + 300, r + 400, r + 100, r + 200}, a2.repr().sackBlocks(),
                "the block of the latest segment first (RFC 2018 §4): " + a2);
        p.send(seg(ACK, r + 200, k.snxt).data(100)); // joins the two blocks
        Seg a3 = p.expect(ACK, k.snxt, r);
        assertArrayEquals(new int[] {r + 100, r + 400}, a3.repr().sackBlocks(), "merged: " + a3);
        p.send(seg(ACK, r, k.snxt).data(100));
        Seg a4 = p.expect(ACK, k.snxt, r + 400);
        assertEquals(0, a4.repr().sackBlockCount(), "no SACK once in order: " + a4);
        k.socket.abort();
        p.finish();
    }

    @Test
    void duplicateDataIsAcknowledgedAtOnceWithADsack() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460).sackOk());
        // A segment we already have: acknowledged at once (RFC 9293 §3.10.7.4: "send an acknowledgment").
        p.send(seg(ACK, k.rnxt - 10, k.snxt).data(10));
        Seg a = p.expect(ACK, k.snxt, k.rnxt);
        p.nothing();
        assertNotNull(a);
        k.socket.abort();
        p.finish();
    }

    @Test
    void nagleHoldsASmallSegmentWhileDataIsInFlight() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        k.socket.write(new byte[100]);
        p.sync();
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        k.socket.write(new byte[50]);
        k.socket.write(new byte[50]);
        p.sync();
        p.nothing(); // RFC 1122 §4.2.3.4: no small segment while unacknowledged data is in flight
        p.send(seg(ACK, k.rnxt, k.snxt + 100));
        Seg s = p.expect(PSH | ACK, k.snxt + 100, k.rnxt);
        assertEquals(100, s.payload().length, "the held bytes go out together once acknowledged");
        p.nothing();
        k.socket.abort();
        p.finish();
    }

    @Test
    void theLastSmallSegmentGoesWithTheFinAtOnce() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        k.socket.write(new byte[100]);
        p.sync();
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        // The application writes its last bytes and shuts output down: no more data can come, so
        // waiting for a full segment (Nagle) would only wait for the peer's delayed ACK.
        k.socket.write(new byte[50]);
        k.socket.shutdownOutput();
        p.sync();
        Seg s = p.expect(FIN | PSH | ACK, k.snxt + 100, k.rnxt);
        assertEquals(50, s.payload().length);
        p.nothing();
        p.send(seg(ACK, k.rnxt, k.snxt + 151));
        p.send(seg(FIN | ACK, k.rnxt, k.snxt + 151));
        p.expect(ACK, k.snxt + 151, k.rnxt + 1);
        p.finish();
    }

    @Test
    void aWriterHeldBackByAFullBufferIsNotDelayedByNagle() throws Exception {
        // The tail of a full send buffer is a small segment; no more data can join it until
        // acknowledgments free room, so waiting for them (Nagle against the peer's delayed ACK)
        // would only stall the writer. Seed 001 moved 19 KB/s this way on a memory-starved device.
        Peer p = new Peer(Peer.config().sendBuffer(3000).build());
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        assertEquals(3000, k.socket.write(new byte[5000]), "the buffer takes 3000");
        p.sync();
        List<Seg> out = p.all();
        assertEquals(3, out.size(), "1460 + 1460 + 80, all at once: " + out);
        assertEquals(80, out.get(2).payload().length);
        k.socket.abort();
        p.finish();
    }

    @Test
    void noDelaySendsSmallSegmentsAtOnce() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        k.socket.setNoDelay(true);
        k.socket.write(new byte[100]);
        p.sync();
        k.socket.write(new byte[50]);
        p.sync();
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        assertEquals(50, p.expect(PSH | ACK, k.snxt + 100, k.rnxt).payload().length);
        k.socket.abort();
        p.finish();
    }

    /** Bytes of TCP options in a segment the stack sent. */
    static int optionBytes(Seg s) {
        return s.repr().bufferLength() - 20;
    }

    /**
     * Issue 9, item 7 (RFC 6691 §2: "the sender MUST reduce the TCP data length to account for any
     * IP or TCP options that it is including"): data plus options never exceed the peer's MSS,
     * even when that MSS is below the stack's floor, and with SACK blocks on retransmissions.
     */
    @Test
    void dataPlusOptionsNeverExceedThePeersMss() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(64).ts(5000, 0));
        k.socket.setNoDelay(true);
        k.socket.write(new byte[300]);
        p.sync();
        var sent = p.all();
        assertFalse(sent.isEmpty());
        for (Seg s : sent) assertTrue(s.payload().length + optionBytes(s) <= 64, "within MSS 64: " + s);
        k.socket.abort();

        // SACK blocks and timestamps on a retransmission of a full segment.
        Peer q = new Peer();
        Conn m = q.accepted(seg(SYN, RISS, 0).mss(1000).sackOk().ts(5000, 0));
        q.send(seg(PSH | ACK, m.rnxt + 100, m.snxt).data(10).ts(5001, 0)); // out of order: our segments carry a SACK block
        q.all();
        m.socket.write(new byte[3000]);
        q.sync();
        List<Seg> first = q.all();
        q.advanceUntilSent(Time.seconds(5));
        first.addAll(q.all());
        for (Seg s : first) assertTrue(s.payload().length + optionBytes(s) <= 1000, "within MSS 1000: " + s);
        m.socket.abort();
        q.finish();
        p.finish();
    }

    /** Issue 9, item 7 (RFC 9293 §3.10.7.4): the send window is updated only if SND.UNA =< SEG.ACK. */
    @Test
    void anAckOlderThanSndUnaDoesNotUpdateTheSendWindow() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        k.socket.write(new byte[100]);
        p.sync();
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        p.send(seg(PSH | ACK, k.rnxt, k.snxt + 100).data(10));
        k.rnxt += 10;
        p.expect(ACK, k.snxt + 100, k.rnxt);
        // Newer data, but an ACK older than SND.UNA (reordered) offering a shut window: not a window update.
        p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(10).win(0));
        k.rnxt += 10;
        p.expect(ACK, k.snxt + 100, k.rnxt);
        k.socket.write(new byte[100]);
        p.sync();
        p.expect(PSH | ACK, k.snxt + 100, k.rnxt);
        k.socket.abort();
        p.finish();
    }

    /**
     * Issue 9, item 7 (RFC 7323 §4.3): TS.Recent is updated if SEG.SEQ =< Last.ACK.sent, SEG.SEQ
     * being the segment's own sequence number, not what is left of it after trimming the part
     * already received.
     */
    @Test
    void tsRecentIsTakenFromTheUntrimmedSequenceNumber() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460).ts(5000, 0));
        p.send(seg(ACK, k.rnxt, k.snxt).data(100).ts(7000, 0)); // delayed: Last.ACK.sent stays at its start
        p.nothing();
        p.send(seg(ACK, k.rnxt, k.snxt).data(300).ts(8000, 0)); // starts at Last.ACK.sent, overlaps the first
        k.rnxt += 300;
        Seg a = p.expect(ACK, k.snxt, k.rnxt);
        assertEquals(8000, a.repr().tsEcr(), "TS.Recent from the second segment: " + a);
        k.socket.abort();
        p.finish();
    }

    @Test
    void thePeersWindowIsScaledExceptOnItsSyn() throws Exception {
        Peer p = new Peer(Peer.config().sendBuffer(64 * 1024).build());
        TcpSocket c = p.stack.tcp().connect(Peer.REMOTE, 7);
        p.sync();
        Seg syn = p.expect();
        // RFC 7323 §2.2: the window in a SYN is never scaled; later ones are shifted by the peer's scale.
        p.send(seg(SYN | ACK, RISS, syn.seq() + 1).ports(7, syn.srcPort()).mss(1000).ws(4).win(3000));
        p.expect(ACK, syn.seq() + 1, RISS + 1);
        c.write(new byte[20_000]);
        p.sync();
        assertEquals(3000, p.all().stream().mapToInt(x -> x.payload().length).sum(), "the SYN-ACK's 3000, unscaled");
        p.send(seg(ACK, RISS + 1, syn.seq() + 1 + 3000).ports(7, syn.srcPort()).win(500)); // 500 << 4 = 8000
        int sent = p.all().stream().mapToInt(x -> x.payload().length).sum();
        assertTrue(sent > 3000 && sent <= 8000, "scaled: up to 8000 now, cwnd permitting: " + sent);
        c.abort();
        p.finish();
    }

    @Test
    void afterOurFinWeStillReceiveUntilThePeersFin() throws Exception {
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        k.socket.shutdownOutput();
        p.sync();
        p.expect(FIN | ACK, k.snxt, k.rnxt);
        p.send(seg(ACK, k.rnxt, k.snxt + 1));
        assertEquals(TcpState.FIN_WAIT_2, k.socket.state());
        p.send(seg(PSH | ACK, k.rnxt, k.snxt + 1).data(300));
        p.send(seg(PSH | ACK, k.rnxt + 300, k.snxt + 1).data(300));
        p.expect(ACK, k.snxt + 1, k.rnxt + 600);
        assertEquals(600, k.socket.read(new byte[1000]), "half-closed: data still flows to us");
        p.send(seg(FIN | ACK, k.rnxt + 600, k.snxt + 1));
        p.expect(ACK, k.snxt + 1, k.rnxt + 601);
        assertEquals(TcpState.TIME_WAIT, k.socket.state());
        assertEquals(-1, k.socket.read(new byte[10]));
        // Data after the peer's FIN is not taken (RFC 9293 §3.10.7.4 seventh: ignore the segment text).
        p.send(seg(PSH | ACK, k.rnxt + 601, k.snxt + 1).data(10));
        var after = p.all();
        assertTrue(after.stream().allMatch(x -> x.payload().length == 0 && !x.has(SYN)), "at most an ACK: " + after);
        k.socket.close();
        p.finish();
    }

    @Test
    void fullSegmentsGoOutUpToTheInitialWindow() throws Exception {
        Peer p = new Peer(Peer.config().sendBuffer(64 * 1024).build());
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1000));
        assertEquals(30_000, k.socket.write(new byte[30_000]));
        p.sync();
        List<Seg> out = p.all();
        // RFC 6928 initial window of 10 segments (with RFC 5681 §4.1 restart after idle).
        assertEquals(10, out.size(), "IW10: " + out);
        int seq = k.snxt;
        for (Seg s : out) {
            assertEquals(seq, s.seq());
            assertEquals(1000, s.payload().length);
            seq += 1000;
        }
        // Each ACK of new data in slow start lets out two more (RFC 5681 §3.1: cwnd += SMSS per ACK).
        p.send(seg(ACK, k.rnxt, k.snxt + 1000));
        assertEquals(2, p.all().size());
        k.socket.abort();
        p.finish();
    }

    @Test
    void theReceiveWindowClosesWhenTheApplicationDoesNotReadAndReopensWithAnUpdate() throws Exception {
        Peer p = new Peer(Peer.config().receiveBuffer(4096).build());
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1000));
        int sent = 0;
        int win = k.edge - k.rnxt;
        // The window starts at what the guaranteed minimum backs (Tcp.floorBlocks: at this budget
        // 4 blocks of 512, 2048 bytes, less than the buffer) and grows only as the peer fills
        // half of it; warm()'s small segments did not. Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): the edge
        // moved only in steps of at least min(window/2, MSS), so it is within an MSS of 2048.
        assertTrue(win > 2048 - 1000 && win <= 2048, "window " + win);
        int offered = win;
        while (win > 0) {
            int n = Math.min(1000, win);
            p.send(seg(ACK, k.rnxt + sent, k.snxt).data(n));
            sent += n;
            p.advance(Time.millis(50));
            for (Seg a : p.all()) win = a.ack() + a.window() - (k.rnxt + sent);
        }
        // The window grew to the whole buffer as the peer filled it (TcpConnection.filled), and every byte offered was kept.
        assertTrue(offered < 4096);
        assertEquals(4096, sent, "the window offered was all kept");
        assertEquals(sent, k.socket.available());
        // A byte beyond the closed window is not taken (RFC 9293 §3.10.7.4), and is answered with an ACK.
        p.send(seg(ACK, k.rnxt + sent, k.snxt).data(1));
        Seg zw = p.expect(ACK, k.snxt, k.rnxt + sent);
        assertEquals(0, zw.window());
        // Reading a little does not reopen it (receiver SWS avoidance, RFC 9293 §3.8.6.2.2).
        k.socket.read(new byte[100]);
        p.sync();
        p.nothing();
        // Reading the rest sends a window update at once, and the reader has now earned the whole buffer.
        k.socket.read(new byte[8192]);
        p.sync();
        Seg up = p.expect(ACK, k.snxt, k.rnxt + sent);
        assertEquals(4096, up.window(), "the whole buffer again: " + up);
        k.socket.abort();
        p.finish();
    }

    @Test
    void aWindowTooSmallToUseIsFilledAfterTheOverrideTimeout() throws Exception {
        // Sender SWS avoidance (RFC 9293 §3.8.6.2.1, RFC 1122 §4.2.3.4) holds back a segment
        // smaller than both the MSS and half the largest window the peer offered; the override
        // timeout then sends what the window allows rather than waiting for ever.
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1460));
        p.send(seg(ACK, k.rnxt, k.snxt).win(1000));
        k.socket.write(new byte[5000]);
        p.sync();
        p.nothing();
        long t = p.advanceUntilSent(Time.seconds(10));
        assertTrue(t <= Time.seconds(1), "override timeout " + t);
        Seg s = p.expect(ACK, k.snxt, k.rnxt);
        assertEquals(1000, s.payload().length, "what the window allows: " + s);
        // The window opens: the rest follows as the congestion window allows.
        int acked = 1000;
        for (int round = 0; round < 5 && acked < 5000; round++) {
            p.send(seg(ACK, k.rnxt, k.snxt + acked).win(65535));
            acked += p.all().stream().mapToInt(x -> x.payload().length).sum();
        }
        assertEquals(5000, acked);
        k.socket.abort();
        p.finish();
    }

    @Test
    void aWriterRefusedMemoryIsWokenWhenAnotherConnectionFreesSome() throws Exception {
        // X's writer is refused blocks while Y holds unread data; X's data is all acknowledged
        // (window shut), so no ACK of its own will come. Y's end frees memory: X hears WRITABLE.
        // (Y's reads alone would not: read blocks go back to the commitment behind Y's window.)
        Peer p = new Peer(StackConfig.builder().budget(48 * 1024).tcp(Peer.config().build()).build());
        Conn y = p.accepted(seg(SYN, RISS, 0).mss(1000).ports(40001, 80));
        int got = 0;
        for (int i = 0; i < 40; i++) {
            p.send(seg(ACK, y.rnxt + got, y.snxt).ports(40001, 80).data(1000));
            got = y.socket.available();
        }
        p.all();
        // Y's window grew as it was filled, within its fair share of the pool beyond the minimum
        // of the connections the budget guarantees (Tcp.headroom).
        assertTrue(got >= 4000, "Y holds unread data: " + got);
        Conn x = p.accepted(seg(SYN, RISS, 0).mss(1000));
        int wrote = x.socket.write(new byte[16 * 1024]);
        assertTrue(wrote < 16 * 1024, "X was refused memory: took " + wrote);
        p.sync();
        int sent = p.all().stream().mapToInt(sg -> sg.payload().length).sum();
        int[] events = {0};
        x.socket.setListener((s, e) -> events[0] |= e);
        p.send(seg(ACK, x.rnxt, x.snxt + sent).win(0)); // all it sent acknowledged, window shut
        p.nothing(); // the rest stays queued: nothing in flight
        events[0] = 0;
        int w2 = x.socket.write(new byte[16 * 1024]); // refused again: it waits for memory
        p.sync();
        assertEquals(0, events[0] & TcpSocket.WRITABLE);
        y.socket.abort();
        p.sync();
        assertEquals(TcpSocket.WRITABLE, events[0] & TcpSocket.WRITABLE, "woken by Y's end (after writing " + w2 + ")");
        assertTrue(x.socket.write(new byte[4096]) > 0, "and now it can write");
        x.socket.abort();
        p.finish();
    }

    @Test
    void ourAcksStayWithinThePeersWindowWhenItShutsBelowWhatWeSent() throws Exception {
        // Linux's tcp_acceptable_seq: an ACK at SND.MAX beyond a shut window is unacceptable to
        // the peer, which would never hear that we received its data.
        Peer p = new Peer();
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1000));
        k.socket.write(new byte[3000]);
        p.sync();
        assertEquals(3, p.all().size());
        p.send(seg(ACK, k.rnxt, k.snxt + 1000).win(0)); // the first 1000 taken, and the window shuts
        p.send(seg(PSH | ACK, k.rnxt, k.snxt + 1000).win(0).data(100));
        p.advanceUntilSent(Time.millis(100)); // the delayed ACK
        Seg a = p.expect();
        assertEquals(k.snxt + 1000, a.seq(), "at the window's right edge (SND.UNA + 0), not SND.MAX: " + a);
        assertEquals(k.rnxt + 100, a.ack());
        k.socket.abort();
        p.finish();
    }

    @Test
    void withOurWindowShutAValidAckBeyondItStillAcknowledgesOurData() throws Exception {
        // RFC 9293 §3.10.7.4: "special allowance should be made to accept valid ACKs" when
        // RCV.WND is zero; lwIP, for one, sends bare ACKs at its SND.NXT.
        Peer p = new Peer(Peer.config().receiveBuffer(2000).build());
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1000));
        int room = k.edge - k.rnxt;
        assertTrue(room > 0 && room <= 2000, "room " + room);
        for (int off = 0; off < room; off += 1000) { // fills our window; the application does not read
            p.send(seg(ACK, k.rnxt + off, k.snxt).data(Math.min(1000, room - off)));
        }
        k.rnxt += room;
        p.advance(Time.millis(50));
        assertEquals(0, p.all().getLast().window(), "our window is shut");
        k.socket.write(new byte[500]);
        p.sync();
        p.expect(PSH | ACK, k.snxt, k.rnxt);
        assertEquals(500, k.socket.unacknowledged());
        // The peer has sent 700 more bytes we could not take, and acknowledges ours at its SND.NXT.
        p.send(seg(ACK, k.rnxt + 700, k.snxt + 500));
        assertEquals(0, k.socket.unacknowledged(), "the acknowledgment was taken");
        p.expect(ACK, k.snxt + 500, k.rnxt); // and the peer is told where we are
        p.advance(Time.seconds(5));
        assertEquals(0, p.stack.tcp().counters().timeouts, "nothing retransmitted");
        k.socket.abort();
        p.finish();
    }

    @Test
    void zeroWindowIsProbedWithBackoffAndTheConnectionLivesWhileThePeerAnswers() throws Exception {
        Peer p = new Peer(Peer.config().maxRetransmits(4).build());
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1000));
        p.send(seg(ACK, k.rnxt, k.snxt).win(0));
        k.socket.write(new byte[500]);
        p.sync();
        p.nothing();
        long last = 0;
        for (int i = 0; i < 10; i++) {
            long t = p.advanceUntilSent(Time.seconds(200));
            Seg probe = p.expect();
            // Linux's form of the probe: an old sequence number that forces an ACK with the current window.
            assertTrue(probe.seq() == k.snxt - 1 && probe.payload().length == 0
                    || probe.seq() == k.snxt && probe.payload().length == 1, "a window probe: " + probe);
            if (i > 0 && i < 6) assertEquals(2 * last, t, "probe intervals double (RFC 1122 §4.2.2.17)");
            last = t;
            p.send(seg(ACK, k.rnxt, k.snxt).win(0));
            p.nothing();
        }
        // RFC 1122 §4.2.2.17: while the peer answers the probes, the connection MUST stay open,
        // however many probes that takes (more than maxRetransmits here).
        assertEquals(TcpState.ESTABLISHED, k.socket.state());
        p.send(seg(ACK, k.rnxt, k.snxt).win(5000));
        Seg d = p.expect(PSH | ACK, k.snxt, k.rnxt);
        assertEquals(500, d.payload().length, "the window opened: data at once");
        k.socket.abort();
        p.finish();
    }

    @Test
    void anUnansweredZeroWindowProbeEndsTheConnection() throws Exception {
        Peer p = new Peer(Peer.config().maxRetransmits(4).build());
        Conn k = warm(p, seg(SYN, RISS, 0).mss(1000));
        p.send(seg(ACK, k.rnxt, k.snxt).win(0));
        k.socket.write(new byte[500]);
        p.sync();
        for (int i = 0; i < 4; i++) {
            p.advanceUntilSent(Time.seconds(200));
            p.expect();
        }
        p.advance(Time.seconds(300));
        assertTrue(k.socket.isEnded(), "dead after its probes went unanswered");
        assertEquals(TcpError.TIMED_OUT, k.socket.error());
        assertEquals(0, p.stack.tcp().connections());
        p.finish();
    }
}
