package net.sloop.wire;

/**
 * Validated ICMPv4 header: type, code, the 4-byte rest of header as an int, and the payload
 * length in bytes. {@link #emit} writes the header with a zero checksum: the checksum covers the
 * payload, so call {@link Icmpv4View#fillChecksum()} once the payload is in place.
 */
public record Icmpv4Repr(int type, int code, int restOfHeader, int payloadLength) {
    public Icmpv4Repr {
        Bytes.checkRange("type", type, 0xFF);
        Bytes.checkRange("code", code, 0xFF);
        Bytes.checkRange("payloadLength", payloadLength, Integer.MAX_VALUE);
    }

    /** Echo request/reply with identifier and sequence. */
    public static Icmpv4Repr echo(int type, int identifier, int sequence, int payloadLength) {
        return new Icmpv4Repr(type, 0, (identifier & 0xFFFF) << 16 | (sequence & 0xFFFF), payloadLength);
    }

    /** Reads a view on which {@code check()} returned NONE. */
    public static Icmpv4Repr of(Icmpv4View v) {
        return new Icmpv4Repr(v.type(), v.code(), v.restOfHeader(), v.payloadLength());
    }

    public int bufferLength() {
        return Icmpv4View.HEADER_LENGTH;
    }

    public void emit(Icmpv4View v) {
        v.setType(type);
        v.setCode(code);
        v.setChecksum(0);
        v.setRestOfHeader(restOfHeader);
    }

}
