package net.sloop.tcp;

import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Chains;
import net.sloop.stats.DropReason;

/**
 * Data received ahead of a gap, kept in the blocks it arrived in (recategorised OUT_OF_ORDER and
 * charged to the connection), as a list of non-overlapping segments sorted by sequence number.
 * Per-segment bookkeeping (sequence, length, next segment) lives in arrays indexed by the
 * segment's first block, shared by all connections and charged at start-up, so a connection
 * carries only the head of its list.
 *
 * <p>Bounded per connection ({@link TcpConfig#outOfOrderBlocks()}) and by the fair share under
 * pressure; it is the first thing reclaimed after TIME_WAIT records.
 */
final class OutOfOrderQueue {
    private final Tcp tcp;
    private final Budget m;
    private final int[] seq;
    private final int[] len;
    private final int[] next;

    OutOfOrderQueue(Tcp tcp) {
        this.tcp = tcp;
        this.m = tcp.budget();
        int n = m.blockCount();
        seq = new int[n];
        len = new int[n];
        next = new int[n];
    }

    /** Heap bytes of the per-block bookkeeping (three ints per block, plus array headers). */
    int controlBytes() {
        return 3 * (16 + 4 * seq.length) + 32;
    }

    private int blocksHeld(TcpConnection c) {
        return (int) (c.owner.used(Category.OUT_OF_ORDER) / m.blockSize());
    }

    /** Keeps {@code n} bytes at sequence {@code s} held in {@code chain} (taking ownership), trimmed against what is held. */
    void insert(TcpConnection c, int s, int chain, int n) {
        // Find the last segment starting at or before s.
        int prev = -1;
        for (int x = c.oooHead; x >= 0 && Seq.le(seq[x], s); x = next[x]) prev = x;
        if (prev >= 0) {
            int end = seq[prev] + len[prev];
            if (Seq.ge(end, s + n)) {
                Chains.free(m, chain);
                tcp.stats.drop(DropReason.TCP_OUT_OF_ORDER_DUPLICATE);
                return;
            }
            if (Seq.gt(end, s)) {
                int cut = end - s;
                chain = Chains.trimFront(m, chain, cut);
                s += cut;
                n -= cut;
            }
        }
        // Swallow or trim against the segments that follow.
        int after = prev >= 0 ? next[prev] : c.oooHead;
        while (after >= 0 && Seq.lt(seq[after], s + n)) {
            int aEnd = seq[after] + len[after];
            if (Seq.le(aEnd, s + n)) { // covered entirely by the new data: drop the old copy
                int nx = next[after];
                Chains.free(m, after);
                after = nx;
            } else {
                n = seq[after] - s;
                Chains.truncate(m, chain, n);
                break;
            }
        }
        if (n <= 0) {
            Chains.free(m, chain);
            link(c, prev, after);
            tcp.stats.drop(DropReason.TCP_OUT_OF_ORDER_DUPLICATE);
            return;
        }
        int blocks = Chains.blocks(m, chain);
        if (blocksHeld(c) + blocks > tcp.cfg.outOfOrderBlocks() || !tcp.mayGrow(c, blocks, false)
                || !m.transferChain(chain, Category.OUT_OF_ORDER, c.owner)) {
            Chains.free(m, chain);
            link(c, prev, after);
            tcp.stats.drop(DropReason.TCP_OUT_OF_ORDER_FULL);
            return;
        }
        seq[chain] = s;
        len[chain] = n;
        next[chain] = after;
        link(c, prev, chain);
        c.lastOooSeq = s;
        tcp.counters.outOfOrderSegments++;
    }

    private void link(TcpConnection c, int prev, int x) {
        if (prev < 0) c.oooHead = x;
        else next[prev] = x;
    }

    /** Moves the segments now in order into the receive queue and frees their blocks. */
    void deliver(TcpConnection c, TcpInput in) {
        while (c.oooHead >= 0 && Seq.le(seq[c.oooHead], c.rcvNxt)) {
            int x = c.oooHead;
            c.oooHead = next[x];
            int skip = c.rcvNxt - seq[x];
            if (skip < len[x]) {
                int want = len[x] - skip;
                int stored = c.has(TcpConnection.F_RCV_SHUT) ? want : in.store(c, x, skip, want);
                c.rcvNxt += stored;
                if (stored < want) {
                    tcp.counters.receiveOverruns++;
                    Chains.free(m, x);
                    clear(c); // what follows is no longer contiguous with what we hold
                    return;
                }
            }
            Chains.free(m, x);
        }
    }

    /**
     * SACK blocks for what is held (RFC 2018 §4): the block holding the most recently received
     * segment first, then the others in sequence order. Writes left/right pairs; returns the count.
     */
    int sackBlocks(TcpConnection c, int[] out) {
        int max = out.length / 2;
        int count = 0;
        // Walk the contiguous runs (adjacent segments merge); the run holding the latest arrival
        // goes first, the others follow in sequence order while there is room.
        for (int x = c.oooHead; x >= 0; ) {
            int s = seq[x], e = s + len[x];
            x = next[x];
            while (x >= 0 && seq[x] == e) {
                e = seq[x] + len[x];
                x = next[x];
            }
            if (Seq.inWindow(c.lastOooSeq, s, e)) {
                int last = Math.min(count, max - 1); // make room at the front
                for (int i = last; i > 0; i--) {
                    out[2 * i] = out[2 * i - 2];
                    out[2 * i + 1] = out[2 * i - 1];
                }
                out[0] = s;
                out[1] = e;
                count = Math.min(count + 1, max);
            } else if (count < max) {
                out[2 * count] = s;
                out[2 * count + 1] = e;
                count++;
            }
        }
        return count;
    }

    /** Frees everything held out of order by {@code c}. */
    void clear(TcpConnection c) {
        int x = c.oooHead;
        c.oooHead = -1;
        while (x >= 0) {
            int nx = next[x];
            Chains.free(m, x);
            x = nx;
        }
    }
}
