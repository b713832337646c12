package net.sloop.tcp;

/**
 * The SACK sender's scoreboard (RFC 6675 §3-§4): which octets above the cumulative acknowledgment
 * the receiver has reported holding in SACK blocks (RFC 2018), and the three routines built on it,
 * {@link #isLost IsLost}, {@link #pipe SetPipe} and {@link #nextSeg NextSeg}.
 *
 * <h2>Representation</h2>
 * Up to {@link #capacity()} disjoint SACKed ranges, kept as {@code [lo, hi)} offsets from the
 * scoreboard's SND.UNA ({@link #sndUna()}) in two {@code int} arrays sorted by sequence. Ranges are
 * merged when they overlap or touch, so between two ranges there is always a hole of at least one
 * octet. All offsets are below 2^31, so sequence numbers that wrap past 2^32 need no special case
 * (sequence comparisons follow {@link Seq}). Nothing allocates after construction except
 * {@link #toString()}; there is no clock.
 *
 * <h2>Sequence conventions</h2>
 * Right edges are exclusive, as in a SACK block (RFC 2018 §3: the right edge is "the sequence number
 * immediately following the last sequence number of this block"). RFC 6675 names inclusive octets
 * (HighACK, HighData, HighRxt); here the caller passes the usual exclusive values instead:
 * {@code sndUna} (HighACK + 1), {@code sndNxt} (HighData + 1) and {@code highRxt}, one past the
 * highest octet retransmitted during the current recovery (RFC 6675 HighRxt + 1; pass
 * {@code sndUna} when nothing was retransmitted). Every method that takes {@code sndUna} first
 * {@linkplain #advance advances} the scoreboard if {@code sndUna} is ahead of it.
 *
 * <h2>Capacity</h2>
 * When a new disjoint range does not fit, the <em>highest</em> range is dropped (which may be the
 * new one): the ranges nearest SND.UNA are kept. They bound the holes being repaired now, and only
 * cumulative ACKs free slots, which always happens at the low end. Dropping SACK information is
 * conservative: the scoreboard never reports an octet as SACKed that the receiver did not report,
 * forgotten octets count as in flight in {@link #pipe} and as not SACKed in {@link #isLost}, and the
 * receiver repeats its SACK blocks (RFC 2018 §4), so they are learned again once slots free up.
 * Merging ranges to save a slot would invent SACKed octets and is never done. {@link #evictions()}
 * counts the ranges dropped.
 *
 * <h2>Retransmission timeouts</h2>
 * RFC 2018 §8 has the sender forget SACK information after an RTO, since the receiver may have
 * reneged; RFC 6675 §5.1 lets it keep using the scoreboard during RTO recovery instead. Both are the
 * caller's choice: {@link #clear()} forgets, and a sender that rewinds SND.NXT to SND.UNA may keep
 * the ranges, which then lie above {@code sndNxt}: {@link #pipe} and {@link #nextSeg} only consider
 * octets below {@code sndNxt}, while {@link #isLost} and HighSACK (rule 1.b) use every range.
 *
 * <p>One connection's sender uses a scoreboard from one thread at a time.
 */
public final class SackScoreboard {
    /** RFC 6675 §2 DupThresh. */
    public static final int DEFAULT_DUP_THRESH = 3;

    /** {@link #nextSeg} result: nothing to send (rule 5). */
    public static final int NONE = 0;
    /** {@link #nextSeg} result, rule 1: retransmit {@link #nextSeq()}/{@link #nextLength()}, which {@link #isLost IsLost}. */
    public static final int RETRANSMIT = 1;
    /**
     * {@link #nextSeg} result, rule 2: send new data starting at {@code sndNxt}, at most
     * {@link #nextLength()} octets.
     */
    public static final int NEW_DATA = 2;
    /**
     * {@link #nextSeg} result, rule 3: retransmit an unSACKed segment below the highest SACKed octet
     * that is not yet deemed lost (a "last resort" retransmission; it advances HighRxt like rule 1).
     */
    public static final int RETRANSMIT_EARLY = 3;
    /**
     * {@link #nextSeg} result, rule 4: the rescue retransmission of the segment ending at the highest
     * unSACKed octet. The caller sets RescueRxt to RecoveryPoint and must not advance HighRxt.
     */
    public static final int RESCUE = 4;

    private final int[] lo;
    private final int[] hi;
    private final int dupThresh;
    private int count;
    private int una;
    private int sacked;
    private long evictions;
    private boolean dsack;
    private int nextSeq;
    private int nextLength;

    /** A scoreboard of {@code capacity} ranges with RFC 6675's DupThresh of 3. */
    public SackScoreboard(int capacity) {
        this(capacity, DEFAULT_DUP_THRESH);
    }

    /**
     * A scoreboard of {@code capacity} ranges; {@code dupThresh} replaces RFC 6675's DupThresh in
     * {@link #isLost} (a sender that measures reordering may raise it, RFC 6675 §2).
     */
    public SackScoreboard(int capacity, int dupThresh) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        if (dupThresh < 1) throw new IllegalArgumentException("dupThresh " + dupThresh);
        lo = new int[capacity];
        hi = new int[capacity];
        this.dupThresh = dupThresh;
    }

    /** Empties the scoreboard for a connection (or a restart) whose SND.UNA is {@code sndUna}. */
    public void reset(int sndUna) {
        una = sndUna;
        clear();
    }

    /** Forgets every SACKed range, keeping SND.UNA (after an RTO, RFC 2018 §8 / RFC 6675 §5.1). */
    public void clear() {
        count = 0;
        sacked = 0;
        dsack = false;
    }

    /**
     * The cumulative ACK moved to {@code newSndUna}: ranges below it are discarded and a range it
     * falls inside is trimmed. Values not ahead of {@link #sndUna()} are ignored.
     */
    public void advance(int newSndUna) {
        int d = newSndUna - una;
        if (d <= 0) return;
        int drop = 0;
        while (drop < count && hi[drop] <= d) {
            sacked -= hi[drop] - lo[drop];
            drop++;
        }
        int kept = count - drop;
        for (int i = 0; i < kept; i++) {
            int l = lo[i + drop];
            int h = hi[i + drop];
            if (l < d) {
                sacked -= d - l;
                l = d;
            }
            lo[i] = l - d;
            hi[i] = h - d;
        }
        count = kept;
        una = newSndUna;
    }

    /**
     * Merges the SACK blocks of one ACK: {@code blocks[2i]} is block {@code i}'s left edge and
     * {@code blocks[2i + 1]} its right edge, for {@code i < count}. Advances to {@code sndUna} first.
     *
     * <p>A block is used only if its left edge is before its right edge and the right edge is in
     * {@code (sndUna, sndNxt]}; the part of a block below {@code sndUna} is cut off (those octets are
     * cumulatively acknowledged). A block whose right edge is beyond {@code sndNxt} reports data never
     * sent and is ignored whole. Blocks entirely at or below {@code sndUna} are ignored too; if the
     * first block is one of them, or lies inside the second block, it is a D-SACK (RFC 2883 §4) and
     * {@link #lastUpdateHadDsack()} says so. (The test uses {@code sndUna}, so a reordered old ACK's
     * ordinary SACK block can look like a D-SACK.)
     *
     * @return the number of octets these blocks report that the scoreboard did not already hold (it
     *     may drop some for capacity). Positive means the ACK carries new SACK information, which
     *     makes an ACK that does not advance SND.UNA a duplicate (RFC 6675 §2 "DupAck"). For
     *     DeliveredData (RFC 6937) take the change in {@link #sackedBytes()} instead.
     */
    public int update(int sndUna, int sndNxt, int[] blocks, int count) {
        if (count < 0 || count > blocks.length / 2) throw new IllegalArgumentException("count " + count);
        sync(sndUna);
        dsack = false;
        if (count > 0) {
            int l0 = blocks[0];
            int r0 = blocks[1];
            dsack = r0 - una <= 0
                    || count > 1 && Seq.le(blocks[2], l0) && Seq.lt(l0, r0) && Seq.le(r0, blocks[3]);
        }
        int added = 0;
        for (int i = 0; i < count; i++) added += add(blocks[2 * i], blocks[2 * i + 1], sndNxt);
        return added;
    }

    /**
     * Merges one SACK block {@code [left, right)}, with the validity rules of {@link #update} (but
     * no D-SACK report). Advances to {@code sndUna} first.
     *
     * @return the octets of the block the scoreboard did not already hold
     */
    public int addBlock(int left, int right, int sndUna, int sndNxt) {
        sync(sndUna);
        return add(left, right, sndNxt);
    }

    private int add(int left, int right, int sndNxt) {
        int len = right - left;
        int r = right - una;
        if (len <= 0 || r <= 0 || r > window(sndNxt)) return 0;
        int l = Math.max(r - len, 0);
        return insert(l, r);
    }

    /** Inserts offsets {@code [l, r)}, 0 <= l < r; returns the octets it newly covers. */
    private int insert(int l, int r) {
        int i = 0;
        while (i < count && hi[i] < l) i++;
        int j = i;
        int covered = 0;
        int nl = l;
        int nh = r;
        while (j < count && lo[j] <= r) {
            covered += Math.max(0, Math.min(hi[j], r) - Math.max(lo[j], l));
            nl = Math.min(nl, lo[j]);
            nh = Math.max(nh, hi[j]);
            j++;
        }
        int added = r - l - covered;
        if (j == i) {
            if (count == lo.length) {
                evictions++;
                if (i == count) return added; // the new range is the highest: it is the one dropped
                count--;
                sacked -= hi[count] - lo[count];
            }
            System.arraycopy(lo, i, lo, i + 1, count - i);
            System.arraycopy(hi, i, hi, i + 1, count - i);
            count++;
        } else if (j > i + 1) {
            System.arraycopy(lo, j, lo, i + 1, count - j);
            System.arraycopy(hi, j, hi, i + 1, count - j);
            count -= j - i - 1;
        }
        lo[i] = nl;
        hi[i] = nh;
        sacked += added;
        return added;
    }

    /** True if octet {@code seq} is SACKed; octets below {@link #sndUna()} are acknowledged, not SACKed. */
    public boolean isSacked(int seq) {
        int o = seq - una;
        if (o < 0) return false;
        for (int i = 0; i < count; i++) {
            if (o < lo[i]) return false;
            if (o < hi[i]) return true;
        }
        return false;
    }

    /** Octets SACKed above SND.UNA. */
    public int sackedBytes() {
        return sacked;
    }

    /**
     * One past the highest SACKed octet (the right edge of the highest range; RFC 6675's "highest
     * octet covered by any received SACK" plus one), or {@link #sndUna()} when nothing is SACKed.
     */
    public int highestSacked() {
        return una + (count == 0 ? 0 : hi[count - 1]);
    }

    /** Disjoint SACKed ranges held. */
    public int rangeCount() {
        return count;
    }

    /** The most ranges this scoreboard holds. */
    public int capacity() {
        return lo.length;
    }

    /** Left edge (first octet) of range {@code i}, ranges in ascending sequence order. */
    public int rangeStart(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
        return una + lo[i];
    }

    /** Right edge (one past the last octet) of range {@code i}. */
    public int rangeEnd(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
        return una + hi[i];
    }

    /** The SND.UNA the ranges are kept above. */
    public int sndUna() {
        return una;
    }

    /** DupThresh used by {@link #isLost}. */
    public int dupThresh() {
        return dupThresh;
    }

    /** Ranges dropped because the scoreboard was full, since construction. */
    public long evictions() {
        return evictions;
    }

    /** True if the first block of the last {@link #update} was a D-SACK (RFC 2883 §4). */
    public boolean lastUpdateHadDsack() {
        return dsack;
    }

    /**
     * RFC 6675 §4 IsLost(SeqNum): true when DupThresh discontiguous SACKed sequences lie above
     * {@code seq}, or more than (DupThresh - 1) * SMSS SACKed octets have sequence numbers greater
     * than {@code seq}.
     *
     * <p>A byte scoreboard does not know the receiver's segment boundaries, so a "discontiguous
     * SACKed sequence" is a maximal run of SACKed octets (a range here) holding at least one octet
     * above {@code seq}; contiguous segments merge into one run (as gVisor reads it). Each range is
     * at least one segment, so this never over-counts segments.
     */
    public boolean isLost(int seq, int smss) {
        long o = seq - una;
        long limit = (long) (dupThresh - 1) * smss;
        int runs = 0;
        long bytes = 0;
        for (int i = count - 1; i >= 0; i--) {
            if (hi[i] - 1 <= o) break;
            runs++;
            bytes += hi[i] - Math.max(lo[i], o + 1);
            if (runs >= dupThresh || bytes > limit) return true;
        }
        return false;
    }

    /**
     * The offset {@code L} such that {@code IsLost(una + o)} holds exactly when {@code o < L} (for
     * {@code o >= 0}; 0 when nothing is lost). IsLost only weakens as {@code o} grows, so one bound
     * describes it: at most DupThresh - 1 runs end above {@code hi[count - DupThresh] - 1}, and the
     * (limit + 1)-th SACKed octet counted from the top is the lowest with at most {@code limit}
     * SACKed octets above it. Both bounds lie inside a range, so every hole is wholly lost or not.
     */
    private long lossBound(int smss) {
        long bound = 0;
        if (count >= dupThresh) bound = hi[count - dupThresh] - 1L;
        long need = (long) (dupThresh - 1) * smss + 1;
        long acc = 0;
        for (int i = count - 1; i >= 0; i--) {
            int len = hi[i] - lo[i];
            if (acc + len >= need) {
                bound = Math.max(bound, hi[i] - (need - acc));
                break;
            }
            acc += len;
        }
        return bound;
    }

    /** SACKed octets with offsets in {@code [a, b)}. */
    private long sackedIn(long a, long b) {
        long n = 0;
        for (int i = 0; i < count && lo[i] < b; i++) n += Math.max(0, Math.min(hi[i], b) - Math.max(lo[i], a));
        return n;
    }

    /**
     * RFC 6675 §4 SetPipe(): over every octet S1 in {@code [sndUna, sndNxt)} that is not SACKed, adds
     * one if IsLost(S1) is false (it is presumed in the network) and one more if it was retransmitted
     * ({@code S1 < highRxt}, RFC 6675's {@code "S1 <= HighRxt"}). Octets retransmitted without being deemed
     * lost thus count twice. Computed per range in O(ranges), not per octet or per segment; the
     * result equals the per-octet definition exactly.
     *
     * @param highRxt one past the highest octet retransmitted in this recovery ({@code sndUna} if none)
     * @param smss the sender's maximum segment size, for IsLost
     * @return pipe in octets (a long: it can exceed 2^31 - 1 with very large windows)
     */
    public long pipe(int sndUna, int sndNxt, int highRxt, int smss) {
        sync(sndUna);
        long n = window(sndNxt);
        long rxt = clamp(highRxt - una, n);
        long lost = Math.min(lossBound(smss), n);
        return (n - lost - sackedIn(lost, n)) + (rxt - sackedIn(0, rxt));
    }

    /**
     * RFC 6675 §4 NextSeg(): what to send next. Returns one of {@link #RETRANSMIT} (rule 1),
     * {@link #NEW_DATA} (rule 2), {@link #RETRANSMIT_EARLY} (rule 3), {@link #RESCUE} (rule 4), or
     * {@link #NONE} (rule 5); for all but {@code NONE} the segment is {@link #nextSeq()} and
     * {@link #nextLength()} (1..{@code smss} octets). Retransmissions never run into a SACKed range
     * or past {@code sndNxt}. Rules, with S2 the lowest unSACKed octet at or above
     * {@code max(sndUna, highRxt)}:
     * <ol>
     *   <li>S2 is below the highest SACKed octet and IsLost(S2): retransmit from S2.
     *   <li>Otherwise, if {@code newDataLimit > 0}: new data from {@code sndNxt}, at most
     *       {@code min(smss, newDataLimit)} octets.
     *   <li>Otherwise, if S2 is below the highest SACKed octet: retransmit from S2.
     *   <li>Otherwise, if {@code rescueAllowed} and some octet in {@code [sndUna, sndNxt)} is unSACKed:
     *       the up-to-SMSS segment ending at the highest unSACKed octet, within its hole.
     * </ol>
     * The caller keeps the recovery state: it calls this only when cwnd - pipe >= 1 SMSS (RFC 6675
     * §5 step C); after a rule 1 or 3 retransmission it sets highRxt to the segment's end (step C.3);
     * for rule 4 it passes {@code rescueAllowed} true only while HighACK is above RescueRxt (or
     * RescueRxt is undefined) and, after sending, sets RescueRxt to RecoveryPoint without touching
     * highRxt.
     *
     * @param highRxt one past the highest octet retransmitted in this recovery ({@code sndUna} if none)
     * @param newDataLimit unsent octets the application has queued and the peer's window admits
     */
    public int nextSeg(int sndUna, int sndNxt, int highRxt, int smss, int newDataLimit, boolean rescueAllowed) {
        if (smss < 1) throw new IllegalArgumentException("smss " + smss);
        sync(sndUna);
        long n = window(sndNxt);
        long s = clamp(highRxt - una, n);
        int i = 0;
        while (i < count && hi[i] <= s) i++;
        if (i < count && lo[i] <= s) s = hi[i++];
        long top = count == 0 ? 0 : hi[count - 1];
        if (s < n && s < top) {
            boolean lost = s < lossBound(smss);
            if (lost || newDataLimit <= 0) {
                long end = Math.min(Math.min(s + smss, n), i < count ? lo[i] : n);
                return found(lost ? RETRANSMIT : RETRANSMIT_EARLY, s, end);
            }
        }
        if (newDataLimit > 0) {
            nextSeq = sndNxt;
            nextLength = Math.min(smss, newDataLimit);
            return NEW_DATA;
        }
        if (rescueAllowed) {
            long end = n;
            int k = count - 1;
            while (k >= 0 && lo[k] >= end) k--;
            if (k >= 0 && hi[k] >= end) end = lo[k--];
            if (end > 0) {
                long holeStart = k >= 0 ? hi[k] : 0;
                return found(RESCUE, Math.max(holeStart, end - smss), end);
            }
        }
        nextSeq = una;
        nextLength = 0;
        return NONE;
    }

    private int found(int kind, long start, long end) {
        nextSeq = una + (int) start;
        nextLength = (int) (end - start);
        return kind;
    }

    /** First octet of the segment chosen by the last {@link #nextSeg}. */
    public int nextSeq() {
        return nextSeq;
    }

    /** Length of the segment chosen by the last {@link #nextSeg} (0 after {@link #NONE}). */
    public int nextLength() {
        return nextLength;
    }

    /** True for the {@link #nextSeg} results that resend old data. */
    public static boolean isRetransmission(int kind) {
        return kind == RETRANSMIT || kind == RETRANSMIT_EARLY || kind == RESCUE;
    }

    private void sync(int sndUna) {
        if (Seq.gt(sndUna, una)) advance(sndUna);
    }

    /** Octets from SND.UNA to {@code sndNxt}, 0 if {@code sndNxt} is behind. */
    private int window(int sndNxt) {
        return Math.max(sndNxt - una, 0);
    }

    /** {@code off} (a signed sequence difference) clamped to {@code [0, n]}. */
    private static long clamp(int off, long n) {
        return Math.min(Math.max(off, 0), n);
    }

    /** For debugging; allocates. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("SackScoreboard[una=").append(Integer.toUnsignedString(una)).append(" sacked=")
                .append(sacked).append(" ranges=").append(count).append('/').append(lo.length);
        for (int i = 0; i < count; i++) {
            b.append(i == 0 ? " " : ", ").append('[').append(Integer.toUnsignedString(una + lo[i])).append(", ")
                    .append(Integer.toUnsignedString(una + hi[i])).append(')');
        }
        if (evictions > 0) b.append(" evictions=").append(evictions);
        return b.append(']').toString();
    }
}
