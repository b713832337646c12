package net.sloop.tcp;

import static net.sloop.time.Time.millis;
import static net.sloop.time.Time.seconds;

/**
 * TCP's knobs, part of the stack's configuration. Each says what it costs or bounds. Times are
 * nanoseconds. Build with {@link #builder()}; {@link Builder#build()} validates.
 *
 * @param sendBuffer bytes a socket may hold written but unacknowledged (blocks, whole) when it starts; taken only as
 *     the application writes and within the connection's fair share of the budget (16 KiB). With autotuning
 *     ({@code sendBufferMax} above it) the limit then follows the congestion window: twice it, as Linux's
 *     tcp_sndbuf_expand, up to {@code sendBufferMax}
 * @param receiveBuffer bytes a socket may hold received but unread when it starts; bounds its advertised window,
 *     which starts at the guaranteed minimum and grows towards this as the peer fills it, within the fair share (16
 *     KiB). With autotuning ({@code receiveBufferMax} above it) the bound itself grows, as Linux's dynamic
 *     right-sizing does: when the application reads more than half of it in one round trip, to twice what it
 *     read, up to {@code receiveBufferMax}
 * @param synQueue half-open connections held at once, for all listeners (compact entries, charged at start-up)
 * @param synCookies answer SYNs with RFC 4987 cookies when the SYN queue is full (else evict the oldest entry)
 * @param acceptBacklog default connections a listener holds established but not yet accepted
 * @param timeWaitRecords TIME_WAIT records kept at most; the oldest is recycled when full
 * @param timeWaitNanos how long a record stays (2*MSL; RFC 9293 §3.4.2 suggests 2 minutes, Linux uses 60 s)
 * @param initialRtoNanos RTO before any RTT sample (RFC 6298 §2.1: 1 s)
 * @param minRtoNanos lower bound of the RTO (RFC 6298 §2.4 says 1 s; Linux uses 200 ms)
 * @param maxRtoNanos upper bound of the backed-off RTO (RFC 6298 §2.5: at least 60 s)
 * @param maxRetransmits retransmissions of one segment before the connection is aborted (RFC 1122 §4.2.3.5 R2)
 * @param synRetries SYN (or SYN-ACK) retransmissions before connect fails
 * @param delayedAckNanos longest an ACK is delayed (RFC 9293 §3.8.6.3: under 0.5 s); 0 disables delayed ACKs
 * @param keepIdleNanos idle time before the first keepalive probe, for sockets that enable keepalive
 * @param keepIntervalNanos time between unanswered keepalive probes
 * @param keepCount unanswered probes before the connection is aborted
 * @param finWait2Nanos how long a connection the application closed may wait in FIN_WAIT_2 for the peer's FIN
 * @param guaranteedBytes bytes each way every admitted connection is guaranteed (committed at admission, in whole
 *     blocks): enough to make progress. 0 derives it: two full segments each way, less on budgets too small for that
 *     (at least two blocks). Windows beyond it are backed on demand from the shared pool.
 * @param guaranteedConnections connections the budget is kept able to admit at their guaranteed minimum whatever the
 *     others hold: growth beyond the minimum never takes the memory that many admissions need (less those admitted,
 *     and always at least one). 0 derives it: a quarter of what the budget could admit at the minimum.
 * @param maxOrphans connections the application has closed but the protocol has not finished (FIN_WAIT_1/2, CLOSING,
 *     LAST_ACK) kept at once, like Linux's tcp_max_orphans; beyond it the oldest is reset. 0 derives it: half the
 *     connections the budget can admit (at least 4).
 * @param orphanTimeoutNanos longest an orphan lives, whatever its peer answers (like Linux's tcp_orphan_retries): a peer
 *     that keeps its window shut, or never sends its FIN, cannot hold an orphan's memory past it
 * @param outOfOrderBlocks blocks a connection may hold for data received ahead of a gap; pruned first under pressure
 * @param pressurePercent share of the budget beyond which connections are held to a fair share of the rest (like Linux tcp_mem)
 * @param sackScoreboards SACK scoreboards shared by the connections in loss recovery (charged at start-up)
 * @param sackRanges ranges one scoreboard remembers
 * @param initialWindowSegments initial congestion window in segments (RFC 6928: 10; RFC 5681: 2 to 4)
 * @param congestionControl "newreno" or "cubic"
 * @param windowScaling offer RFC 7323 window scaling
 * @param timestamps offer RFC 7323 timestamps
 * @param sack offer RFC 2018 selective acknowledgements
 * @param maxSegment largest segment offered and sent, before the interface MTU limits it
 * @param secret key for initial sequence numbers, SYN cookies and table hashing (RFC 6528); 0 draws one from
 *     SecureRandom. Fix it only to replay a simulation exactly: a known key makes sequence numbers guessable.
 * @param sendBufferMax the most a send buffer grows to by autotuning (4 MiB); equal to {@code sendBuffer}: fixed.
 *     Memory is still taken only as the application writes, and within the fair share under pressure
 * @param receiveBufferMax the most a receive buffer grows to by autotuning (4 MiB); equal to {@code receiveBuffer}:
 *     fixed. The window offered still grows only as the peer fills it, backed by committed blocks, within the fair
 *     share; the window scale offered is chosen for this maximum
 */
public record TcpConfig(
        int sendBuffer,
        int receiveBuffer,
        int synQueue,
        boolean synCookies,
        int acceptBacklog,
        int timeWaitRecords,
        long timeWaitNanos,
        long initialRtoNanos,
        long minRtoNanos,
        long maxRtoNanos,
        int maxRetransmits,
        int synRetries,
        long delayedAckNanos,
        long keepIdleNanos,
        long keepIntervalNanos,
        int keepCount,
        long finWait2Nanos,
        int guaranteedBytes,
        int guaranteedConnections,
        int maxOrphans,
        long orphanTimeoutNanos,
        int outOfOrderBlocks,
        int pressurePercent,
        int sackScoreboards,
        int sackRanges,
        int initialWindowSegments,
        String congestionControl,
        boolean windowScaling,
        boolean timestamps,
        boolean sack,
        int maxSegment,
        long secret,
        int sendBufferMax,
        int receiveBufferMax) {

    /** The default most a buffer grows to by autotuning, each way: 4 MiB (Linux's tcp_wmem maximum). */
    public static final int AUTOTUNE_MAX = 4 << 20;

    /** True if the send buffer is autotuned ({@code sendBufferMax} above {@code sendBuffer}). */
    public boolean sendAutotuned() {
        return sendBufferMax > sendBuffer;
    }

    /** True if the receive buffer is autotuned ({@code receiveBufferMax} above {@code receiveBuffer}). */
    public boolean receiveAutotuned() {
        return receiveBufferMax > receiveBuffer;
    }

    public static TcpConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.sendBuffer = sendBuffer;
        b.receiveBuffer = receiveBuffer;
        b.synQueue = synQueue;
        b.synCookies = synCookies;
        b.acceptBacklog = acceptBacklog;
        b.timeWaitRecords = timeWaitRecords;
        b.timeWaitNanos = timeWaitNanos;
        b.initialRtoNanos = initialRtoNanos;
        b.minRtoNanos = minRtoNanos;
        b.maxRtoNanos = maxRtoNanos;
        b.maxRetransmits = maxRetransmits;
        b.synRetries = synRetries;
        b.delayedAckNanos = delayedAckNanos;
        b.keepIdleNanos = keepIdleNanos;
        b.keepIntervalNanos = keepIntervalNanos;
        b.keepCount = keepCount;
        b.finWait2Nanos = finWait2Nanos;
        b.guaranteedBytes = guaranteedBytes;
        b.guaranteedConnections = guaranteedConnections;
        b.maxOrphans = maxOrphans;
        b.orphanTimeoutNanos = orphanTimeoutNanos;
        b.outOfOrderBlocks = outOfOrderBlocks;
        b.pressurePercent = pressurePercent;
        b.sackScoreboards = sackScoreboards;
        b.sackRanges = sackRanges;
        b.initialWindowSegments = initialWindowSegments;
        b.congestionControl = congestionControl;
        b.windowScaling = windowScaling;
        b.timestamps = timestamps;
        b.sack = sack;
        b.maxSegment = maxSegment;
        b.secret = secret;
        b.sendBufferMax = sendBufferMax;
        b.receiveBufferMax = receiveBufferMax;
        return b;
    }

    /** Mutable builder starting at the defaults; {@link #build()} validates. */
    public static final class Builder {
        /** A builder at the defaults (as {@link TcpConfig#builder()} gives). */
        public Builder() {}

        private int sendBuffer = 16 * 1024;
        private int receiveBuffer = 16 * 1024;
        private int sendBufferMax = AUTOTUNE_MAX;
        private int receiveBufferMax = AUTOTUNE_MAX;
        private int synQueue = 16;
        private boolean synCookies = true;
        private int acceptBacklog = 16;
        private int timeWaitRecords = 256;
        private long timeWaitNanos = seconds(60);
        private long initialRtoNanos = seconds(1);
        private long minRtoNanos = millis(200);
        private long maxRtoNanos = seconds(60);
        private int maxRetransmits = 15;
        private int synRetries = 6;
        private long delayedAckNanos = millis(40);
        private long keepIdleNanos = seconds(7200);
        private long keepIntervalNanos = seconds(75);
        private int keepCount = 9;
        private long finWait2Nanos = seconds(60);
        private int guaranteedBytes = 0;
        private int guaranteedConnections = 0;
        private int maxOrphans = 0;
        private long orphanTimeoutNanos = seconds(120);
        private int outOfOrderBlocks = 32;
        private int pressurePercent = 50;
        private int sackScoreboards = 4;
        private int sackRanges = 8;
        private int initialWindowSegments = 10;
        private String congestionControl = "newreno";
        private boolean windowScaling = true;
        private boolean timestamps = true;
        private boolean sack = true;
        private int maxSegment = 65495;
        private long secret;

        /** A fixed send buffer of {@code v} bytes (no autotuning). */
        public Builder sendBuffer(int v) { sendBuffer = v; sendBufferMax = v; return this; }
        /** A fixed receive buffer of {@code v} bytes (no autotuning). */
        public Builder receiveBuffer(int v) { receiveBuffer = v; receiveBufferMax = v; return this; }
        /** A send buffer that starts at {@code start} bytes and grows with the congestion window up to {@code max}. */
        public Builder sendBufferAutotuned(int start, int max) { sendBuffer = start; sendBufferMax = max; return this; }
        /** A receive buffer that starts at {@code start} bytes and grows with what the application reads per round trip, up to {@code max}. */
        public Builder receiveBufferAutotuned(int start, int max) { receiveBuffer = start; receiveBufferMax = max; return this; }
        public Builder synQueue(int v) { synQueue = v; return this; }
        public Builder synCookies(boolean v) { synCookies = v; return this; }
        public Builder acceptBacklog(int v) { acceptBacklog = v; return this; }
        public Builder timeWaitRecords(int v) { timeWaitRecords = v; return this; }
        public Builder timeWaitNanos(long v) { timeWaitNanos = v; return this; }
        public Builder initialRtoNanos(long v) { initialRtoNanos = v; return this; }
        public Builder minRtoNanos(long v) { minRtoNanos = v; return this; }
        public Builder maxRtoNanos(long v) { maxRtoNanos = v; return this; }
        public Builder maxRetransmits(int v) { maxRetransmits = v; return this; }
        public Builder synRetries(int v) { synRetries = v; return this; }
        public Builder delayedAckNanos(long v) { delayedAckNanos = v; return this; }
        public Builder keepIdleNanos(long v) { keepIdleNanos = v; return this; }
        public Builder keepIntervalNanos(long v) { keepIntervalNanos = v; return this; }
        public Builder keepCount(int v) { keepCount = v; return this; }
        public Builder finWait2Nanos(long v) { finWait2Nanos = v; return this; }
        public Builder guaranteedBytes(int v) { guaranteedBytes = v; return this; }
        public Builder guaranteedConnections(int v) { guaranteedConnections = v; return this; }
        public Builder maxOrphans(int v) { maxOrphans = v; return this; }
        public Builder orphanTimeoutNanos(long v) { orphanTimeoutNanos = v; return this; }
        public Builder outOfOrderBlocks(int v) { outOfOrderBlocks = v; return this; }
        public Builder pressurePercent(int v) { pressurePercent = v; return this; }
        public Builder sackScoreboards(int v) { sackScoreboards = v; return this; }
        public Builder sackRanges(int v) { sackRanges = v; return this; }
        public Builder initialWindowSegments(int v) { initialWindowSegments = v; return this; }
        public Builder congestionControl(String v) { congestionControl = v; return this; }
        public Builder windowScaling(boolean v) { windowScaling = v; return this; }
        public Builder timestamps(boolean v) { timestamps = v; return this; }
        public Builder sack(boolean v) { sack = v; return this; }
        public Builder maxSegment(int v) { maxSegment = v; return this; }
        public Builder secret(long v) { secret = v; return this; }

        public TcpConfig build() {
            need(sendBuffer >= 1 && sendBuffer <= (1 << 30), "tcp sendBuffer " + sendBuffer + " must be 1..2^30 bytes");
            need(receiveBuffer >= 1 && receiveBuffer <= (1 << 30), "tcp receiveBuffer " + receiveBuffer + " must be 1..2^30 bytes");
            need(sendBufferMax >= sendBuffer && sendBufferMax <= (1 << 30), "tcp sendBufferMax " + sendBufferMax + " must be sendBuffer.." + (1 << 30) + " bytes");
            need(receiveBufferMax >= receiveBuffer && receiveBufferMax <= (1 << 30), "tcp receiveBufferMax " + receiveBufferMax + " must be receiveBuffer.." + (1 << 30) + " bytes");
            need(synQueue >= 1, "tcp synQueue must be at least 1");
            need(acceptBacklog >= 1, "tcp acceptBacklog must be at least 1");
            need(timeWaitRecords >= 0, "tcp timeWaitRecords must be >= 0 (0: no TIME_WAIT state is kept)");
            need(timeWaitNanos >= 0 && timeWaitNanos <= seconds(600), "tcp timeWaitNanos must be 0..600 s");
            need(minRtoNanos > 0 && minRtoNanos <= initialRtoNanos && initialRtoNanos <= maxRtoNanos,
                    "tcp RTO bounds must satisfy 0 < minRto <= initialRto <= maxRto");
            need(maxRetransmits >= 1 && synRetries >= 1, "tcp maxRetransmits and synRetries must be at least 1");
            need(delayedAckNanos >= 0 && delayedAckNanos < millis(500), "tcp delayedAckNanos must be under 500 ms (RFC 9293 §3.8.6.3)");
            need(keepIdleNanos > 0 && keepIntervalNanos > 0 && keepCount >= 1, "tcp keepalive times and count must be positive");
            need(finWait2Nanos > 0, "tcp finWait2Nanos must be positive");
            need(guaranteedBytes >= 0 && guaranteedBytes <= (1 << 20), "tcp guaranteedBytes must be 0..1 MiB (0: derived)");
            need(guaranteedConnections >= 0, "tcp guaranteedConnections must be >= 0 (0: derived)");
            need(maxOrphans >= 0, "tcp maxOrphans must be >= 0 (0: derived)");
            need(orphanTimeoutNanos >= seconds(1), "tcp orphanTimeoutNanos must be at least 1 s");
            need(outOfOrderBlocks >= 0, "tcp outOfOrderBlocks must be >= 0");
            need(pressurePercent >= 1 && pressurePercent <= 100, "tcp pressurePercent must be 1..100");
            need(sackScoreboards >= 0 && sackRanges >= 1, "tcp sackScoreboards >= 0 and sackRanges >= 1");
            need(initialWindowSegments >= 1 && initialWindowSegments <= 64, "tcp initialWindowSegments must be 1..64");
            need("newreno".equals(congestionControl) || "cubic".equals(congestionControl),
                    "tcp congestionControl must be newreno or cubic, not " + congestionControl);
            need(maxSegment >= 64 && maxSegment <= 65495, "tcp maxSegment must be 64..65495");
            return new TcpConfig(sendBuffer, receiveBuffer, synQueue, synCookies, acceptBacklog, timeWaitRecords, timeWaitNanos,
                    initialRtoNanos, minRtoNanos, maxRtoNanos, maxRetransmits, synRetries, delayedAckNanos, keepIdleNanos,
                    keepIntervalNanos, keepCount, finWait2Nanos, guaranteedBytes, guaranteedConnections, maxOrphans, orphanTimeoutNanos, outOfOrderBlocks, pressurePercent, sackScoreboards, sackRanges,
                    initialWindowSegments, congestionControl, windowScaling, timestamps, sack, maxSegment, secret, sendBufferMax, receiveBufferMax);
        }

        private static void need(boolean ok, String message) {
            if (!ok) throw new IllegalArgumentException(message);
        }
    }
}
