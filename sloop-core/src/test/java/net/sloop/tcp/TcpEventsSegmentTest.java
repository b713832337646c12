package net.sloop.tcp;

import static net.sloop.tcp.Peer.ACK;
import static net.sloop.tcp.Peer.FIN;
import static net.sloop.tcp.Peer.PSH;
import static net.sloop.tcp.Peer.RISS;
import static net.sloop.tcp.Peer.RST;
import static net.sloop.tcp.Peer.SLOOP_PORT;
import static net.sloop.tcp.Peer.SYN;
import static net.sloop.tcp.Peer.seg;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import net.sloop.tcp.Peer.Conn;
import net.sloop.tcp.Peer.Seg;
import org.junit.jupiter.api.Test;

/**
 * Socket events are delivered after the segment (or timer) that caused them has been processed,
 * never from inside it (as smoltcp does): a handler that calls back into the stack sees the
 * connection as the whole segment left it, and its calls cannot interleave with the engine's.
 */
class TcpEventsSegmentTest {

    @Test
    void readableIsHeardOnlyOnceTheWholeSegmentIsProcessed() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        List<String> seen = new ArrayList<>();
        k.socket.setListener((s, e) -> {
            if ((e & TcpSocket.READABLE) != 0) seen.add(s.state() + " inputEnded=" + s.inputEnded() + " available=" + s.available());
        });
        // Data and FIN in one segment: the FIN is processed after the text. A handler run from
        // inside the text step would see ESTABLISHED and no end of input yet.
        p.send(seg(PSH | FIN | ACK, k.rnxt, k.snxt).data(10));
        p.expect(ACK, k.snxt, k.rnxt + 11);
        assertEquals(List.of("CLOSE_WAIT inputEnded=true available=10"), seen, "one READABLE, after the FIN too was processed");
        k.socket.close(); // unread data: reset
        p.sync();
        p.expect(RST | ACK, k.snxt, k.rnxt + 11);
        p.finish();
    }

    @Test
    void aHandlerThatRepliesAndClosesOnReadableActsAfterTheSegment() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        byte[] buf = new byte[64];
        Tcp tcp = p.stack.tcp();
        k.socket.setListener((s, e) -> {
            try {
                assertFalse(tcp.events.processing(), "a handler never runs inside TCP's processing");
                if ((e & TcpSocket.READABLE) == 0 || s.isClosed()) return;
                while (s.read(buf) > 0) {}
                s.write(new byte[] {'p', 'o', 'n', 'g'});
                s.close();
            } catch (TcpException ex) {
                throw new AssertionError(ex);
            }
        });
        p.send(seg(PSH | FIN | ACK, k.rnxt, k.snxt).data(4));
        // The segment is processed first (the peer's FIN takes us to CLOSE_WAIT), then the handler
        // reads, replies and closes (LAST_ACK), and then what it did goes out in one segment with
        // the ACK of the FIN. Run from inside the text step, the close would have come first
        // (FIN_WAIT_1) and the peer's FIN then made it CLOSING.
        assertEquals(TcpState.LAST_ACK, k.socket.state());
        Seg fin = p.expect(FIN | PSH | ACK, k.snxt, k.rnxt + 5);
        assertArrayEquals(new byte[] {'p', 'o', 'n', 'g'}, fin.payload());
        p.nothing();
        p.send(seg(ACK, k.rnxt + 5, fin.seq() + 5));
        assertEquals(TcpState.CLOSED, k.socket.state());
        p.finish();
    }

    @Test
    void aResetIsOneClosedEventForTheHandleAfterItsConnectionIsFreed() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        List<Integer> events = new ArrayList<>();
        boolean[] freedWhenHeard = {false};
        k.socket.setListener((s, e) -> {
            events.add(e);
            freedWhenHeard[0] = s.isEnded();
        });
        p.send(seg(RST, k.rnxt, 0));
        assertEquals(List.of(TcpSocket.CLOSED | TcpSocket.READABLE | TcpSocket.WRITABLE), events, "CLOSED exactly once");
        assertTrue(freedWhenHeard[0], "the connection was freed before its handle heard");
        p.advance(1_000_000_000L);
        assertEquals(1, events.size(), "nothing after CLOSED");
        assertEquals(TcpError.RESET, k.socket.error());
        k.socket.close();
        p.finish();
    }

    @Test
    void aTimerThatEndsTheConnectionIsHeardOnceTheTimerHasRun() throws Exception {
        Peer p = new Peer();
        Conn k = p.accepted();
        Tcp tcp = p.stack.tcp();
        List<String> heard = new ArrayList<>();
        k.socket.setListener((s, e) -> {
            heard.add(e + (tcp.events.processing() ? " inside processing" : ""));
            if ((e & TcpSocket.CLOSED) != 0) s.close(); // calls back into the stack
        });
        k.socket.write(new byte[100]);
        p.sync();
        p.finish(); // the peer never answers: retransmissions run out and the timer ends the connection
        assertEquals(List.of(String.valueOf(TcpSocket.CLOSED | TcpSocket.READABLE | TcpSocket.WRITABLE)), heard);
        assertEquals(TcpError.TIMED_OUT, k.socket.error());
    }

    @Test
    void dataOnTheHandshakesLastAckIsReadableForTheHandleAcceptedOnAcceptable() throws Exception {
        Peer p = new Peer();
        TcpListener l = p.stack.tcp().listen(0, SLOOP_PORT);
        TcpSocket[] accepted = {null};
        int[] heard = {0};
        l.setListener(x -> {
            TcpSocket s = x.accept();
            accepted[0] = s;
            s.setListener((so, e) -> heard[0] |= e);
        });
        p.send(seg(SYN, RISS, 0).mss(1460));
        Seg sa = p.expect();
        p.send(seg(PSH | ACK, RISS + 1, sa.seq() + 1).data(5));
        assertNotNull(accepted[0], "accepted on acceptable");
        assertEquals(5, accepted[0].available());
        assertEquals(TcpSocket.READABLE, heard[0] & TcpSocket.READABLE, "its data is an event for the handle accepted on acceptable");
        accepted[0].abort();
        l.close();
        p.all();
        p.finish();
    }
}
