package net.sloop.tcp;

import static net.sloop.tcp.Peer.RISS;
import static net.sloop.tcp.Peer.seg;
import static net.sloop.wire.TcpView.ACK;
import static net.sloop.wire.TcpView.FIN;
import static net.sloop.wire.TcpView.PSH;
import static net.sloop.wire.TcpView.RST;
import static net.sloop.wire.TcpView.SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.Peer.Conn;
import net.sloop.tcp.Peer.Seg;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The memory rule at the segment level: what an admitted connection is guaranteed, how its window
 * grows and is taken back, what a frame inside the window may use, and how orphans and listener
 * guarantees are bounded. Each test drives one stack with exact segments at exact times.
 */
class TcpMemoryRuleSegmentTest {
    /** At 128 KiB in 512-byte blocks the minimum is 4 blocks each way (Tcp.floorBlocks: one block in 64). */
    static final int FLOOR = 4;

    @Test
    void aConnectionIsOfferedItsMinimumAndAnIdleOneNeverGrows() throws Exception {
        Peer p = new Peer(Peer.config().build());
        assertEquals(FLOOR, p.stack.tcp().floorBlocks);
        p.stack.tcp().listen(0, 80);
        p.send(seg(SYN, RISS, 0).mss(1000));
        Seg sa = p.expect();
        assertEquals(FLOOR * 512, sa.window(), "the SYN-ACK offers what the minimum backs: " + sa);
        p.nothing();
        p.stack.tcp().clear();
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(1000).ports(40001, 81));
        TcpConnection c = k.socket.connection();
        // One byte now and then: the window it earned stays the minimum, and so does what it holds.
        for (int i = 0; i < 10; i++) {
            p.send(seg(PSH | ACK, k.rnxt, k.snxt).ports(40001, 81).data(1));
            k.rnxt += 1;
            k.socket.read(new byte[16]);
            p.advance(Time.seconds(1));
            p.all();
        }
        assertEquals(FLOOR * 512, c.windowLimit());
        assertTrue(c.rcvCommit <= FLOOR && c.sendCommit == FLOOR, "committed " + c.sendCommit + "+" + c.rcvCommit);
        k.socket.close();
        p.sync();
        p.expect(FIN | ACK, k.snxt, k.rnxt);
        p.send(seg(FIN | ACK, k.rnxt, k.snxt + 1).ports(40001, 81));
        p.all();
        p.finish();
    }

    @Test
    void theWindowGrowsAsThePeerFillsItUpToTheBuffer() throws Exception {
        Peer p = new Peer(Peer.config().receiveBuffer(16 * 1024).build());
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(1000));
        int right = k.rnxt + FLOOR * 512;
        List<Integer> edges = new ArrayList<>();
        byte[] b = new byte[8192];
        for (int i = 0; i < 40; i++) {
            int n = Math.min(1000, right - k.rnxt);
            if (n <= 0) break;
            p.send(seg(ACK, k.rnxt, k.snxt).data(n));
            k.rnxt += n;
            k.socket.read(b);
            for (Seg a : p.all()) right = Math.max(right, a.ack() + a.window());
            edges.add(right - k.rnxt);
        }
        assertEquals(16 * 1024, k.socket.connection().windowLimit(), "earned the whole buffer: windows " + edges);
        k.socket.abort();
        p.all();
        p.finish();
    }

    @Test
    void underPressureAnIdleConnectionsWindowIsTakenBackForANewConnection() throws Exception {
        // 64 KiB: small enough that a grown window and a few connections press on the budget.
        Peer p = new Peer(StackConfig.builder().budget(64 * 1024).tcp(Peer.config().guaranteedConnections(1).build()).build());
        Conn x = p.accepted(seg(SYN, RISS, 0).mss(1000).ports(40001, 80));
        int right = x.rnxt + p.stack.tcp().floorBlocks * 512;
        byte[] b = new byte[8192];
        for (int i = 0; i < 40 && x.socket.connection().windowLimit() < 16 * 1024; i++) {
            int n = Math.min(1000, right - x.rnxt);
            p.send(seg(ACK, x.rnxt, x.snxt).ports(40001, 80).data(n));
            x.rnxt += n;
            x.socket.read(b);
            for (Seg a : p.all()) right = Math.max(right, a.ack() + a.window());
        }
        TcpConnection c = x.socket.connection();
        int grown = c.rcvCommit;
        assertTrue(grown > p.stack.tcp().floorBlocks, "X's window is backed beyond its minimum: " + grown);
        // X goes quiet; connections arrive until the budget is short: X's unused backing goes first.
        p.advance(Time.seconds(2));
        p.all();
        List<Conn> more = new ArrayList<>();
        TcpListener l = p.stack.tcp().listen(0, 81);
        for (int i = 0; i < 12 && p.stack.tcp().counters().windowsShrunk == 0; i++) {
            Conn k = handshake(p, l, 41000 + i, 81);
            assertNotNull(k, "connection " + i + " admitted\n" + p.stack.report());
            more.add(k);
            p.all();
        }
        l.close();
        assertEquals(1, p.stack.tcp().counters().windowsShrunk, p.stack.report());
        assertTrue(c.rcvCommit < grown, "X's commitment was taken back: " + c.rcvCommit);
        int newEdge = c.rcvAdv;
        assertTrue(Seq.lt(newEdge, right), "X's advertised edge moved back, " + (right - newEdge) + " bytes");
        // A segment sent before the peer saw the shrunk window, straddling the new edge: what lies
        // beyond it is dropped and counted (the sender will retransmit it), the rest is kept.
        int newWindow = newEdge - x.rnxt;
        assertTrue(newWindow >= 100 && newWindow + 500 <= right - x.rnxt, "new window " + newWindow);
        long beyond = p.stack.tcp().counters().dataBeyondWindow;
        p.send(seg(ACK, x.rnxt + newWindow - 100, x.snxt).ports(40001, 80).data(600));
        assertEquals(beyond + 1, p.stack.tcp().counters().dataBeyondWindow);
        p.all();
        // The peer's SND.MAX now lies beyond the shrunk window, and its bare ACKs carry it: they
        // must still acknowledge what X sends, or X's data would never be acknowledged.
        int peerMax = x.rnxt + newWindow + 500;
        x.socket.write(new byte[100]);
        p.sync();
        Seg d = p.expect();
        assertEquals(100, d.payload().length, "X sends: " + d);
        p.send(seg(ACK, peerMax, x.snxt + 100).ports(40001, 80));
        assertEquals(c.sndMax, c.sndUna, "the ACK beyond the shrunk window was heard");
        x.snxt += 100;
        p.all();
        x.socket.abort();
        for (Conn m : more) m.socket.abort();
        p.all();
        p.finish();
    }

    @Test
    void aFrameInsideTheWindowIsReceivedWhenTheBudgetHasNoBlockFreeForIt() throws Exception {
        Peer p = new Peer(Peer.config().build());
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(1000));
        // Take every free block that is neither committed nor the receive reserve, as other
        // connections and queues would: the frame is had on the connection's own commitment, and
        // the reserve stays whole for ACKs and frames no window vouches for.
        Budget m = p.stack.budget();
        Owner hog = new Owner("hog");
        List<Integer> taken = new ArrayList<>();
        for (int b; m.uncommittedFreeBlocks() > 0 && (b = m.alloc(Category.SOCKET_SEND, hog)) >= 0; ) taken.add(b);
        assertEquals(0, m.uncommittedFreeBlocks(), "nothing left beyond the reserve");
        p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(1000));
        assertEquals(1000, k.socket.available(), "the segment was received");
        assertEquals(1, p.stack.tcp().counters().framesOnLoan);
        Seg a = p.expect(ACK, k.snxt, k.rnxt + 1000);
        assertTrue(a.window() > 0, "and the window is still backed: " + a);
        k.rnxt += 1000;
        assertEquals(0, p.stack.tcp().counters().loansUnpaid);
        TcpConnection c = k.socket.connection();
        assertTrue(c.receiveCoverage(m) >= (long) c.rcvAdv - c.rcvNxt, "the advertised window stays backed");
        for (int b : taken) m.free(b);
        k.socket.read(new byte[2000]);
        k.socket.abort();
        p.all();
        p.finish();
    }

    @Test
    void aGsoFrameFillingTheWindowIsReceivedOnLoanWhenNothingElseIsFree() throws Exception {
        // TUN/TAP with offload hands over one frame of several segments. Before the loan, such a
        // frame needed as many uncommitted blocks as it was long, and was dropped (link_no_memory)
        // once windows had committed the rest, although the window it lay in was backed.
        Peer p = new Peer(StackConfig.builder().budget(128 * 1024).tcp(Peer.config().build()).build(), true);
        Conn k = p.accepted(seg(SYN, RISS, 0).mss(1460));
        int right = k.rnxt + FLOOR * 512;
        byte[] b = new byte[16384];
        for (int i = 0; i < 40 && k.socket.connection().windowLimit() < 16 * 1024; i++) {
            int n = Math.min(1460, right - k.rnxt);
            p.send(seg(ACK, k.rnxt, k.snxt).data(n));
            k.rnxt += n;
            k.socket.read(b);
            for (Seg a : p.all()) right = Math.max(right, a.ack() + a.window());
        }
        int window = right - k.rnxt;
        assertTrue(window >= 12_000, "the window grew: " + window);
        Budget m = p.stack.budget();
        Owner hog = new Owner("hog");
        List<Integer> taken = new ArrayList<>();
        for (int x; m.uncommittedFreeBlocks() > 0 && (x = m.alloc(Category.SOCKET_SEND, hog)) >= 0; ) taken.add(x);
        p.send(seg(PSH | ACK, k.rnxt, k.snxt).data(12_000)); // one GSO frame: 12,040 bytes of IP packet
        assertEquals(0, p.stack.stats().drops(net.sloop.stats.DropReason.LINK_NO_MEMORY));
        assertEquals(12_000, k.socket.available(), "the whole frame was received");
        assertEquals(1, p.stack.tcp().counters().framesOnLoan);
        p.expect(ACK, k.snxt, k.rnxt + 12_000);
        k.rnxt += 12_000;
        TcpConnection c = k.socket.connection();
        assertTrue(c.receiveCoverage(m) >= (long) c.rcvAdv - c.rcvNxt, "the advertised window stays backed");
        for (int x : taken) m.free(x);
        k.socket.read(b);
        k.socket.abort();
        p.all();
        p.finish();
    }

    @Test
    void orphansAreBoundedInNumberAndInLifetime() throws Exception {
        Peer p = new Peer(Peer.config().maxOrphans(2).orphanTimeoutNanos(Time.seconds(30)).build());
        List<Conn> ks = new ArrayList<>();
        for (int i = 0; i < 3; i++) ks.add(p.accepted(seg(SYN, RISS, 0).mss(1000).ports(40001 + i, 80 + i)));
        // Each application writes, then closes; the peer keeps its window shut and never reads:
        // the orphans sit in FIN_WAIT_1 behind a zero window, answering every probe.
        for (int i = 0; i < 3; i++) {
            Conn k = ks.get(i);
            p.send(seg(ACK, k.rnxt, k.snxt).ports(40001 + i, 80 + i).win(0));
            k.socket.write(new byte[3000]);
            k.socket.close();
            p.sync();
        }
        // The third orphan is one too many: the oldest is reset.
        Seg rst = null;
        for (Seg s : p.all()) if ((s.flags() & RST) != 0) rst = s;
        assertNotNull(rst, "the oldest orphan was reset");
        assertEquals(40001, rst.dstPort());
        assertEquals(1, p.stack.tcp().counters().orphansReset);
        assertEquals(2, p.stack.tcp().orphans());
        // The peer answers every window probe with a zero window, for ever; the orphans end on time all the same.
        long end = Time.seconds(31);
        for (long t = 0; t < end; t += Time.millis(500)) {
            p.advance(Time.millis(500));
            for (Seg s : p.all()) {
                if ((s.flags() & RST) != 0) continue;
                p.send(seg(ACK, s.ack(), s.seq()).ports(s.dstPort(), s.srcPort()).win(0));
            }
        }
        assertEquals(0, p.stack.tcp().orphans(), p.stack.report());
        assertEquals(2, p.stack.tcp().counters().orphanTimeouts);
        p.finish();
    }

    /**
     * Orphans refused in one burst (an FTP server's 421s to an idle client) wait in FIN_WAIT_2 for
     * a peer that never closes. A later orphan, one whose last data is still on its way (an FTP
     * data connection just closed), must not be the one reset when the table overflows: the
     * oldest goes, and among orphans of the same instant one whose every byte was acknowledged.
     */
    @Test
    void anOverflowingOrphanTableResetsTheOldestNotTheOneJustClosed() throws Exception {
        Peer p = new Peer(Peer.config().maxOrphans(2).orphanTimeoutNanos(Time.seconds(30)).build());
        List<Conn> ks = new ArrayList<>();
        for (int i = 0; i < 4; i++) ks.add(p.accepted(seg(SYN, RISS, 0).mss(1000).ports(41001 + i, 180 + i)));
        // Three closed in the same instant, each with a reply: the third is one too many, and one of
        // the first two (the same age) goes, not the newest with its reply unsent.
        for (int i = 0; i < 3; i++) {
            ks.get(i).socket.write(new byte[45]);
            ks.get(i).socket.close();
        }
        p.sync();
        int firstReset = 0;
        for (Seg s : p.all()) {
            if ((s.flags() & RST) != 0) firstReset = s.dstPort();
            else if ((s.flags() & FIN) != 0) p.send(seg(ACK, s.ack(), s.seq() + s.payload().length + 1).ports(s.dstPort(), s.srcPort()));
        }
        assertTrue(firstReset == 41001 || firstReset == 41002, "one of the two oldest reset, not " + firstReset);
        assertEquals(1, p.stack.tcp().counters().orphansReset);
        p.advance(Time.millis(400));
        p.all();
        // A later close: the table overflows again and the remaining older orphan goes.
        ks.get(3).socket.write(new byte[32]);
        ks.get(3).socket.close();
        p.sync();
        int secondReset = 0;
        boolean newestSentItsData = false;
        for (Seg s : p.all()) {
            if ((s.flags() & RST) != 0) secondReset = s.dstPort();
            else if (s.dstPort() == 41004 && s.payload().length == 32) newestSentItsData = true;
        }
        assertTrue(secondReset != 41004 && secondReset != 0, "an older orphan reset, not the newest: " + secondReset);
        assertTrue(newestSentItsData, "the newest orphan's data went out");
        assertEquals(2, p.stack.tcp().counters().orphansReset);
        p.advance(Time.seconds(31));
        p.all();
        assertEquals(0, p.stack.tcp().orphans(), p.stack.report());
        p.finish();
    }

    @Test
    void aListenersGuaranteeIsKeptWhateverOtherListenersConnectionsHold() throws Exception {
        Peer p = new Peer(StackConfig.builder().budget(64 * 1024).tcp(Peer.config().guaranteedConnections(1).build()).build());
        TcpListener daytime = p.stack.tcp().listen(0, 13);
        daytime.guarantee(1);
        TcpListener flooded = p.stack.tcp().listen(0, 9);
        // Idle holders on port 9 until the stack refuses them: it stops while the promise to port 13 still fits.
        int admitted = 0;
        List<TcpSocket> held = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            p.send(seg(SYN, RISS, 0).mss(1000).ports(42000 + i, 9));
            Seg sa = synAck(p.all());
            if (sa == null) break; // refused: not admissible
            p.send(seg(ACK, RISS + 1, sa.seq() + 1).ports(42000 + i, 9));
            TcpSocket s = flooded.accept();
            if (s == null) break;
            held.add(s);
            admitted++;
        }
        p.all();
        assertTrue(admitted >= 2, "port 9 took what was not promised: " + admitted);
        assertNull(flooded.accept());
        // Port 13 still gets its connection.
        p.send(seg(SYN, RISS, 0).mss(1000).ports(43000, 13));
        Seg sa = synAck(p.all());
        assertNotNull(sa, "daytime's SYN is answered");
        p.send(seg(ACK, RISS + 1, sa.seq() + 1).ports(43000, 13));
        TcpSocket s = daytime.accept();
        assertNotNull(s, "and admitted, within its guarantee");
        s.abort();
        for (TcpSocket h : held) h.abort();
        daytime.close();
        flooded.close();
        p.all();
        p.finish();
    }

    /** The SYN-ACK among {@code segs}, or null. */
    private static Seg synAck(List<Seg> segs) {
        for (Seg s : segs) if ((s.flags() & (SYN | ACK)) == (SYN | ACK)) return s;
        return null;
    }

    /** The handshake for a connection from {@code port} to {@code dport}, accepted; null if the SYN was not answered. */
    private static Conn handshake(Peer p, TcpListener l, int port, int dport) {
        p.send(seg(SYN, RISS, 0).mss(1000).ports(port, dport));
        Seg sa = synAck(p.all());
        if (sa == null) return null;
        p.send(seg(ACK, RISS + 1, sa.seq() + 1).ports(port, dport));
        TcpSocket s = l.accept();
        return s == null ? null : new Conn(s, RISS + 1, sa.seq() + 1);
    }
}
