package net.sloop.stats;

/**
 * Something that can list its figures as name/value pairs: a service's counters, FTP's, TCP's.
 * The names are constants (lower-case, words joined by '_') and the order is fixed, so listing
 * allocates nothing and a consumer (a JSON writer, a table) can rely on the same names every time.
 */
public interface Figures {
    /** Receives one figure. */
    @FunctionalInterface
    interface Sink {
        void figure(String name, long value);
    }

    /** Hands every figure to {@code sink}, in a fixed order. */
    void figures(Sink sink);
}
