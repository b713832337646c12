package net.sloop.wire;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

/** Test helpers: hex text to bytes and segments. */
final class Hex {
    private Hex() {}

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static MemorySegment seg(String hex) {
        return MemorySegment.ofArray(bytes(hex));
    }

    static String of(MemorySegment seg, long off, int len) {
        return HexFormat.of().formatHex(seg.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }
}
