package net.sloop.nio;

/**
 * A channel's keys, so that the stack's events on the channel (delivered under the runner's lock)
 * wake the selectors that watch it. Modified and read under the lock; a small array, not a
 * collection: signalling allocates nothing.
 */
final class Registrations {
    private SloopKey[] keys = new SloopKey[2];
    private int count;

    void add(SloopKey k) {
        if (count == keys.length) keys = java.util.Arrays.copyOf(keys, count * 2);
        keys[count++] = k;
    }

    void remove(SloopKey k) {
        for (int i = 0; i < count; i++) {
            if (keys[i] == k) {
                keys[i] = keys[--count];
                keys[count] = null;
                return;
            }
        }
    }

    /** Readiness may have changed: every selector watching the channel looks again. */
    void signal() {
        for (int i = 0; i < count; i++) keys[i].selector.signal();
    }
}
