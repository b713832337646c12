package net.sloop.wire;

import java.util.Arrays;

/**
 * Validated TCP header with the options Sloop uses. {@code seq}, {@code ack}, {@code tsVal},
 * {@code tsEcr} and the SACK edges are ints with unsigned meaning; {@code mss} and
 * {@code windowScale} are -1 when absent (window scale 0..14); {@code sackBlocks} holds
 * left/right pairs (at most 4 blocks; {@link #emit} writes only as many as fit beside the other
 * options in 40 bytes, see {@link TcpOptions#length}); {@code payloadLength} in bytes. {@link #emit} writes header and options with a zero
 * checksum; call {@link TcpView#fillChecksum(int, int)} once the payload is in place.
 */
public record TcpRepr(int srcPort, int dstPort, int seq, int ack, int flags, int window, int urgent,
                      int mss, int windowScale, boolean sackPermitted, boolean timestamps,
                      int tsVal, int tsEcr, int[] sackBlocks, int payloadLength) {

    public TcpRepr {
        Bytes.checkRange("srcPort", srcPort, 0xFFFF);
        Bytes.checkRange("dstPort", dstPort, 0xFFFF);
        Bytes.checkRange("flags", flags, 0xFF);
        Bytes.checkRange("window", window, 0xFFFF);
        Bytes.checkRange("urgent", urgent, 0xFFFF);
        if (mss < -1 || mss > 0xFFFF) {
            throw new IllegalArgumentException("mss must be -1 or 0..65535: " + mss);
        }
        if (windowScale < -1 || windowScale > TcpOptions.MAX_WINDOW_SCALE) {
            throw new IllegalArgumentException("windowScale must be -1 or 0..14: " + windowScale);
        }
        sackBlocks = sackBlocks == null ? new int[0] : sackBlocks.clone();
        if (sackBlocks.length % 2 != 0 || sackBlocks.length > 2 * TcpOptions.MAX_SACK_BLOCKS) {
            throw new IllegalArgumentException("SACK blocks must be left/right pairs, at most 4: " + sackBlocks.length);
        }
        if (!timestamps && (tsVal != 0 || tsEcr != 0)) {
            throw new IllegalArgumentException("tsVal/tsEcr must be 0 without timestamps");
        }
        Bytes.checkRange("payloadLength", payloadLength, 0xFFFF);
    }

    /** A segment without options. */
    public static TcpRepr plain(int srcPort, int dstPort, int seq, int ack, int flags, int window, int payloadLength) {
        return new TcpRepr(srcPort, dstPort, seq, ack, flags, window, 0, -1, -1, false, false, 0, 0, null, payloadLength);
    }

    /** Reads a view on which {@code check()} returned NONE (options come from that check). */
    public static TcpRepr of(TcpView v) {
        TcpOptions o = v.options();
        int[] sack = new int[2 * o.sackBlockCount];
        for (int i = 0; i < o.sackBlockCount; i++) {
            sack[2 * i] = o.sackLeft(i);
            sack[2 * i + 1] = o.sackRight(i);
        }
        return new TcpRepr(v.srcPort(), v.dstPort(), v.seq(), v.ack(), v.flags(), v.window(),
                v.urgentPointer(), o.mss, o.windowScale, o.sackPermitted, o.hasTimestamps,
                o.tsVal, o.tsEcr, sack, v.payloadLength());
    }

    @Override
    public int[] sackBlocks() {
        return sackBlocks.clone();
    }

    public int sackBlockCount() {
        return sackBlocks.length / 2;
    }

    public int optionsLength() {
        return TcpOptions.length(mss, windowScale, sackPermitted, timestamps, sackBlockCount());
    }

    public int bufferLength() {
        return TcpView.MIN_HEADER_LENGTH + optionsLength();
    }

    public void emit(TcpView v) {
        v.setSrcPort(srcPort);
        v.setDstPort(dstPort);
        v.setSeq(seq);
        v.setAck(ack);
        v.setHeaderLength(bufferLength());
        v.setFlags(flags);
        v.setWindow(window);
        v.setChecksum(0);
        v.setUrgentPointer(urgent);
        TcpOptions.write(v.segment(), v.optionsOffset(), mss, windowScale, sackPermitted, timestamps,
                tsVal, tsEcr, sackBlockCount(), sackBlocks);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TcpRepr r && srcPort == r.srcPort && dstPort == r.dstPort && seq == r.seq
                && ack == r.ack && flags == r.flags && window == r.window && urgent == r.urgent
                && mss == r.mss && windowScale == r.windowScale && sackPermitted == r.sackPermitted
                && timestamps == r.timestamps && tsVal == r.tsVal && tsEcr == r.tsEcr
                && payloadLength == r.payloadLength && Arrays.equals(sackBlocks, r.sackBlocks);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(new int[] {srcPort, dstPort, seq, ack, flags, window, urgent, mss,
                windowScale, sackPermitted ? 1 : 0, timestamps ? 1 : 0, tsVal, tsEcr, payloadLength})
                + Arrays.hashCode(sackBlocks);
    }

    @Override
    public String toString() {
        return "TcpRepr[" + srcPort + "->" + dstPort + ", seq=" + Integer.toUnsignedString(seq)
                + ", ack=" + Integer.toUnsignedString(ack) + ", flags=0x" + Integer.toHexString(flags)
                + ", window=" + window + ", urgent=" + urgent + ", mss=" + mss + ", ws=" + windowScale
                + ", sackOK=" + sackPermitted + ", ts=" + timestamps + "(" + Integer.toUnsignedString(tsVal)
                + "," + Integer.toUnsignedString(tsEcr) + "), sack=" + Arrays.toString(sackBlocks)
                + ", payloadLength=" + payloadLength + "]";
    }
}
