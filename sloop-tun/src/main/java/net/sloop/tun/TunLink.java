package net.sloop.tun;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
 *
 * <p>With {@link Options#offload} (the default, {@link #DEFAULT_OFFLOAD}: it doubled Linux → Sloop
 * throughput at MTU 1500, docs/PERFORMANCE.md) every frame carries a {@link VnetHeader}; the
 * receive segment holds 65,535 bytes plus headers, for the GSO frames Linux then hands over.
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
    /** Whether {@link Options#defaults()} asks for virtio-net headers and offloads. */
    public static final boolean DEFAULT_OFFLOAD = true;
    private static final int MAX_IP_PACKET = 65535;
    private static final int ETH_HEADER = 14;

    private final Mode mode;
    private final String name;
    private final int mtu;
    private final long mac;
    private final long deviceMac;
    private final Arena arena;
    private final MemorySegment rx, tx, rxState, txState, txHeader, iov;
    private final long rxAddress, txAddress, txHeaderAddress, iovAddress;
    private final int linkHeader;
    /** Bytes read at most per frame (virtio-net header included); one more than the longest frame taken. */
    private final int rxBytes;
    /** Longest frame written, link header included. */
    private final int txLimit;
    private final boolean offload, txPartial;
    private int fd;
    private FrameReceiver receiver;
    private String failure;
    // Figures.
    private long received, transmitted, txDropped, txErrors, readErrors;
    private long gsoFramesReceived, checksumTrustedReceived, rxDropped, segmentedTransmitted;

    private TunLink(Mode mode, String name, Options o, long mac, long deviceMac, int fd, Arena arena, MemorySegment state) {
        this.mode = mode;
        this.name = name;
        this.mtu = o.mtu;
        this.mac = mac;
        this.deviceMac = deviceMac;
        this.fd = fd;
        this.arena = arena;
        this.offload = o.offload;
        this.txPartial = o.offload && o.transmitChecksumOffload;
        this.linkHeader = mode == Mode.TAP ? ETH_HEADER : 0;
        int vnet = offload ? VnetHeader.SIZE : 0;
        // With offload, Linux may hand over one TCP segment of up to 65,535 bytes (GSO).
        this.rxBytes = vnet + (offload ? MAX_IP_PACKET : mtu) + linkHeader + 1;
        this.txLimit = mtu + linkHeader;
        this.rx = arena.allocate(rxBytes, 64);
        this.tx = arena.allocate(vnet + txLimit, 64);
        this.txHeader = arena.allocate(VnetHeader.SIZE, 16); // zeros: no offload asked for this frame
        this.iov = arena.allocate(32, 16); // two struct iovec: the header, then the frame
        this.rxAddress = rx.address();
        this.txAddress = tx.address();
        this.txHeaderAddress = txHeader.address();
        this.iovAddress = iov.address();
        iov.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, txHeaderAddress);
        iov.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, VnetHeader.SIZE);
        this.rxState = state;
        this.txState = Libc.newCallState(arena);
    }

    /**
     * How a device is opened: MTU, TAP MAC, and offloads. Immutable; start from {@link #defaults()}.
     *
     * <p>{@link #offload(boolean) offload}: open with {@code IFF_VNET_HDR} ({@code struct
     * virtio_net_hdr} in front of every frame, {@link VnetHeader}), {@code TUNSETVNETHDRSZ} 10,
     * and {@code TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4)}. Linux then hands over TCP segments of up
     * to 64 KiB unsegmented (GSO) with their checksum left partial, and the link declares
     * {@link #receiveOffload()}: one read(2) and one pass through the stack per up to 45 MSS, no
     * checksum to verify. {@link #transmitChecksumOffload(boolean) transmitChecksumOffload} (on
     * with offload unless turned off) also has the stack leave the TCP and UDP checksums of what it
     * sends partial, marked NEEDS_CSUM, for the kernel to complete (or, delivering locally, skip).
     */
    public static final class Options {
        private final int mtu;
        private final long mac;
        private final boolean offload, transmitChecksumOffload;

        private Options(int mtu, long mac, boolean offload, boolean transmitChecksumOffload) {
            this.mtu = mtu;
            this.mac = mac;
            this.offload = offload;
            this.transmitChecksumOffload = transmitChecksumOffload;
        }

        /** MTU {@value TunLink#DEFAULT_MTU}, a MAC picked for TAP, offload {@value TunLink#DEFAULT_OFFLOAD}. */
        public static Options defaults() {
            return new Options(DEFAULT_MTU, 0, DEFAULT_OFFLOAD, true);
        }

        /** The largest IP packet this link sends (68..65535); set the device's MTU to the same with {@link HostNet#setMtu}. */
        public Options mtu(int mtu) {
            return new Options(mtu, mac, offload, transmitChecksumOffload);
        }

        /** For TAP, the MAC the stack uses (low 48 bits); 0 picks a locally administered one. Ignored for TUN. */
        public Options mac(long mac) {
            return new Options(mtu, mac, offload, transmitChecksumOffload);
        }

        /** Virtio-net headers with checksum and TCP segmentation offload from the kernel (see the class comment). */
        public Options offload(boolean offload) {
            return new Options(mtu, mac, offload, transmitChecksumOffload);
        }

        /** With {@link #offload}: leave outgoing TCP/UDP checksums to the kernel (NEEDS_CSUM). Default on. */
        public Options transmitChecksumOffload(boolean on) {
            return new Options(mtu, mac, offload, on);
        }

        public int mtu() {
            return mtu;
        }

        public long mac() {
            return mac;
        }

        public boolean offload() {
            return offload;
        }

        public boolean transmitChecksumOffload() {
            return transmitChecksumOffload;
        }

        @Override
        public String toString() {
            return "mtu " + mtu + (offload ? " offload" + (transmitChecksumOffload ? "" : " (receive only)") : "");
        }
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
        return open(name, mode, Options.defaults().mtu(mtu).mac(mac));
    }

    /**
     * Creates the device {@code name} and attaches to it, as {@code options} say.
     *
     * @throws ErrnoException with errno and advice (CAP_NET_ADMIN, a missing tun module, a name in
     *     use, a kernel without the offloads asked for)
     */
    public static TunLink open(String name, Mode mode, Options options) throws ErrnoException {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(options, "options");
        int mtu = options.mtu;
        long mac = options.mac;
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
            IfReq.encode(req, name, (mode == Mode.TAP ? TunAbi.IFF_TAP : TunAbi.IFF_TUN) | TunAbi.IFF_NO_PI
                    | (options.offload ? TunAbi.IFF_VNET_HDR : 0));
            if (Libc.ioctl(state, fd, TunAbi.TUNSETIFF, req) < 0) {
                int e = Libc.errno(state);
                throw new ErrnoException("ioctl TUNSETIFF " + (name.isEmpty() ? "(any name)" : name) + " " + mode, e, setIffHint(e));
            }
            String actual = IfReq.name(req); // the kernel writes back the name it chose
            if (options.offload) enableOffload(state, arena, fd, actual);
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
            TunLink link = new TunLink(mode, actual, options, mac, deviceMac, fd, arena, state);
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
     * TUNSETVNETHDRSZ 10 (struct virtio_net_hdr), little-endian headers (TUNSETVNETLE, needed only
     * on a big-endian host), and TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4): the kernel may then
     * hand over frames with a partial checksum and TCP/IPv4 segments of up to 64 KiB.
     */
    private static void enableOffload(MemorySegment state, Arena arena, int fd, String name) throws ErrnoException {
        MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
        value.set(ValueLayout.JAVA_INT, 0, VnetHeader.SIZE);
        if (Libc.ioctl(state, fd, TunAbi.TUNSETVNETHDRSZ, value) < 0) {
            throw new ErrnoException("ioctl TUNSETVNETHDRSZ " + name, Libc.errno(state), null);
        }
        if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
            value.set(ValueLayout.JAVA_INT, 0, 1);
            if (Libc.ioctl(state, fd, TunAbi.TUNSETVNETLE, value) < 0) {
                throw new ErrnoException("ioctl TUNSETVNETLE " + name, Libc.errno(state), "a big-endian host needs CONFIG_TUN_VNET_CROSS_LE; open without offload");
            }
        }
        if (Libc.ioctl(state, fd, TunAbi.TUNSETOFFLOAD, (long) (TunAbi.TUN_F_CSUM | TunAbi.TUN_F_TSO4)) < 0) {
            throw new ErrnoException("ioctl TUNSETOFFLOAD " + name, Libc.errno(state), "open without offload");
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

    /** True with {@link Options#offload}: frames up to 65,535 bytes (GSO) and trusted checksums come in. */
    @Override
    public boolean receiveOffload() {
        return offload;
    }

    /** True with {@link Options#offload} and {@link Options#transmitChecksumOffload}: the kernel completes TCP/UDP checksums. */
    @Override
    public boolean transmitChecksumPartial() {
        return txPartial;
    }

    /**
     * With transmit checksum offload, a TUN device takes TCP/IPv4 packets of up to 65,535 bytes
     * with a {@code GSO_TCPV4} virtio-net header: the kernel takes them as one packet of several
     * segments (as from a virtio NIC), and cuts them only if they must leave on a link without
     * segmentation offload (a veth peer's TCP receives them whole, as GRO would have made them).
     * TAP is left out: {@link net.sloop.iface.NetIf#segmentOffload} offers it to IP links only.
     */
    @Override
    public int segmentOffload() {
        return txPartial && mode == Mode.TUN ? MAX_IP_PACKET : 0;
    }

    @Override
    public boolean transmitSegmented(long now, MemorySegment frame, long off, int len, int segmentSize) {
        if (fd < 0 || len <= 0 || len > MAX_IP_PACKET + linkHeader || !frame.isNative() || segmentOffload() == 0) {
            txDropped++;
            return false;
        }
        Objects.checkFromIndexSize(off, len, frame.byteSize());
        int ip = linkHeader;
        int ihl = (frame.get(ValueLayout.JAVA_BYTE, off + ip) & 0x0F) * 4;
        int tcpHeader = (frame.get(ValueLayout.JAVA_BYTE, off + ip + ihl + 12) >> 4 & 0x0F) * 4;
        // hdr_len: every header byte in front of the payload, replicated into each segment.
        VnetHeader.encode(txHeader, 0, VnetHeader.F_NEEDS_CSUM, VnetHeader.GSO_TCPV4, ip + ihl + tcpHeader, segmentSize, ip + ihl, 16);
        if (!written(writeWithHeader(frame.address() + off, len), VnetHeader.SIZE + len)) return false;
        segmentedTransmitted++;
        return true;
    }

    /** TCP packets sent whole for the kernel to segment ({@link #transmitSegmented}). */
    public long segmentedTransmitted() {
        return segmentedTransmitted;
    }

    /** True if opened with virtio-net headers and offloads ({@link Options#offload}). */
    public boolean offload() {
        return offload;
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    /** A ppoll(2) poller with an eventfd for the wakeups ({@link FdPoller}). */
    @Override
    public FdPoller newPoller(int capacity) throws ErrnoException {
        return new FdPoller(capacity);
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
            long r = Libc.read(rxState, fd, rxAddress, rxBytes);
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
            n++;
            FrameReceiver rcv = receiver;
            if (!offload) {
                if (rcv != null) rcv.receive(now, rx, 0, (int) r);
                continue;
            }
            if (r <= VnetHeader.SIZE) {
                rxDropped++;
                continue;
            }
            int flags = VnetHeader.flags(rx, 0);
            int gso = VnetHeader.gsoType(rx, 0);
            if (gso != VnetHeader.GSO_NONE) {
                if (gso != VnetHeader.GSO_TCPV4) { // not offered by TUNSETOFFLOAD: never expected
                    rxDropped++;
                    continue;
                }
                gsoFramesReceived++;
            }
            boolean trusted = VnetHeader.checksumTrusted(flags);
            if (trusted) checksumTrustedReceived++;
            if (rcv != null) rcv.receive(now, rx, VnetHeader.SIZE, (int) r - VnetHeader.SIZE, trusted);
        }
        return n;
    }

    /**
     * Writes the frame to the device. Returns false (the stack counts the drop) if the device's
     * queue is full (EAGAIN), the device is down or gone, or the frame is longer than the MTU.
     */
    @Override
    public boolean transmit(long now, MemorySegment frame, long off, int len) {
        if (fd < 0 || len <= 0 || len > txLimit) {
            txDropped++;
            return false;
        }
        Objects.checkFromIndexSize(off, len, frame.byteSize());
        long w;
        int expect;
        if (!offload) {
            long address;
            if (frame.isNative()) {
                address = frame.address() + off;
            } else {
                MemorySegment.copy(frame, off, tx, 0, len);
                address = txAddress;
            }
            expect = len;
            w = Libc.write(txState, fd, address, len);
            if (w < 0 && Libc.errno(txState) == Errno.EINTR) w = Libc.write(txState, fd, address, len);
        } else if (frame.isNative()) {
            // The virtio-net header from its own segment, the frame from where it is: writev(2).
            if (txPartial) VnetHeader.encodeForFrame(txHeader, 0, frame, off, len, linkHeader);
            expect = VnetHeader.SIZE + len;
            w = writeWithHeader(frame.address() + off, len);
        } else {
            MemorySegment.copy(frame, off, tx, VnetHeader.SIZE, len);
            if (txPartial) VnetHeader.encodeForFrame(tx, 0, tx, VnetHeader.SIZE, len, linkHeader);
            else VnetHeader.encodeNone(tx, 0);
            expect = VnetHeader.SIZE + len;
            w = Libc.write(txState, fd, txAddress, expect);
            if (w < 0 && Libc.errno(txState) == Errno.EINTR) w = Libc.write(txState, fd, txAddress, expect);
        }
        return written(w, expect);
    }

    /** writev(2) of the header in {@code txHeader} and {@code len} bytes at {@code address}, once more after EINTR. */
    private long writeWithHeader(long address, int len) {
        iov.set(ValueLayout.JAVA_LONG_UNALIGNED, 16, address);
        iov.set(ValueLayout.JAVA_LONG_UNALIGNED, 24, len);
        long w = Libc.writev(txState, fd, iovAddress, 2);
        if (w < 0 && Libc.errno(txState) == Errno.EINTR) w = Libc.writev(txState, fd, iovAddress, 2);
        return w;
    }

    /** Counts a write that returned {@code w} of {@code expect} bytes: sent, or dropped (and an error unless EAGAIN). */
    private boolean written(long w, int expect) {
        if (w != expect) {
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

    /** GSO frames read (a TCP/IPv4 segment of several MSS, with {@link Options#offload}). */
    public long gsoFramesReceived() {
        return gsoFramesReceived;
    }

    /** Frames read whose checksum the kernel left partial or had verified (NEEDS_CSUM, DATA_VALID). */
    public long checksumTrustedReceived() {
        return checksumTrustedReceived;
    }

    /** Frames read and dropped by the link itself: shorter than the virtio-net header, or a GSO type not asked for. */
    public long receiveDropped() {
        return rxDropped;
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
        return mode + " " + name + (mode == Mode.TAP ? " " + MacAddress.toString(mac) : "") + " mtu " + mtu
                + (offload ? " offload" : "") + (fd < 0 ? " (closed)" : "");
    }
}
