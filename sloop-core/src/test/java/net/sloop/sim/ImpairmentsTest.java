package net.sloop.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ImpairmentsTest {
    private static void rejected(String fragment, Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(fragment), x.getMessage());
    }

    @Test
    void noneIsPerfect() {
        Impairments n = Impairments.none();
        assertTrue(n.isNone());
        assertEquals(0, n.loss());
        assertEquals(Impairments.DEFAULT_QUEUE_BYTES, n.queueBytes());
    }

    @Test
    void withersChangeOneThing() {
        Impairments i = Impairments.none().withLoss(0.1).withDelay(5).withJitter(2).withReorder(0.2, 7)
                .withDuplicate(0.3).withCorrupt(0.4).withBandwidth(8_000, 3000).withMtu(576);
        assertEquals(new Impairments(0.1, 5, 2, 0.2, 7, 0.3, 0.4, 8_000, 3000, 576), i);
        assertFalse(i.isNone());
        assertEquals(3000, i.withBandwidth(16_000).queueBytes());
        assertEquals(0.1, Impairments.none().withLoss(0.1).loss());
    }

    @Test
    void validates() {
        rejected("loss is a probability", () -> Impairments.none().withLoss(1.5));
        rejected("loss is a probability", () -> Impairments.none().withLoss(Double.NaN));
        rejected("duplicate is a probability", () -> Impairments.none().withDuplicate(-0.1));
        rejected("corrupt is a probability", () -> Impairments.none().withCorrupt(2));
        rejected("reorder is a probability", () -> Impairments.none().withReorder(1.1, 5));
        rejected("reorderDelayNanos", () -> Impairments.none().withReorder(0.5, 0));
        rejected("delayNanos must not be negative", () -> Impairments.none().withDelay(-1));
        rejected("jitterNanos must not be negative", () -> Impairments.none().withJitter(-1));
        rejected("bandwidthBitsPerSecond must not be negative", () -> Impairments.none().withBandwidth(-1));
        rejected("queueBytes", () -> Impairments.none().withBandwidth(1000, 0));
        rejected("mtu", () -> Impairments.none().withMtu(20));
        rejected("mtu", () -> Impairments.none().withMtu(-1));
        assertEquals(1.0, Impairments.none().withLoss(1).loss());
    }
}
