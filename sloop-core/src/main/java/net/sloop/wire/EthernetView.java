package net.sloop.wire;

/**
 * Flyweight view of an Ethernet II header (14 bytes: destination MAC, source MAC, EtherType).
 * Reusable: {@link #wrap} re-points it without allocating. Call {@link #check()} before the
 * getters; once it returns {@link WireError#NONE} no getter reads outside the wrapped range.
 * The payload is everything after the header (frames may carry trailing padding; the IP layer
 * uses its own total length).
 */
public final class EthernetView extends HeaderView<EthernetView> {
    public static final int HEADER_LENGTH = 14;
    public static final int ETHERTYPE_IPV4 = 0x0800;
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ETHERTYPE_IPV6 = 0x86DD;
    public static final int ETHERTYPE_VLAN = 0x8100;
    /** EtherType values below this are IEEE 802.3 length fields. */
    public static final int MIN_ETHERTYPE = 0x0600;

    public EthernetView() {}

    /** TRUNCATED below 14 bytes; UNSUPPORTED for 802.3 length-field frames. */
    public WireError check() {
        if (!holds(HEADER_LENGTH)) {
            return WireError.TRUNCATED;
        }
        if (etherType() < MIN_ETHERTYPE) {
            return WireError.UNSUPPORTED;
        }
        return WireError.NONE;
    }

    public long dst() { return MacAddress.read(seg, off); }
    public long src() { return MacAddress.read(seg, off + 6); }
    public int etherType() { return Bytes.u16(seg, off + 12); }

    public void setDst(long mac) { MacAddress.write(seg, off, mac); }
    public void setSrc(long mac) { MacAddress.write(seg, off + 6, mac); }
    public void setEtherType(int type) { Bytes.put16(seg, off + 12, type); }

    public int headerLength() { return HEADER_LENGTH; }
    public long payloadOffset() { return off + HEADER_LENGTH; }
    public int payloadLength() { return len - HEADER_LENGTH; }
}
