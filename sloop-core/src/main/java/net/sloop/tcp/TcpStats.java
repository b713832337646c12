package net.sloop.tcp;

/** TCP's own counters, beyond the per-protocol counters and drop reasons in {@link net.sloop.stats.Stats}. */
public final class TcpStats implements net.sloop.stats.Figures {
    /** Counters all at zero. */
    public TcpStats() {}

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

    /** Every counter, named in snake case (active_opens, passive_opens, ...), in declaration order (TcpStatsFiguresTest checks none is missed). */
    @Override
    public void figures(Sink s) {
        s.figure("active_opens", activeOpens);
        s.figure("passive_opens", passiveOpens);
        s.figure("established", established);
        s.figure("closed", closed);
        s.figure("aborted", aborted);
        s.figure("segments_sent", segmentsSent);
        s.figure("data_bytes_sent", dataBytesSent);
        s.figure("retransmitted_segments", retransmittedSegments);
        s.figure("retransmitted_bytes", retransmittedBytes);
        s.figure("timeouts", timeouts);
        s.figure("fast_retransmits", fastRetransmits);
        s.figure("duplicate_acks", duplicateAcks);
        s.figure("window_probes", windowProbes);
        s.figure("keepalive_probes", keepaliveProbes);
        s.figure("fin_wait2_timeouts", finWait2Timeouts);
        s.figure("resets_sent", resetsSent);
        s.figure("resets_received", resetsReceived);
        s.figure("challenge_acks", challengeAcks);
        s.figure("challenge_acks_suppressed", challengeAcksSuppressed);
        s.figure("invalid_acks_suppressed", invalidAcksSuppressed);
        s.figure("cookies_sent", cookiesSent);
        s.figure("cookies_accepted", cookiesAccepted);
        s.figure("syn_evicted", synEvicted);
        s.figure("syn_timeouts", synTimeouts);
        s.figure("admissions_refused", admissionsRefused);
        s.figure("pressure_refusals", pressureRefusals);
        s.figure("windows_limited_by_memory", windowsLimitedByMemory);
        s.figure("receive_overruns", receiveOverruns);
        s.figure("reclaimed_time_wait", reclaimedTimeWait);
        s.figure("reclaimed_out_of_order", reclaimedOutOfOrder);
        s.figure("time_wait_dropped", timeWaitDropped);
        s.figure("time_wait_reused", timeWaitReused);
        s.figure("windows_shrunk", windowsShrunk);
        s.figure("data_beyond_window", dataBeyondWindow);
        s.figure("orphans_reclaimed", orphansReclaimed);
        s.figure("orphans_reset", orphansReset);
        s.figure("orphan_timeouts", orphanTimeouts);
        s.figure("frames_on_loan", framesOnLoan);
        s.figure("loans_unpaid", loansUnpaid);
        s.figure("segments_adopted", segmentsAdopted);
        s.figure("out_of_order_segments", outOfOrderSegments);
        s.figure("scoreboards_exhausted", scoreboardsExhausted);
        s.figure("icmp_errors", icmpErrors);
        s.figure("pmtu_updates", pmtuUpdates);
        s.figure("dsacks_received", dsacksReceived);
        s.figure("rescue_retransmits", rescueRetransmits);
    }

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
