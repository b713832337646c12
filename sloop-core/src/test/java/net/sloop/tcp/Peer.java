package net.sloop.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sloop.link.Link;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.testing.CaptureLink;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Time;
import net.sloop.time.TimerQueue;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.Ipv4Repr;
import net.sloop.wire.Ipv4View;
import net.sloop.wire.TcpRepr;
import net.sloop.wire.TcpView;
import net.sloop.wire.WireError;

/**
 * A scripted TCP peer for segment-level tests: one Sloop stack (198.18.0.2) on a {@link
 * CaptureLink} of bare IP packets, and the test playing the remote host (198.18.0.1) segment by
 * segment in simulated time. The test {@link #send}s exactly the segments it wants to arrive and
 * {@link #expect}s exactly the segments the stack emits, in order, with {@link #nothing()} to say
 * "and no more". Time moves only through {@link #advance} (which runs the stack's timers), so a
 * retransmission or a delayed ACK arrives at a precise instant that the test can assert.
 *
 * <p>By default the peer's SYN offers only an MSS, so the connection uses no window scaling,
 * timestamps or SACK and the segments stay short to read; tests of those options offer them.
 */
final class Peer {
    static final int SLOOP = Ipv4Address.parse("198.18.0.2");
    static final int REMOTE = Ipv4Address.parse("198.18.0.1");
    static final int SLOOP_PORT = 80;
    static final int REMOTE_PORT = 40000;
    static final int FIN = TcpView.FIN, SYN = TcpView.SYN, RST = TcpView.RST, PSH = TcpView.PSH, ACK = TcpView.ACK;

    final CaptureLink link;
    final Stack stack;
    long now = Time.seconds(1);
    private int ipId;

    Peer(TcpConfig tcp) {
        this(StackConfig.builder().budget(128 * 1024).tcp(tcp).build());
    }

    Peer(StackConfig config) {
        this(config, false);
    }

    /** With {@code receiveOffload}, the link may deliver GSO frames: segments longer than the MTU. */
    Peer(StackConfig config, boolean receiveOffload) {
        link = new CaptureLink("cap0", Link.Kind.IP, 0, 1500, receiveOffload);
        stack = new Stack(config);
        LeakCheck.track(stack.budget());
        stack.addInterface(link, SLOOP, 24);
        stack.poll(now);
    }

    /** The defaults of the segment tests: a fixed ISN secret, the stack's other defaults. */
    static TcpConfig.Builder config() {
        return TcpConfig.builder().secret(7);
    }

    Peer() {
        this(config().build());
    }

    // ------------------------------------------------------------------ time

    /** Moves time forward by {@code nanos}, running the stack's timers as they fall due on the way. */
    void advance(long nanos) {
        long end = now + nanos;
        while (true) {
            long next = stack.timers().nextDeadline();
            if (next == TimerQueue.NONE || next > end) break;
            now = Math.max(now, next);
            stack.poll(now);
        }
        now = end;
        stack.poll(now);
    }

    /**
     * Moves time forward to the moment the stack next transmits, at most {@code limit} from now,
     * and returns how long that took; fails if it sent nothing within the limit.
     */
    long advanceUntilSent(long limit) {
        long start = now, end = now + limit;
        while (link.sent().isEmpty()) {
            long next = stack.timers().nextDeadline();
            if (next == TimerQueue.NONE || next > end) fail("nothing sent within " + limit / Time.MILLIS + " ms");
            now = Math.max(now, next);
            stack.poll(now);
        }
        return now - start;
    }

    /** Runs the timers due now and sets the stack's clock for an application call. */
    void sync() {
        stack.poll(now);
    }

    // ------------------------------------------------------------------ segments out of the stack

    /** A segment the stack emitted (or one the test sends), decoded. */
    record Seg(int flags, int seq, int ack, int window, TcpRepr repr, byte[] payload, int srcPort, int dstPort) {
        boolean has(int f) { return (flags & f) == f; }
        int len() { return payload.length + (has(SYN) ? 1 : 0) + (has(FIN) ? 1 : 0); }
        int end() { return seq + len(); }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder();
            if (has(SYN)) b.append('S');
            if (has(FIN)) b.append('F');
            if (has(RST)) b.append('R');
            if (has(PSH)) b.append('P');
            if (has(ACK)) b.append('.');
            return "[" + b + " seq=" + Integer.toUnsignedString(seq) + " ack=" + Integer.toUnsignedString(ack)
                    + " win=" + window + " len=" + payload.length + (repr.mss() >= 0 ? " mss=" + repr.mss() : "")
                    + (repr.windowScale() >= 0 ? " ws=" + repr.windowScale() : "")
                    + (repr.sackPermitted() ? " sackOK" : "")
                    + (repr.timestamps() ? " ts=" + Integer.toUnsignedString(repr.tsVal()) + "/" + Integer.toUnsignedString(repr.tsEcr()) : "")
                    + (repr.sackBlockCount() > 0 ? " sack=" + Arrays.toString(repr.sackBlocks()) : "") + "]";
        }
    }

    /** Takes the next segment the stack sent; fails if there is none or it is not a valid TCP segment to the peer. */
    Seg expect() {
        byte[] f = link.take();
        assertNotNull(f, "expected a segment from the stack, but it sent nothing");
        return decode(f);
    }

    /** Takes the next segment and checks its flags (exactly), sequence and acknowledgment numbers. */
    Seg expect(int flags, int seq, int ack) {
        Seg s = expect();
        assertEquals(flagNames(flags), flagNames(s.flags), "flags of " + s);
        assertEquals(Integer.toUnsignedString(seq), Integer.toUnsignedString(s.seq), "seq of " + s);
        if ((flags & ACK) != 0) assertEquals(Integer.toUnsignedString(ack), Integer.toUnsignedString(s.ack), "ack of " + s);
        return s;
    }

    /** Checks the stack has sent nothing more. */
    void nothing() {
        byte[] f = link.take();
        assertNull(f, () -> "expected nothing more, but the stack sent " + decode(f));
    }

    /** Every segment sent since the last take, removed. */
    List<Seg> all() {
        List<Seg> l = new ArrayList<>();
        byte[] f;
        while ((f = link.take()) != null) l.add(decode(f));
        return l;
    }

    static String flagNames(int f) {
        StringBuilder b = new StringBuilder();
        String[] n = {"FIN", "SYN", "RST", "PSH", "ACK", "URG"};
        for (int i = 0; i < n.length; i++) if ((f & (1 << i)) != 0) b.append(b.isEmpty() ? "" : "|").append(n[i]);
        return b.isEmpty() ? "none" : b.toString();
    }

    static Seg decode(byte[] f) {
        MemorySegment s = MemorySegment.ofArray(f);
        Ipv4View ip = new Ipv4View().wrap(s, 0, f.length);
        assertEquals(WireError.NONE, ip.check(), "IPv4 header of a sent packet");
        assertEquals(6, ip.protocol(), "a TCP segment");
        assertEquals(SLOOP, ip.src());
        assertEquals(REMOTE, ip.dst());
        int hl = ip.headerLength();
        TcpView t = new TcpView().wrap(s, hl, ip.totalLength() - hl);
        assertEquals(WireError.NONE, t.check(), "TCP header of a sent segment");
        assertEquals(true, t.verifyChecksum(SLOOP, REMOTE), "TCP checksum of a sent segment");
        TcpRepr r = TcpRepr.of(t);
        byte[] payload = s.asSlice(t.payloadOffset(), t.payloadLength()).toArray(ValueLayout.JAVA_BYTE);
        return new Seg(t.flags(), t.seq(), t.ack(), t.window(), r, payload, t.srcPort(), t.dstPort());
    }

    // ------------------------------------------------------------------ segments into the stack

    /** A segment from the remote host to the stack: start with {@link #seg}, adjust, then {@link #send}. */
    static final class Out {
        int srcPort = REMOTE_PORT, dstPort = SLOOP_PORT, seq, ack, flags, window = 65535;
        int mss = -1, ws = -1, tsVal, tsEcr;
        boolean sackOk, ts;
        int[] sack;
        byte[] payload = new byte[0];

        Out ports(int src, int dst) { srcPort = src; dstPort = dst; return this; }
        Out win(int w) { window = w; return this; }
        Out mss(int m) { mss = m; return this; }
        Out ws(int s) { ws = s; return this; }
        Out sackOk() { sackOk = true; return this; }
        Out ts(int val, int ecr) { ts = true; tsVal = val; tsEcr = ecr; return this; }
        Out sack(int... edges) { sack = edges; return this; }
        Out data(byte[] d) { payload = d; return this; }
        Out data(int n) { payload = new byte[n]; Arrays.fill(payload, (byte) 'x'); return this; }

        byte[] packet(int ipId) {
            TcpRepr r = new TcpRepr(srcPort, dstPort, seq, ack, flags, window, 0, mss, ws, sackOk, ts,
                    tsVal, tsEcr, sack, payload.length);
            int tl = r.bufferLength() + payload.length;
            byte[] p = new byte[20 + tl];
            MemorySegment s = MemorySegment.ofArray(p);
            new Ipv4Repr(REMOTE, SLOOP, 6, 64, ipId, true, false, 0, tl).emit(new Ipv4View().wrap(s, 0, p.length));
            TcpView t = new TcpView().wrap(s, 20, tl);
            r.emit(t);
            MemorySegment.copy(MemorySegment.ofArray(payload), 0, s, 20 + r.bufferLength(), payload.length);
            t.fillChecksum(REMOTE, SLOOP);
            return p;
        }
    }

    static Out seg(int flags, int seq, int ack) {
        Out o = new Out();
        o.flags = flags;
        o.seq = seq;
        o.ack = ack;
        return o;
    }

    /** Delivers {@code o} to the stack now (and runs whatever timers are due). */
    void send(Out o) {
        link.inject(now, o.packet(++ipId));
        stack.poll(now);
    }

    /** Delivers raw bytes as an IP packet. */
    void sendRaw(byte[] packet) {
        link.inject(now, packet);
        stack.poll(now);
    }

    // ------------------------------------------------------------------ set-ups

    /** The remote host's initial sequence number in every script. */
    static final int RISS = 1000;

    /**
     * The sequence space of an established connection as the script sees it: {@code rnxt} is the
     * remote host's next sequence number, {@code snxt} Sloop's (what the remote acknowledges).
     */
    static final class Conn {
        final TcpSocket socket;
        int rnxt, snxt;
        /** The right edge of Sloop's receive window as last advertised, where a script tracks it. */
        int edge;

        Conn(TcpSocket socket, int rnxt, int snxt) {
            this.socket = socket;
            this.rnxt = rnxt;
            this.snxt = snxt;
        }
    }

    /**
     * Opens a connection to a listener on port 80 with the remote's SYN {@code syn} (its seq must be
     * {@link #RISS}), completes the handshake and accepts it; the listener is closed afterwards
     * (accepted connections outlive it).
     */
    Conn accepted(Out syn) {
        TcpListener l;
        try {
            l = stack.tcp().listen(0, syn.dstPort);
        } catch (TcpException e) {
            throw new AssertionError(e);
        }
        send(syn);
        Seg sa = expect();
        assertEquals(flagNames(SYN | ACK), flagNames(sa.flags()), "SYN-ACK: " + sa);
        nothing();
        Out ack = seg(ACK, RISS + 1, sa.seq() + 1).ports(syn.srcPort, syn.dstPort);
        if (syn.ts) ack.ts(syn.tsVal + 1, sa.repr().tsVal());
        send(ack);
        TcpSocket s = l.accept();
        assertNotNull(s, "accepted");
        l.close();
        nothing();
        return new Conn(s, RISS + 1, sa.seq() + 1);
    }

    /** The application closes {@code k}: its FIN goes out at once (FIN_WAIT_1). */
    void closeExpectingFin(Conn k) {
        k.socket.close();
        sync();
        expect(FIN | ACK, k.snxt, k.rnxt);
    }

    /** {@link #closeExpectingFin} for a connection with timestamps: the FIN carries them. */
    void closeExpectingFinTs(Conn k) {
        k.socket.close();
        sync();
        Seg f = expect(FIN | ACK, k.snxt, k.rnxt);
        assertEquals(true, f.repr().timestamps(), "timestamps on the FIN: " + f);
    }

    /** The application closes {@code k} and the peer answers with FIN+ACK: TIME_WAIT, our last ACK sent. */
    void closeIntoTimeWait(Conn k) {
        closeExpectingFin(k);
        send(seg(FIN | ACK, k.rnxt, k.snxt + 1));
        expect(ACK, k.snxt + 1, k.rnxt + 1);
    }

    /** {@link #accepted(Out)} with a SYN offering MSS 1460 and nothing else. */
    Conn accepted() {
        return accepted(seg(SYN, RISS, 0).mss(1460));
    }

    /**
     * Ends a test: lets the simulated time pass that connections need to end on their own
     * (retransmission limits, FIN_WAIT_2, TIME_WAIT), fails if one is still alive (naming its
     * state), if a TIME_WAIT record or half-open entry is left, then checks the budget is back at
     * baseline. Nothing is aborted for the test: a connection that should have ended but did not
     * is a failure, not a leak hidden by {@link Stack#drain}.
     */
    void finish() {
        TcpConfig t = stack.config().tcp();
        advance(t.timeWaitNanos() + t.finWait2Nanos() + (long) (t.maxRetransmits() + t.synRetries() + 2) * t.maxRtoNanos());
        all();
        String alive = alive(stack.tcp());
        if (!alive.isEmpty()) fail("connections still alive when they should have ended: " + alive);
        assertEquals(0, stack.tcp().timeWaitRecords(), "TIME_WAIT records left");
        assertEquals(0, stack.tcp().synQueue().size(), "half-open entries left");
        LeakCheck.verifyNow();
    }

    /** The connections {@code tcp} still holds, with their states ("" if none). */
    static String alive(Tcp tcp) {
        StringBuilder b = new StringBuilder();
        try {
            java.lang.reflect.Field f = Tcp.class.getDeclaredField("buckets");
            f.setAccessible(true);
            for (TcpConnection c : (TcpConnection[]) f.get(tcp)) {
                for (; c != null; c = c.hashNext) b.append(b.isEmpty() ? "" : ", ").append(c).append(' ').append(c.state());
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return b.toString();
    }
}
