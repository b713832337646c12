package net.sloop.wire;

/**
 * Validated UDP header: ports and payload length in bytes. {@link #emit} writes a zero checksum;
 * call {@link UdpView#fillChecksum(int, int)} once the payload is in place.
 */
public record UdpRepr(int srcPort, int dstPort, int payloadLength) {
    public UdpRepr {
        Bytes.checkRange("srcPort", srcPort, 0xFFFF);
        Bytes.checkRange("dstPort", dstPort, 0xFFFF);
        Bytes.checkRange("payloadLength", payloadLength, 0xFFFF - UdpView.HEADER_LENGTH);
    }

    /** Reads a view on which {@code check()} returned NONE. */
    public static UdpRepr of(UdpView v) {
        return new UdpRepr(v.srcPort(), v.dstPort(), v.payloadLength());
    }

    public int bufferLength() {
        return UdpView.HEADER_LENGTH;
    }

    public void emit(UdpView v) {
        v.setSrcPort(srcPort);
        v.setDstPort(dstPort);
        v.setLength(UdpView.HEADER_LENGTH + payloadLength);
        v.setChecksum(0);
    }
}
