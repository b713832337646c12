package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Every prefix of every captured packet, at every layer: the right error, never an exception. */
class TruncationTest {
    final Fuzz fuzz = new Fuzz();

    @Test
    void ethernetBelow14IsTruncated() {
        byte[] f = LinuxCapture.frame("icmp-echo-request");
        EthernetView v = new EthernetView();
        for (int n = 0; n < f.length; n++) {
            WireError e = v.wrap(MemorySegment.ofArray(f), 0, n).check();
            assertEquals(n < 14 ? WireError.TRUNCATED : WireError.NONE, e, "length " + n);
        }
    }

    @Test
    void arpBelow28IsTruncated() {
        byte[] f = LinuxCapture.frame("arp-reply");
        ArpView v = new ArpView();
        for (int n = 0; n <= 28; n++) {
            WireError e = v.wrap(MemorySegment.ofArray(f), 14, n).check();
            assertEquals(n < 28 ? WireError.TRUNCATED : WireError.NONE, e, "length " + n);
        }
    }

    @Test
    void ipv4PrefixesAreTruncatedOrBadTotalLength() {
        for (String label : new String[] {"icmp-echo-request", "tcp-syn", "udp-to-closed-port"}) {
            byte[] f = LinuxCapture.frame(label);
            int ipLen = f.length - 14;
            Ipv4View v = new Ipv4View();
            for (int n = 0; n <= ipLen; n++) {
                WireError e = v.wrap(MemorySegment.ofArray(f), 14, n).check();
                WireError want = n < 20 ? WireError.TRUNCATED : n < ipLen ? WireError.BAD_TOTAL_LENGTH : WireError.NONE;
                assertEquals(want, e, label + " length " + n);
            }
        }
    }

    @Test
    void ipv4WithOptionsTruncatedInsideOptions() {
        MemorySegment seg = MemorySegment.ofArray(new byte[40]);
        Ipv4View v = new Ipv4View().wrap(seg, 0, 40);
        new Ipv4Repr(1, 2, 17, 64, 1, false, false, 0, 0, new byte[] {1, 1, 1, 0, 7, 7, 7, 7}, 0).emit(v);
        for (int n = 20; n < 28; n++) {
            assertEquals(WireError.TRUNCATED, v.wrap(seg, 0, n).check(), "length " + n);
        }
        assertEquals(WireError.NONE, v.wrap(seg, 0, 28).check());
    }

    @Test
    void transportPrefixes() {
        Icmpv4View icmp = new Icmpv4View();
        UdpView udp = new UdpView();
        TcpView tcp = new TcpView();
        byte[] i = LinuxCapture.frame("icmp-echo-request");
        for (int n = 0; n < 8; n++) {
            assertEquals(WireError.TRUNCATED, icmp.wrap(MemorySegment.ofArray(i), 34, n).check());
        }
        for (int n = 8; n < i.length - 34; n++) {
            assertEquals(WireError.BAD_CHECKSUM, icmp.wrap(MemorySegment.ofArray(i), 34, n).check(), "length " + n);
        }
        byte[] u = LinuxCapture.frame("udp-to-closed-port");
        for (int n = 0; n < u.length - 34; n++) {
            assertEquals(n < 8 ? WireError.TRUNCATED : WireError.BAD_LENGTH, udp.wrap(MemorySegment.ofArray(u), 34, n).check());
        }
        byte[] t = LinuxCapture.frame("tcp-syn");
        for (int n = 0; n < t.length - 34; n++) {
            assertEquals(n < 20 ? WireError.TRUNCATED : WireError.BAD_HEADER_LENGTH,
                    tcp.wrap(MemorySegment.ofArray(t), 34, n).check(), "length " + n);
        }
    }

    @Test
    void everyPrefixAtEveryLayerNeverThrows() {
        for (String[] f : LinuxCapture.frames()) {
            byte[] all = Hex.bytes(f[1]);
            for (int n = 0; n <= all.length; n++) {
                MemorySegment seg = MemorySegment.ofArray(java.util.Arrays.copyOf(all, n));
                for (int start : new int[] {0, 14, 34, 42, 54}) {
                    if (start <= n) {
                        fuzz.all(seg, start, n - start);
                    }
                }
                // A view over the whole segment but a prefix of it (slack after the wrapped range).
                fuzz.all(MemorySegment.ofArray(all), 0, n);
            }
        }
    }

    @Test
    void wrappedRangeOutsideSegmentIsTruncated() {
        MemorySegment seg = MemorySegment.ofArray(new byte[30]);
        assertEquals(WireError.TRUNCATED, new EthernetView().wrap(seg, 20, 14).check());
        assertEquals(WireError.TRUNCATED, new Ipv4View().wrap(seg, -1, 20).check());
        assertEquals(WireError.TRUNCATED, new TcpView().wrap(seg, 0, -5).check());
        assertEquals(WireError.TRUNCATED, new UdpView().wrap(null, 0, 8).check());
        assertNotEquals(WireError.NONE, new TcpOptions().parse(seg, 25, 10));
    }
}
