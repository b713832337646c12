package net.sloop.wire;

import java.lang.foreign.MemorySegment;

/**
 * What every flyweight header view shares: the range of a segment it is wrapped over. A view is
 * reused for every packet ({@link #wrap} allocates nothing); its {@code check()} must pass before
 * its getters are trusted.
 *
 * @param <V> the concrete view, so that {@link #wrap} returns it
 */
public abstract class HeaderView<V extends HeaderView<V>> {
    /** A view over nothing until {@link #wrap}. */
    protected HeaderView() {}

    protected MemorySegment seg;
    protected long off;
    protected int len;

    /** Points this view at {@code seg[offset, offset+length)} and returns it. */
    @SuppressWarnings("unchecked")
    public final V wrap(MemorySegment seg, long offset, int length) {
        this.seg = seg;
        this.off = offset;
        this.len = length;
        return (V) this;
    }

    public final MemorySegment segment() { return seg; }

    public final long offset() { return off; }

    public final int wrappedLength() { return len; }

    /**
     * True if the wrapped length is at least {@code min} and the first {@code min} bytes lie inside
     * the segment. The wrapped length is the packet's logical length: a packet held in a chain of
     * blocks continues beyond the segment range of its first block, and only its header has to be
     * contiguous (the layers pull it up). A packet in the arena's last block used to fail here as
     * "truncated" because its logical length ran past the end of the arena.
     */
    protected final boolean holds(int min) {
        return len >= min && Bytes.inBounds(seg, off, min);
    }

    /** True if the first {@code n} wrapped bytes lie inside the segment (a variable-length header). */
    protected final boolean present(int n) {
        return Bytes.inBounds(seg, off, n);
    }
}
