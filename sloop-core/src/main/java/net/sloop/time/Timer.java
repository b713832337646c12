package net.sloop.time;

/**
 * Something that wants to be called at a time. Embedded in the object it serves (a connection, an
 * ARP entry, a reassembly slot), so arming and cancelling allocate nothing. A timer is in at most
 * one {@link TimerQueue} at a time.
 */
public abstract class Timer {
    long deadline;

    /** A timer not armed in any queue. */
    protected Timer() {}
    int slot = -1;

    /** Called by {@link TimerQueue#runDue} once the deadline has passed; the timer is no longer armed. */
    protected abstract void fire(long now);

    public final boolean armed() {
        return slot >= 0;
    }

    /** The deadline in nanoseconds, meaningful while armed. */
    public final long deadline() {
        return deadline;
    }
}
