package net.sloop.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;

/**
 * A pipe whose two ends are selectable with a {@link SloopSelector} (a platform pipe could not
 * be), for code that pairs {@code Pipe.open()} with {@code Selector.open()} on the default
 * provider. It is a ring of {@value #CAPACITY} bytes on the heap, charged to the stack's budget
 * (CONTROL, {@value #CHARGE} bytes with the pipe's own objects) from open until both ends are
 * closed; a budget that cannot hold it makes {@code openPipe} throw. The ends follow the stack's
 * lock and conditions like the other channels: the source is readable with bytes in the ring or
 * once the sink is closed (then -1 after the last byte); the sink is writable with room in the
 * ring, and a write after the source closed throws "broken pipe".
 */
final class SloopPipe extends Pipe {
    static final int CAPACITY = 4096;
    static final int CHARGE = CAPACITY + 16 + 768; // the ring, its header, the pipe and its ends (NioPipeTest measures them with JOL)

    private final Net net;
    private final Owner owner = new Owner("nio pipe", this);
    private final byte[] ring = new byte[CAPACITY];
    private int head, count;
    private boolean sourceClosed, sinkClosed, released;
    private final Source source;
    private final Sink sink;

    private SloopPipe(SloopProvider provider, Net net) {
        this.net = net;
        this.source = new Source(provider);
        this.sink = new Sink(provider);
    }

    static SloopPipe open(SloopProvider provider, Net net) throws IOException {
        SloopPipe p = new SloopPipe(provider, net);
        net.lock();
        try {
            if (!net.stack().budget().charge(Category.CONTROL, p.owner, CHARGE)) {
                throw new IOException("out of memory: the budget cannot hold a pipe (" + CHARGE + " bytes)");
            }
        } finally {
            net.unlock();
        }
        return p;
    }

    @Override
    public SourceChannel source() {
        return source;
    }

    @Override
    public SinkChannel sink() {
        return sink;
    }

    /** Both ends closed: the charge goes back. Lock held. */
    private void releaseIfDone() {
        if (sourceClosed && sinkClosed && !released) {
            released = true;
            net.stack().budget().uncharge(Category.CONTROL, owner, CHARGE);
        }
    }

    /** Waits on {@code c} (lock held); a close meanwhile or an interrupt as the JDK's channels report them. */
    private static void await(Condition c, java.nio.channels.Channel ch, Net net) throws IOException {
        try {
            c.await();
        } catch (InterruptedException e) {
            net.unlock();
            try {
                ch.close();
            } finally {
                net.lock();
            }
            Thread.currentThread().interrupt();
            throw new ClosedByInterruptException();
        }
        if (!ch.isOpen()) throw new AsynchronousCloseException();
    }

    @Override
    public String toString() {
        return "SloopPipe[" + count + " of " + CAPACITY + " bytes]";
    }

    /** The reading end. */
    final class Source extends Pipe.SourceChannel implements SloopChannel {
        private final Registrations registrations = new Registrations();
        final Condition readable;
        private volatile boolean blocking = true;

        Source(SloopProvider provider) {
            super(provider);
            this.readable = net.newCondition();
        }

        @Override
        public Net net() {
            return net;
        }

        @Override
        public Registrations registrations() {
            return registrations;
        }

        @Override
        public int readyOps() {
            return count > 0 || sinkClosed ? SelectionKey.OP_READ : 0;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return (int) read(new ByteBuffer[] {dst}, 0, 1);
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return read(dsts, 0, dsts.length);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, dsts.length);
            net.lock();
            try {
                if (!isOpen()) throw new ClosedChannelException();
                long room = 0;
                for (int i = offset; i < offset + length; i++) room += dsts[i].remaining();
                if (room == 0) return 0;
                while (count == 0) {
                    if (sinkClosed) return -1;
                    if (!blocking) return 0;
                    await(readable, this, net);
                }
                long total = 0;
                for (int i = offset; i < offset + length && count > 0; i++) {
                    ByteBuffer d = dsts[i];
                    while (d.hasRemaining() && count > 0) {
                        int k = Math.min(d.remaining(), Math.min(count, CAPACITY - head));
                        d.put(ring, head, k);
                        head = (head + k) % CAPACITY;
                        count -= k;
                        total += k;
                    }
                }
                sink.writable.signalAll();
                sink.registrations.signal();
                return total;
            } finally {
                net.unlock();
            }
        }

        @Override
        protected void implCloseSelectableChannel() {
            net.lock();
            try {
                sourceClosed = true;
                count = 0;
                readable.signalAll();
                registrations.signal();
                sink.writable.signalAll();
                sink.registrations.signal();
                releaseIfDone();
            } finally {
                net.unlock();
            }
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
            blocking = block;
        }
    }

    /** The writing end. */
    final class Sink extends Pipe.SinkChannel implements SloopChannel {
        private final Registrations registrations = new Registrations();
        final Condition writable;
        private volatile boolean blocking = true;

        Sink(SloopProvider provider) {
            super(provider);
            this.writable = net.newCondition();
        }

        @Override
        public Net net() {
            return net;
        }

        @Override
        public Registrations registrations() {
            return registrations;
        }

        @Override
        public int readyOps() {
            return count < CAPACITY || sourceClosed ? SelectionKey.OP_WRITE : 0;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, srcs.length);
            net.lock();
            try {
                long total = 0;
                for (int i = offset; i < offset + length; i++) {
                    ByteBuffer s = srcs[i];
                    while (s.hasRemaining()) {
                        if (!isOpen()) throw new ClosedChannelException();
                        if (sourceClosed) throw new IOException("broken pipe: the source is closed");
                        if (count == CAPACITY) {
                            if (!blocking) return total;
                            await(writable, this, net);
                            continue;
                        }
                        int tail = (head + count) % CAPACITY;
                        int k = Math.min(s.remaining(), Math.min(CAPACITY - count, CAPACITY - tail));
                        s.get(ring, tail, k);
                        count += k;
                        total += k;
                        source.readable.signalAll();
                        source.registrations.signal();
                    }
                }
                return total;
            } finally {
                net.unlock();
            }
        }

        @Override
        protected void implCloseSelectableChannel() {
            net.lock();
            try {
                sinkClosed = true;
                writable.signalAll();
                registrations.signal();
                source.readable.signalAll();
                source.registrations.signal();
                releaseIfDone();
            } finally {
                net.unlock();
            }
        }

        @Override
        protected void implConfigureBlocking(boolean block) {
            blocking = block;
        }
    }
}
