package net.sloop.time;

/**
 * A source of the current time in nanoseconds. The protocol core never reads a clock: the edges
 * (the runner, the simulator) read one of these and pass the time into every call.
 */
@FunctionalInterface
public interface Clock {
    long nanos();
}
