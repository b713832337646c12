package net.sloop.ip;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import net.sloop.mem.Budget;
import net.sloop.mem.Chains;
import net.sloop.wire.Checksum;

/**
 * The bytes of one outgoing transport message, gathered from two places without copying them
 * first: a header the protocol built (a small segment of its own) and a body that is either a
 * region of memory (the application's data) or a region of a block chain (data already in the
 * budget, such as an echo request being answered). One instance per stack, reused for every send.
 *
 * <p>A transport may leave its checksum to the IP layer ({@link #checksumAt}, like Linux's
 * {@code CHECKSUM_PARTIAL}): {@link Ipv4#send} fills it once it knows the outgoing interface, and
 * leaves it 0 when that interface's link offloads checksums ({@link net.sloop.link.Link#checksumOffload}).
 */
public final class Gather {
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private final Budget budget;
    private MemorySegment headSeg;
    private long headOff;
    private int headLen;
    private MemorySegment bodySeg;
    private long bodyOff;
    private int bodyChain = -1;
    private int bodyFrom;
    private int bodyLen;
    private int csumAt = -1;
    private long csumSeed;
    private boolean csumZeroAsOnes;
    private int segmentSize;

    public Gather(Budget budget) {
        this.budget = budget;
    }

    /** Header plus a body in memory. */
    public Gather set(MemorySegment head, long headOff, int headLen, MemorySegment body, long bodyOff, int bodyLen) {
        this.headSeg = head;
        this.headOff = headOff;
        this.headLen = headLen;
        this.bodySeg = body;
        this.bodyOff = bodyOff;
        this.bodyLen = bodyLen;
        this.bodyChain = -1;
        this.csumAt = -1;
        this.segmentSize = 0;
        return this;
    }

    /** Header plus a body taken from {@code len} bytes of a chain, starting {@code from} bytes in. */
    public Gather setChain(MemorySegment head, long headOff, int headLen, int chain, int from, int len) {
        this.headSeg = head;
        this.headOff = headOff;
        this.headLen = headLen;
        this.bodySeg = null;
        this.bodyChain = chain;
        this.bodyFrom = from;
        this.bodyLen = len;
        this.csumAt = -1;
        this.segmentSize = 0;
        return this;
    }

    /**
     * Leaves the message's checksum to {@link Ipv4#send}: the 16-bit field {@code fieldOffset}
     * bytes into the header (which must hold 0) is to receive the checksum of the whole message
     * plus {@code seed} (the pseudo-header's sum), unless the outgoing link offloads checksums.
     * {@code zeroAsOnes}: a computed 0 is sent as 0xFFFF (UDP, RFC 768). Call after {@link #set}
     * or {@link #setChain}, which clear it.
     */
    public Gather checksumAt(int fieldOffset, long seed, boolean zeroAsOnes) {
        this.csumAt = fieldOffset;
        this.csumSeed = seed;
        this.csumZeroAsOnes = zeroAsOnes;
        return this;
    }

    /**
     * Marks a TCP message longer than one segment, to be sent whole on a link with segmentation
     * offload and cut there into {@code bytes} of payload each ({@link Ipv4#send}). Call after
     * {@link #set} or {@link #setChain}, which clear it.
     */
    public Gather segmentSize(int bytes) {
        this.segmentSize = bytes;
        return this;
    }

    /** Payload bytes per segment of a message to be segmented by the link, or 0. */
    public int segmentSize() {
        return segmentSize;
    }

    /** Offset in the header of a checksum left to the IP layer, or -1 if there is none. */
    public int checksumField() {
        return csumAt;
    }

    /** The field value for a message whose bytes (field at 0) sum to {@code acc}, seed not included. */
    int checksumValue(long acc) {
        int sum = Checksum.finish(acc + csumSeed);
        return sum == 0 && csumZeroAsOnes ? 0xFFFF : sum;
    }

    /**
     * The field value of a partial checksum (Linux's {@code CHECKSUM_PARTIAL}): the folded
     * pseudo-header sum, not complemented, for whoever completes the sum over the message.
     */
    int partialValue() {
        return Checksum.fold(csumSeed);
    }

    /** Computes the checksum left to the IP layer and stores it in the header (before the header is copied). */
    void fillChecksum() {
        headSeg.set(BE16, headOff + csumAt, (short) checksumValue(checksum(0)));
    }

    /** Stores a checksum field value at {@code at} (big-endian). */
    static void putField(MemorySegment seg, long at, int value) {
        seg.set(BE16, at, (short) value);
    }

    public int length() {
        return headLen + bodyLen;
    }

    /** Adds all the bytes to a checksum accumulator (the header is taken to start at an even offset). */
    public long checksum(long acc) {
        acc += Checksum.fold(Checksum.add(0, headSeg, headOff, headLen));
        long body;
        if (bodyLen == 0) return acc;
        if (bodyChain >= 0) body = Checksum.fold(Chains.checksum(budget, bodyChain, bodyFrom, bodyLen, 0));
        else body = Checksum.fold(Checksum.add(0, bodySeg, bodyOff, bodyLen));
        return acc + ((headLen & 1) != 0 ? Checksum.swap((int) body) : body);
    }

    /** Copies {@code n} bytes of the message, starting at {@code pos}, to {@code dst}. */
    public void copy(int pos, MemorySegment dst, long dstOff, int n) {
        if (pos < headLen) {
            int take = Math.min(n, headLen - pos);
            MemorySegment.copy(headSeg, headOff + pos, dst, dstOff, take);
            dstOff += take;
            n -= take;
            pos += take;
        }
        if (n == 0) return;
        int bpos = pos - headLen;
        if (bodyChain >= 0) Chains.copyOut(budget, bodyChain, bodyFrom + bpos, dst, dstOff, n);
        else MemorySegment.copy(bodySeg, bodyOff + bpos, dst, dstOff, n);
    }
}
