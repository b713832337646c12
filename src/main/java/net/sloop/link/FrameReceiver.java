package net.sloop.link;

import java.lang.foreign.MemorySegment;

/** Takes a received frame: copies what it keeps from {@code src[off, off+len)} before returning. */
@FunctionalInterface
public interface FrameReceiver {
    void receive(long now, MemorySegment src, long off, int len);
}
