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

/** The stack and the scripted Linux side of {@link InterceptSegmentTest}. */
class InterceptRig {
    static final int SLOOP = Ipv4Address.parse("198.18.0.2");
    static final int LINUX = Ipv4Address.parse("198.18.0.1");
    static final int FOREIGN = Ipv4Address.parse("198.19.5.5");
    static final int OUTSIDE = Ipv4Address.parse("198.20.0.1");
    static final int SYN = TcpView.SYN, ACK = TcpView.ACK, FIN = TcpView.FIN, RST = TcpView.RST, PSH = TcpView.PSH;

    final CaptureLink link = new CaptureLink("tun0", Link.Kind.IP, 0, 1500);
    final Stack stack;
    final NetIf nif;
    long now = Time.seconds(1);
    int ipId;

    InterceptRig() {
        this(StackConfig.builder().budget(128 * 1024).tcp(TcpConfig.builder().secret(7).build()).build());
    }

    InterceptRig(StackConfig config) {
        stack = new Stack(config);
        LeakCheck.track(stack.budget());
        LeakCheck.closeLater(stack);
        nif = stack.addInterface(link, SLOOP, 24);
        stack.poll(now);
    }

    /** A segment seen on the wire, with its addresses. */
    record Seg(int src, int dst, int srcPort, int dstPort, int flags, int seq, int ack, byte[] payload) {
        boolean is(int f) { return flags == f; }
    }

    /** A TCP segment from Linux ({@code LINUX}:{@code sport}) to {@code dst}:{@code dport}, delivered now. */
    void send(int dst, int sport, int dport, int flags, int seq, int ack, byte[] data) {
        TcpRepr r = new TcpRepr(sport, dport, seq, ack, flags, 65535, 0, (flags & SYN) != 0 ? 1460 : -1, -1, false, false, 0, 0, null, data.length);
        int tl = r.bufferLength() + data.length;
        byte[] p = new byte[20 + tl];
        MemorySegment s = MemorySegment.ofArray(p);
        new Ipv4Repr(LINUX, dst, 6, 64, ++ipId, true, false, 0, tl).emit(new Ipv4View().wrap(s, 0, p.length));
        TcpView t = new TcpView().wrap(s, 20, tl);
        r.emit(t);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, s, 20 + r.bufferLength(), data.length);
        t.fillChecksum(LINUX, dst);
        inject(p);
    }

    void inject(byte[] packet) {
        link.inject(now, packet);
        stack.poll(now);
    }

    /** The next packet the stack sent, as a TCP segment (checked: valid, to Linux, checksum right). */
    Seg expectTcp() {
        byte[] f = link.take();
        assertNotNull(f, "expected a segment from the stack, but it sent nothing");
        MemorySegment s = MemorySegment.ofArray(f);
        Ipv4View ip = new Ipv4View().wrap(s, 0, f.length);
        assertEquals(WireError.NONE, ip.check());
        assertEquals(6, ip.protocol(), "a TCP segment");
        assertEquals(LINUX, ip.dst());
        TcpView t = new TcpView().wrap(s, ip.headerLength(), ip.totalLength() - ip.headerLength());
        assertEquals(WireError.NONE, t.check());
        assertTrue(t.verifyChecksum(ip.src(), ip.dst()), "TCP checksum, with the source address it carries");
        byte[] payload = s.asSlice(t.payloadOffset(), t.payloadLength()).toArray(ValueLayout.JAVA_BYTE);
        return new Seg(ip.src(), ip.dst(), t.srcPort(), t.dstPort(), t.flags(), t.seq(), t.ack(), payload);
    }

    void nothing() {
        byte[] f = link.take();
        assertNull(f, "expected nothing more from the stack");
    }

    static final int RISS = 1000;
    static final byte[] NONE = new byte[0];

    /** Linux opens a connection to {@code dst}:{@code dport}; returns the SYN-ACK (checked to come from there). */
    Seg handshake(int dst, int sport, int dport) {
        send(dst, sport, dport, SYN, RISS, 0, NONE);
        Seg sa = expectTcp();
        assertTrue(sa.is(SYN | ACK), "SYN-ACK expected, got flags " + sa.flags());
        assertEquals(dst, sa.src(), "the SYN-ACK comes from the address Linux connected to");
        assertEquals(dport, sa.srcPort());
        assertEquals(RISS + 1, sa.ack());
        send(dst, sport, dport, ACK, RISS + 1, sa.seq() + 1, NONE);
        nothing();
        return sa;
    }

    /** Linux closes first; Sloop's application closes in answer: Sloop ends in CLOSED (no TIME_WAIT). */
    void peerClosesFirst(TcpSocket s, int dst, int sport, int dport, int rnxt, int snxt) throws TcpException {
        send(dst, sport, dport, FIN | ACK, rnxt, snxt, NONE);
        Seg a = expectTcp();
        assertTrue(a.is(ACK) && a.ack() == rnxt + 1, "the FIN acknowledged");
        assertEquals(-1, s.read(new byte[16], 0, 16), "end of stream after the peer's FIN");
        s.close();
        stack.poll(now);
        Seg fin = expectTcp();
        assertTrue(fin.is(FIN | ACK), "our FIN");
        assertEquals(dst, fin.src());
        send(dst, sport, dport, ACK, rnxt + 1, fin.seq() + 1, NONE);
        nothing();
    }

    /** Lets simulated time run out every timer; then nothing is left alive. */
    void finish() {
        long end = now + Time.seconds(600);
        while (true) {
            long next = stack.timers().nextDeadline();
            if (next == TimerQueue.NONE || next > end) break;
            now = Math.max(now, next);
            stack.poll(now);
        }
        link.sent().clear();
        assertEquals(0, stack.tcp().connectionsInTable(), stack.tcp().stillHeld());
        assertEquals(0, stack.tcp().timeWaitRecords());
        LeakCheck.verifyNow();
    }

    static byte[] ip(int src, int dst, int protocol, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        MemorySegment s = MemorySegment.ofArray(p);
        new Ipv4Repr(src, dst, protocol, 64, 9, false, false, 0, payload.length).emit(new Ipv4View().wrap(s, 0, p.length));
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, s, 20, payload.length);
        return p;
    }
}
