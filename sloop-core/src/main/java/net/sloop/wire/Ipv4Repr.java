package net.sloop.wire;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Validated IPv4 header. {@code options} are the raw option bytes including padding (a multiple
 * of 4, at most 40; empty for none); {@code fragmentOffset} and {@code payloadLength} in bytes;
 * {@code dscpEcn} is the whole second header byte. The array is copied in and out.
 */
public record Ipv4Repr(int src, int dst, int protocol, int ttl, int identification,
                       boolean dontFragment, boolean moreFragments, int fragmentOffset,
                       int payloadLength, byte[] options, int dscpEcn) {

    public Ipv4Repr {
        options = options == null ? new byte[0] : options.clone();
        if (options.length % 4 != 0 || options.length > 40) {
            throw new IllegalArgumentException("options length must be a multiple of 4 up to 40: " + options.length);
        }
        if ((fragmentOffset & 7) != 0 || fragmentOffset < 0 || fragmentOffset > 0x1FFF * 8) {
            throw new IllegalArgumentException("fragment offset must be a multiple of 8 in 0..65528: " + fragmentOffset);
        }
        Bytes.checkRange("protocol", protocol, 0xFF);
        Bytes.checkRange("ttl", ttl, 0xFF);
        Bytes.checkRange("identification", identification, 0xFFFF);
        Bytes.checkRange("dscpEcn", dscpEcn, 0xFF);
        if (payloadLength < 0 || payloadLength + 20 + options.length > Ipv4View.MAX_DATAGRAM) {
            throw new IllegalArgumentException("payload length out of range: " + payloadLength);
        }
    }

    /** Without options, DSCP/ECN 0. */
    public Ipv4Repr(int src, int dst, int protocol, int ttl, int identification,
                    boolean dontFragment, boolean moreFragments, int fragmentOffset, int payloadLength) {
        this(src, dst, protocol, ttl, identification, dontFragment, moreFragments, fragmentOffset,
                payloadLength, null, 0);
    }

    /** Reads a view on which {@code check()} returned NONE. */
    public static Ipv4Repr of(Ipv4View v) {
        byte[] opts = new byte[v.optionsLength()];
        MemorySegment.copy(v.segment(), Bytes.U8, v.optionsOffset(), opts, 0, opts.length);
        return new Ipv4Repr(v.src(), v.dst(), v.protocol(), v.ttl(), v.identification(),
                v.dontFragment(), v.moreFragments(), v.fragmentOffset(), v.payloadLength(),
                opts, v.dscpEcn());
    }

    @Override
    public byte[] options() {
        return options.clone();
    }

    public int bufferLength() {
        return Ipv4View.MIN_HEADER_LENGTH + options.length;
    }

    /** Writes the header, options and a correct header checksum. */
    public void emit(Ipv4View v) {
        int hl = bufferLength();
        v.setHeaderLength(hl);
        v.setDscpEcn(dscpEcn);
        v.setTotalLength(hl + payloadLength);
        v.setIdentification(identification);
        v.setFragment(dontFragment, moreFragments, fragmentOffset);
        v.setTtl(ttl);
        v.setProtocol(protocol);
        v.setSrc(src);
        v.setDst(dst);
        MemorySegment.copy(options, 0, v.segment(), Bytes.U8, v.optionsOffset(), options.length);
        v.fillHeaderChecksum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ipv4Repr r && src == r.src && dst == r.dst && protocol == r.protocol
                && ttl == r.ttl && identification == r.identification
                && dontFragment == r.dontFragment && moreFragments == r.moreFragments
                && fragmentOffset == r.fragmentOffset && payloadLength == r.payloadLength
                && dscpEcn == r.dscpEcn && Arrays.equals(options, r.options);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {src, dst, protocol, ttl, identification,
                dontFragment ? 1 : 0, moreFragments ? 1 : 0, fragmentOffset, payloadLength,
                dscpEcn, Arrays.hashCode(options)});
    }

    @Override
    public String toString() {
        return "Ipv4Repr[src=" + Ipv4Address.toString(src) + ", dst=" + Ipv4Address.toString(dst)
                + ", protocol=" + protocol + ", ttl=" + ttl + ", id=" + identification
                + ", df=" + dontFragment + ", mf=" + moreFragments + ", fragmentOffset=" + fragmentOffset
                + ", payloadLength=" + payloadLength + ", options=" + Arrays.toString(options)
                + ", dscpEcn=" + dscpEcn + "]";
    }
}
