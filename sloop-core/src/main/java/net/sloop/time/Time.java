package net.sloop.time;

/** Conversions for the nanosecond times used throughout Sloop. */
public final class Time {
    private Time() {}

    public static final long MICROS = 1_000L;
    public static final long MILLIS = 1_000_000L;
    public static final long SECONDS = 1_000_000_000L;

    public static long micros(long us) {
        return us * MICROS;
    }

    public static long millis(long ms) {
        return ms * MILLIS;
    }

    public static long seconds(long s) {
        return s * SECONDS;
    }
}
