package net.sloop.mem;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.sloop.testing.ChargeSizes;
import org.junit.jupiter.api.Test;

class OwnerSizeTest {
    @Test
    void heapBytesCoverAFreshOwner() {
        String kind = "tcp";
        String label = "10.0.0.1:80";
        Owner o = new Owner(kind, label);
        // The label belongs to whoever names the owner; the kind is a constant shared by all owners of that kind.
        long measured = ChargeSizes.retainedBytes(o, kind, label);
        System.out.println("Owner retains " + measured + " heap bytes; Owner.HEAP_BYTES = " + Owner.HEAP_BYTES);
        assertTrue(measured >= 64, "an Owner and its int[] cannot be smaller than 64 bytes: " + measured);
        ChargeSizes.assertChargeCovers("Owner", o, Owner.HEAP_BYTES, kind, label);
    }

    @Test
    void heapBytesCoverAnOwnerWithoutLabel() throws ReflectiveOperationException {
        var marker = Owner.class.getDeclaredField("NO_LABEL");
        marker.setAccessible(true);
        // The no-label marker is one static object shared by all owners.
        ChargeSizes.assertChargeCovers("Owner without label", new Owner("udp"), Owner.HEAP_BYTES, "udp", marker.get(null));
    }

    @Test
    void chargeSmallerThanMeasuredFailsNamingKindAndSizes() {
        Owner o = new Owner("tcp", "x");
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> ChargeSizes.assertChargeCovers("tcb", o, 8, "tcp", "x"));
        long measured = ChargeSizes.retainedBytes(o, "tcp", "x");
        assertTrue(e.getMessage().startsWith("tcb retains " + measured + " heap bytes but is charged only 8 bytes"), e.getMessage());
    }
}
