package net.sloop.tcp;

/**
 * The congestion window through fast recovery, the same for every controller (RFC 6582 §3.2 for
 * NewReno, which RFC 9438 §4.6 keeps for CUBIC; with SACK, RFC 6675 §5 leaves the window alone and
 * lets the pipe decide). Pure functions of the window, so each controller keeps its own state.
 */
final class RecoveryWindow {
    private RecoveryWindow() {}

    /** The window never goes below one segment nor above {@link InitialWindow#MAX_CWND}. */
    static int cap(long w, int mss) {
        return Math.clamp(w, mss, InitialWindow.MAX_CWND);
    }

    /** On entering recovery: ssthresh, plus the three segments the duplicate ACKs say have left (RFC 5681 §3.2 step 4); with SACK, ssthresh. */
    static int onEnter(int ssthresh, int mss, boolean sack) {
        return sack ? cap(ssthresh, mss) : cap((long) ssthresh + 3L * mss, mss);
    }

    /** Each further duplicate ACK inflates the window by a segment (RFC 6582 §3.2 step 3); with SACK, nothing. */
    static int onDuplicateAck(int cwnd, int mss, boolean sack) {
        return sack ? cwnd : cap((long) cwnd + mss, mss);
    }

    /** A partial ACK deflates by what it acknowledged, then adds a segment if that was at least one (RFC 6582 §3.2 step 4); with SACK, nothing. */
    static int onPartialAck(int cwnd, int acked, int mss, boolean sack) {
        if (sack || acked <= 0) return cwnd;
        long w = (long) cwnd - acked;
        if (acked >= mss) w += mss;
        return cap(w, mss);
    }

    /** Leaving recovery: min(ssthresh, max(FlightSize, SMSS) + SMSS) (RFC 6582 §3.2 step 3, option 1). */
    static int onExit(int ssthresh, int flight, int mss) {
        long f = Math.max(flight, mss);
        return cap(Math.min(ssthresh, f + mss), mss);
    }
}
