package net.sloop.link;

import java.lang.foreign.MemorySegment;

/**
 * A {@link PcapTap} for a {@link DescriptorLink} (a TUN or TAP device) that is itself a descriptor
 * link, so that a runner still waits on the device's descriptor and reads it in batches. Frames
 * the device delivers and frames the stack transmits are recorded as {@link PcapTap} records
 * them, stamped with the stack's time plus {@code offsetNanos} (so a runner's monotonic clock can
 * be written as wall-clock time); everything else is delegated. Closing the tap closes the
 * writer, then the device.
 */
public final class DescriptorPcapTap implements DescriptorLink {
    private final DescriptorLink inner;
    private final PcapWriter writer;
    private final long offsetNanos;

    /**
     * @param offsetNanos added to the stack's time to make each frame's timestamp (for a runner on
     *     {@code Clock.system()}: the wall-clock epoch nanoseconds at its zero; 0 to keep the stack's)
     */
    public DescriptorPcapTap(DescriptorLink inner, PcapWriter writer, long offsetNanos) {
        if (inner == null || writer == null) throw new IllegalArgumentException("tap needs a link and a writer");
        this.inner = inner;
        this.writer = writer;
        this.offsetNanos = offsetNanos;
    }

    /** The tapped link. */
    public DescriptorLink inner() {
        return inner;
    }

    public PcapWriter writer() {
        return writer;
    }

    @Override
    public int fd() {
        return inner.fd();
    }

    @Override
    public int receive(long now, int max) {
        return inner.receive(now, max); // the receiver attached records each frame
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
