package net.sloop.wire;

import java.lang.foreign.MemorySegment;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Untrusted bytes: every view either rejects them with a WireError or parses them; none throws. */
class GarbageProperties {
    private final Fuzz fuzz = new Fuzz();

    @Property(tries = 2000)
    void randomBytesNeverThrow(@ForAll @Size(max = 120) byte[] b, @ForAll @IntRange(max = 130) int claimed) {
        MemorySegment seg = MemorySegment.ofArray(b);
        fuzz.all(seg, 0, b.length);
        fuzz.all(seg, 0, claimed); // may claim more than the segment holds
        if (b.length > 3) {
            fuzz.all(seg, 3, b.length - 3);
        }
    }

    /** Garbage that starts like IPv4 (version 4, plausible lengths) reaches deeper checks. */
    @Property(tries = 2000)
    void ipv4LikeGarbageNeverThrows(@ForAll @Size(min = 20, max = 100) byte[] b, @ForAll @IntRange(min = 5, max = 15) int ihl) {
        b[0] = (byte) (0x40 | ihl);
        b[2] = 0;
        b[3] = (byte) b.length;
        MemorySegment seg = MemorySegment.ofArray(b);
        Ipv4View v = new Ipv4View().wrap(seg, 0, b.length);
        if (v.headerLength() <= b.length) {
            v.fillHeaderChecksum(); // so the option walk is reached
        }
        fuzz.all(seg, 0, b.length);
    }

    /** Garbage TCP headers with a plausible data offset exercise the option walker. */
    @Property(tries = 2000)
    void tcpLikeGarbageNeverThrows(@ForAll @Size(min = 20, max = 80) byte[] b, @ForAll @IntRange(min = 5, max = 15) int doff) {
        b[12] = (byte) (doff << 4);
        fuzz.all(MemorySegment.ofArray(b), 0, b.length);
    }

    @Property(tries = 300)
    void truncationOfValidPacketsNeverThrows(@ForAll @IntRange(max = 200) int cut) {
        for (String[] frame : LinuxCapture.frames()) {
            byte[] all = Hex.bytes(frame[1]);
            int n = Math.min(cut, all.length);
            MemorySegment seg = MemorySegment.ofArray(java.util.Arrays.copyOf(all, n));
            fuzz.all(seg, 0, n);
            if (n > 14) {
                fuzz.all(seg, 14, n - 14);
            }
            if (n > 34) {
                fuzz.all(seg, 34, n - 34);
            }
        }
    }
}
