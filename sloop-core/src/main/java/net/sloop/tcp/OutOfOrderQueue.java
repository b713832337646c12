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
 * <p>Data inside the advertised window is paid for from the commitment that backs it, and moves
 * into the receive queue in the same blocks once the gap is filled. Bounded per connection
 * ({@link TcpConfig#outOfOrderBlocks()}); pruned under pressure, which lets the window's
 * backing shrink with it.
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

    /** Bytes of data held out of order for {@code c} (inside its window; the blocks hold it). */
    long bytesHeld(TcpConnection c) {
        long n = 0;
        for (int x = c.oooHead; x >= 0; x = next[x]) n += len[x];
        return n;
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
        // The data lies inside the window we advertised, whose commitment holds it (a loan made
        // for this frame first); only what that does not cover comes from the pool.
        int blocks = Chains.blocks(m, chain);
        int repaid = tcp.loan.repay(c, blocks);
        int k = Math.min(c.rcvCommit, blocks - repaid);
        int rest = blocks - repaid - k;
        if (blocksHeld(c) + blocks > tcp.cfg.outOfOrderBlocks() || (rest > 0 && !tcp.admission.mayGrow(c, rest, false))
                || m.freeBlocks() - m.committedBlocks() + k < m.reserveBlocks()) { // keeping needs the receive reserve whole
            tcp.loan.unrepay(c, repaid);
            Chains.free(m, chain);
            link(c, prev, after);
            tcp.stats.drop(DropReason.TCP_OUT_OF_ORDER_FULL);
            return;
        }
        m.release(k);
        c.rcvCommit -= k;
        if (!m.transferChain(chain, Category.OUT_OF_ORDER, c.owner)) throw new IllegalStateException("receive reserve");
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

    /**
     * Moves the segments now in order into the receive queue, in the blocks they are held in (they
     * were paid for from the window's commitment when they arrived, so nothing new is needed).
     */
    void deliver(TcpConnection c) {
        while (c.oooHead >= 0 && Seq.le(seq[c.oooHead], c.rcvNxt)) {
            int x = c.oooHead;
            c.oooHead = next[x];
            int skip = c.rcvNxt - seq[x];
            if (skip >= len[x] || c.has(TcpConnection.F_RCV_SHUT)) {
                if (skip < len[x]) c.rcvNxt += len[x] - skip;
                Chains.free(m, x);
                continue;
            }
            int want = len[x] - skip;
            int chain = skip > 0 ? Chains.trimFront(m, x, skip) : x;
            if (!m.transferChain(chain, Category.SOCKET_RECEIVE, c.owner)) throw new IllegalStateException("out-of-order blocks never use the reserve");
            c.recvBuf.append(m, chain, want);
            c.filled(want);
            c.rcvNxt += want;
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
