package net.sloop.link;

/**
 * A link backed by an operating-system file descriptor (a TUN or TAP device). A runner waits for
 * the descriptor to become readable (with the {@link DescriptorPoller} the link makes) instead of asking {@link #pending()}, then calls
 * {@link #receive} to read what is waiting, in bounded batches so that timers and output still run
 * under a flood.
 *
 * <p>Threading as for {@link Link}: {@link #receive} is called on the stack's thread (or under the
 * lock that serialises it), and delivers each frame to the attached {@link FrameReceiver}.
 */
public interface DescriptorLink extends Link {
    /** The descriptor to wait on for readability; -1 once closed. Non-blocking. */
    int fd();

    /**
     * Reads and delivers up to {@code max} frames without blocking, stamped {@code now}. Returns
     * how many were delivered: fewer than {@code max} means the descriptor had no more (EAGAIN);
     * -1 means the descriptor failed for good (the device is gone) and should not be waited on
     * again.
     */
    int receive(long now, int max);

    /**
     * A poller for up to {@code capacity} descriptors of links of this kind (the runner makes one,
     * from its first descriptor link, for all of them).
     *
     * @throws java.io.IOException if the operating system refuses what waiting needs
     */
    DescriptorPoller newPoller(int capacity) throws java.io.IOException;
}
