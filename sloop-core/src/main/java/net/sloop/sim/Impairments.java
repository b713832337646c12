package net.sloop.sim;

/**
 * What a simulated link does to the frames a port sends: an immutable, validated value. Build one
 * from {@link #none()} with the {@code with...} methods, e.g.
 * {@code Impairments.none().withLoss(0.1).withDelay(Time.millis(5))}.
 *
 * <p>Units: probabilities are in [0, 1] and apply to each copy of each frame independently; times
 * are nanoseconds; bandwidth is bits per second; sizes are bytes.
 *
 * @param loss probability that a copy is lost on the wire
 * @param delayNanos fixed propagation delay
 * @param jitterNanos extra delay drawn uniformly from [0, jitterNanos] per copy; jitter alone never
 *     reorders frames (a copy never arrives before one sent earlier on the same port), use
 *     {@code reorder} for that
 * @param reorder probability that a copy is held back by an extra {@code reorderDelayNanos}, so
 *     that later frames overtake it
 * @param reorderDelayNanos the extra delay of a reordered copy
 * @param duplicate probability that a copy is delivered twice (the second copy with its own delay)
 * @param corrupt probability that one random bit of one random byte of a copy is flipped
 * @param bandwidthBitsPerSecond the port's transmit rate: each frame occupies the port for
 *     {@code len * 8 / rate} seconds after the previous one; 0 means unlimited (no serialisation delay)
 * @param queueBytes with a bandwidth limit, the port's transmit queue: bytes waiting or being
 *     serialised; a frame that would make it exceed this is dropped (tail drop)
 * @param mtu the path MTU: frames whose IP packet (the frame beyond its 14-byte Ethernet header on
 *     Ethernet ports, the whole frame on IP ports) exceeds it are dropped; 0 means only the port's
 *     own MTU applies
 */
public record Impairments(
        double loss,
        long delayNanos,
        long jitterNanos,
        double reorder,
        long reorderDelayNanos,
        double duplicate,
        double corrupt,
        long bandwidthBitsPerSecond,
        int queueBytes,
        int mtu) {

    /** The transmit queue size used when none is given, in bytes. */
    public static final int DEFAULT_QUEUE_BYTES = 64 * 1024;

    private static final Impairments NONE = new Impairments(0, 0, 0, 0, 0, 0, 0, 0, DEFAULT_QUEUE_BYTES, 0);

    public Impairments {
        probability("loss", loss);
        probability("reorder", reorder);
        probability("duplicate", duplicate);
        probability("corrupt", corrupt);
        nonNegative("delayNanos", delayNanos);
        nonNegative("jitterNanos", jitterNanos);
        nonNegative("reorderDelayNanos", reorderDelayNanos);
        nonNegative("bandwidthBitsPerSecond", bandwidthBitsPerSecond);
        nonNegative("mtu", mtu);
        if (queueBytes < 1) {
            throw new IllegalArgumentException("queueBytes must be at least 1 byte, was " + queueBytes);
        }
        if (reorder > 0 && reorderDelayNanos == 0) {
            throw new IllegalArgumentException(
                    "reorder probability " + reorder + " needs a reorderDelayNanos > 0, or nothing is reordered");
        }
        if (mtu != 0 && mtu < 68) {
            throw new IllegalArgumentException("mtu must be 0 (no limit) or at least 68 bytes (IPv4 minimum), was " + mtu);
        }
    }

    /** A perfect link: no loss, no delay, unlimited bandwidth. */
    public static Impairments none() {
        return NONE;
    }

    /** True if a frame crosses unchanged, at once and always. */
    public boolean isNone() {
        return loss == 0 && delayNanos == 0 && jitterNanos == 0 && reorder == 0 && duplicate == 0
                && corrupt == 0 && bandwidthBitsPerSecond == 0 && mtu == 0;
    }

    public Impairments withLoss(double p) {
        return new Impairments(p, delayNanos, jitterNanos, reorder, reorderDelayNanos, duplicate, corrupt,
                bandwidthBitsPerSecond, queueBytes, mtu);
    }

    public Impairments withDelay(long nanos) {
        return new Impairments(loss, nanos, jitterNanos, reorder, reorderDelayNanos, duplicate, corrupt,
                bandwidthBitsPerSecond, queueBytes, mtu);
    }

    public Impairments withJitter(long nanos) {
        return new Impairments(loss, delayNanos, nanos, reorder, reorderDelayNanos, duplicate, corrupt,
                bandwidthBitsPerSecond, queueBytes, mtu);
    }

    /** Holds back a fraction {@code p} of copies by an extra {@code extraDelayNanos}. */
    public Impairments withReorder(double p, long extraDelayNanos) {
        return new Impairments(loss, delayNanos, jitterNanos, p, extraDelayNanos, duplicate, corrupt,
                bandwidthBitsPerSecond, queueBytes, mtu);
    }

    public Impairments withDuplicate(double p) {
        return new Impairments(loss, delayNanos, jitterNanos, reorder, reorderDelayNanos, p, corrupt,
                bandwidthBitsPerSecond, queueBytes, mtu);
    }

    public Impairments withCorrupt(double p) {
        return new Impairments(loss, delayNanos, jitterNanos, reorder, reorderDelayNanos, duplicate, p,
                bandwidthBitsPerSecond, queueBytes, mtu);
    }

    /** Limits the port to {@code bitsPerSecond} with a transmit queue of {@code queueBytes}. */
    public Impairments withBandwidth(long bitsPerSecond, int queueBytes) {
        return new Impairments(loss, delayNanos, jitterNanos, reorder, reorderDelayNanos, duplicate, corrupt,
                bitsPerSecond, queueBytes, mtu);
    }

    /** Limits the port to {@code bitsPerSecond}, keeping the current queue size. */
    public Impairments withBandwidth(long bitsPerSecond) {
        return withBandwidth(bitsPerSecond, queueBytes);
    }

    public Impairments withMtu(int mtu) {
        return new Impairments(loss, delayNanos, jitterNanos, reorder, reorderDelayNanos, duplicate, corrupt,
                bandwidthBitsPerSecond, queueBytes, mtu);
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(name + " is a probability and must be in [0, 1], was " + p);
        }
    }

    private static void nonNegative(String name, long v) {
        if (v < 0) throw new IllegalArgumentException(name + " must not be negative, was " + v);
    }
}
