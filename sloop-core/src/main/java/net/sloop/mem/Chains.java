package net.sloop.mem;

import java.lang.foreign.MemorySegment;
import net.sloop.wire.Checksum;

/**
 * Packet buffers as chains of blocks. A chain is named by the index of its head block; each block
 * holds a window of bytes ({@link Budget#off}, {@link Budget#len}) and links to the next with
 * {@link Budget#next}; -1 ends the chain. Nothing here allocates on the Java heap.
 */
public final class Chains {
    /** Smallest block size: Ethernet (14) + IPv4 with options (60) + TCP with options (60) fit in one block, with room. */
    public static final int MIN_BLOCK_SIZE = 256;

    private Chains() {}

    /** Number of data bytes in the chain. */
    public static int length(Budget m, int head) {
        int n = 0;
        for (int b = head; b >= 0; b = m.next(b)) n += m.len(b);
        return n;
    }

    /** Number of blocks in the chain. */
    public static int blocks(Budget m, int head) {
        int n = 0;
        for (int b = head; b >= 0; b = m.next(b)) n++;
        return n;
    }

    /** Blocks needed to hold {@code bytes} bytes when the first block keeps {@code headroom} bytes free in front. */
    public static int blocksFor(Budget m, int bytes, int headroom) {
        int first = m.blockSize() - headroom;
        if (bytes <= first) return 1;
        return 1 + (bytes - first + m.blockSize() - 1) / m.blockSize();
    }

    /** Frees every block of the chain; -1 is accepted and does nothing. */
    public static void free(Budget m, int head) {
        int b = head;
        while (b >= 0) {
            int n = m.next(b);
            m.free(b);
            b = n;
        }
    }

    /**
     * Copies {@code n} bytes into a new chain, all or nothing. The first block keeps
     * {@code headroom} bytes free in front of the data (for headers to be prepended).
     *
     * @return the head block, or -1 if the budget could not supply the blocks (counted)
     */
    public static int copyIn(Budget m, MemorySegment src, long srcOff, int n, int headroom, Category c, Owner o) {
        int need = blocksFor(m, n, headroom);
        if (!m.available(c, need)) {
            m.refuse(c, o);
            return -1;
        }
        MemorySegment mem = m.memory();
        int head = -1, tail = -1, room = headroom;
        int done = 0;
        do {
            int b = m.alloc(c, o);
            int take = Math.min(n - done, m.blockSize() - room);
            m.window(b, room, take);
            MemorySegment.copy(src, srcOff + done, mem, m.address(b), take);
            if (tail < 0) head = b;
            else m.next(tail, b);
            tail = b;
            done += take;
            room = 0;
        } while (done < n);
        return head;
    }

    /** Copies {@code n} bytes starting {@code from} bytes into the chain out to {@code dst}. */
    public static void copyOut(Budget m, int head, int from, MemorySegment dst, long dstOff, int n) {
        MemorySegment mem = m.memory();
        int b = head;
        while (b >= 0 && from >= m.len(b)) {
            from -= m.len(b);
            b = m.next(b);
        }
        while (n > 0) {
            if (b < 0) throw new IndexOutOfBoundsException("chain shorter than requested copy");
            int take = Math.min(n, m.len(b) - from);
            MemorySegment.copy(mem, m.address(b) + from, dst, dstOff, take);
            dstOff += take;
            n -= take;
            from = 0;
            b = m.next(b);
        }
    }

    /** Removes {@code n} bytes from the front; emptied blocks are freed. Returns the new head (-1 if empty). */
    public static int trimFront(Budget m, int head, int n) {
        int b = head;
        while (b >= 0 && n > 0) {
            int l = m.len(b);
            if (n < l) {
                m.window(b, m.off(b) + n, l - n);
                return b;
            }
            n -= l;
            int nx = m.next(b);
            m.free(b);
            b = nx;
        }
        return b;
    }

    /** Shortens the chain to {@code newLength} bytes (for example to drop Ethernet padding); freed blocks return to the budget. */
    public static void truncate(Budget m, int head, int newLength) {
        int b = head, prev = -1;
        while (b >= 0 && newLength >= m.len(b) && newLength > 0) {
            newLength -= m.len(b);
            prev = b;
            b = m.next(b);
        }
        if (b < 0) return;
        if (newLength > 0 || prev < 0) {
            m.window(b, m.off(b), newLength);
            prev = b;
            b = m.next(b);
        }
        m.next(prev, -1);
        free(m, b);
    }

    /** Appends chain {@code tail} to chain {@code head}; returns the head of the joined chain. */
    public static int append(Budget m, int head, int tail) {
        if (head < 0) return tail;
        int b = head;
        while (m.next(b) >= 0) b = m.next(b);
        m.next(b, tail);
        return head;
    }

    /**
     * Makes the first {@code n} bytes contiguous in the head block, moving bytes from the blocks
     * after it (the data is first moved to the start of the block if needed). Returns false if
     * the chain is shorter than {@code n} or {@code n} exceeds a block.
     */
    public static boolean pullUp(Budget m, int head, int n) {
        if (m.len(head) >= n) return true;
        if (n > m.blockSize() || length(m, head) < n) return false;
        MemorySegment mem = m.memory();
        if (m.off(head) + n > m.blockSize()) {
            MemorySegment.copy(mem, m.address(head), mem, m.base(head), m.len(head));
            m.window(head, 0, m.len(head));
        }
        while (m.len(head) < n) {
            int b = m.next(head);
            int take = Math.min(n - m.len(head), m.len(b));
            MemorySegment.copy(mem, m.address(b), mem, m.address(head) + m.len(head), take);
            m.window(head, m.off(head), m.len(head) + take);
            m.window(b, m.off(b) + take, m.len(b) - take);
            if (m.len(b) == 0) {
                m.next(head, m.next(b));
                m.free(b);
            }
        }
        return true;
    }

    /**
     * Adds {@code n} bytes starting {@code from} bytes into the chain to an Internet checksum
     * accumulator, as if they were one contiguous message starting at an even offset (RFC 1071:
     * a piece that starts at an odd offset of the message is added byte-swapped).
     */
    public static long checksum(Budget m, int head, int from, int n, long acc) {
        MemorySegment mem = m.memory();
        int b = head;
        while (b >= 0 && from >= m.len(b)) {
            from -= m.len(b);
            b = m.next(b);
        }
        boolean odd = false;
        while (n > 0 && b >= 0) {
            int take = Math.min(n, m.len(b) - from);
            long part = Checksum.add(0, mem, m.address(b) + from, take);
            acc += odd ? Checksum.swap(Checksum.fold(part)) : Checksum.fold(part);
            odd ^= (take & 1) != 0;
            n -= take;
            from = 0;
            b = m.next(b);
        }
        return acc;
    }
}
