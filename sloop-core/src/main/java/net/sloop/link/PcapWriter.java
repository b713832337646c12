package net.sloop.link;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes frames to a classic libpcap capture file with nanosecond timestamps (magic
 * {@code 0xA1B23C4D}, version 2.4, little-endian), readable by tcpdump and Wireshark.
 * {@link Link.Kind#ETHERNET} links are written as {@code LINKTYPE_ETHERNET} (1),
 * {@link Link.Kind#IP} links as {@code LINKTYPE_RAW} (101, bare IPv4).
 *
 * <p>Timestamps are nanoseconds since the epoch of the caller's clock: wall-clock time for real
 * links, simulated time (starting at 0) in the simulator. Frames longer than {@link #SNAPLEN}
 * bytes are truncated to it (their original length is still recorded). Writing is synchronized,
 * so a link may be tapped from two threads; it reuses one scratch buffer and allocates nothing
 * per frame. I/O failures are thrown as {@link UncheckedIOException}.
 */
public final class PcapWriter implements AutoCloseable {
    /** Magic number of nanosecond-resolution pcap files. */
    public static final int MAGIC_NANOS = 0xA1B23C4D;
    /** Largest number of bytes recorded per frame. */
    public static final int SNAPLEN = 65535;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int LINKTYPE_RAW = 101;

    private static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;

    private final OutputStream out;
    private final byte[] scratch = new byte[RECORD_HEADER + SNAPLEN];
    private final MemorySegment scratchSeg = MemorySegment.ofArray(scratch);
    private final int linkType;
    private long frames;
    private boolean closed;

    /** Creates (or truncates) {@code file} and writes the file header. */
    public PcapWriter(Path file, Link.Kind kind) throws IOException {
        this(new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024), kind);
    }

    /** Writes to {@code out}, starting with the file header; {@link #close} closes {@code out}. */
    public PcapWriter(OutputStream out, Link.Kind kind) throws IOException {
        this.out = out;
        this.linkType = switch (kind) {
            case ETHERNET -> LINKTYPE_ETHERNET;
            case IP -> LINKTYPE_RAW;
        };
        putInt(0, MAGIC_NANOS);
        putShort(4, 2);
        putShort(6, 4);
        putInt(8, 0); // thiszone
        putInt(12, 0); // sigfigs
        putInt(16, SNAPLEN);
        putInt(20, linkType);
        out.write(scratch, 0, FILE_HEADER);
    }

    /** The pcap link type written in the file header. */
    public int linkType() {
        return linkType;
    }

    /** Frames written so far. */
    public synchronized long frames() {
        return frames;
    }

    /**
     * Records the frame {@code seg[off, off+len)} seen at {@code timeNanos}. Ignored after
     * {@link #close}.
     */
    public synchronized void write(long timeNanos, MemorySegment seg, long off, int len) {
        if (closed) return;
        if (len < 0) throw new IllegalArgumentException("negative frame length " + len);
        int incl = Math.min(len, SNAPLEN);
        putInt(0, (int) Math.floorDiv(timeNanos, 1_000_000_000L));
        putInt(4, (int) Math.floorMod(timeNanos, 1_000_000_000L));
        putInt(8, incl);
        putInt(12, len);
        MemorySegment.copy(seg, off, scratchSeg, RECORD_HEADER, incl);
        try {
            out.write(scratch, 0, RECORD_HEADER + incl);
        } catch (IOException e) {
            throw new UncheckedIOException("pcap write failed", e);
        }
        frames++;
    }

    /** Pushes buffered records to the file. */
    public synchronized void flush() {
        if (closed) return;
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("pcap flush failed", e);
        }
    }

    /** Flushes and closes the output; later writes are ignored. Closing twice does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("pcap close failed", e);
        }
    }

    private void putInt(int at, int v) {
        scratch[at] = (byte) v;
        scratch[at + 1] = (byte) (v >>> 8);
        scratch[at + 2] = (byte) (v >>> 16);
        scratch[at + 3] = (byte) (v >>> 24);
    }

    private void putShort(int at, int v) {
        scratch[at] = (byte) v;
        scratch[at + 1] = (byte) (v >>> 8);
    }
}
