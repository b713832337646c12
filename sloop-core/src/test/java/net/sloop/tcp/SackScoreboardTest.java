package net.sloop.tcp;

import static net.sloop.tcp.SackScoreboard.NEW_DATA;
import static net.sloop.tcp.SackScoreboard.NONE;
import static net.sloop.tcp.SackScoreboard.RESCUE;
import static net.sloop.tcp.SackScoreboard.RETRANSMIT;
import static net.sloop.tcp.SackScoreboard.RETRANSMIT_EARLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import net.sloop.testing.SteadyState;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Worked examples. Most run at several bases, including ones where the window straddles 2^32 and
 * 2^31, so every expectation is written as an offset from {@code b}.
 */
class SackScoreboardTest {
    static final int MSS = 1000;

    static SackScoreboard board(int base) {
        SackScoreboard sb = new SackScoreboard(32);
        sb.reset(base);
        return sb;
    }

    /** Adds the blocks {@code [b + l, b + r)} given as offset pairs. */
    static int sack(SackScoreboard sb, int b, int una, int nxt, int... offsets) {
        int[] blocks = new int[offsets.length];
        for (int i = 0; i < offsets.length; i++) blocks[i] = b + offsets[i];
        return sb.update(b + una, b + nxt, blocks, offsets.length / 2);
    }

    static void assertRanges(SackScoreboard sb, int b, int... offsets) {
        assertEquals(offsets.length / 2, sb.rangeCount(), sb::toString);
        int total = 0;
        for (int i = 0; i < offsets.length / 2; i++) {
            assertEquals(b + offsets[2 * i], sb.rangeStart(i), sb::toString);
            assertEquals(b + offsets[2 * i + 1], sb.rangeEnd(i), sb::toString);
            total += offsets[2 * i + 1] - offsets[2 * i];
        }
        assertEquals(total, sb.sackedBytes(), sb::toString);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1_000_000, -500, -4096, Integer.MAX_VALUE - 2500, Integer.MIN_VALUE})
    void emptyBoard(int b) {
        SackScoreboard sb = board(b);
        assertEquals(0, sb.sackedBytes());
        assertEquals(0, sb.rangeCount());
        assertEquals(b, sb.highestSacked());
        assertFalse(sb.isSacked(b));
        assertFalse(sb.isLost(b, MSS));
        assertEquals(10 * MSS, sb.pipe(b, b + 10 * MSS, b, MSS));
        assertEquals(NONE, sb.nextSeg(b, b + 10 * MSS, b, MSS, 0, false));
        assertEquals(0, sb.nextLength());
        assertEquals(NEW_DATA, sb.nextSeg(b, b + 10 * MSS, b, MSS, 300, false));
        assertEquals(b + 10 * MSS, sb.nextSeq());
        assertEquals(300, sb.nextLength());
        // Rescue with nothing SACKed: the last segment.
        assertEquals(RESCUE, sb.nextSeg(b, b + 10 * MSS, b, MSS, 0, true));
        assertEquals(b + 9 * MSS, sb.nextSeq());
        assertEquals(MSS, sb.nextLength());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -4096, -1500, Integer.MAX_VALUE - 2500})
    void mergesOverlappingAndAdjacentBlocks(int b) {
        SackScoreboard sb = board(b);
        assertEquals(1000, sack(sb, b, 0, 10_000, 2000, 3000));
        assertEquals(1000, sack(sb, b, 0, 10_000, 5000, 6000));
        assertRanges(sb, b, 2000, 3000, 5000, 6000);
        // Adjacent on the right of the first range merges without a gap.
        assertEquals(500, sack(sb, b, 0, 10_000, 3000, 3500));
        assertRanges(sb, b, 2000, 3500, 5000, 6000);
        // Already held: nothing new (not a DupAck by RFC 6675 §2 unless SND.UNA is unchanged anyway).
        assertEquals(0, sack(sb, b, 0, 10_000, 2100, 3400));
        assertEquals(0, sack(sb, b, 0, 10_000, 5000, 6000, 2000, 3500));
        // Bridges both ranges and the hole between: only the hole's octets are new.
        assertEquals(500 + 1500 + 1000, sack(sb, b, 0, 10_000, 1500, 7000));
        assertRanges(sb, b, 1500, 7000);
        assertEquals(b + 7000, sb.highestSacked());
        assertTrue(sb.isSacked(b + 1500));
        assertTrue(sb.isSacked(b + 6999));
        assertFalse(sb.isSacked(b + 1499));
        assertFalse(sb.isSacked(b + 7000));
        // Adjacent on the left.
        assertEquals(500, sack(sb, b, 0, 10_000, 1000, 1500));
        assertRanges(sb, b, 1000, 7000);
        // Overlapping blocks inside one ACK are counted once.
        assertEquals(2000, sack(sb, b, 0, 10_000, 8000, 9500, 8500, 10_000, 9000, 9100));
        assertRanges(sb, b, 1000, 7000, 8000, 10_000);
    }

    @Test
    void rejectsBlocksOutsideTheWindow() {
        int b = -3000; // the window wraps past 2^32
        SackScoreboard sb = board(b);
        assertEquals(0, sack(sb, b, 0, 5000, 4000, 5001)); // beyond SND.NXT: never sent
        assertEquals(0, sack(sb, b, 0, 5000, 3000, 3000)); // empty
        assertEquals(0, sack(sb, b, 0, 5000, 3000, 2000)); // reversed
        assertEquals(0, sack(sb, b, 0, 5000, -100, 0)); // at or below SND.UNA
        assertEquals(0, sb.rangeCount());
        assertEquals(1000, sack(sb, b, 0, 5000, 4000, 5000)); // right edge == SND.NXT is fine
        // A block straddling SND.UNA keeps only its part above it.
        assertEquals(200, sack(sb, b, 0, 5000, -300, 200));
        assertRanges(sb, b, 0, 200, 4000, 5000);
        // A garbage block 2^31 away is ignored.
        assertEquals(0, sb.update(b, b + 5000, new int[] {b + 100, b + 100 + Integer.MIN_VALUE}, 1));
        assertEquals(0, sb.update(b, b + 5000, new int[] {b + Integer.MIN_VALUE, b + 1000}, 1));
        assertRanges(sb, b, 0, 200, 4000, 5000);
    }

    @Test
    void reportsDsack() {
        int b = 7;
        SackScoreboard sb = board(b);
        sack(sb, b, 0, 5000, 1000, 2000);
        assertFalse(sb.lastUpdateHadDsack());
        // RFC 2883 §4.1.1: the first block is below the cumulative ACK.
        assertEquals(0, sack(sb, b, 500, 5000, 0, 500, 1000, 2000));
        assertTrue(sb.lastUpdateHadDsack());
        // RFC 2883 §4.1.2: the first block lies inside the second.
        assertEquals(0, sack(sb, b, 500, 5000, 1200, 1300, 1000, 2000));
        assertTrue(sb.lastUpdateHadDsack());
        assertEquals(1000, sack(sb, b, 500, 5000, 3000, 4000, 1000, 2000));
        assertFalse(sb.lastUpdateHadDsack());
        assertRanges(sb, b, 1000, 2000, 3000, 4000);
    }

    @Test
    void advanceDiscardsAndTrims() {
        int b = -2000;
        SackScoreboard sb = board(b);
        sack(sb, b, 0, 10_000, 1000, 2000, 3000, 4000, 5000, 6000);
        sb.advance(b + 2000);
        assertEquals(b + 2000, sb.sndUna());
        assertRanges(sb, b, 3000, 4000, 5000, 6000);
        sb.advance(b + 3500); // inside a range: the rest of it stays SACKed
        assertRanges(sb, b, 3500, 4000, 5000, 6000);
        assertFalse(sb.isSacked(b + 3499));
        sb.advance(b + 3501); // one octet into a range
        assertRanges(sb, b, 3501, 4000, 5000, 6000);
        sb.advance(b + 100); // behind: ignored
        assertEquals(b + 3501, sb.sndUna());
        // update() advances implicitly
        assertEquals(0, sack(sb, b, 5500, 10_000, 5000, 6000));
        assertRanges(sb, b, 5500, 6000);
        sb.advance(b + 9000);
        assertRanges(sb, b);
        assertEquals(b + 9000, sb.highestSacked());
    }

    @Test
    void resetAndClear() {
        SackScoreboard sb = board(100);
        sack(sb, 100, 0, 5000, 1000, 2000);
        sb.clear();
        assertEquals(0, sb.rangeCount());
        assertEquals(0, sb.sackedBytes());
        assertEquals(100, sb.sndUna());
        sack(sb, 100, 0, 5000, 1000, 2000);
        sb.reset(-5);
        assertEquals(0, sb.rangeCount());
        assertEquals(-5, sb.sndUna());
        assertFalse(sb.isSacked(1100));
    }

    @Test
    void capacityKeepsTheRangesNearestSndUna() {
        int b = -1000;
        SackScoreboard sb = new SackScoreboard(3);
        sb.reset(b);
        sack(sb, b, 0, 20_000, 2000, 3000, 6000, 7000, 10_000, 11_000);
        assertEquals(0, sb.evictions());
        // Highest and new: the new range is the one dropped. Still reported as new SACK information.
        assertEquals(1000, sack(sb, b, 0, 20_000, 14_000, 15_000));
        assertRanges(sb, b, 2000, 3000, 6000, 7000, 10_000, 11_000);
        assertEquals(1, sb.evictions());
        // Lower than the highest: the highest is dropped.
        assertEquals(1000, sack(sb, b, 0, 20_000, 4000, 5000));
        assertRanges(sb, b, 2000, 3000, 4000, 5000, 6000, 7000);
        assertEquals(2, sb.evictions());
        assertFalse(sb.isSacked(b + 10_000)); // forgotten, never invented
        assertEquals(b + 7000, sb.highestSacked());
        // Merging needs no slot.
        assertEquals(1000, sack(sb, b, 0, 20_000, 3000, 4000));
        assertRanges(sb, b, 2000, 5000, 6000, 7000);
        assertEquals(2, sb.evictions());
        // The forgotten block is learned again once there is room.
        assertEquals(1000, sack(sb, b, 0, 20_000, 10_000, 11_000));
        assertRanges(sb, b, 2000, 5000, 6000, 7000, 10_000, 11_000);
        // Cumulative ACKs free slots at the low end.
        sb.advance(b + 5000);
        assertEquals(1000, sack(sb, b, 5000, 20_000, 14_000, 15_000));
        assertRanges(sb, b, 6000, 7000, 10_000, 11_000, 14_000, 15_000);
    }

    @Test
    void capacityOfOne() {
        SackScoreboard sb = new SackScoreboard(1);
        sb.reset(0);
        sack(sb, 0, 0, 9000, 5000, 6000);
        sack(sb, 0, 0, 9000, 1000, 2000);
        assertRanges(sb, 0, 1000, 2000);
        sack(sb, 0, 0, 9000, 2000, 8000);
        assertRanges(sb, 0, 1000, 8000);
    }

    @Test
    void isLostByBytes() {
        int b = -1500;
        SackScoreboard sb = board(b);
        // Two full segments above the first: 2 * SMSS octets is not "more than (DupThresh - 1) * SMSS".
        sack(sb, b, 0, 10 * MSS, 1000, 3000);
        assertFalse(sb.isLost(b, MSS));
        sack(sb, b, 0, 10 * MSS, 3000, 3001);
        assertTrue(sb.isLost(b, MSS));
        assertTrue(sb.isLost(b + 999, MSS));
        // Octets inside the range: only the SACKed octets strictly above count.
        assertFalse(sb.isLost(b + 1000, MSS)); // 2000 SACKed octets above, not more than 2000
        assertFalse(sb.isLost(b + 1001, MSS));
        assertFalse(sb.isLost(b + 3001, MSS));
        assertTrue(sb.isLost(b - 10, MSS)); // below SND.UNA: everything is above
    }

    @Test
    void isLostByDiscontiguousRuns() {
        int b = 0;
        SackScoreboard sb = board(b);
        // Three small out-of-order segments, each in its own run: three duplicate ACKs' worth.
        sack(sb, b, 0, 10 * MSS, 1000, 1100);
        sack(sb, b, 0, 10 * MSS, 2000, 2100);
        assertFalse(sb.isLost(b, MSS));
        sack(sb, b, 0, 10 * MSS, 3000, 3100);
        assertTrue(sb.isLost(b, MSS));
        assertTrue(sb.isLost(b + 1098, MSS)); // octet 1099 of the first run is still above
        assertFalse(sb.isLost(b + 1099, MSS));
        assertFalse(sb.isLost(b + 1500, MSS));
        // Contiguous small segments merge into one run: not discontiguous.
        SackScoreboard c = board(b);
        sack(c, b, 0, 10 * MSS, 1000, 1100, 1100, 1200, 1200, 1300);
        assertEquals(1, c.rangeCount());
        assertFalse(c.isLost(b, MSS));
        // A different DupThresh.
        SackScoreboard d = new SackScoreboard(8, 2);
        d.reset(b);
        sack(d, b, 0, 10 * MSS, 1000, 1100, 2000, 2100);
        assertTrue(d.isLost(b, MSS));
        assertFalse(d.isLost(b + 1500, MSS));
        assertTrue(d.isLost(b + 1500, 50)); // 100 octets > (2 - 1) * 50
    }

    /**
     * RFC 6675 §5 walked through: ten segments outstanding, segments 1 and 5 (0-based 0 and 4)
     * dropped, the rest arrive and are SACKed.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, -2500, Integer.MAX_VALUE - 4000})
    void recoveryWalkthrough(int b) {
        SackScoreboard sb = board(b);
        int nxt = 10 * MSS;
        // Segments 1..3 arrive: three ACKs of SND.UNA, each with new SACK information (DupAcks).
        assertTrue(sack(sb, b, 0, nxt, 1000, 2000) > 0);
        assertFalse(sb.isLost(b, MSS));
        assertTrue(sack(sb, b, 0, nxt, 1000, 3000) > 0);
        assertFalse(sb.isLost(b, MSS)); // 2000 SACKed octets: not more than 2 * SMSS
        assertTrue(sack(sb, b, 0, nxt, 1000, 4000) > 0);
        assertTrue(sb.isLost(b, MSS)); // (4) fast retransmit
        // Before retransmitting: [0,1000) lost, [4000,10000) presumed in flight.
        assertEquals(6000, sb.pipe(b, b + nxt, b, MSS));
        assertEquals(RETRANSMIT, sb.nextSeg(b, b + nxt, b, MSS, 0, true));
        assertEquals(b, sb.nextSeq());
        assertEquals(MSS, sb.nextLength());
        int highRxt = b + 1000; // (4.3)
        assertEquals(7000, sb.pipe(b, b + nxt, highRxt, MSS)); // the retransmission is in flight
        // No further loss evident: new data if there is any (rule 2) ...
        assertEquals(NEW_DATA, sb.nextSeg(b, b + nxt, highRxt, MSS, 5000, true));
        assertEquals(b + nxt, sb.nextSeq());
        assertEquals(MSS, sb.nextLength());
        // ... else rule 3 finds nothing below HighSACK, and rule 4 rescues the tail segment.
        assertEquals(RESCUE, sb.nextSeg(b, b + nxt, highRxt, MSS, 0, true));
        assertEquals(b + 9000, sb.nextSeq());
        assertEquals(MSS, sb.nextLength());
        assertEquals(NONE, sb.nextSeg(b, b + nxt, highRxt, MSS, 0, false));
        // Segments 6..10 arrive.
        assertTrue(sack(sb, b, 0, nxt, 5000, 6000, 1000, 4000) > 0);
        assertFalse(sb.isLost(b + 4000, MSS)); // 1000 above
        assertEquals(RETRANSMIT_EARLY, sb.nextSeg(b, b + nxt, highRxt, MSS, 0, false));
        assertEquals(b + 4000, sb.nextSeq());
        sack(sb, b, 0, nxt, 5000, 7000, 1000, 4000);
        sack(sb, b, 0, nxt, 5000, 8000, 1000, 4000);
        assertTrue(sb.isLost(b + 4000, MSS));
        assertEquals(RETRANSMIT, sb.nextSeg(b, b + nxt, highRxt, MSS, 5000, true)); // rule 1 before rule 2
        assertEquals(b + 4000, sb.nextSeq());
        assertEquals(MSS, sb.nextLength());
        // pipe: [0,1000) lost+retransmitted = 1000; [4000,5000) lost = 0; [8000,10000) in flight = 2000
        assertEquals(3000, sb.pipe(b, b + nxt, highRxt, MSS));
        highRxt = b + 5000;
        assertEquals(4000, sb.pipe(b, b + nxt, highRxt, MSS));
        // The retransmission of segment 1 arrives: cumulative ACK to 4000.
        sack(sb, b, 4000, nxt, 5000, 8000);
        assertEquals(b + 4000, sb.sndUna());
        assertRanges(sb, b, 5000, 8000);
        assertEquals(1000 + 2000, sb.pipe(b + 4000, b + nxt, highRxt, MSS));
        assertEquals(NONE, sb.nextSeg(b + 4000, b + nxt, highRxt, MSS, 0, false));
        // The tail: rescue sends the last segment, the highest unSACKed octet.
        assertEquals(RESCUE, sb.nextSeg(b + 4000, b + nxt, highRxt, MSS, 0, true));
        assertEquals(b + 9000, sb.nextSeq());
        // Segment 5's retransmission arrives: SND.UNA jumps over the SACKed range.
        sack(sb, b, 8000, nxt);
        assertEquals(0, sb.rangeCount());
        assertEquals(2000, sb.pipe(b + 8000, b + nxt, highRxt, MSS));
    }

    @Test
    void retransmissionsStopAtSackedRanges() {
        int b = -100;
        SackScoreboard sb = board(b);
        sack(sb, b, 0, 20_000, 300, 1000, 1200, 2000, 2100, 9000);
        assertTrue(sb.isLost(b, MSS));
        assertEquals(RETRANSMIT, sb.nextSeg(b, b + 20_000, b, MSS, 0, false));
        assertEquals(b, sb.nextSeq());
        assertEquals(300, sb.nextLength());
        assertEquals(RETRANSMIT, sb.nextSeg(b, b + 20_000, b + 300, MSS, 0, false));
        assertEquals(b + 1000, sb.nextSeq());
        assertEquals(200, sb.nextLength());
        // HighRxt inside a hole: resume there.
        assertEquals(RETRANSMIT, sb.nextSeg(b, b + 20_000, b + 2050, MSS, 0, false));
        assertEquals(b + 2050, sb.nextSeq());
        assertEquals(50, sb.nextLength());
        // HighRxt inside a SACKed range: the next hole, above HighSACK, so no rule 1 or 3.
        assertEquals(NONE, sb.nextSeg(b, b + 20_000, b + 2500, MSS, 0, false));
        // Small SMSS cuts the segment.
        assertEquals(RETRANSMIT, sb.nextSeg(b, b + 20_000, b + 1000, 64, 0, false));
        assertEquals(b + 1000, sb.nextSeq());
        assertEquals(64, sb.nextLength());
        // Rescue: the highest unSACKed octet is 19_999; with SMSS 600 the segment is [19_400, 20_000).
        assertEquals(RESCUE, sb.nextSeg(b, b + 20_000, b + 9000, 600, 0, true));
        assertEquals(b + 19_400, sb.nextSeq());
        assertEquals(600, sb.nextLength());
    }

    @Test
    void rescueWhenSackReachesSndNxt() {
        int b = 0;
        SackScoreboard sb = board(b);
        sack(sb, b, 0, 5000, 1000, 5000);
        // The hole [0,1000) was retransmitted already; the highest unSACKed octet is 999.
        assertEquals(NONE, sb.nextSeg(b, b + 5000, b + 1000, MSS, 0, false));
        assertEquals(RESCUE, sb.nextSeg(b, b + 5000, b + 1000, 600, 0, true));
        assertEquals(b + 400, sb.nextSeq());
        assertEquals(600, sb.nextLength());
        assertEquals(RESCUE, sb.nextSeg(b, b + 5000, b + 1000, 4000, 0, true));
        assertEquals(b, sb.nextSeq());
        assertEquals(1000, sb.nextLength()); // within its hole
        // The highest hole is short, lies between two ranges and was retransmitted already (rule 1
        // picked it): the rescue stays inside it.
        SackScoreboard c = board(b);
        sack(c, b, 0, 5000, 1000, 2000, 2500, 5000);
        assertEquals(RETRANSMIT, c.nextSeg(b, b + 5000, b + 1000, MSS, 0, true));
        assertEquals(b + 2000, c.nextSeq());
        assertEquals(500, c.nextLength());
        assertEquals(RESCUE, c.nextSeg(b, b + 5000, b + 2500, MSS, 0, true));
        assertEquals(b + 2000, c.nextSeq());
        assertEquals(500, c.nextLength());
        // Everything from SND.UNA to SND.NXT SACKed: no rescue.
        sb.advance(b + 1000);
        assertEquals(NONE, sb.nextSeg(b + 1000, b + 5000, b + 1000, MSS, 0, true));
    }

    @Test
    void pipeCountsOctetsRetransmittedButNotLostTwice() {
        int b = 0;
        SackScoreboard sb = board(b);
        sack(sb, b, 0, 6000, 2000, 3000);
        // Nothing lost: [0,2000) + [3000,6000) in flight = 5000; [0,1500) retransmitted (rule 3) twice.
        assertEquals(5000, sb.pipe(b, b + 6000, b, MSS));
        assertEquals(6500, sb.pipe(b, b + 6000, b + 1500, MSS));
        // HighRxt inside the SACKed range and beyond SND.NXT.
        assertEquals(7000, sb.pipe(b, b + 6000, b + 2500, MSS));
        assertEquals(10_000, sb.pipe(b, b + 6000, b + 9000, MSS));
        // HighRxt behind SND.UNA counts nothing.
        assertEquals(5000, sb.pipe(b, b + 6000, b - 50, MSS));
        // With SMSS 400, [0,2000) is lost (1000 > 800): only [3000,6000) remains.
        assertEquals(3000, sb.pipe(b, b + 6000, b, 400));
        assertEquals(3000 + 1500, sb.pipe(b, b + 6000, b + 1500, 400));
    }

    @Test
    void exactlyTwoSegmentsAboveIsNotLoss() {
        int b = Integer.MIN_VALUE - 1500;
        SackScoreboard sb = board(b);
        sack(sb, b, 0, 5000, 1000, 3000);
        // (DupThresh - 1) * SMSS octets above the hole, not more: still presumed in flight.
        assertEquals(5000 - 2000, sb.pipe(b, b + 5000, b, MSS));
        assertEquals(RETRANSMIT_EARLY, sb.nextSeg(b, b + 5000, b, MSS, 0, false));
        assertEquals(NEW_DATA, sb.nextSeg(b, b + 5000, b, MSS, 1, false));
        sack(sb, b, 0, 5000, 3000, 3001);
        assertEquals(5000 - 2001 - 1000, sb.pipe(b, b + 5000, b, MSS));
        assertEquals(RETRANSMIT, sb.nextSeg(b, b + 5000, b, MSS, 1, false));
        assertEquals(b, sb.nextSeq());
        assertEquals(MSS, sb.nextLength());
    }

    @Test
    void rewoundSndNxtKeepsRangesAboveIt() {
        int b = -700;
        SackScoreboard sb = board(b);
        sack(sb, b, 0, 10_000, 2000, 3000, 4000, 5000, 6000, 7000);
        // Go-back-N after an RTO: SND.NXT = SND.UNA + 1500, scoreboard kept (RFC 6675 §5.1).
        int nxt = b + 1500;
        assertTrue(sb.isLost(b, MSS));
        assertEquals(0, sb.pipe(b, nxt, b, MSS)); // [0,1500) lost and not retransmitted
        assertEquals(RETRANSMIT, sb.nextSeg(b, nxt, b, MSS, 0, false));
        assertEquals(MSS, sb.nextLength());
        assertEquals(RETRANSMIT, sb.nextSeg(b, nxt, b + 1000, MSS, 0, false));
        assertEquals(b + 1000, sb.nextSeq());
        assertEquals(500, sb.nextLength()); // stops at SND.NXT
        assertEquals(RESCUE, sb.nextSeg(b, nxt, b + 1500, MSS, 0, true));
        assertEquals(b + 500, sb.nextSeq());
        assertEquals(MSS, sb.nextLength());
        // Blocks beyond the rewound SND.NXT are refused.
        assertEquals(0, sack(sb, b, 0, 1500, 2000, 3500));
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new SackScoreboard(0));
        assertThrows(IllegalArgumentException.class, () -> new SackScoreboard(4, 0));
        SackScoreboard sb = board(0);
        assertThrows(IllegalArgumentException.class, () -> sb.update(0, 100, new int[3], 2));
        assertThrows(IllegalArgumentException.class, () -> sb.nextSeg(0, 100, 0, 0, 0, false));
        assertThrows(IndexOutOfBoundsException.class, () -> sb.rangeStart(0));
    }

    @Test
    void toStringShowsRangesUnsigned() {
        SackScoreboard sb = board(-10);
        sack(sb, -10, 0, 100, 5, 20);
        assertEquals("SackScoreboard[una=4294967286 sacked=15 ranges=1/32 [4294967291, 10)]", sb.toString());
    }

    @Test
    void hotPathsAllocateNothing() {
        SackScoreboard sb = new SackScoreboard(32);
        int[] blocks = new int[8];
        long[] sink = new long[1];
        Runnable round = () -> {
            int base = -50_000;
            sb.reset(base);
            for (int k = 0; k < 200; k++) {
                int una = base + k * 300;
                int nxt = una + 40_000;
                for (int j = 0; j < 4; j++) {
                    int l = una + 500 + ((k * 7919 + j * 104_729) % 38_000);
                    blocks[2 * j] = l;
                    blocks[2 * j + 1] = l + 100 + j * 333;
                }
                sink[0] += sb.update(una, nxt, blocks, 4);
                sink[0] += sb.addBlock(una + 39_000, una + 39_500, una, nxt);
                sink[0] += sb.isLost(una + k, 1460) ? 1 : 0;
                sink[0] += sb.pipe(una, nxt, una + 3000, 1460);
                sink[0] += sb.nextSeg(una, nxt, una + k * 10, 1460, k & 1, true) + sb.nextSeq() + sb.nextLength();
                sink[0] += sb.isSacked(una + 2000) ? 1 : 0;
                sb.advance(una + 300);
            }
        };
        for (int i = 0; i < 500; i++) round.run(); // warm-up: class loading and compilation
        // The JIT may allocate once on this thread (a recompilation); an allocation in the scoreboard
        // would recur in every window, so the quietest of a few windows must be exactly zero.
        long least = Long.MAX_VALUE;
        for (int w = 0; w < 10 && least > 0; w++) {
            long before = SteadyState.allocatedBytes();
            for (int i = 0; i < 100; i++) round.run();
            least = Math.min(least, SteadyState.allocatedBytes() - before);
        }
        assertEquals(0, least, "bytes allocated by 100 rounds of 200 ACKs");
        assertTrue(sink[0] != 0);
    }
}
