package net.sloop.link;

/**
 * A {@link PcapTap} for a {@link DescriptorLink} (a TUN or TAP device) that is itself a descriptor
 * link, so that a runner still waits on the device's descriptor and reads it in batches. Frames are
 * recorded as {@link PcapTap} records them; a runner on {@code Clock.system()} passes the
 * wall-clock epoch nanoseconds at its zero as the offset, so the capture shows real times.
 */
public final class DescriptorPcapTap extends PcapTap implements DescriptorLink {
    private final DescriptorLink device;

    public DescriptorPcapTap(DescriptorLink inner, PcapWriter writer, long offsetNanos) {
        super(inner, writer, offsetNanos);
        this.device = inner;
    }

    /** The tapped device. */
    @Override
    public DescriptorLink inner() {
        return device;
    }

    @Override
    public int fd() {
        return device.fd();
    }

    @Override
    public int receive(long now, int max) {
        return device.receive(now, max); // the receiver attached records each frame
    }

    @Override
    public DescriptorPoller newPoller(int capacity) throws java.io.IOException {
        return device.newPoller(capacity);
    }
}
