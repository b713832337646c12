package net.sloop.wire;

/**
 * Flyweight view of an ARP packet for Ethernet/IPv4 only (RFC 826): hardware type 1, protocol
 * type 0x0800, lengths 6 and 4, 28 bytes. Addresses: MACs as long (low 48 bits), IPv4 as int.
 * Call {@link #check()} first.
 */
public final class ArpView extends HeaderView<ArpView> {
    public static final int LENGTH = 28;
    public static final int HTYPE_ETHERNET = 1;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    public ArpView() {}

    /**
     * TRUNCATED below 28 bytes; UNSUPPORTED for other hardware/protocol types or lengths, or an
     * operation other than request/reply.
     */
    public WireError check() {
        if (!holds(LENGTH)) {
            return WireError.TRUNCATED;
        }
        if (hardwareType() != HTYPE_ETHERNET || protocolType() != EthernetView.ETHERTYPE_IPV4
                || hardwareLength() != 6 || protocolLength() != 4) {
            return WireError.UNSUPPORTED;
        }
        int op = operation();
        if (op != OP_REQUEST && op != OP_REPLY) {
            return WireError.UNSUPPORTED;
        }
        return WireError.NONE;
    }

    public int hardwareType() { return Bytes.u16(seg, off); }
    public int protocolType() { return Bytes.u16(seg, off + 2); }
    public int hardwareLength() { return Bytes.u8(seg, off + 4); }
    public int protocolLength() { return Bytes.u8(seg, off + 5); }
    public int operation() { return Bytes.u16(seg, off + 6); }
    public long senderHardware() { return MacAddress.read(seg, off + 8); }
    public int senderProtocol() { return Bytes.i32(seg, off + 14); }
    public long targetHardware() { return MacAddress.read(seg, off + 18); }
    public int targetProtocol() { return Bytes.i32(seg, off + 24); }

    /** Writes hardware type 1, protocol 0x0800 and lengths 6/4. */
    public void setEthernetIpv4() {
        Bytes.put16(seg, off, HTYPE_ETHERNET);
        Bytes.put16(seg, off + 2, EthernetView.ETHERTYPE_IPV4);
        Bytes.put8(seg, off + 4, 6);
        Bytes.put8(seg, off + 5, 4);
    }
    public void setOperation(int op) { Bytes.put16(seg, off + 6, op); }
    public void setSenderHardware(long mac) { MacAddress.write(seg, off + 8, mac); }
    public void setSenderProtocol(int ip) { Bytes.put32(seg, off + 14, ip); }
    public void setTargetHardware(long mac) { MacAddress.write(seg, off + 18, mac); }
    public void setTargetProtocol(int ip) { Bytes.put32(seg, off + 24, ip); }

    public int headerLength() { return LENGTH; }
    public long payloadOffset() { return off + LENGTH; }
    /** Bytes after the ARP packet (Ethernet padding); normally ignored. */
    public int payloadLength() { return len - LENGTH; }
}
