package net.sloop.wire;

/**
 * Flyweight view of a UDP header (RFC 768). Wrap it over the IP payload. The datagram ends at
 * the UDP length field ({@link #length()}), which may be less than the wrapped length.
 * Call {@link #check()} first.
 */
public final class UdpView extends HeaderView<UdpView> {
    public static final int HEADER_LENGTH = 8;

    public UdpView() {}

    /** TRUNCATED below 8 bytes; BAD_LENGTH when the length field is &lt; 8 or &gt; wrapped length. */
    public WireError check() {
        if (!holds(HEADER_LENGTH)) {
            return WireError.TRUNCATED;
        }
        int l = length();
        if (l < HEADER_LENGTH || l > len) {
            return WireError.BAD_LENGTH;
        }
        return WireError.NONE;
    }

    public int srcPort() { return Bytes.u16(seg, off); }
    public int dstPort() { return Bytes.u16(seg, off + 2); }
    /** The UDP length field: header plus payload, in bytes. */
    public int length() { return Bytes.u16(seg, off + 4); }
    public int checksum() { return Bytes.u16(seg, off + 6); }

    public void setSrcPort(int v) { Bytes.put16(seg, off, v); }
    public void setDstPort(int v) { Bytes.put16(seg, off + 2, v); }
    public void setLength(int v) { Bytes.put16(seg, off + 4, v); }
    public void setChecksum(int v) { Bytes.put16(seg, off + 6, v); }

    public int headerLength() { return HEADER_LENGTH; }
    public long payloadOffset() { return off + HEADER_LENGTH; }
    public int payloadLength() { return length() - HEADER_LENGTH; }

    /** True if the checksum is 0 (none, allowed over IPv4) or verifies with the pseudo-header. */
    public boolean verifyChecksum(int srcIp, int dstIp) {
        if (checksum() == 0) {
            return true;
        }
        int l = length();
        if (!present(l)) {
            return false; // part of the datagram is in other blocks: checksum the chain instead (Chains.checksum)
        }
        long acc = Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4View.PROTO_UDP, l);
        return Checksum.fold(Checksum.add(acc, seg, off, l)) == 0xFFFF;
    }

    /** Computes and stores the checksum; a computed 0 is sent as 0xFFFF (RFC 768). */
    public void fillChecksum(int srcIp, int dstIp) {
        setChecksum(0);
        int l = length();
        long acc = Checksum.pseudoHeaderV4(srcIp, dstIp, Ipv4View.PROTO_UDP, l);
        int c = Checksum.finish(Checksum.add(acc, seg, off, l));
        setChecksum(c == 0 ? 0xFFFF : c);
    }
}
