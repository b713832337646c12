package net.sloop.time;

/** {@link Clock#system()}: monotonic real time from an origin fixed when the class loads. */
final class SystemClock implements Clock {
    static final SystemClock INSTANCE = new SystemClock();
    private static final long ORIGIN = System.nanoTime();

    private SystemClock() {}

    @Override
    public long nanos() {
        return System.nanoTime() - ORIGIN + 1;
    }

    @Override
    public String toString() {
        return "system clock";
    }
}
