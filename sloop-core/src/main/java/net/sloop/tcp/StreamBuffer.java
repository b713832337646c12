package net.sloop.tcp;

import java.lang.foreign.MemorySegment;
import net.sloop.mem.Budget;
import net.sloop.mem.Chains;

/**
 * A byte stream held in budget blocks, filled densely: bytes are appended into the room at the
 * end of the last block, then into new blocks the caller links in, and consumed from the front;
 * or a chain is appended whole, each block with its own data window (a received segment kept
 * in its blocks). Every reader walks the blocks' windows.
 * Used for a connection's send queue (unacknowledged and unsent bytes) and receive queue
 * (received in order, unread). Blocks are supplied and taken back by the caller, who decides
 * which part of the budget they come from (see {@link TcpConnection}). Allocates nothing.
 */
final class StreamBuffer {
    int head = -1;
    int tail = -1;
    int length;
    /**
     * Blocks linked; maintained by {@link #link} and {@link #takeAll}, and by the owner as it
     * frees the chain {@link #consume} returns (it counts them as it frees them).
     */
    int blocks;
    // Cursor: the block holding stream offset cursorPos (a block boundary), to find a segment's
    // bytes without walking from the head each time.
    private int cursorBlock = -1;
    private int cursorPos;

    /** Whether any block is linked (perhaps one still empty). */
    boolean holdsBlocks() {
        return head >= 0;
    }

    /**
     * Bytes from the start of the head block to the last byte: the buffer's length plus what has
     * been consumed from the head block. As every block but the last is full, this is the blocks
     * held times the block size, less the tail room.
     */
    int span(Budget m) {
        return head < 0 ? 0 : m.off(head) + length;
    }

    /** Free room at the end of the last block. */
    int tailRoom(Budget m) {
        return tail < 0 ? 0 : m.blockSize() - (m.off(tail) + m.len(tail));
    }

    /** Links an empty block at the end. */
    void link(Budget m, int b) {
        m.window(b, 0, 0);
        m.next(b, -1);
        if (tail < 0) head = b;
        else m.next(tail, b);
        tail = b;
        blocks++;
    }

    /**
     * Appends a chain of blocks holding {@code bytes} bytes in their data windows, as they are (a
     * segment kept in the blocks it arrived in). The room left at the end of the old last block is
     * given up; the room after the chain's last byte is the new tail room.
     */
    void append(Budget m, int chain, int bytes) {
        int last = chain, n = 1;
        for (; m.next(last) >= 0; n++) last = m.next(last);
        if (tail < 0) head = chain;
        else m.next(tail, chain);
        tail = last;
        length += bytes;
        blocks += n;
    }

    /** Copies up to {@code n} bytes into the tail room; returns how many. */
    int fill(Budget m, MemorySegment src, long srcOff, int n) {
        int take = Math.min(n, tailRoom(m));
        if (take <= 0) return 0;
        MemorySegment.copy(src, srcOff, m.memory(), m.address(tail) + m.len(tail), take);
        m.window(tail, m.off(tail), m.len(tail) + take);
        length += take;
        return take;
    }

    /** Copies up to {@code n} bytes from a chain (starting {@code from} bytes in) into the tail room; returns how many. */
    int fillFromChain(Budget m, int chain, int from, int n) {
        int take = Math.min(n, tailRoom(m));
        if (take <= 0) return 0;
        Chains.copyOut(m, chain, from, m.memory(), m.address(tail) + m.len(tail), take);
        m.window(tail, m.off(tail), m.len(tail) + take);
        length += take;
        return take;
    }

    /** Copies {@code n} bytes starting {@code from} bytes in to {@code dst}. */
    void copyOut(Budget m, int from, MemorySegment dst, long dstOff, int n) {
        int b = locate(m, from);
        int skip = from - cursorPos;
        while (n > 0) {
            int take = Math.min(n, m.len(b) - skip);
            MemorySegment.copy(m.memory(), m.address(b) + skip, dst, dstOff, take);
            dstOff += take;
            n -= take;
            skip = 0;
            b = m.next(b);
        }
    }

    /**
     * The block holding stream offset {@code from}; sets the cursor to it, so that
     * {@code from - cursorPos()} is the offset inside that block's data window.
     */
    int locate(Budget m, int from) {
        if (cursorBlock < 0 || from < cursorPos) {
            cursorBlock = head;
            cursorPos = 0;
        }
        while (from >= cursorPos + m.len(cursorBlock) && m.next(cursorBlock) >= 0) {
            cursorPos += m.len(cursorBlock);
            cursorBlock = m.next(cursorBlock);
        }
        return cursorBlock;
    }

    int cursorPos() {
        return cursorPos;
    }

    /**
     * Removes {@code n} bytes from the front. Blocks left empty are unlinked and returned as a
     * chain for the caller to free (-1 if none). The last block is unlinked too once it is empty,
     * so an empty buffer holds no block.
     */
    int consume(Budget m, int n) {
        if (n > length) throw new IllegalStateException("consuming " + n + " of " + length + " bytes");
        length -= n;
        cursorBlock = -1;
        int freed = -1, freedTail = -1;
        while (head >= 0) {
            int l = m.len(head);
            if (n < l) {
                m.window(head, m.off(head) + n, l - n);
                break;
            }
            n -= l; // the whole block is consumed
            int b = head;
            head = m.next(b);
            m.next(b, -1);
            if (freed < 0) freed = b;
            else m.next(freedTail, b);
            freedTail = b;
            if (b == tail) {
                head = tail = -1;
                break;
            }
            if (n == 0) break;
        }
        return freed;
    }

    /** Unlinks every block and returns them as one chain (-1 if none). */
    int takeAll() {
        int h = head;
        head = tail = -1;
        length = 0;
        blocks = 0;
        cursorBlock = -1;
        return h;
    }
}
