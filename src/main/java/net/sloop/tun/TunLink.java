package net.sloop.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import net.sloop.link.DescriptorLink;
import net.sloop.link.FrameReceiver;
import net.sloop.wire.MacAddress;

/**
 * A Linux TUN or TAP device as a {@link net.sloop.link.Link}, through {@code java.lang.foreign}.
 *
 * <p>{@link #open} opens {@value TunAbi#CLONE_DEVICE} non-blocking, attaches it with
 * {@code ioctl(TUNSETIFF)} to a device created for it ({@code IFF_TUN} or {@code IFF_TAP}, always
 * with {@code IFF_NO_PI}, so frames carry no packet-information prefix). The device is not
 * persistent: it exists as long as this link is open and disappears when it is {@link #close()
 * closed}; moving it to another network namespace ({@link HostNet#moveToNamespace}) keeps the
 * descriptor valid. Configuring the host side (address, MTU, up) is {@link HostNet}'s job.
 *
 * <ul>
 *   <li>TUN: {@link Kind#IP}, frames are bare IP packets; {@link #mac()} is 0.</li>
 *   <li>TAP: {@link Kind#ETHERNET}, frames are Ethernet II frames. The device's own MAC (read with
 *       SIOCGIFHWADDR) is the host's; the stack at this end answers with {@link #mac()}, a
 *       locally administered address of its own.</li>
 * </ul>
 *
 * <p>Memory: one receive and one transmit segment (MTU plus link header plus one byte), allocated
 * once in the link's own arena (the driver's memory, outside the stack's budget). {@link #receive}
 * reads each frame into the receive segment and hands it to the receiver, which copies it into the
 * budget's blocks; {@link #transmit} writes the stack's frame straight from the budget's native
 * memory (copying only a heap frame into the transmit segment). Nothing is allocated per frame. A
 * frame that fills the receive segment is longer than the MTU; it is delivered at that length and
 * the stack drops it as too long. Not thread-safe: one thread (or the runner's lock) at a time.
 */
public final class TunLink implements DescriptorLink {
    /** Which kind of device. */
    public enum Mode {
        /** An IP device (IFF_TUN). */
        TUN,
        /** An Ethernet device (IFF_TAP). */
        TAP
    }

    /** The MTU when none is given. */
    public static final int DEFAULT_MTU = 1500;
    private static final int ETH_HEADER = 14;

    private final Mode mode;
    private final String name;
    private final int mtu;
    private final long mac;
    private final long deviceMac;
    private final Arena arena;
    private final MemorySegment rx, tx, rxState, txState;
    private final long rxAddress, txAddress;
    private final int bufferBytes;
    private int fd;
    private FrameReceiver receiver;
    private String failure;
    // Figures.
    private long received, transmitted, txDropped, txErrors, readErrors;

    private TunLink(Mode mode, String name, int mtu, long mac, long deviceMac, int fd, Arena arena, MemorySegment state) {
        this.mode = mode;
        this.name = name;
        this.mtu = mtu;
        this.mac = mac;
        this.deviceMac = deviceMac;
        this.fd = fd;
        this.arena = arena;
        this.bufferBytes = mtu + (mode == Mode.TAP ? ETH_HEADER : 0) + 1;
        this.rx = arena.allocate(bufferBytes, 64);
        this.tx = arena.allocate(bufferBytes, 64);
        this.rxAddress = rx.address();
        this.txAddress = tx.address();
        this.rxState = state;
        this.txState = Libc.newCallState(arena);
    }

    /** Opens a device named {@code name} (empty: the kernel picks tunN/tapN) with MTU {@value #DEFAULT_MTU}. */
    public static TunLink open(String name, Mode mode) throws ErrnoException {
        return open(name, mode, DEFAULT_MTU, 0);
    }

    /**
     * Creates the device {@code name} and attaches to it.
     *
     * @param name interface name, at most 15 bytes; empty lets the kernel choose
     * @param mode TUN (IP) or TAP (Ethernet)
     * @param mtu the largest IP packet this link carries (68..65535); set the device's MTU to the
     *     same with {@link HostNet#setMtu}
     * @param mac for TAP, the MAC the stack uses (low 48 bits); 0 picks a locally administered
     *     one different from the device's. Ignored for TUN.
     * @throws ErrnoException with errno and advice (CAP_NET_ADMIN, a missing tun module, a name in use)
     */
    public static TunLink open(String name, Mode mode, int mtu, long mac) throws ErrnoException {
        Objects.requireNonNull(mode, "mode");
        IfReq.checkName(name);
        if (mtu < 68 || mtu > 65535) throw new IllegalArgumentException("TUN/TAP MTU must be in 68..65535 bytes, was " + mtu);
        if (mode == Mode.TAP && mac != 0 && (MacAddress.isMulticast(mac) || (mac & ~0xFFFF_FFFF_FFFFL) != 0))
            throw new IllegalArgumentException("TAP MAC must be a unicast 48-bit address, was " + MacAddress.toString(mac));
        Arena arena = Arena.ofShared();
        int fd = -1;
        boolean ok = false;
        try {
            MemorySegment state = Libc.newCallState(arena);
            fd = Libc.open(state, arena.allocateFrom(TunAbi.CLONE_DEVICE), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                int e = Libc.errno(state);
                throw new ErrnoException("open " + TunAbi.CLONE_DEVICE, e, openHint(e));
            }
            MemorySegment req = arena.allocate(IfReq.SIZE, 8);
            IfReq.encode(req, name, (mode == Mode.TAP ? TunAbi.IFF_TAP : TunAbi.IFF_TUN) | TunAbi.IFF_NO_PI);
            if (Libc.ioctl(state, fd, TunAbi.TUNSETIFF, req) < 0) {
                int e = Libc.errno(state);
                throw new ErrnoException("ioctl TUNSETIFF " + (name.isEmpty() ? "(any name)" : name) + " " + mode, e, setIffHint(e));
            }
            String actual = IfReq.name(req); // the kernel writes back the name it chose
            long deviceMac = 0;
            if (mode == Mode.TAP) {
                if (Libc.ioctl(state, fd, TunAbi.SIOCGIFHWADDR, req) < 0) {
                    throw new ErrnoException("ioctl SIOCGIFHWADDR " + actual, Libc.errno(state), null);
                }
                deviceMac = IfReq.hwaddr(req);
                if (mac == 0) mac = localMac(System.nanoTime() ^ ProcessHandle.current().pid() << 24, deviceMac);
                else if (mac == deviceMac) throw new IllegalArgumentException("TAP MAC " + MacAddress.toString(mac) + " is the device's own (the host side's)");
            } else {
                mac = 0;
            }
            TunLink link = new TunLink(mode, actual, mtu, mac, deviceMac, fd, arena, state);
            ok = true; // the link owns the descriptor and the arena now
            return link;
        } finally {
            if (!ok) {
                if (fd >= 0) Libc.close(fd);
                arena.close();
            }
        }
    }

    /**
     * A locally administered unicast MAC, 02:53:4c:xx:xx:xx ("SL"), its low 24 bits from
     * {@code seed}, never equal to {@code avoid}.
     */
    public static long localMac(long seed, long avoid) {
        long m = 0x02_53_4c_00_00_00L | (seed ^ seed >>> 24 ^ seed >>> 48) & 0xFF_FFFFL;
        return m == avoid ? m ^ 1 : m;
    }

    static String openHint(int errno) {
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES -> "needs CAP_NET_ADMIN (run as root, or grant the capability)";
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO -> "no TUN/TAP support: load the tun module (modprobe tun) or create the node (mknod /dev/net/tun c 10 200)";
            default -> null;
        };
    }

    static String setIffHint(int errno) {
        return switch (errno) {
            case Errno.EPERM, Errno.EACCES -> "needs CAP_NET_ADMIN (run as root, or grant the capability)";
            case Errno.EBUSY -> "the device exists and another process holds it";
            case Errno.EINVAL -> "the name exists as a device of another kind, or the flags are not supported";
            default -> null;
        };
    }

    // ------------------------------------------------------------------ Link

    @Override
    public Kind kind() {
        return mode == Mode.TAP ? Kind.ETHERNET : Kind.IP;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public long mac() {
        return mac;
    }

    /** The kernel's name of the device ("sloop0", or the one it chose). */
    @Override
    public String name() {
        return name;
    }

    public Mode mode() {
        return mode;
    }

    /** For TAP, the device's own MAC (the host side's); 0 for TUN. */
    public long deviceMac() {
        return deviceMac;
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public int receive(long now, int max) {
        if (fd < 0) return -1;
        int n = 0;
        while (n < max) {
            long r = Libc.read(rxState, fd, rxAddress, bufferBytes);
            if (r < 0) {
                int e = Libc.errno(rxState);
                if (e == Errno.EAGAIN) break;
                if (e == Errno.EINTR) continue;
                readErrors++;
                failure = "read " + name + ": " + Errno.describe(e);
                return n > 0 ? n : -1;
            }
            if (r == 0) break;
            received++;
            FrameReceiver rcv = receiver;
            if (rcv != null) rcv.receive(now, rx, 0, (int) r);
            n++;
        }
        return n;
    }

    /**
     * Writes the frame to the device. Returns false (the stack counts the drop) if the device's
     * queue is full (EAGAIN), the device is down or gone, or the frame is longer than the MTU.
     */
    @Override
    public boolean transmit(long now, MemorySegment frame, long off, int len) {
        if (fd < 0 || len <= 0 || len >= bufferBytes) {
            txDropped++;
            return false;
        }
        Objects.checkFromIndexSize(off, len, frame.byteSize());
        long address;
        if (frame.isNative()) {
            address = frame.address() + off;
        } else {
            MemorySegment.copy(frame, off, tx, 0, len);
            address = txAddress;
        }
        long w = Libc.write(txState, fd, address, len);
        if (w < 0 && Libc.errno(txState) == Errno.EINTR) w = Libc.write(txState, fd, address, len);
        if (w != len) {
            txDropped++;
            if (w < 0 && Libc.errno(txState) != Errno.EAGAIN) txErrors++;
            return false;
        }
        transmitted++;
        return true;
    }

    /** Closes the descriptor (the device disappears with it) and frees the buffers. Idempotent. */
    @Override
    public void close() {
        if (fd < 0) return;
        int f = fd;
        fd = -1;
        Libc.close(f);
        arena.close();
    }

    public boolean isOpen() {
        return fd >= 0;
    }

    // ------------------------------------------------------------------ figures

    /** Frames read from the device. */
    public long received() {
        return received;
    }

    /** Frames written to the device. */
    public long transmitted() {
        return transmitted;
    }

    /** Frames not written (queue full, too long, device down or gone, closed). */
    public long transmitDropped() {
        return txDropped;
    }

    /** Writes that failed with an error other than EAGAIN (device down, gone). */
    public long transmitErrors() {
        return txErrors;
    }

    /** Reads that failed with an error other than EAGAIN or EINTR. */
    public long readErrors() {
        return readErrors;
    }

    /** The last read failure as text, or null. */
    public String failure() {
        return failure;
    }

    @Override
    public String toString() {
        return mode + " " + name + (mode == Mode.TAP ? " " + MacAddress.toString(mac) : "") + " mtu " + mtu + (fd < 0 ? " (closed)" : "");
    }
}
