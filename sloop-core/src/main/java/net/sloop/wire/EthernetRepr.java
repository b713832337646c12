package net.sloop.wire;

/** Validated Ethernet II header: MACs as low 48 bits of a long, EtherType 0x0600..0xFFFF. */
public record EthernetRepr(long dst, long src, int etherType) {
    /** Reads a view on which {@code check()} returned NONE. */
    public static EthernetRepr of(EthernetView v) {
        return new EthernetRepr(v.dst(), v.src(), v.etherType());
    }

    public int bufferLength() {
        return EthernetView.HEADER_LENGTH;
    }

    /** Writes the header into a view wrapped over at least {@link #bufferLength()} bytes. */
    public void emit(EthernetView v) {
        v.setDst(dst);
        v.setSrc(src);
        v.setEtherType(etherType);
    }
}
