package net.sloop.link;

import java.io.IOException;

/**
 * Waits until one of a fixed set of descriptors ({@link DescriptorLink#fd()}) is readable, a
 * deadline passes, or another thread calls {@link #wake()}. Made by the links themselves ({@link
 * DescriptorLink#newPoller}), so that the runner that waits on them needs no native code of its
 * own: the TUN/TAP module's poller is ppoll(2) with an eventfd for the wakeups.
 *
 * <p>{@link #await} is called by one thread (the runner's) and allocates nothing; {@link #wake()}
 * may be called by any thread at any time before {@link #close()}.
 */
public interface DescriptorPoller extends AutoCloseable {
    /** Adds {@code fd} to the set; returns its slot (0-based, in order of adding). */
    int add(int fd);

    /** Stops watching the descriptor in {@code slot}. */
    void remove(int slot);

    /**
     * Waits until a descriptor is readable (or in error), {@link #wake()} is called, or {@code
     * timeoutNanos} pass (negative: no limit). Consumes the wakeups. Returns the number of
     * descriptors ready (0 on timeout, wakeup or an interrupted wait).
     *
     * @throws IOException if waiting failed for good
     */
    int await(long timeoutNanos) throws IOException;

    /** True if the last {@link #await} found {@code slot} in error, hung up or not open. */
    boolean failed(int slot);

    /** Makes the current or next {@link #await} return at once. Any thread; no effect once closed. */
    void wake();

    /** Releases what the poller holds. Call once no thread is in {@link #await} or {@link #wake()}. Idempotent. */
    @Override
    void close();
}
