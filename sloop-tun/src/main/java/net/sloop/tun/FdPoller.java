package net.sloop.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import net.sloop.link.DescriptorPoller;

/**
 * Waits, in ppoll(2), until one of a fixed set of descriptors is readable, a deadline passes, or
 * another thread calls {@link #wake()}, which writes an eventfd(2) that is always in the set.
 *
 * <p>The {@code struct pollfd} array (8 bytes each: {@code int fd; short events; short revents;},
 * poll.h), the {@code struct timespec} (two longs) and the eventfd's 8-byte counter buffers live
 * in one arena allocated at construction; waiting allocates nothing. {@link #await} is called by
 * one thread (the runner's); {@link #wake()} may be called by any thread, at any time before
 * {@link #close()}.
 */
public final class FdPoller implements DescriptorPoller {
    private static final int POLLFD = 8;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment fds;
    private final MemorySegment timeout;
    private final MemorySegment waitState, wakeState, drainState;
    private final long one, drain;
    private final int capacity;
    private final int eventFd;
    private int count; // descriptors added (slot 0 is the eventfd)
    private volatile boolean closed;
    private long wakes;

    /** A poller for up to {@code capacity} descriptors besides its own eventfd. */
    public FdPoller(int capacity) throws ErrnoException {
        this.capacity = capacity;
        boolean ok = false;
        try {
            fds = arena.allocate((long) POLLFD * (capacity + 1), 8);
            timeout = arena.allocate(16, 8);
            waitState = Libc.newCallState(arena);
            wakeState = Libc.newCallState(arena);
            drainState = Libc.newCallState(arena);
            MemorySegment oneSeg = arena.allocate(8, 8);
            oneSeg.set(ValueLayout.JAVA_LONG, 0, 1L);
            one = oneSeg.address();
            drain = arena.allocate(8, 8).address();
            eventFd = Libc.eventfd(waitState, 0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (eventFd < 0) throw new ErrnoException("eventfd", Libc.errno(waitState), null);
            set(0, eventFd);
            ok = true;
        } finally {
            if (!ok) arena.close();
        }
    }

    private void set(int slot, int fd) {
        long at = (long) slot * POLLFD;
        fds.set(ValueLayout.JAVA_INT, at, fd);
        fds.set(ValueLayout.JAVA_SHORT, at + 4, Libc.POLLIN);
        fds.set(ValueLayout.JAVA_SHORT, at + 6, (short) 0);
    }

    /** Adds {@code fd} to the set; returns its slot (0-based, in order of adding). */
    @Override
    public int add(int fd) {
        if (count == capacity) throw new IllegalStateException("poller holds at most " + capacity + " descriptors");
        set(count + 1, fd);
        return count++;
    }

    /** Stops watching the descriptor in {@code slot} (poll(2) ignores a negative fd). */
    @Override
    public void remove(int slot) {
        fds.set(ValueLayout.JAVA_INT, (long) (slot + 1) * POLLFD, -1);
        fds.set(ValueLayout.JAVA_SHORT, (long) (slot + 1) * POLLFD + 6, (short) 0);
    }

    /**
     * Waits until a descriptor is readable (or in error), {@link #wake()} is called, or {@code
     * timeoutNanos} pass (negative: no limit). Consumes the wakeups. Returns the number of
     * descriptors ready, not counting the eventfd (0 on timeout, wakeup or EINTR).
     */
    @Override
    public int await(long timeoutNanos) throws ErrnoException {
        MemorySegment tmo = MemorySegment.NULL;
        if (timeoutNanos >= 0) {
            timeout.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / NANOS_PER_SECOND);
            timeout.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % NANOS_PER_SECOND);
            tmo = timeout;
        }
        int n = Libc.ppoll(waitState, fds, count + 1, tmo);
        if (n < 0) {
            int e = Libc.errno(waitState);
            if (e == Errno.EINTR) return 0;
            throw new ErrnoException("ppoll", e, null);
        }
        if (n > 0 && revents(-1) != 0) {
            Libc.read(drainState, eventFd, drain, 8); // resets the counter; EAGAIN if someone else drained it
            n--;
        }
        return n;
    }

    /** The {@code revents} poll(2) reported for {@code slot} in the last {@link #await} (POLLIN 1, POLLERR 8, POLLHUP 16, POLLNVAL 32). */
    public int revents(int slot) {
        return fds.get(ValueLayout.JAVA_SHORT, (long) (slot + 1) * POLLFD + 6) & 0xffff;
    }

    /** True if the last {@link #await} found {@code slot} in error, hung up or not open (POLLERR, POLLHUP, POLLNVAL). */
    @Override
    public boolean failed(int slot) {
        return (revents(slot) & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0;
    }

    /** Makes the current or next {@link #await} return at once. Any thread; no effect once closed. */
    @Override
    public void wake() {
        if (closed) return;
        wakes++;
        Libc.write(wakeState, eventFd, one, 8); // EAGAIN only if the counter is near 2^64: already awake
    }

    /** Calls to {@link #wake()} so far (not synchronised: a figure). */
    public long wakes() {
        return wakes;
    }

    /** Closes the eventfd and frees the arena. Call once no thread is in {@link #await} or {@link #wake()}. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Libc.close(eventFd);
        arena.close();
    }
}
