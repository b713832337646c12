package net.sloop.time;

/**
 * A source of the current time in nanoseconds. The protocol core never reads a clock: the edges
 * (the runner, the simulator) read one of these and pass the time into every call.
 */
@FunctionalInterface
public interface Clock {
    long nanos();

    /**
     * Real time: {@link System#nanoTime()} counted from when this class of clock was first used,
     * plus one, so it starts small and positive (a stack's time starts at 0) and never goes back.
     */
    static Clock system() {
        return SystemClock.INSTANCE;
    }
}
