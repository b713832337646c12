package net.sloop.tcp;

import net.sloop.time.Timer;

/**
 * Half-open connections (SYN received, SYN-ACK sent) for all listeners: compact entries in fixed
 * arrays, charged once at start-up, holding no buffers and no connection object. An entry
 * becomes a connection only when the handshake's last ACK arrives and the connection is
 * admitted. When the queue is full, SYN cookies (RFC 4987 §3.6) answer without an entry, or the
 * oldest entry is evicted (§3.4), so a flood cannot keep legitimate clients out.
 *
 * <p>One timer serves the queue: it fires at the earliest SYN-ACK retransmission.
 */
public final class SynQueue extends Timer {
    private static final int FLAG_SACK = 1, FLAG_TS = 2;
    private final Tcp tcp;
    private final int capacity;
    private final int[] laddr, raddr, ports, irs, iss, tsRecent, hashNext;
    private final short[] mss;
    private final byte[] peerWs, flags, retries;
    private final long[] created, due;
    private final TcpListener[] listener;
    private final int[] buckets;
    private final int[] freeList;
    private int freeTop;
    private int size;

    SynQueue(Tcp tcp, int capacity) {
        this.tcp = tcp;
        this.capacity = capacity;
        laddr = new int[capacity];
        raddr = new int[capacity];
        ports = new int[capacity];
        irs = new int[capacity];
        iss = new int[capacity];
        tsRecent = new int[capacity];
        hashNext = new int[capacity];
        mss = new short[capacity];
        peerWs = new byte[capacity];
        flags = new byte[capacity];
        retries = new byte[capacity];
        created = new long[capacity];
        due = new long[capacity];
        listener = new TcpListener[capacity];
        buckets = new int[Integer.highestOneBit(Math.max(4, capacity) * 2 - 1)];
        java.util.Arrays.fill(buckets, -1);
        freeList = new int[capacity];
        for (int i = 0; i < capacity; i++) freeList[i] = capacity - 1 - i;
        freeTop = capacity;
    }

    /** Heap bytes: per entry 7 ints, a short, 3 bytes, 2 longs, a reference, a free-list int; plus buckets and headers. */
    int controlBytes() {
        return 128 + 16 * 16 + capacity * (7 * 4 + 2 + 3 + 16 + 8 + 4) + buckets.length * 4;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    boolean full() {
        return freeTop == 0;
    }

    private int bucket(int la, int lp, int ra, int rp) {
        return tcp.isn.hash(la, lp, ra, rp) & (buckets.length - 1);
    }

    int find(int la, int lp, int ra, int rp) {
        int p = (lp << 16) | rp;
        for (int e = buckets[bucket(la, lp, ra, rp)]; e >= 0; e = hashNext[e]) {
            if (ports[e] == p && laddr[e] == la && raddr[e] == ra) return e;
        }
        return -1;
    }

    int add(long now, TcpListener l, int la, int lp, int ra, int rp, int clientIsn, int ourIss, int peerMss, int ws,
            boolean sackOk, boolean ts, int tsVal) {
        if (freeTop == 0) return -1;
        int e = freeList[--freeTop];
        laddr[e] = la;
        raddr[e] = ra;
        ports[e] = (lp << 16) | rp;
        irs[e] = clientIsn;
        iss[e] = ourIss;
        mss[e] = (short) Math.min(peerMss, 65535);
        peerWs[e] = (byte) ws;
        flags[e] = (byte) ((sackOk ? FLAG_SACK : 0) | (ts ? FLAG_TS : 0));
        tsRecent[e] = tsVal;
        retries[e] = 0;
        created[e] = now;
        due[e] = Long.MAX_VALUE;
        listener[e] = l;
        int b = bucket(la, lp, ra, rp);
        hashNext[e] = buckets[b];
        buckets[b] = e;
        size++;
        return e;
    }

    void remove(int e) {
        int b = bucket(laddr[e], ports[e] >>> 16, raddr[e], ports[e] & 0xFFFF);
        if (buckets[b] == e) buckets[b] = hashNext[e];
        else {
            for (int p = buckets[b]; p >= 0; p = hashNext[p]) {
                if (hashNext[p] == e) {
                    hashNext[p] = hashNext[e];
                    break;
                }
            }
        }
        listener[e] = null;
        freeList[freeTop++] = e;
        size--;
        reschedule();
    }

    /** Evicts the oldest half-open entry (RFC 4987 §3.4) to make room for a new SYN. */
    void evictOldest() {
        int oldest = -1;
        for (int e = 0; e < capacity; e++) {
            if (listener[e] != null && (oldest < 0 || created[e] < created[oldest])) oldest = e;
        }
        if (oldest >= 0) {
            remove(oldest);
            tcp.counters.synEvicted++;
        }
    }

    /** Drops every entry of a listener that is closing. */
    void removeListener(TcpListener l) {
        for (int e = 0; e < capacity; e++) if (listener[e] == l) remove(e);
    }

    void clear() {
        for (int e = 0; e < capacity; e++) if (listener[e] != null) remove(e);
        tcp.timerQueue().cancel(this);
    }

    /** Sends (or resends) the SYN-ACK of entry {@code e} and schedules the next retransmission. */
    void resend(long now, int e) {
        TcpListener l = listener[e];
        int ws = peerWs[e] >= 0 ? TcpOutput.scaleFor(l.receiveMax) : -1; // as TcpHandshake will: for the most the buffer may grow to
        boolean ts = (flags[e] & FLAG_TS) != 0;
        int window = tcp.synWindow(l.receiveBuffer); // what the guaranteed minimum backs
        tcp.output.control(now, laddr[e], ports[e] >>> 16, raddr[e], ports[e] & 0xFFFF, iss[e], irs[e] + 1,
                net.sloop.wire.TcpView.SYN | net.sloop.wire.TcpView.ACK, window, tcp.output.ourMss(raddr[e]), ws,
                (flags[e] & FLAG_SACK) != 0, ts, TcpOutput.tsClock(now) + tcp.tsOffset(laddr[e], ports[e] >>> 16, raddr[e], ports[e] & 0xFFFF),
                tsRecent[e]);
        long rto = tcp.cfg.initialRtoNanos() << Math.min(retries[e], 16);
        due[e] = now + Math.min(rto, tcp.cfg.maxRtoNanos());
        reschedule();
    }

    private void reschedule() {
        long t = Long.MAX_VALUE;
        for (int e = 0; e < capacity; e++) if (listener[e] != null && due[e] < t) t = due[e];
        if (t == Long.MAX_VALUE) tcp.timerQueue().cancel(this);
        else tcp.timerQueue().arm(this, t);
    }

    @Override
    protected void fire(long now) {
        for (int e = 0; e < capacity; e++) {
            if (listener[e] == null || due[e] > now) continue;
            if (retries[e] >= tcp.cfg.synRetries()) {
                remove(e);
                tcp.counters.synTimeouts++;
                continue;
            }
            retries[e]++;
            resend(now, e);
        }
        reschedule();
    }

    int irs(int e) { return irs[e]; }
    int iss(int e) { return iss[e]; }

    /**
     * The round trip from the SYN-ACK to the ACK arriving {@code now}, or -1 if the SYN-ACK was
     * sent more than once (Karn's rule: the sample would be ambiguous). Like Linux's
     * tcp_synack_rtt_meas, it gives the connection a measured RTO from its first moment.
     */
    long rttSample(long now, int e) {
        if (retries[e] != 0) return -1;
        long sentAt = due[e] - Math.min(tcp.cfg.initialRtoNanos(), tcp.cfg.maxRtoNanos());
        return now >= sentAt ? now - sentAt : -1;
    }
    /** True if the SYN-ACK of entry {@code e} was retransmitted on a timeout. */
    boolean retransmitted(int e) { return retries[e] != 0; }
    int mss(int e) { return mss[e] & 0xFFFF; }
    int peerWs(int e) { return peerWs[e]; }
    boolean sackOk(int e) { return (flags[e] & FLAG_SACK) != 0; }
    boolean ts(int e) { return (flags[e] & FLAG_TS) != 0; }
    int tsRecent(int e) { return tsRecent[e]; }
}
