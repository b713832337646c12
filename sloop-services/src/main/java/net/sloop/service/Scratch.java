package net.sloop.service;

import java.lang.foreign.MemorySegment;

/**
 * The one buffer a {@link Services} handle's services pass bytes through: everything runs on the
 * stack's thread and no service keeps bytes in it between calls, so one is enough.
 */
final class Scratch {
    /** Heap bytes beyond the array's payload (array header, this object, the segment view); see ServiceChargeTest. */
    static final int OVERHEAD_BYTES = 128;

    final byte[] bytes;
    final MemorySegment segment;

    Scratch(int size) {
        this.bytes = new byte[size];
        this.segment = MemorySegment.ofArray(bytes);
    }

    int charge() {
        return bytes.length + OVERHEAD_BYTES;
    }
}
