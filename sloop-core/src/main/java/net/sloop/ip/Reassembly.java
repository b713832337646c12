package net.sloop.ip;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;
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
import net.sloop.wire.Ipv4View;

/**
 * IPv4 fragment reassembly (RFC 791 §3.2, RFC 815) within a hard cap.
 *
 * <p>A fixed number of slots, each one datagram being reassembled, charged at start-up. Fragments
 * are the received chains themselves, kept (as {@link Category#REASSEMBLY}) in offset order; the
 * bookkeeping of each fragment (offset, length, next fragment, header length) is written in the
 * 16 bytes of headroom every received frame has in front of it, so a fragment costs nothing but
 * its blocks. The blocks held by all slots together never exceed {@code reassemblyMaxBytes}:
 * when a new fragment would pass the cap, or every slot is busy, the oldest incomplete datagram is
 * evicted. An incomplete datagram is dropped when its timer (30 s by default) expires.
 *
 * <p>Overlapping fragments drop the whole datagram (as Linux does since the FragmentSmack fixes;
 * RFC 5722 makes the same rule for IPv6); an exact duplicate of a fragment already held is dropped
 * alone, which is what a duplicating network produces.
 */
public final class Reassembly {
    /** Heap bytes of the reassembler itself: view, owner, slot array header (measured: see ChargeSizeTest). */
    public static final int BASE_BYTES = 384;
    /** Heap bytes charged per slot (measured: see ChargeSizeTest). */
    public static final int SLOT_BYTES = 88;

    private static final int META = 16; // offset, length, next, header length

    private final Budget m;
    private final MemorySegment mem;
    private final Stats stats;
    private final TimerQueue timers;
    private final Owner owner = new Owner("reassembly");
    private final Slot[] slots;
    private final int maxBytes;
    private final long timeout;
    private final Ipv4View view = new Ipv4View();
    private int heldBytes;

    public Reassembly(Budget m, Stats stats, TimerQueue timers, StackConfig config) {
        this.m = m;
        this.mem = m.memory();
        this.stats = stats;
        this.timers = timers;
        this.maxBytes = config.reassemblyMaxBytes();
        this.timeout = config.reassemblyTimeoutNanos();
        this.slots = new Slot[config.reassemblySlots()];
        for (int i = 0; i < slots.length; i++) slots[i] = new Slot();
    }

    /** Bytes to charge for the slots at start-up. */
    public int controlBytes() {
        return BASE_BYTES + slots.length * SLOT_BYTES;
    }

    public Owner owner() {
        return owner;
    }

    /** Bytes (whole blocks) held by incomplete datagrams now. */
    public int heldBytes() {
        return heldBytes;
    }

    /** Datagrams being reassembled now. */
    public int inProgress() {
        int n = 0;
        for (Slot s : slots) n += s.used ? 1 : 0;
        return n;
    }

    /**
     * Takes ownership of one fragment (chain {@code head}, starting at its IP header of
     * {@code ihl} bytes). Returns the whole datagram (a chain starting with a header rewritten as
     * unfragmented) when this fragment completes it, or -1 when the fragment was kept or dropped.
     */
    public int add(long now, int head, int ihl, int id, int src, int dst, int protocol,
                   int offset, boolean more, int length) {
        stats.received(Proto.FRAG);
        if (more && (length == 0 || (length & 7) != 0)) return drop(head, DropReason.FRAG_INVALID);
        if (ihl + offset + length > 65535) return drop(head, DropReason.FRAG_TOO_BIG);
        if (slots.length == 0) return drop(head, DropReason.FRAG_DISABLED);
        if (m.off(head) < META) return drop(head, DropReason.FRAG_INVALID); // never: receive keeps headroom

        Slot s = find(src, dst, id, protocol);
        if (s == null) s = open(now, src, dst, id, protocol);
        // Place the fragment: find its predecessor, reject overlaps.
        int prev = -1, cur = s.first;
        while (cur >= 0 && fragOffset(cur) < offset) {
            prev = cur;
            cur = fragNext(cur);
        }
        if (cur >= 0 && fragOffset(cur) == offset && fragLength(cur) == length) {
            return drop(head, DropReason.FRAG_DUPLICATE);
        }
        boolean overlap = (prev >= 0 && fragOffset(prev) + fragLength(prev) > offset)
                || (cur >= 0 && offset + length > fragOffset(cur))
                || (!more && (s.total >= 0 ? s.total != offset + length : s.last >= 0 && s.last > offset + length))
                || (s.total >= 0 && offset + length > s.total);
        if (overlap) { // the held fragments go too; counted once, with this one
            release(s);
            return drop(head, DropReason.FRAG_INVALID);
        }
        int cost = Chains.blocks(m, head) * m.blockSize();
        if (cost > maxBytes) {
            release(s);
            return drop(head, DropReason.FRAG_NO_MEMORY);
        }
        while (heldBytes + cost > maxBytes && evictOldestExcept(s)) {
            // each pass frees one other datagram
        }
        if (heldBytes + cost > maxBytes || !keep(head, s)) {
            if (s.first < 0) free(s);
            return drop(head, DropReason.FRAG_NO_MEMORY);
        }
        heldBytes += cost;
        s.bytes += cost;
        writeMeta(head, offset, length, cur, ihl);
        if (prev < 0) s.first = head;
        else setFragNext(prev, head);
        if (!more) s.total = offset + length;
        if (offset + length > s.last) s.last = offset + length;
        return s.total >= 0 ? completeIfWhole(s) : -1;
    }

    private boolean keep(int head, Slot s) {
        if (m.transferChain(head, Category.REASSEMBLY, owner)) return true;
        // The receive reserve is in use: make room by evicting another datagram, then try once more.
        return evictOldestExcept(s) && m.transferChain(head, Category.REASSEMBLY, owner);
    }

    private int completeIfWhole(Slot s) {
        int expect = 0;
        for (int f = s.first; f >= 0; f = fragNext(f)) {
            if (fragOffset(f) != expect) return -1;
            expect += fragLength(f);
        }
        if (expect != s.total) return -1;
        // Join: the first fragment keeps its IP header; the others lose theirs.
        int head = s.first;
        int firstIhl = fragIhl(head);
        if (firstIhl + s.total > Ipv4View.MAX_DATAGRAM) { // each fragment was checked with its own header only
            release(s);
            stats.drop(DropReason.FRAG_TOO_BIG);
            return -1;
        }
        int tail = head;
        for (int f = fragNext(head); f >= 0; ) {
            int next = fragNext(f);
            int payload = Chains.trimFront(m, f, fragIhl(f));
            while (m.next(tail) >= 0) tail = m.next(tail);
            m.next(tail, payload);
            f = next;
        }
        int total = s.total;
        s.first = -1;
        heldBytes -= s.bytes;
        free(s);
        m.transferChain(head, Category.RX, owner);
        view.wrap(mem, m.address(head), firstIhl);
        view.setTotalLength(firstIhl + total);
        view.setFragment(false, false, 0);
        view.fillHeaderChecksum();
        stats.sent(Proto.FRAG); // handed up: one reassembled datagram
        return head;
    }

    private Slot find(int src, int dst, int id, int protocol) {
        for (Slot s : slots) {
            if (s.used && s.id == id && s.src == src && s.dst == dst && s.protocol == protocol) return s;
        }
        return null;
    }

    private Slot open(long now, int src, int dst, int id, int protocol) {
        Slot s = null;
        for (Slot c : slots) {
            if (!c.used) {
                s = c;
                break;
            }
        }
        if (s == null) {
            s = oldest(null);
            release(s);
            stats.drop(DropReason.FRAG_EVICTED);
        }
        s.used = true;
        s.src = src;
        s.dst = dst;
        s.id = id;
        s.protocol = protocol;
        s.first = -1;
        s.total = -1;
        s.last = -1;
        s.bytes = 0;
        s.started = now;
        timers.arm(s, now + timeout);
        return s;
    }

    private Slot oldest(Slot except) {
        Slot o = null;
        for (Slot c : slots) {
            if (c.used && c != except && (o == null || c.started < o.started)) o = c;
        }
        return o;
    }

    private boolean evictOldestExcept(Slot s) {
        Slot o = oldest(s);
        if (o == null) return false;
        release(o);
        stats.drop(DropReason.FRAG_EVICTED);
        return true;
    }

    /** Frees everything a slot holds. */
    private void release(Slot s) {
        for (int f = s.first; f >= 0; ) {
            int next = fragNext(f);
            Chains.free(m, f);
            f = next;
        }
        s.first = -1;
        heldBytes -= s.bytes;
        free(s);
    }

    private void free(Slot s) {
        s.bytes = 0;
        s.used = false;
        timers.cancel(s);
    }

    /** Drops every incomplete datagram (the stack is closing). */
    public void clear() {
        for (Slot s : slots) if (s.used) release(s);
    }

    private int drop(int head, DropReason r) {
        Chains.free(m, head);
        stats.drop(r);
        return -1;
    }

    // Per-fragment bookkeeping in the headroom in front of the fragment's first byte.
    private void writeMeta(int f, int offset, int length, int next, int ihl) {
        long a = m.address(f) - META;
        mem.set(JAVA_INT_UNALIGNED, a, offset);
        mem.set(JAVA_INT_UNALIGNED, a + 4, length);
        mem.set(JAVA_INT_UNALIGNED, a + 8, next);
        mem.set(JAVA_INT_UNALIGNED, a + 12, ihl);
    }

    private int fragOffset(int f) {
        return mem.get(JAVA_INT_UNALIGNED, m.address(f) - META);
    }

    private int fragLength(int f) {
        return mem.get(JAVA_INT_UNALIGNED, m.address(f) - META + 4);
    }

    private int fragNext(int f) {
        return mem.get(JAVA_INT_UNALIGNED, m.address(f) - META + 8);
    }

    private void setFragNext(int f, int next) {
        mem.set(JAVA_INT_UNALIGNED, m.address(f) - META + 8, next);
    }

    private int fragIhl(int f) {
        return mem.get(JAVA_INT_UNALIGNED, m.address(f) - META + 12);
    }

    /** One datagram being reassembled; its own timer. */
    private final class Slot extends Timer {
        boolean used;
        int src, dst, id, protocol;
        int first = -1;
        int total = -1; // payload length once the last fragment is seen
        int last = -1;  // highest end offset seen
        int bytes;      // budget bytes held
        long started;

        @Override
        protected void fire(long now) {
            release(this);
            stats.drop(DropReason.FRAG_TIMEOUT);
        }
    }
}
