package net.sloop.testing;

import java.util.Arrays;
import org.openjdk.jol.info.GraphLayout;

/**
 * Checks that what a structure is charged against the budget covers what it really retains on
 * the heap, measured with JOL. Objects the measured one merely points at (the stack it belongs to,
 * a shared label, interned strings) are passed as {@code shared} roots: everything reachable from
 * them is left out of the measurement.
 *
 * <p>Measured as size(root + shared) - size(shared): both walks dedupe by identity, so the
 * difference is exactly what is reachable from {@code root} and not from {@code shared}, and it
 * does not depend on objects keeping their addresses between the two walks (a GC may move them).
 */
public final class ChargeSizes {
    private ChargeSizes() {}

    /** Heap bytes reachable from {@code root} and not reachable from any of {@code shared}. */
    public static long retainedBytes(Object root, Object... shared) {
        if (shared.length == 0) return GraphLayout.parseInstance(root).totalSize();
        Object[] all = Arrays.copyOf(shared, shared.length + 1);
        all[shared.length] = root;
        return GraphLayout.parseInstance(all).totalSize() - GraphLayout.parseInstance(shared).totalSize();
    }

    /**
     * Fails, naming {@code kind}, the measured bytes and the charge, if {@code chargedBytes} is
     * smaller than what {@code sample} retains (less what is reachable from {@code shared}).
     */
    public static void assertChargeCovers(String kind, Object sample, long chargedBytes, Object... shared) {
        long measured = retainedBytes(sample, shared);
        if (chargedBytes < measured) {
            throw new AssertionError(kind + " retains " + measured + " heap bytes but is charged only " + chargedBytes
                    + " bytes (JOL; shared objects excluded). Footprint of the sample, shared included:\n"
                    + GraphLayout.parseInstance(sample).toFootprint());
        }
    }
}
