package net.sloop.time;

/** Something driven by time: a stack, a link driver. */
@FunctionalInterface
public interface Pollable {
    /**
     * Does whatever is due at {@code now} and returns the next time it wants to be polled
     * ({@link TimerQueue#NONE} if nothing is scheduled). Work that arrives from outside (a frame,
     * an application call) may make it due sooner.
     */
    long poll(long now);
}
