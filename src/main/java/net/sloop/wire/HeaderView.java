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

    /** True if the wrapped range lies inside the segment and holds at least {@code min} bytes. */
    protected final boolean holds(int min) {
        return Bytes.inBounds(seg, off, len) && len >= min;
    }
}
