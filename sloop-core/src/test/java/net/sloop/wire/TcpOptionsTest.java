package net.sloop.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {
    final TcpOptions o = new TcpOptions();

    WireError parse(String hex) {
        MemorySegment seg = Hex.seg("ee" + hex + "ee"); // guard bytes either side
        return o.parse(seg, 1, (int) seg.byteSize() - 2);
    }

    @Test
    void emptyAndPadding() {
        assertEquals(WireError.NONE, parse(""));
        assertEquals(-1, o.mss);
        assertEquals(-1, o.windowScale);
        assertFalse(o.sackPermitted);
        assertFalse(o.hasTimestamps);
        assertEquals(0, o.sackBlockCount);
        assertEquals(WireError.NONE, parse("01010100"));
        assertEquals(WireError.NONE, parse("00ffffff")); // garbage after EOL ignored
    }

    @Test
    void linuxSynLayout() {
        assertEquals(WireError.NONE, parse("020405b4 0402080a e00e4da6 00000000 01030307"));
        assertEquals(1460, o.mss());
        assertTrue(o.sackPermitted());
        assertTrue(o.hasTimestamps());
        assertEquals(0xE00E4DA6, o.tsVal());
        assertEquals(0, o.tsEcr());
        assertEquals(7, o.windowScale());
    }

    @Test
    void windowScale15ClampedTo14() {
        assertEquals(WireError.NONE, parse("0103030f"));
        assertEquals(14, o.windowScale);
        assertEquals(WireError.NONE, parse("010303ff"));
        assertEquals(14, o.windowScale);
        assertEquals(WireError.NONE, parse("0103030e"));
        assertEquals(14, o.windowScale);
    }

    @Test
    void zeroAndOneLengthOptions() {
        assertEquals(WireError.BAD_OPTION, parse("0200"));
        assertEquals(WireError.BAD_OPTION, parse("2200"));  // unknown kind, length 0
        assertEquals(WireError.BAD_OPTION, parse("2201"));  // unknown kind, length 1
        assertEquals(WireError.BAD_OPTION, parse("010122")); // length byte missing
    }

    @Test
    void optionPastEnd() {
        assertEquals(WireError.BAD_OPTION, parse("020405"));
        assertEquals(WireError.BAD_OPTION, parse("2205aabb"));
        assertEquals(WireError.BAD_OPTION, parse("080a00000000000000"));
    }

    @Test
    void unknownKindSkipped() {
        assertEquals(WireError.NONE, parse("1e06aabbccdd 020405b4")); // kind 30 (MPTCP), then MSS
        assertEquals(1460, o.mss);
        assertEquals(WireError.NONE, parse("fe02 0101"));
        assertEquals(WireError.NONE, parse("06060000 0000"));
    }

    @Test
    void knownKindsWithWrongLength() {
        assertEquals(WireError.BAD_OPTION, parse("020305"));
        assertEquals(WireError.BAD_OPTION, parse("02050000 00"));
        assertEquals(WireError.BAD_OPTION, parse("030207"));
        assertEquals(WireError.BAD_OPTION, parse("04030000"));
        assertEquals(WireError.BAD_OPTION, parse("0502"));                  // SACK with no block
        assertEquals(WireError.BAD_OPTION, parse("0506000000010000"));      // not 2+8n
        assertEquals(WireError.BAD_OPTION, parse("080800000000 0000"));
        assertEquals(WireError.BAD_OPTION, parse("052a" + "00".repeat(40))); // 5 blocks
    }

    @Test
    void sackBlocks() {
        assertEquals(WireError.NONE, parse("0101 0512 00000064 000000c8 ffffff00 00000010"));
        assertEquals(2, o.sackBlockCount);
        assertEquals(100, o.sackLeft(0));
        assertEquals(200, o.sackRight(0));
        assertEquals(0xFFFFFF00, o.sackLeft(1));
        assertEquals(16, o.sackRight(1));
        // a second parse resets the fields
        assertEquals(WireError.NONE, parse(""));
        assertEquals(0, o.sackBlockCount);
    }

    @Test
    void writerLayouts() {
        MemorySegment seg = MemorySegment.ofArray(new byte[40]);
        int n = TcpOptions.write(seg, 0, 1460, 7, true, true, 0x11223344, 0, 0, null);
        assertEquals(20, n);
        assertEquals("020405b40402080a112233440000000001030307", Hex.of(seg, 0, n));
        n = TcpOptions.write(seg, 0, -1, -1, false, true, 1, 2, 0, null);
        assertEquals("0101080a0000000100000002", Hex.of(seg, 0, n));
        n = TcpOptions.write(seg, 0, 536, -1, true, false, 0, 0, 0, null);
        assertEquals("020402180101040 2".replace(" ", ""), Hex.of(seg, 0, n));
        n = TcpOptions.write(seg, 0, -1, -1, false, true, 1, 2, 4, new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(40, n); // 12 + 4 + 3 blocks: the fourth does not fit
        assertEquals(40, TcpOptions.length(-1, -1, false, true, 4));
        assertEquals(WireError.NONE, o.parse(seg, 0, n));
        assertEquals(3, o.sackBlockCount);
        assertEquals(5, o.sackLeft(2));
        n = TcpOptions.write(seg, 0, -1, -1, false, false, 0, 0, 4, new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertEquals(36, n);
        assertEquals(0, TcpOptions.length(-1, -1, false, false, 0));
    }
}
