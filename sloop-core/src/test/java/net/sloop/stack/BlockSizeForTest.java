package net.sloop.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link StackConfig#blockSizeFor}: small budgets keep 512-byte blocks, large ones get 2,048, never fewer than 8,192 blocks above 4 MiB. */
class BlockSizeForTest {
    @Test
    void smallBudgetsKeepSmallBlocksAndLargeOnesGetAFrameABlock() {
        assertEquals(512, StackConfig.blockSizeFor(128 * 1024), "the seed device");
        assertEquals(512, StackConfig.blockSizeFor(1 << 20));
        assertEquals(512, StackConfig.blockSizeFor((8 << 20) - 1));
        assertEquals(1024, StackConfig.blockSizeFor(8 << 20));
        assertEquals(1024, StackConfig.blockSizeFor((16 << 20) - 1));
        assertEquals(2048, StackConfig.blockSizeFor(16 << 20));
        assertEquals(2048, StackConfig.blockSizeFor(64 << 20));
        assertEquals(2048, StackConfig.blockSizeFor(Integer.MAX_VALUE), "never above 2,048");
        assertEquals(512, StackConfig.blockSizeFor(4096), "never below 512");
        for (long b = 1 << 20; b <= 1L << 31; b += b / 3) {
            int size = StackConfig.blockSizeFor(b);
            assertTrue(size == 512 || b / size >= 8192, b + " bytes in blocks of " + size);
            // and the configuration it gives is valid
            if (b <= 256L << 20) StackConfig.builder().budget(b).blockSize(size).build();
        }
    }
}
