package net.sloop.link;

import java.lang.foreign.MemorySegment;

/** Takes a received frame: copies what it keeps from {@code src[off, off+len)} before returning. */
@FunctionalInterface
public interface FrameReceiver {
    void receive(long now, MemorySegment src, long off, int len);

    /**
     * A received frame whose transport checksum the link vouches for ({@code checksumTrusted}):
     * the sender's kernel handed it over with the checksum left to be computed (virtio-net's
     * {@code NEEDS_CSUM}: the TCP or UDP field holds only the pseudo-header's sum) or already
     * verified ({@code DATA_VALID}), so the receiver must not verify it. Only links that declare
     * {@link Link#receiveOffload()} call it with {@code true}. The default ignores the flag,
     * which is right for receivers that do not verify checksums (captures, tests); a stack
     * overrides it.
     */
    default void receive(long now, MemorySegment src, long off, int len, boolean checksumTrusted) {
        receive(now, src, off, len);
    }
}
