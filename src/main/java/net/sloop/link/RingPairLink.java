package net.sloop.link;

import java.lang.foreign.MemorySegment;

/**
 * Two IP links joined back to back in memory, with no delay and no impairment: what one end
 * transmits is queued on the other end and delivered to that end's receiver when the other end is
 * polled (by its stack's {@code poll}). The fastest way to join two stacks in one process, for
 * benchmarks: no simulator, no clock of its own, nothing allocated per frame.
 *
 * <p>Each end queues its inbound frames in a {@link LoopbackLink} ring of fixed capacity (bytes);
 * a frame that does not fit is dropped and counted (as a full device queue would). Delivery is
 * never synchronous, so a stack is never re-entered from inside its own transmit. Not
 * thread-safe: both stacks run on one thread (poll both until neither is {@link End#pending}).
 */
public final class RingPairLink {
    private final End a, b;

    /**
     * @param mtu largest IP packet each end carries (68..65535)
     * @param queueBytes ring capacity of each end's inbound queue (each frame costs its length plus 4)
     */
    public RingPairLink(int mtu, int queueBytes) {
        a = new End("pair0", mtu, queueBytes);
        b = new End("pair1", mtu, queueBytes);
        a.peer = b;
        b.peer = a;
    }

    public End a() {
        return a;
    }

    public End b() {
        return b;
    }

    /** One end of the pair: a {@link Link.Kind#IP} link. */
    public static final class End implements Link {
        private final String name;
        private final LoopbackLink inbound; // frames the peer transmitted, waiting for this end's poll
        private End peer;

        End(String name, int mtu, int queueBytes) {
            this.name = name;
            this.inbound = new LoopbackLink(mtu, queueBytes);
        }

        @Override
        public Kind kind() {
            return Kind.IP;
        }

        @Override
        public int mtu() {
            return inbound.mtu();
        }

        @Override
        public long mac() {
            return 0;
        }

        @Override
        public void attach(FrameReceiver receiver) {
            inbound.attach(receiver);
        }

        /** Copies the frame into the peer's inbound queue; false if it is too long or the queue is full. */
        @Override
        public boolean transmit(long now, MemorySegment frame, long off, int len) {
            return peer.inbound.transmit(now, frame, off, len);
        }

        /** Delivers the frames queued here when the call began. */
        @Override
        public int poll(long now) {
            return inbound.poll(now);
        }

        @Override
        public boolean pending() {
            return inbound.pending();
        }

        @Override
        public String name() {
            return name;
        }

        /** Frames delivered to this end's receiver. */
        public long delivered() {
            return inbound.delivered();
        }

        /** Frames sent towards this end that were dropped (too long, queue full). */
        public long dropped() {
            return inbound.dropped();
        }
    }
}
