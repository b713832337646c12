package net.sloop.link;

import java.lang.foreign.MemorySegment;

/**
 * A {@link Link} that records every frame passing through another link into a {@link PcapWriter}:
 * each frame the stack transmits (recorded before the inner link sees it, so frames the inner link
 * then drops are still in the capture) and each frame the inner link delivers. Everything else is
 * delegated. Closing the tap closes the writer, then the inner link. Timestamps are the
 * {@code now} (nanoseconds) passed to {@link #transmit} and to the receiver, plus an offset.
 * {@link DescriptorPcapTap} is the same tap for a device a runner waits on.
 */
public class PcapTap implements Link {
    private final Link inner;
    private final PcapWriter writer;
    private final long offsetNanos;

    public PcapTap(Link inner, PcapWriter writer) {
        this(inner, writer, 0);
    }

    /**
     * @param offsetNanos added to the stack's time to make each frame's timestamp (for a runner on
     *     {@code Clock.system()}: the wall-clock epoch nanoseconds at its zero; 0 to keep the stack's)
     */
    public PcapTap(Link inner, PcapWriter writer, long offsetNanos) {
        if (inner == null || writer == null) throw new IllegalArgumentException("tap needs a link and a writer");
        this.inner = inner;
        this.writer = writer;
        this.offsetNanos = offsetNanos;
    }

    /** The tapped link. */
    public Link inner() {
        return inner;
    }

    public PcapWriter writer() {
        return writer;
    }

    @Override
    public Kind kind() {
        return inner.kind();
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public long mac() {
        return inner.mac();
    }

    @Override
    public String name() {
        return inner.name();
    }

    /** The tapped link's: the capture shows what crosses it, checksums unfilled if it offloads them. */
    @Override
    public boolean checksumOffload() {
        return inner.checksumOffload();
    }

    /** The tapped link's (a capture of a GSO frame holds it whole, up to 65,535 bytes; a partial checksum shows as wrong). */
    @Override
    public boolean receiveOffload() {
        return inner.receiveOffload();
    }

    @Override
    public boolean transmitChecksumPartial() {
        return inner.transmitChecksumPartial();
    }

    @Override
    public void attach(FrameReceiver receiver) {
        inner.attach(receiver == null ? null : new Recording(writer, offsetNanos, receiver));
    }

    @Override
    public boolean transmit(long now, MemorySegment frame, long off, int len) {
        writer.write(now + offsetNanos, frame, off, len);
        return inner.transmit(now, frame, off, len);
    }

    @Override
    public int poll(long now) {
        return inner.poll(now);
    }

    @Override
    public boolean pending() {
        return inner.pending();
    }

    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            inner.close();
        }
    }

    private record Recording(PcapWriter writer, long offsetNanos, FrameReceiver next) implements FrameReceiver {
        @Override
        public void receive(long now, MemorySegment src, long off, int len) {
            writer.write(now + offsetNanos, src, off, len);
            next.receive(now, src, off, len);
        }

        @Override
        public void receive(long now, MemorySegment src, long off, int len, boolean checksumTrusted) {
            writer.write(now + offsetNanos, src, off, len);
            next.receive(now, src, off, len, checksumTrusted);
        }
    }
}
