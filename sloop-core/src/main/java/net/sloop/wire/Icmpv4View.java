package net.sloop.wire;

/**
 * Flyweight view of an ICMPv4 message (RFC 792): type, code, checksum, 4-byte rest of header,
 * payload. Wrap it over the whole message (the IP payload); the checksum covers the whole
 * message with no pseudo-header. Call {@link #check()} first.
 */
public final class Icmpv4View extends HeaderView<Icmpv4View> {
    public static final int HEADER_LENGTH = 8;

    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_DEST_UNREACHABLE = 3;
    public static final int TYPE_SOURCE_QUENCH = 4;
    public static final int TYPE_ECHO_REQUEST = 8;
    public static final int TYPE_TIME_EXCEEDED = 11;
    public static final int TYPE_PARAMETER_PROBLEM = 12;

    /** Destination unreachable codes. */
    public static final int CODE_NET_UNREACHABLE = 0;
    public static final int CODE_HOST_UNREACHABLE = 1;
    public static final int CODE_PROTOCOL_UNREACHABLE = 2;
    public static final int CODE_PORT_UNREACHABLE = 3;
    /** Fragmentation needed and DF set; {@link #nextHopMtu()} carries the MTU (RFC 1191). */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;
    /** Time exceeded codes. */
    public static final int CODE_TTL_EXCEEDED = 0;
    public static final int CODE_REASSEMBLY_TIME_EXCEEDED = 1;

    public Icmpv4View() {}

    /** TRUNCATED below 8 bytes; BAD_CHECKSUM when the message checksum does not verify. */
    public WireError check() {
        if (!holds(HEADER_LENGTH) || !present(len)) { // the checksum covers the whole message, so all of it must be here
            return WireError.TRUNCATED;
        }
        if (!verifyChecksum()) {
            return WireError.BAD_CHECKSUM;
        }
        return WireError.NONE;
    }

    public int type() { return Bytes.u8(seg, off); }
    public int code() { return Bytes.u8(seg, off + 1); }
    public int checksum() { return Bytes.u16(seg, off + 2); }
    /** Bytes 4..7 as an int (meaning depends on type). */
    public int restOfHeader() { return Bytes.i32(seg, off + 4); }
    /** Echo identifier (bytes 4..5). */
    public int identifier() { return Bytes.u16(seg, off + 4); }
    /** Echo sequence number (bytes 6..7). */
    public int sequence() { return Bytes.u16(seg, off + 6); }
    /** Next-hop MTU of type 3 code 4 (bytes 6..7). */
    public int nextHopMtu() { return Bytes.u16(seg, off + 6); }

    public void setType(int v) { Bytes.put8(seg, off, v); }
    public void setCode(int v) { Bytes.put8(seg, off + 1, v); }
    public void setChecksum(int v) { Bytes.put16(seg, off + 2, v); }
    public void setRestOfHeader(int v) { Bytes.put32(seg, off + 4, v); }
    public void setIdentifier(int v) { Bytes.put16(seg, off + 4, v); }
    public void setSequence(int v) { Bytes.put16(seg, off + 6, v); }
    public void setNextHopMtu(int v) { Bytes.put16(seg, off + 6, v); }

    public int headerLength() { return HEADER_LENGTH; }
    public long payloadOffset() { return off + HEADER_LENGTH; }
    public int payloadLength() { return len - HEADER_LENGTH; }

    /** True when the sum over the whole wrapped message, checksum included, is 0xFFFF. */
    public boolean verifyChecksum() {
        if (!present(len)) {
            return false;
        }
        return Checksum.fold(Checksum.add(0, seg, off, len)) == 0xFFFF;
    }

    /** Computes and stores the checksum over the whole wrapped message. */
    public void fillChecksum() {
        setChecksum(0);
        setChecksum(Checksum.finish(Checksum.add(0, seg, off, len)));
    }
}
