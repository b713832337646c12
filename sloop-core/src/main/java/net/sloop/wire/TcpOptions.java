package net.sloop.wire;

import java.lang.foreign.MemorySegment;

/**
 * Allocation-free, reusable TCP option parser and writer (RFC 9293 §3.2 option list; RFC 7323
 * window scale and timestamps; RFC 2018 SACK). {@link #parse} fills the public fields, which
 * nothing else writes; they are also readable through same-named accessor methods.
 *
 * <p>Parsing rules: kind 0 (EOL) ends the list, kind 1 (NOP) is one byte, every other option
 * needs a length byte present, &ge; 2 and within the area, else {@link WireError#BAD_OPTION}.
 * Known kinds with the wrong length (MSS 4, WS 3, SACK-permitted 2, SACK 2+8n with n = 1..4,
 * timestamps 10) are BAD_OPTION. Unknown kinds are skipped by their length. A window scale above
 * 14 is clamped to 14 (RFC 7323 §2.3). Sequence numbers (SACK edges, timestamps) are ints with
 * unsigned, modulo-2^32 meaning.
 */
public final class TcpOptions {
    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;
    public static final int MAX_SACK_BLOCKS = 4;
    public static final int MAX_WINDOW_SCALE = 14;
    public static final int MAX_LENGTH = 40;

    /** Maximum segment size, or -1 if absent. */
    public int mss;
    /** Window shift count 0..14 (clamped), or -1 if absent. */
    public int windowScale;
    public boolean sackPermitted;
    /** Number of SACK blocks (0..4) of the last SACK option. */
    public int sackBlockCount;
    public boolean hasTimestamps;
    public int tsVal;
    public int tsEcr;
    private final int[] sack = new int[2 * MAX_SACK_BLOCKS];

    public TcpOptions() {
        clear();
    }

    /** Resets to "no options". */
    public void clear() {
        mss = -1;
        windowScale = -1;
        sackPermitted = false;
        sackBlockCount = 0;
        hasTimestamps = false;
        tsVal = 0;
        tsEcr = 0;
    }

    public int mss() { return mss; }
    public int windowScale() { return windowScale; }
    public boolean sackPermitted() { return sackPermitted; }
    public int sackBlockCount() { return sackBlockCount; }
    public boolean hasTimestamps() { return hasTimestamps; }
    public int tsVal() { return tsVal; }
    public int tsEcr() { return tsEcr; }
    /** Left edge of SACK block i (0 &le; i &lt; sackBlockCount). */
    public int sackLeft(int i) { return sack[2 * i]; }
    /** Right edge (first sequence number after the block) of SACK block i. */
    public int sackRight(int i) { return sack[2 * i + 1]; }

    /**
     * Parses the option area [off, off+len). Returns NONE or BAD_OPTION (fields are then
     * partially filled and must not be used). Never throws for in-bounds areas.
     */
    public WireError parse(MemorySegment seg, long off, int len) {
        clear();
        if (!Bytes.inBounds(seg, off, len)) {
            return WireError.BAD_OPTION;
        }
        long p = off;
        long end = off + len;
        while (p < end) {
            int kind = Bytes.u8(seg, p);
            if (kind == KIND_EOL) {
                return WireError.NONE;
            }
            if (kind == KIND_NOP) {
                p++;
                continue;
            }
            if (end - p < 2) {
                return WireError.BAD_OPTION;
            }
            int olen = Bytes.u8(seg, p + 1);
            if (olen < 2 || olen > end - p) {
                return WireError.BAD_OPTION;
            }
            switch (kind) {
                case KIND_MSS -> {
                    if (olen != 4) {
                        return WireError.BAD_OPTION;
                    }
                    mss = Bytes.u16(seg, p + 2);
                }
                case KIND_WINDOW_SCALE -> {
                    if (olen != 3) {
                        return WireError.BAD_OPTION;
                    }
                    windowScale = Math.min(Bytes.u8(seg, p + 2), MAX_WINDOW_SCALE);
                }
                case KIND_SACK_PERMITTED -> {
                    if (olen != 2) {
                        return WireError.BAD_OPTION;
                    }
                    sackPermitted = true;
                }
                case KIND_SACK -> {
                    int n = (olen - 2) / 8;
                    if ((olen - 2) % 8 != 0 || n < 1 || n > MAX_SACK_BLOCKS) {
                        return WireError.BAD_OPTION;
                    }
                    for (int i = 0; i < n; i++) {
                        sack[2 * i] = Bytes.i32(seg, p + 2 + 8L * i);
                        sack[2 * i + 1] = Bytes.i32(seg, p + 6 + 8L * i);
                    }
                    sackBlockCount = n;
                }
                case KIND_TIMESTAMPS -> {
                    if (olen != 10) {
                        return WireError.BAD_OPTION;
                    }
                    hasTimestamps = true;
                    tsVal = Bytes.i32(seg, p + 2);
                    tsEcr = Bytes.i32(seg, p + 6);
                }
                default -> { } // unknown kind: skipped by its length
            }
            p += olen;
        }
        return WireError.NONE;
    }

    /**
     * Bytes {@link #write} will produce for these arguments: a multiple of 4, at most 40.
     * {@code mss} or {@code windowScale} &lt; 0 means absent. SACK blocks that do not fit in
     * the 40-byte area are left out (as many as fit are written).
     */
    public static int length(int mss, int windowScale, boolean sackPermitted, boolean timestamps,
                             int sackCount) {
        int n = fixedLength(mss, windowScale, sackPermitted, timestamps);
        int blocks = sackBlocksThatFit(n, sackCount);
        return blocks > 0 ? n + 4 + 8 * blocks : n;
    }

    private static int fixedLength(int mss, int windowScale, boolean sackPermitted, boolean timestamps) {
        int n = 0;
        if (mss >= 0) {
            n += 4;
        }
        if (timestamps) {
            n += 12;
        } else if (sackPermitted) {
            n += 4;
        }
        if (windowScale >= 0) {
            n += 4;
        }
        return n;
    }

    private static int sackBlocksThatFit(int used, int sackCount) {
        int room = (MAX_LENGTH - used - 4) / 8;
        return Math.max(0, Math.min(Math.min(sackCount, MAX_SACK_BLOCKS), room));
    }

    /**
     * Writes options in Linux's padded layout: MSS; SACK-permitted + timestamps (or NOP NOP +
     * timestamps, or NOP NOP + SACK-permitted); NOP + window scale; NOP NOP + SACK blocks.
     * {@code sackBlocks} holds left/right edge pairs ({@code [2i]}, {@code [2i+1]}); it may be
     * null when {@code sackCount} is 0. Returns the bytes written (see {@link #length}).
     */
    public static int write(MemorySegment seg, long off, int mss, int windowScale, boolean sackPermitted,
                            boolean timestamps, int tsVal, int tsEcr, int sackCount, int[] sackBlocks) {
        long p = off;
        if (mss >= 0) {
            Bytes.put8(seg, p, KIND_MSS);
            Bytes.put8(seg, p + 1, 4);
            Bytes.put16(seg, p + 2, mss);
            p += 4;
        }
        if (timestamps) {
            // One word: SACK-permitted (kind, length 2) or NOP NOP, then the timestamps' kind and length 10.
            int lead = sackPermitted ? KIND_SACK_PERMITTED << 8 | 2 : KIND_NOP << 8 | KIND_NOP;
            Bytes.put32(seg, p, (long) lead << 16 | KIND_TIMESTAMPS << 8 | 10);
            Bytes.put32(seg, p + 4, tsVal);
            Bytes.put32(seg, p + 8, tsEcr);
            p += 12;
        } else if (sackPermitted) {
            Bytes.put8(seg, p, KIND_NOP);
            Bytes.put8(seg, p + 1, KIND_NOP);
            Bytes.put8(seg, p + 2, KIND_SACK_PERMITTED);
            Bytes.put8(seg, p + 3, 2);
            p += 4;
        }
        if (windowScale >= 0) {
            Bytes.put8(seg, p, KIND_NOP);
            Bytes.put8(seg, p + 1, KIND_WINDOW_SCALE);
            Bytes.put8(seg, p + 2, 3);
            Bytes.put8(seg, p + 3, Math.min(windowScale, MAX_WINDOW_SCALE));
            p += 4;
        }
        int blocks = sackBlocksThatFit((int) (p - off), sackCount);
        if (blocks > 0) {
            Bytes.put8(seg, p, KIND_NOP);
            Bytes.put8(seg, p + 1, KIND_NOP);
            Bytes.put8(seg, p + 2, KIND_SACK);
            Bytes.put8(seg, p + 3, 2 + 8 * blocks);
            p += 4;
            for (int i = 0; i < blocks; i++) {
                Bytes.put32(seg, p, sackBlocks[2 * i]);
                Bytes.put32(seg, p + 4, sackBlocks[2 * i + 1]);
                p += 8;
            }
        }
        return (int) (p - off);
    }
}
