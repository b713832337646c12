package net.sloop.tcp;

/** TCP's own counters, beyond the per-protocol counters and drop reasons in {@link net.sloop.stats.Stats}. */
public final class TcpStats {
    public long activeOpens, passiveOpens, established, closed, aborted;
    public long segmentsSent, dataBytesSent, retransmittedSegments, retransmittedBytes;
    public long timeouts, fastRetransmits, duplicateAcks, windowProbes, keepaliveProbes, finWait2Timeouts;
    public long resetsSent, resetsReceived, challengeAcks, challengeAcksSuppressed, invalidAcksSuppressed;
    public long cookiesSent, cookiesAccepted, synEvicted, synTimeouts;
    public long admissionsRefused, pressureRefusals, windowsLimitedByMemory, receiveOverruns;
    public long reclaimedTimeWait, reclaimedOutOfOrder, timeWaitDropped, timeWaitReused;
    public long windowsShrunk, dataBeyondWindow, orphansReclaimed, orphansReset, orphanTimeouts, framesOnLoan, loansUnpaid, segmentsAdopted;
    public long outOfOrderSegments, scoreboardsExhausted, icmpErrors, pmtuUpdates;
    /** Spurious retransmissions the peer reported with a D-SACK (RFC 2883), and rescue retransmissions (RFC 6675 §4 rule 4). */
    public long dsacksReceived, rescueRetransmits;

    /** One line per non-zero counter, for people. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (java.lang.reflect.Field f : TcpStats.class.getFields()) {
            try {
                long v = f.getLong(this);
                if (v != 0) sb.append(String.format("  tcp %-24s %,d%n", f.getName(), v));
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
        return sb.toString();
    }
}
