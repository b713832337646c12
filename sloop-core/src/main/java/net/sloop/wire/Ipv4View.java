package net.sloop.wire;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight view of an IPv4 header (RFC 791) with options. Wrap it over the bytes after the link
 * header (trailing link padding is fine: the datagram ends at {@link #totalLength()}). Call
 * {@link #check()} first; once it returns {@link WireError#NONE} no getter reads outside
 * [offset, offset + length). Units: lengths and {@link #fragmentOffset()} in bytes; addresses as
 * int in network order; {@link #payloadOffset()} is absolute in the segment.
 */
public final class Ipv4View extends HeaderView<Ipv4View> {
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int MAX_DATAGRAM = 65535;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    /** Option kinds (RFC 791): end of option list and no-operation. */
    public static final int OPT_EOL = 0;
    public static final int OPT_NOP = 1;

    private static final int FLAG_DF = 0x4000;
    private static final int FLAG_MF = 0x2000;
    private static final int OFFSET_MASK = 0x1FFF;

    public Ipv4View() {}

    /**
     * Validates, in order: TRUNCATED (&lt; 20 bytes), BAD_VERSION, BAD_HEADER_LENGTH (ihl &lt; 5),
     * TRUNCATED (&lt; ihl*4), BAD_TOTAL_LENGTH (&lt; header or &gt; wrapped length), BAD_CHECKSUM,
     * BAD_OPTION (option walk per RFC 791), BAD_FRAGMENT (offset + payload &gt; 65535).
     */
    public WireError check() {
        return check(true);
    }

    /**
     * As {@link #check()}, with the header checksum verified only if {@code verifyChecksum}
     * (false for packets from a link that cannot corrupt: {@code Link.checksumOffload}).
     */
    public WireError check(boolean verifyChecksum) {
        if (!holds(MIN_HEADER_LENGTH)) {
            return WireError.TRUNCATED;
        }
        if (version() != 4) {
            return WireError.BAD_VERSION;
        }
        int hl = headerLength();
        if (hl < MIN_HEADER_LENGTH) {
            return WireError.BAD_HEADER_LENGTH;
        }
        if (len < hl || !present(hl)) {
            return WireError.TRUNCATED;
        }
        int total = totalLength();
        if (total < hl || total > len) {
            return WireError.BAD_TOTAL_LENGTH;
        }
        if (verifyChecksum && !verifyHeaderChecksum()) {
            return WireError.BAD_CHECKSUM;
        }
        if (!optionsWellFormed(seg, off + MIN_HEADER_LENGTH, hl - MIN_HEADER_LENGTH)) {
            return WireError.BAD_OPTION;
        }
        if (fragmentOffset() + total - hl > MAX_DATAGRAM) {
            return WireError.BAD_FRAGMENT;
        }
        return WireError.NONE;
    }

    /** RFC 791 option walk: EOL ends, NOP is one byte, others carry a length 2..remaining. */
    static boolean optionsWellFormed(MemorySegment seg, long start, int length) {
        long p = start;
        long end = start + length;
        while (p < end) {
            int kind = Bytes.u8(seg, p);
            if (kind == OPT_EOL) {
                return true;
            }
            if (kind == OPT_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) {
                return false;
            }
            int olen = Bytes.u8(seg, p + 1);
            if (olen < 2 || olen > end - p) {
                return false;
            }
            p += olen;
        }
        return true;
    }

    public int version() { return Bytes.u8(seg, off) >>> 4; }
    /** Internet header length in 32-bit words. */
    public int ihl() { return Bytes.u8(seg, off) & 0xF; }
    /** Header length in bytes (ihl * 4). */
    public int headerLength() { return ihl() * 4; }
    /** The whole second byte: DSCP in the high 6 bits, ECN in the low 2. */
    public int dscpEcn() { return Bytes.u8(seg, off + 1); }
    public int dscp() { return dscpEcn() >>> 2; }
    public int ecn() { return dscpEcn() & 3; }
    public int totalLength() { return Bytes.u16(seg, off + 2); }
    public int identification() { return Bytes.u16(seg, off + 4); }
    private int flagsFragment() { return Bytes.u16(seg, off + 6); }
    public boolean dontFragment() { return (flagsFragment() & FLAG_DF) != 0; }
    public boolean moreFragments() { return (flagsFragment() & FLAG_MF) != 0; }
    /** Fragment offset in bytes (the 13-bit field times 8). */
    public int fragmentOffset() { return (flagsFragment() & OFFSET_MASK) * 8; }
    /** MF set or a non-zero offset. */
    public boolean isFragment() { return (flagsFragment() & (FLAG_MF | OFFSET_MASK)) != 0; }
    public int ttl() { return Bytes.u8(seg, off + 8); }
    public int protocol() { return Bytes.u8(seg, off + 9); }
    public int headerChecksum() { return Bytes.u16(seg, off + 10); }
    public int src() { return Bytes.i32(seg, off + 12); }
    public int dst() { return Bytes.i32(seg, off + 16); }
    public long optionsOffset() { return off + MIN_HEADER_LENGTH; }
    public int optionsLength() { return headerLength() - MIN_HEADER_LENGTH; }
    public long payloadOffset() { return off + headerLength(); }
    /** totalLength - headerLength: link padding after the datagram is excluded. */
    public int payloadLength() { return totalLength() - headerLength(); }

    /** Sets version 4 and the header length in bytes (a multiple of 4, 20..60). */
    public void setHeaderLength(int bytes) { Bytes.put8(seg, off, 0x40 | ((bytes >>> 2) & 0xF)); }
    public void setDscpEcn(int v) { Bytes.put8(seg, off + 1, v); }
    public void setTotalLength(int v) { Bytes.put16(seg, off + 2, v); }
    public void setIdentification(int v) { Bytes.put16(seg, off + 4, v); }
    public void setDontFragment(boolean df) {
        Bytes.put16(seg, off + 6, df ? flagsFragment() | FLAG_DF : flagsFragment() & ~FLAG_DF);
    }
    public void setMoreFragments(boolean mf) {
        Bytes.put16(seg, off + 6, mf ? flagsFragment() | FLAG_MF : flagsFragment() & ~FLAG_MF);
    }
    /** Sets the fragment offset in bytes; must be a multiple of 8 (lower bits are dropped). */
    public void setFragmentOffset(int bytes) {
        Bytes.put16(seg, off + 6, (flagsFragment() & ~OFFSET_MASK) | ((bytes >>> 3) & OFFSET_MASK));
    }
    /** Writes flags and offset at once (reserved bit cleared); offset in bytes. */
    public void setFragment(boolean df, boolean mf, int offsetBytes) {
        Bytes.put16(seg, off + 6, (df ? FLAG_DF : 0) | (mf ? FLAG_MF : 0) | ((offsetBytes >>> 3) & OFFSET_MASK));
    }
    public void setTtl(int v) { Bytes.put8(seg, off + 8, v); }
    public void setProtocol(int v) { Bytes.put8(seg, off + 9, v); }
    public void setHeaderChecksum(int v) { Bytes.put16(seg, off + 10, v); }
    public void setSrc(int a) { Bytes.put32(seg, off + 12, a); }
    public void setDst(int a) { Bytes.put32(seg, off + 16, a); }

    /** The checksum the header should carry (computed with the field taken as zero). */
    public int computeHeaderChecksum() {
        long acc = Checksum.add(0, seg, off, headerLength());
        return Checksum.finish(acc - headerChecksum());
    }

    public void fillHeaderChecksum() {
        setHeaderChecksum(0);
        setHeaderChecksum(Checksum.finish(Checksum.add(0, seg, off, headerLength())));
    }

    /** True when the ones' complement sum of the header, checksum included, is 0xFFFF. */
    public boolean verifyHeaderChecksum() {
        return Checksum.fold(Checksum.add(0, seg, off, headerLength())) == 0xFFFF;
    }
}
