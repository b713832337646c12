package net.sloop.ethernet;

import java.lang.foreign.MemorySegment;
import net.sloop.iface.LinkOutput;
import net.sloop.iface.NetIf;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Chains;
import net.sloop.mem.Owner;
import net.sloop.stack.StackConfig;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.stats.Stats;
import net.sloop.time.Timer;
import net.sloop.time.TimerQueue;
import net.sloop.wire.ArpView;
import net.sloop.wire.EthernetView;
import net.sloop.wire.MacAddress;
import net.sloop.wire.WireError;

/**
 * ARP (RFC 826, RFC 1122 §2.3.2) for the stack's Ethernet interfaces: a bounded cache with expiry
 * and a bounded queue of packets waiting for resolution, both charged to the budget. Frames come
 * and go through {@link Ethernet}, which owns this cache.
 *
 * <p>The cache has a fixed number of entries, charged at start-up. An entry is free, resolving
 * (requests sent every {@code arpRetryNanos}, up to {@code arpRetries}; at most
 * {@code arpQueuePerEntry} packets wait, the oldest dropped first), or resolved (trusted for
 * {@code arpReachableNanos}). When every entry is busy, the least recently used resolved entry is
 * reused; failing that, the oldest resolving one, whose queue is dropped.
 */
public final class Arp {
    private static final int FREE = 0, RESOLVING = 1, RESOLVED = 2;

    /** {@link #resolve}: the packet waits for resolution in the queue. */
    static final long QUEUED = -1;
    /** {@link #resolve}: the packet was dropped (no entry, no memory, no queue). */
    static final long DROPPED = -2;

    private final Ethernet ethernet;
    private final LinkOutput link;
    private final Budget m;
    private final MemorySegment mem;
    private final Stats stats;
    private final StackConfig config;
    private final TimerQueue timers;
    private final Owner owner = new Owner("arp");
    private final Entry[] entries;
    private final ArpView arp = new ArpView();

    Arp(Ethernet ethernet, Budget budget, Stats stats, StackConfig config, TimerQueue timers, LinkOutput link) {
        this.ethernet = ethernet;
        this.link = link;
        this.m = budget;
        this.mem = m.memory();
        this.stats = stats;
        this.config = config;
        this.timers = timers;
        this.entries = new Entry[config.arpEntries()];
        for (int i = 0; i < entries.length; i++) entries[i] = new Entry(config.arpQueuePerEntry());
    }

    public Owner owner() {
        return owner;
    }

    /** Heap bytes of the cache itself: views, owner, entry array header (measured: see ChargeSizeTest). */
    public static final int BASE_BYTES = 448;
    /** Heap bytes per entry, not counting its queue array (measured: see ChargeSizeTest). */
    public static final int ENTRY_BYTES = 88;

    /** Bytes to charge for the cache at start-up. */
    public int controlBytes() {
        int queueArray = 8 * ((16 + 4 * config.arpQueuePerEntry() + 7) / 8);
        return BASE_BYTES + entries.length * (ENTRY_BYTES + queueArray);
    }

    /** The MAC cached for {@code ip} on {@code nif}, or -1. */
    public long lookup(NetIf nif, int ip) {
        Entry e = find(nif, ip);
        return e != null && e.state == RESOLVED ? e.mac : -1;
    }

    /** Entries resolved or resolving now. */
    public int size() {
        int n = 0;
        for (Entry e : entries) n += e.state != FREE ? 1 : 0;
        return n;
    }

    /** Packets waiting for resolution now. */
    public int queued() {
        int n = 0;
        for (Entry e : entries) n += e.queued;
        return n;
    }

    // ---------------------------------------------------------------- input

    /** Takes ownership of a received ARP packet (the Ethernet header already trimmed off). */
    void input(long now, NetIf nif, int head) {
        stats.received(Proto.ARP);
        int length = Chains.length(m, head);
        if (head < 0 || length < ArpView.LENGTH || !Chains.pullUp(m, head, ArpView.LENGTH)) {
            drop(head, DropReason.ARP_MALFORMED);
            return;
        }
        arp.wrap(mem, m.address(head), length);
        WireError e = arp.check();
        if (e != WireError.NONE) {
            drop(head, e == WireError.TRUNCATED ? DropReason.ARP_MALFORMED : DropReason.ARP_UNSUPPORTED);
            return;
        }
        int spa = arp.senderProtocol();
        long sha = arp.senderHardware();
        int tpa = arp.targetProtocol();
        int op = arp.operation();
        Chains.free(m, head);
        if (MacAddress.isBroadcast(sha) || MacAddress.isMulticast(sha) || spa == 0 && op != ArpView.OP_REQUEST) {
            stats.drop(DropReason.ARP_UNSUPPORTED);
            return;
        }
        // RFC 826 "merge": update an entry we already have; add one if we are the target.
        boolean forUs = tpa == nif.address();
        Entry entry = spa == 0 ? null : find(nif, spa);
        if (entry != null) resolved(now, nif, entry, sha);
        else if (forUs && spa != 0) {
            entry = allocate(now, nif, spa);
            if (entry != null) resolved(now, nif, entry, sha);
        }
        if (!forUs) {
            stats.drop(DropReason.ARP_NOT_FOR_US);
            return;
        }
        if (op == ArpView.OP_REQUEST) send(now, nif, ArpView.OP_REPLY, sha, sha, spa);
    }

    private void resolved(long now, NetIf nif, Entry e, long mac) {
        e.state = RESOLVED;
        e.mac = mac;
        e.used = now;
        timers.arm(e, now + config.arpReachableNanos());
        // Send what was waiting, oldest first. The transmit frame is free: this is the receive path.
        for (int i = 0; i < e.queued; i++) {
            int q = e.queue[i];
            e.queue[i] = -1;
            int len = Chains.length(m, q);
            Chains.copyOut(m, q, 0, mem, link.txFrame() + EthernetView.HEADER_LENGTH, len);
            Chains.free(m, q);
            ethernet.transmit(now, nif, mac, EthernetView.ETHERTYPE_IPV4, len);
        }
        e.queued = 0;
    }

    // ---------------------------------------------------------------- output

    /**
     * The MAC address of {@code nextHop} on {@code nif} if resolved; otherwise the IPv4 packet of
     * {@code ipLength} bytes at {@code txFrame + 14} is copied into the queue (resolution starts if
     * it had not) and the answer is {@link #QUEUED}, or {@link #DROPPED} if it could not be kept.
     */
    long resolve(long now, NetIf nif, int nextHop, int ipLength) {
        Entry e = find(nif, nextHop);
        if (e != null && e.state == RESOLVED) {
            e.used = now;
            return e.mac;
        }
        return enqueue(now, nif, nextHop, e, ipLength) ? QUEUED : DROPPED;
    }

    private boolean enqueue(long now, NetIf nif, int ip, Entry e, int ipLength) {
        boolean fresh = e == null;
        if (fresh) {
            e = allocate(now, nif, ip);
            if (e == null) {
                stats.drop(DropReason.ARP_TABLE_FULL);
                return false;
            }
            e.state = RESOLVING;
            e.retries = 0;
        }
        boolean kept = false;
        if (e.queue.length > 0) {
            int q = Chains.copyIn(m, mem, link.txFrame() + EthernetView.HEADER_LENGTH, ipLength, 0, Category.ARP_QUEUE, owner);
            if (q < 0) stats.drop(DropReason.ARP_NO_MEMORY);
            else {
                if (e.queued == e.queue.length) { // drop the oldest, as Linux's unres_qlen does
                    Chains.free(m, e.queue[0]);
                    System.arraycopy(e.queue, 1, e.queue, 0, e.queued - 1);
                    e.queued--;
                    stats.drop(DropReason.ARP_QUEUE_FULL);
                }
                e.queue[e.queued++] = q;
                kept = true;
            }
        } else {
            stats.drop(DropReason.ARP_QUEUE_FULL);
        }
        if (fresh) request(now, e);
        return kept;
    }

    private void request(long now, Entry e) {
        e.retries++;
        timers.arm(e, now + config.arpRetryNanos());
        send(now, e.nif, ArpView.OP_REQUEST, MacAddress.BROADCAST, 0, e.ip);
    }

    private void send(long now, NetIf nif, int op, long ethDst, long targetMac, int targetIp) {
        long frame = link.txFrame();
        arp.wrap(mem, frame + EthernetView.HEADER_LENGTH, ArpView.LENGTH);
        arp.setEthernetIpv4();
        arp.setOperation(op);
        arp.setSenderHardware(nif.mac());
        arp.setSenderProtocol(nif.address());
        arp.setTargetHardware(targetMac);
        arp.setTargetProtocol(targetIp);
        stats.sent(Proto.ARP);
        ethernet.transmit(now, nif, ethDst, EthernetView.ETHERTYPE_ARP, ArpView.LENGTH);
    }

    // ---------------------------------------------------------------- cache

    private Entry find(NetIf nif, int ip) {
        for (Entry e : entries) if (e.state != FREE && e.ip == ip && e.nif == nif) return e;
        return null;
    }

    private Entry allocate(long now, NetIf nif, int ip) {
        Entry victim = null;
        for (Entry e : entries) {
            if (e.state == FREE) {
                victim = e;
                break;
            }
        }
        if (victim == null) {
            for (Entry e : entries) if (e.state == RESOLVED && (victim == null || e.used < victim.used)) victim = e;
        }
        if (victim == null) {
            for (Entry e : entries) if (victim == null || e.used < victim.used) victim = e;
        }
        if (victim == null) return null;
        release(victim, DropReason.ARP_TABLE_FULL);
        victim.nif = nif;
        victim.ip = ip;
        victim.used = now;
        victim.state = RESOLVING;
        return victim;
    }

    private void release(Entry e, DropReason why) {
        for (int i = 0; i < e.queued; i++) {
            Chains.free(m, e.queue[i]);
            e.queue[i] = -1;
            stats.drop(why);
        }
        e.queued = 0;
        e.state = FREE;
        e.nif = null;
        timers.cancel(e);
    }

    /** Frees every queued packet and forgets every entry (the stack is closing). */
    public void clear() {
        for (Entry e : entries) if (e.state != FREE) release(e, DropReason.ARP_UNRESOLVED);
    }

    private void drop(int head, DropReason r) {
        Chains.free(m, head);
        stats.drop(r);
    }

    /** One cache entry, with its own timer (retry while resolving, expiry once resolved). */
    private final class Entry extends Timer {
        int state;
        NetIf nif;
        int ip;
        long mac;
        long used;
        int retries;
        final int[] queue;
        int queued;

        Entry(int queueCapacity) {
            queue = new int[queueCapacity];
        }

        @Override
        protected void fire(long now) {
            if (state == RESOLVING && retries < config.arpRetries()) request(now, this);
            else release(this, DropReason.ARP_UNRESOLVED);
        }
    }
}
