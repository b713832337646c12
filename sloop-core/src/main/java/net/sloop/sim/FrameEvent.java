package net.sloop.sim;

import java.lang.foreign.MemorySegment;

/**
 * A copy of a frame in flight: pooled and reused by {@link SimNetwork}, so steady-state simulation
 * allocates nothing per frame. Ordered by delivery time (nanoseconds), then by the order in which
 * copies were scheduled, so equal times deliver first-in first-out.
 */
final class FrameEvent implements Comparable<FrameEvent> {
    byte[] buf;
    MemorySegment seg;
    int len;
    long time;
    long seq;
    SimPort from;
    SimPort to;

    FrameEvent(int capacity) {
        resize(capacity);
    }

    void resize(int capacity) {
        buf = new byte[capacity];
        seg = MemorySegment.ofArray(buf);
    }

    @Override
    public int compareTo(FrameEvent o) {
        int c = Long.compare(time, o.time);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
