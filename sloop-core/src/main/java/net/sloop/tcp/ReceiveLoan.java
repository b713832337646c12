package net.sloop.tcp;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;

/**
 * Data inside a window Sloop advertised is always receivable, even when the budget has no
 * uncommitted block left for the frame that carries it: the frame is charged to the connection it
 * belongs to. When the stack cannot take receive blocks for a frame, it asks {@link #lend}: the
 * frame's TCP header is read where it lies (in the device's buffer, before anything is copied),
 * its connection found, and if its data lies inside the window advertised, the commitment that
 * backs that window is lent to the frame's receive blocks. The segment is then kept in those
 * very blocks ({@code TcpReceiver.adopt}), which repays the loan; whatever is not repaid when the
 * frame has been processed (a duplicate, a drop, data kept out of order) is committed back
 * ({@link #settle}). One frame is processed at a time, so there is at most one loan.
 *
 * <p>Without it, a GSO frame of several segments (TUN/TAP offload hands over up to 64 KiB) that the
 * window allowed would be dropped for want of uncommitted blocks, and its sender would retransmit
 * into the same shortage.
 */
final class ReceiveLoan {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Tcp tcp;
    private final Budget m;
    /** The connection whose commitment is lent to the frame being processed, or null. */
    private TcpConnection to;
    /** Committed blocks lent and not yet repaid. */
    private int lent;

    ReceiveLoan(Tcp tcp) {
        this.tcp = tcp;
        this.m = tcp.budget();
    }

    /**
     * The frame {@code src[off, off + len)} needs {@code need} receive blocks the budget cannot
     * give beyond its receive reserve: lends them from its connection's commitment if it is a TCP segment whose data lies
     * inside the window that connection advertised. Returns true if anything was lent.
     */
    boolean lend(boolean ethernet, MemorySegment src, long off, int len, int need) {
        if (to != null) settle(); // never two loans at once
        int p = 0;
        if (ethernet) {
            if (len < 14 || (src.get(U16, off + 12) & 0xffff) != 0x0800) return false;
            p = 14;
        }
        if (len < p + 40) return false;
        int vihl = src.get(ValueLayout.JAVA_BYTE, off + p) & 0xff;
        int ihl = (vihl & 0xf) * 4;
        if (vihl >> 4 != 4 || ihl < 20 || (src.get(ValueLayout.JAVA_BYTE, off + p + 9) & 0xff) != Tcp.PROTOCOL) return false;
        if ((src.get(U16, off + p + 6) & 0x3fff) != 0) return false; // a fragment: reassembly's business
        int total = src.get(U16, off + p + 2) & 0xffff;
        int t = p + ihl;
        if (total > len - p || len < t + 20) return false;
        int saddr = src.get(U32, off + p + 12), daddr = src.get(U32, off + p + 16);
        int sport = src.get(U16, off + t) & 0xffff, dport = src.get(U16, off + t + 2) & 0xffff;
        int seq = src.get(U32, off + t + 4);
        int doff = ((src.get(ValueLayout.JAVA_BYTE, off + t + 12) & 0xff) >> 4) * 4;
        int data = total - ihl - doff;
        if (doff < 20 || data <= 0) return false;
        TcpConnection c = tcp.find(daddr, dport, saddr, sport);
        if (c == null || c.has(TcpConnection.F_FREED) || c.has(TcpConnection.F_RCV_SHUT) || !c.state.synchronizedState()) return false;
        if (Seq.lt(seq, c.rcvNxt) || Seq.gt(seq + data, c.rcvAdv)) return false; // not wholly inside the window we promised
        int k = Math.min(c.rcvCommit, need - m.uncommittedFreeBlocks()); // what the pool beyond the reserve lacks
        if (k <= 0) return false;
        m.release(k);
        c.rcvCommit -= k;
        to = c;
        lent = k;
        tcp.counters.framesOnLoan++;
        return true;
    }

    /** Blocks of the loan that {@code n} blocks kept for {@code c} repay (they are the storage the commitment promised). */
    int repay(TcpConnection c, int n) {
        if (to != c || lent == 0) return 0;
        int r = Math.min(lent, n);
        lent -= r;
        return r;
    }

    /** Undoes {@link #repay} (the blocks were not kept after all). */
    void unrepay(TcpConnection c, int n) {
        if (to == c) lent += n;
    }

    /**
     * The frame has been processed: what was lent and not repaid is committed back, so the window
     * stays backed. If out-of-order data kept the blocks meanwhile, it goes first (it is the first
     * thing pruned under pressure, and its sender still holds it).
     */
    void settle() {
        TcpConnection c = to;
        to = null;
        int k = lent;
        lent = 0;
        if (c == null || k == 0 || c.has(TcpConnection.F_FREED)) return;
        if (!m.commit(k, Category.SOCKET_RECEIVE, c.owner)) {
            tcp.ooo().clear(c);
            if (!m.commit(k, Category.SOCKET_RECEIVE, c.owner)) {
                tcp.counters.loansUnpaid++;
                return;
            }
        }
        c.rcvCommit += k;
    }
}
