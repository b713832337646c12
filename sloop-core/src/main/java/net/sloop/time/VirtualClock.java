package net.sloop.time;

/** A clock that moves only when told: simulated time for tests and the simulator. */
public final class VirtualClock implements Clock {
    private long now;

    public VirtualClock(long start) {
        now = start;
    }

    public VirtualClock() {
        this(0);
    }

    @Override
    public long nanos() {
        return now;
    }

    /** Moves time forward to {@code t}; moving backwards is an error. */
    public void advanceTo(long t) {
        if (t < now) throw new IllegalArgumentException("time cannot go back from " + now + " to " + t);
        now = t;
    }

    public void advance(long nanos) {
        advanceTo(now + nanos);
    }
}
