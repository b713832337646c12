package net.sloop.wire;

/**
 * Flyweight view of a TCP header (RFC 9293 §3.1) with options. Wrap it over the whole segment
 * (the IP payload: {@code ip.payloadOffset()}, {@code ip.payloadLength()}); the payload is what
 * follows the header up to the wrapped length. Sequence and acknowledgment numbers are ints with
 * unsigned, modulo-2^32 meaning (compare with {@code a - b < 0}, widen with
 * {@code Integer.toUnsignedLong}). {@link #check()} also parses the options into
 * {@link #options()}, which owns no memory beyond this view's.
 */
public final class TcpView extends HeaderView<TcpView> {
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private final TcpOptions options = new TcpOptions();

    public TcpView() {}

    /**
     * TRUNCATED below 20 bytes; BAD_HEADER_LENGTH when the data offset is &lt; 5 or the header
     * runs past the wrapped length; BAD_OPTION from the option walk ({@link TcpOptions}). The
     * checksum needs the IP addresses: see {@link #verifyChecksum(int, int)}.
     */
    public WireError check() {
        if (!holds(MIN_HEADER_LENGTH)) {
            return WireError.TRUNCATED;
        }
        int hl = headerLength();
        if (hl < MIN_HEADER_LENGTH || hl > len) {
            return WireError.BAD_HEADER_LENGTH;
        }
        if (!present(hl)) {
            return WireError.TRUNCATED;
        }
        return options.parse(seg, off + MIN_HEADER_LENGTH, hl - MIN_HEADER_LENGTH);
    }

    /** The options parsed by the last successful {@link #check()}. */
    public TcpOptions options() { return options; }

    public int srcPort() { return Bytes.u16(seg, off); }
    public int dstPort() { return Bytes.u16(seg, off + 2); }
    public int seq() { return Bytes.i32(seg, off + 4); }
    public int ack() { return Bytes.i32(seg, off + 8); }
    /** Data offset in 32-bit words. */
    public int dataOffset() { return Bytes.u8(seg, off + 12) >>> 4; }
    /** Header length in bytes (data offset * 4). */
    public int headerLength() { return dataOffset() * 4; }
    /** The eight flag bits (CWR..FIN) of byte 13. */
    public int flags() { return Bytes.u8(seg, off + 13); }
    /** True when all bits of {@code mask} are set. */
    public boolean isSet(int mask) { return (flags() & mask) == mask; }
    public boolean fin() { return isSet(FIN); }
    public boolean syn() { return isSet(SYN); }
    public boolean rst() { return isSet(RST); }
    public boolean psh() { return isSet(PSH); }
    public boolean hasAck() { return isSet(ACK); }
    public boolean urg() { return isSet(URG); }
    /** Window field as sent (unscaled). */
    public int window() { return Bytes.u16(seg, off + 14); }
    public int checksum() { return Bytes.u16(seg, off + 16); }
    public int urgentPointer() { return Bytes.u16(seg, off + 18); }
    public long optionsOffset() { return off + MIN_HEADER_LENGTH; }
    public int optionsLength() { return headerLength() - MIN_HEADER_LENGTH; }
    public long payloadOffset() { return off + headerLength(); }
    public int payloadLength() { return len - headerLength(); }
    /** Sequence space the segment occupies: payload plus one each for SYN and FIN. */
    public int segmentLength() { return payloadLength() + (syn() ? 1 : 0) + (fin() ? 1 : 0); }

    public void setSrcPort(int v) { Bytes.put16(seg, off, v); }
    public void setDstPort(int v) { Bytes.put16(seg, off + 2, v); }
    public void setSeq(int v) { Bytes.put32(seg, off + 4, v); }
    public void setAck(int v) { Bytes.put32(seg, off + 8, v); }
    /** Sets the data offset in words (5..15); the reserved bits are cleared. */
    public void setDataOffset(int words) { Bytes.put8(seg, off + 12, (words & 0xF) << 4); }
    /** Sets the header length in bytes (a multiple of 4, 20..60). */
    public void setHeaderLength(int bytes) { setDataOffset(bytes >>> 2); }
    public void setFlags(int v) { Bytes.put8(seg, off + 13, v); }
    public void setWindow(int v) { Bytes.put16(seg, off + 14, v); }
    public void setChecksum(int v) { Bytes.put16(seg, off + 16, v); }
    public void setUrgentPointer(int v) { Bytes.put16(seg, off + 18, v); }

    /** Verifies the checksum over pseudo-header, header and payload (the whole wrapped length). */
    public boolean verifyChecksum(int srcIp, int dstIp) {
        if (!present(len)) {
            return false; // part of the segment is in other blocks: checksum the chain instead (Chains.checksum)
        }
        long acc = Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4View.PROTO_TCP, len);
        return Checksum.fold(Checksum.add(acc, seg, off, len)) == 0xFFFF;
    }

    /** Computes and stores the checksum (payload must be in place). */
    public void fillChecksum(int srcIp, int dstIp) {
        setChecksum(0);
        long acc = Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4View.PROTO_TCP, len);
        setChecksum(Checksum.finish(Checksum.add(acc, seg, off, len)));
    }
}
