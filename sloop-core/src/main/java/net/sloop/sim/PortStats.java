package net.sloop.sim;

/**
 * Live counters of what happened to the frames a {@link SimPort} sent, counted per copy: on a
 * point-to-point link each frame is one copy; on a {@link SimSegment} with n other ports, each
 * frame is n copies, each impaired independently. Once nothing is in flight,
 * {@code transmitted + duplicated == delivered + lost + queueDropped + tooBig}: every copy is
 * accounted exactly once as delivered or as one kind of drop, and each duplicate adds one more
 * delivered copy. {@code corrupted} and {@code reordered} count copies that were altered on the way;
 * they are still delivered, so they are not part of that sum. Frames sent while the port was joined to nothing count only as
 * {@code noPeer}.
 *
 * <p>Read by any code on the simulator's thread; the values change as the simulation runs.
 */
public final class PortStats {
    long transmitted;
    long delivered;
    long lost;
    long duplicated;
    long corrupted;
    long reordered;
    long queueDropped;
    long tooBig;
    long noPeer;

    PortStats() {}

    /** Copies sent (frames times the number of ports they go to). */
    public long transmitted() {
        return transmitted;
    }

    /** Copies handed to their destination port (including duplicates). */
    public long delivered() {
        return delivered;
    }

    /** Copies lost on the wire ({@link Impairments#loss()}). */
    public long lost() {
        return lost;
    }

    /** Extra copies made by {@link Impairments#duplicate()}. */
    public long duplicated() {
        return duplicated;
    }

    /** Copies with one bit flipped ({@link Impairments#corrupt()}). */
    public long corrupted() {
        return corrupted;
    }

    /** Copies held back so later ones overtake them ({@link Impairments#reorder()}). */
    public long reordered() {
        return reordered;
    }

    /** Copies of frames dropped because the port's transmit queue was full. */
    public long queueDropped() {
        return queueDropped;
    }

    /** Copies of frames dropped for exceeding the port's MTU or the path MTU. */
    public long tooBig() {
        return tooBig;
    }

    /** Frames sent while the port had nowhere to send them. */
    public long noPeer() {
        return noPeer;
    }

    /** Copies accounted as delivered or dropped so far. */
    public long accounted() {
        return delivered + lost + queueDropped + tooBig;
    }

    @Override
    public String toString() {
        return "transmitted=" + transmitted + " delivered=" + delivered + " lost=" + lost + " duplicated="
                + duplicated + " corrupted=" + corrupted + " reordered=" + reordered + " queueDropped="
                + queueDropped + " tooBig=" + tooBig + " noPeer=" + noPeer;
    }
}
