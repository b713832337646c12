package net.sloop.stack;

import net.sloop.mem.Chains;
import net.sloop.tcp.TcpConfig;
import net.sloop.time.Time;

/**
 * Everything a stack is sized by, validated when the stack starts. Each knob says what it costs.
 * Build with {@link #builder()} (or {@link #defaults()}); {@link Builder#build()} validates and names the
 * first inconsistent setting and why.
 *
 * @param budgetBytes the arena: every packet, buffer and control structure of the stack lives within it
 * @param blockSize bytes per block; a frame of MTU m takes ceil((m + 14 + 16) / blockSize) blocks while it is received
 * @param rxReserveBlocks blocks only the receive path may take (so an ACK can always be heard); must hold one largest frame
 * @param maxMtu largest IP packet any interface carries; sizes the transmit frame buffer (set aside at start-up)
 * @param arpEntries ARP cache entries, charged at start-up (about 120 bytes each: {@code Arp.controlBytes})
 * @param arpQueuePerEntry packets that may wait for one address to resolve (oldest dropped first); each holds its blocks
 * @param arpReachableNanos how long a resolved entry is trusted before it must be resolved again
 * @param arpRetryNanos interval between ARP requests for an unresolved address
 * @param arpRetries requests sent before an address is declared unreachable and its queue dropped
 * @param reassemblySlots datagrams reassembled at once, charged at start-up; the oldest is evicted when all are busy
 * @param reassemblyMaxBytes bytes of budget fragments may hold in total (blocks, whole); the oldest datagram is evicted beyond it
 * @param reassemblyTimeoutNanos an incomplete datagram is dropped this long after its first fragment (RFC 791: 15 s minimum; default 30 s)
 * @param udpQueueDatagrams default bound on datagrams a UDP socket keeps unread
 * @param udpQueueBytes default bound on budget bytes (whole blocks) a UDP socket keeps unread
 * @param timerCapacity timers armed at once; sized for the stack's tables and sockets: at least {@code arpEntries + reassemblySlots}
 * @param ttl time-to-live of outgoing datagrams
 * @param icmpErrorsPerSecond ICMP errors sent per second at most (token bucket, burst of the same size); RFC 1812 §4.3.2.8
 * @param tcp TCP's settings (buffers, queues, timers); each TCP connection also needs one timer slot
 * @param applicationTimers timer slots set aside for applications on the stack's thread (for example the idle
 *        timer of {@code net.sloop.service.Services}), taken with {@link Stack#reserveTimer()}; each is one slot
 *        fewer for TCP connections (default 0)
 * @param segmentOffloadBytes TCP segmentation offload: the largest IP packet carrying TCP that the stack hands
 *        whole to a link that cuts it into MSS-sized segments itself ({@code net.sloop.link.Link#segmentOffload},
 *        a TUN device with virtio-net headers), so that one pass through the stack and one write send up to
 *        44 segments. It sizes the transmit frame (set aside at start-up, charged as TX): 0 (the default)
 *        never, else {@code maxMtu}..65535
 */
public record StackConfig(
        long budgetBytes,
        int blockSize,
        int rxReserveBlocks,
        int maxMtu,
        int arpEntries,
        int arpQueuePerEntry,
        long arpReachableNanos,
        long arpRetryNanos,
        int arpRetries,
        int reassemblySlots,
        int reassemblyMaxBytes,
        long reassemblyTimeoutNanos,
        int udpQueueDatagrams,
        int udpQueueBytes,
        int timerCapacity,
        int ttl,
        int icmpErrorsPerSecond,
        TcpConfig tcp,
        int applicationTimers,
        int segmentOffloadBytes) {

    /** 128 KiB in 512-byte blocks, MTU 1500, with a receive reserve of one full frame. */
    public static StackConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.budgetBytes = budgetBytes;
        b.blockSize = blockSize;
        b.rxReserveBlocks = rxReserveBlocks;
        b.maxMtu = maxMtu;
        b.arpEntries = arpEntries;
        b.arpQueuePerEntry = arpQueuePerEntry;
        b.arpReachableNanos = arpReachableNanos;
        b.arpRetryNanos = arpRetryNanos;
        b.arpRetries = arpRetries;
        b.reassemblySlots = reassemblySlots;
        b.reassemblyMaxBytes = reassemblyMaxBytes;
        b.reassemblyTimeoutNanos = reassemblyTimeoutNanos;
        b.udpQueueDatagrams = udpQueueDatagrams;
        b.udpQueueBytes = udpQueueBytes;
        b.timerCapacity = timerCapacity;
        b.ttl = ttl;
        b.icmpErrorsPerSecond = icmpErrorsPerSecond;
        b.tcp = tcp;
        b.applicationTimers = applicationTimers;
        b.segmentOffloadBytes = segmentOffloadBytes;
        return b;
    }

    /**
     * A block size that suits a budget of {@code budgetBytes}: the largest of 512, 1024 and 2048
     * bytes that still cuts the budget into at least 8,192 blocks; 512 below 8 MiB (the small
     * devices, where a block's slack is dear), 2,048 from 16 MiB (an MTU-1500 frame then fits one
     * block, and each copy moves four times as much per block visited). Measured with
     * {@code ./sloop serve --budget 64m}: chargen to Linux about 1.3x as fast with 2,048-byte blocks
     * as with 512, echo about 1.05x (docs/PERFORMANCE.md). The builder's default stays 512; {@code
     * ./sloop serve} uses this.
     */
    public static int blockSizeFor(long budgetBytes) {
        int size = 512;
        while (size < 2048 && budgetBytes / (size * 2L) >= 8192) size *= 2;
        return size;
    }

    /** Mutable builder; {@link #build()} validates. Fields start at the documented defaults. */
    public static final class Builder {
        /** A builder at the defaults (as {@link StackConfig#builder()} gives). */
        public Builder() {}

        private long budgetBytes = 128 * 1024;
        private int blockSize = 512;
        private int rxReserveBlocks = -1; // derived: one largest frame
        private int maxMtu = 1500;
        private int segmentOffloadBytes = 0;
        private int arpEntries = 8;
        private int arpQueuePerEntry = 3;
        private long arpReachableNanos = Time.seconds(300);
        private long arpRetryNanos = Time.seconds(1);
        private int arpRetries = 3;
        private int reassemblySlots = 4;
        private int reassemblyMaxBytes = -1; // derived: a quarter of the budget
        private long reassemblyTimeoutNanos = Time.seconds(30);
        private int udpQueueDatagrams = 16;
        private int udpQueueBytes = 8 * 1024;
        private int timerCapacity = 256;
        private int ttl = 64;
        private int icmpErrorsPerSecond = 100;
        private TcpConfig tcp = TcpConfig.defaults();
        private int applicationTimers = 0;

        public Builder budget(long bytes) { budgetBytes = bytes; return this; }
        public Builder blockSize(int bytes) { blockSize = bytes; return this; }
        public Builder rxReserveBlocks(int blocks) { rxReserveBlocks = blocks; return this; }
        public Builder maxMtu(int mtu) { maxMtu = mtu; return this; }
        public Builder arp(int entries, int queuePerEntry) { arpEntries = entries; arpQueuePerEntry = queuePerEntry; return this; }
        public Builder arpTimes(long reachableNanos, long retryNanos, int retries) {
            arpReachableNanos = reachableNanos; arpRetryNanos = retryNanos; arpRetries = retries; return this;
        }
        public Builder reassembly(int slots, int maxBytes, long timeoutNanos) {
            reassemblySlots = slots; reassemblyMaxBytes = maxBytes; reassemblyTimeoutNanos = timeoutNanos; return this;
        }
        public Builder udpQueue(int datagrams, int bytes) { udpQueueDatagrams = datagrams; udpQueueBytes = bytes; return this; }
        public Builder timerCapacity(int n) { timerCapacity = n; return this; }
        /** Timer slots set aside for applications (see {@link Stack#reserveTimer()}); taken from TCP's share. */
        public Builder applicationTimers(int n) { applicationTimers = n; return this; }
        public Builder ttl(int t) { ttl = t; return this; }
        public Builder icmpErrorsPerSecond(int n) { icmpErrorsPerSecond = n; return this; }
        public Builder tcp(TcpConfig t) { tcp = t; return this; }
        public Builder segmentOffload(int bytes) { segmentOffloadBytes = bytes; return this; }

        public StackConfig build() {
            int reserve = rxReserveBlocks >= 0 ? rxReserveBlocks
                    : Math.max(1, (maxMtu + 14 + RX_HEADROOM + blockSize - 1) / Math.max(1, blockSize));
            int reass = reassemblyMaxBytes >= 0 ? reassemblyMaxBytes : (int) Math.min(Integer.MAX_VALUE, budgetBytes / 4);
            return new StackConfig(budgetBytes, blockSize, reserve, maxMtu, arpEntries, arpQueuePerEntry,
                    arpReachableNanos, arpRetryNanos, arpRetries, reassemblySlots, reass, reassemblyTimeoutNanos,
                    udpQueueDatagrams, udpQueueBytes, timerCapacity, ttl, icmpErrorsPerSecond, tcp, applicationTimers, segmentOffloadBytes).validate();
        }
    }

    /** Timers TCP's tables use (SYN queue, TIME_WAIT table); each connection needs one more. */
    public static final int TCP_TABLE_TIMERS = 2;

    /** TCP connections that can be open at once as far as timers go: the timer slots left over. */
    public int tcpConnectionTimers() {
        return timerCapacity - arpEntries - reassemblySlots - TCP_TABLE_TIMERS - applicationTimers;
    }

    /** Number of blocks in the budget. */
    public int blocks() {
        return (int) (budgetBytes / blockSize);
    }

    /**
     * Checks the settings against each other.
     *
     * @throws IllegalArgumentException naming the first inconsistent setting and why
     */
    public StackConfig validate() {
        int largestMtu = maxMtu;
        require(maxMtu >= 576 && maxMtu <= 65535, "maxMtu " + maxMtu + " must be 576..65535 (RFC 791: every host takes 576)");
        require(blockSize >= Chains.MIN_BLOCK_SIZE && blockSize % 8 == 0,
                "blockSize " + blockSize + " must be a multiple of 8 and at least " + Chains.MIN_BLOCK_SIZE);
        require(budgetBytes >= 8L * blockSize, "budgetBytes " + budgetBytes + " gives fewer than 8 blocks of " + blockSize);
        require(budgetBytes <= (1L << 30), "budgetBytes " + budgetBytes + " exceeds 1 GiB");
        int frameBlocks = framesBlocks(largestMtu);
        require(rxReserveBlocks >= frameBlocks, "rxReserveBlocks " + rxReserveBlocks + " cannot hold one frame of MTU "
                + largestMtu + " (" + frameBlocks + " blocks of " + blockSize + ")");
        require(rxReserveBlocks < blocks() / 2, "rxReserveBlocks " + rxReserveBlocks + " leaves less than half of the "
                + blocks() + " blocks to everything else");
        require(arpEntries >= 1 && arpEntries <= 4096, "arpEntries " + arpEntries + " must be 1..4096");
        require(arpQueuePerEntry >= 0 && arpQueuePerEntry <= 64, "arpQueuePerEntry " + arpQueuePerEntry + " must be 0..64");
        require(arpRetries >= 1, "arpRetries must be at least 1");
        require(arpReachableNanos > 0 && arpRetryNanos > 0, "ARP times must be positive");
        require(reassemblySlots >= 0 && reassemblySlots <= 1024, "reassemblySlots " + reassemblySlots + " must be 0..1024");
        require(reassemblyMaxBytes >= 0, "reassemblyMaxBytes must not be negative");
        require(reassemblyTimeoutNanos >= Time.seconds(1), "reassemblyTimeoutNanos must be at least 1 s");
        require(udpQueueDatagrams >= 1 && udpQueueBytes >= blockSize,
                "UDP queue must allow at least one datagram and one block (" + blockSize + " bytes)");
        require(timerCapacity >= 16, "timerCapacity " + timerCapacity + " must be at least 16");
        require(applicationTimers >= 0, "applicationTimers " + applicationTimers + " must not be negative");
        require(timerCapacity >= arpEntries + reassemblySlots + TCP_TABLE_TIMERS + applicationTimers + 1, "timerCapacity " + timerCapacity
                + " cannot arm a timer for each of the " + arpEntries + " ARP entries, " + reassemblySlots
                + " reassembly slots, TCP's " + TCP_TABLE_TIMERS + " tables and " + applicationTimers + " application timers, plus one TCP connection"
                + " (a slot without its timer would never time out)");
        require(tcp != null, "tcp settings missing");
        require(ttl >= 1 && ttl <= 255, "ttl " + ttl + " must be 1..255");
        require(icmpErrorsPerSecond >= 0, "icmpErrorsPerSecond must not be negative");
        require(segmentOffloadBytes == 0 || (segmentOffloadBytes >= maxMtu && segmentOffloadBytes <= 65535),
                "segmentOffloadBytes " + segmentOffloadBytes + " must be 0 (none) or maxMtu (" + maxMtu + ")..65535");
        return this;
    }

    /** Blocks one received frame of the given MTU can take (Ethernet header and receive headroom included). */
    public int framesBlocks(int mtu) {
        int bytes = mtu + 14 + RX_HEADROOM;
        return (bytes + blockSize - 1) / blockSize;
    }

    /** Bytes left free in front of a received frame, for bookkeeping written in place (see Reassembly). */
    public static final int RX_HEADROOM = 16;

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid stack configuration: " + message);
    }
}
