package net.sloop.stack;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import net.sloop.ethernet.Arp;
import net.sloop.ethernet.Ethernet;
import net.sloop.iface.LinkOutput;
import net.sloop.iface.NetIf;
import net.sloop.iface.Routes;
import net.sloop.ip.Gather;
import net.sloop.ip.Icmp;
import net.sloop.ip.Ipv4;
import net.sloop.ip.Reassembly;
import net.sloop.ip.TransportContext;
import net.sloop.link.FrameReceiver;
import net.sloop.link.Link;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Chains;
import net.sloop.mem.MemoryReport;
import net.sloop.mem.Owner;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.stats.Stats;
import net.sloop.time.Pollable;
import net.sloop.time.TimerQueue;
import net.sloop.tcp.Tcp;
import net.sloop.udp.Udp;
import net.sloop.wire.EthernetView;
import net.sloop.wire.Ipv4Address;

/**
 * One TCP/IP stack: its budget, interfaces, protocols, timers and counters. The core does no I/O
 * and reads no clock: every entry point takes the time, frames leave through each interface's
 * {@link Link}, and {@link #poll} returns the next time the stack wants to be called.
 *
 * <p>One thread at a time: the caller serialises calls (an event loop, or a lock held for each
 * call). Frames received on an attached link enter through the link's receiver on that thread.
 */
public final class Stack implements TransportContext, LinkOutput, Pollable, AutoCloseable {
    /**
     * Heap bytes charged for the stack's own structures (layers, views, counters, routes,
     * interfaces), not counting the timer slots, the ARP cache and the reassembly slots, which are
     * charged by size. Measured with JOL in ChargeSizeTest, which fails if this is too small.
     */
    public static final int BASE_BYTES = 3584;
    /** Heap bytes per timer slot (a reference, 8 bytes without compressed oops). */
    public static final int TIMER_SLOT_BYTES = 8;
    private static final int MAX_INTERFACES = 8;

    private final StackConfig config;
    private final Budget budget;
    private final Stats stats = new Stats();
    private final TimerQueue timers;
    private final Owner owner = new Owner("stack");
    private final Owner txOwner = new Owner("tx frame");
    private final long txFrame;
    private final Routes routes = new Routes(MAX_INTERFACES + 1);
    private final List<NetIf> interfaces = new ArrayList<>(MAX_INTERFACES);
    private final Ethernet ethernet;
    private final Arp arp;
    private final Ipv4 ipv4;
    private final Icmp icmp;
    private final Udp udp;
    private final Tcp tcp;
    private long time;
    private int timersReserved;
    private final Reassembly reassembly;
    private boolean closed;

    public Stack(StackConfig config) {
        this.config = config.validate();
        this.budget = new Budget(config.budgetBytes(), config.blockSize(), config.rxReserveBlocks());
        this.timers = new TimerQueue(config.timerCapacity());
        // The transmit frame: one contiguous frame, set aside for good, so that sending a reply or
        // an ACK never needs memory the budget may not have. Frames are built in it and handed
        // to the link, which copies them before returning.
        int frameBytes = Math.max(config.maxMtu(), config.segmentOffloadBytes()) + 14;
        int txBlocks = (frameBytes + config.blockSize() - 1) / config.blockSize();
        int txFirstBlock = budget.allocRun(txBlocks, Category.TX, txOwner);
        if (txFirstBlock < 0) {
            budget.close();
            throw new IllegalArgumentException("budget too small for a transmit frame of " + frameBytes + " bytes");
        }
        txFrame = budget.base(txFirstBlock);
        Gather gather = new Gather(budget);
        this.reassembly = new Reassembly(budget, stats, timers, config);
        this.ipv4 = new Ipv4(this, this, reassembly);
        this.ethernet = new Ethernet(budget, stats, config, timers, this, ipv4);
        this.arp = ethernet.arp();
        this.icmp = new Icmp(this, gather);
        this.udp = new Udp(this, gather);
        ipv4.register(1, icmp);
        ipv4.register(Udp.PROTOCOL, udp);
        this.tcp = new Tcp(this, gather);
        ipv4.register(Tcp.PROTOCOL, tcp);
        if (!budget.charge(Category.CONTROL, owner, controlBytes())
                || !budget.charge(Category.CONTROL, arp.owner(), arp.controlBytes())
                || !budget.charge(Category.CONTROL, reassembly.owner(), reassembly.controlBytes())
                || !budget.charge(Category.CONTROL, tcp.owner(), tcp.controlBytes())) {
            budget.close();
            throw new IllegalArgumentException("budget of " + config.budgetBytes() + " bytes cannot hold the stack's tables");
        }
        budget.markBaseline();
    }

    /**
     * Adds an interface on {@code link} with {@code address}/{@code prefixLength} and an on-link
     * route, and attaches the stack as the link's receiver. The interface MTU is the smaller of
     * the link's and the stack's {@code maxMtu}.
     */
    public NetIf addInterface(Link link, int address, int prefixLength) {
        open();
        if (interfaces.size() == MAX_INTERFACES) throw new IllegalStateException("at most " + MAX_INTERFACES + " interfaces");
        NetIf nif = new NetIf(interfaces.size(), link, Math.min(link.mtu(), config.maxMtu()), address, prefixLength);
        nif.limitSegmentOffload(config.segmentOffloadBytes());
        interfaces.add(nif);
        routes.add(address, prefixLength, 0, nif);
        link.attach(new FrameReceiver() {
            @Override
            public void receive(long now, MemorySegment src, long off, int len) {
                Stack.this.receive(now, nif, src, off, len, false);
            }

            @Override
            public void receive(long now, MemorySegment src, long off, int len, boolean checksumTrusted) {
                Stack.this.receive(now, nif, src, off, len, checksumTrusted);
            }
        });
        return nif;
    }

    /** Interface address as text, e.g. {@code "198.18.0.2/24"}. */
    public NetIf addInterface(Link link, String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("expected address/prefix, got " + cidr);
        return addInterface(link, Ipv4Address.parse(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)));
    }

    /** Routes everything not on a link through {@code gateway}, which must be on one. */
    public void setDefaultGateway(int gateway) {
        open();
        int r = routes.lookup(gateway);
        if (r < 0) throw new IllegalArgumentException("gateway " + Ipv4Address.toString(gateway) + " is on no interface's subnet");
        routes.add(0, 0, gateway, routes.via(r));
    }

    /**
     * A frame arrived on {@code nif}'s link. It is copied into receive blocks (leaving headroom
     * for bookkeeping) and processed at once; if the budget has no block for it, it is dropped
     * and counted, and nothing else happens.
     */
    public void receive(long now, NetIf nif, MemorySegment src, long off, int len) {
        receive(now, nif, src, off, len, false);
    }

    /**
     * As {@link #receive(long, NetIf, MemorySegment, long, int)}; {@code checksumTrusted}: the link
     * vouches for the frame's TCP or UDP checksum (virtio-net NEEDS_CSUM or DATA_VALID), which is
     * then not verified. Honoured only on an interface whose link declares
     * {@link Link#receiveOffload}, which may also deliver frames longer than the MTU (GSO, up to
     * 65,535 bytes of IP packet): such a frame takes as many receive blocks as it needs, or is
     * dropped and counted ({@code LINK_NO_MEMORY}) if the budget cannot give them.
     */
    public void receive(long now, NetIf nif, MemorySegment src, long off, int len, boolean checksumTrusted) {
        if (closed) return;
        if (now > time) time = now;
        stats.received(Proto.LINK);
        if (len > nif.maxFrameIn()) {
            stats.drop(DropReason.LINK_TOO_LONG);
            return;
        }
        if (isIpv6(nif, src, off, len)) {
            // What Linux sends on a fresh interface (router solicitations, MLD reports, duplicate
            // address detection): counted and dropped before it costs a receive block.
            if (nif.ethernet()) stats.received(Proto.ETHERNET);
            stats.drop(DropReason.IPV6_UNSUPPORTED);
            return;
        }
        // A segment inside a window we advertised is charged to its connection when the budget has
        // no uncommitted block for it beyond the receive reserve: the commitment behind that window
        // is lent to the frame, and the reserve stays for ACKs and frames no window vouches for.
        int need = Chains.blocksFor(budget, len, StackConfig.RX_HEADROOM);
        boolean lent = budget.uncommittedFreeBlocks() < need && tcp.lendForFrame(nif.ethernet(), src, off, len, need);
        int head = Chains.copyIn(budget, src, off, len, StackConfig.RX_HEADROOM, Category.RX, nif.owner());
        if (head < 0) {
            if (lent) tcp.settleLoan();
            stats.drop(DropReason.LINK_NO_MEMORY);
            return;
        }
        nif.frameChecksumTrusted(checksumTrusted && nif.receiveOffload());
        if (nif.ethernet()) ethernet.input(now, nif, head);
        else ipv4.input(now, nif, head);
        nif.frameChecksumTrusted(false);
        if (lent) tcp.settleLoan();
    }

    /** An IPv6 packet: IP version 6 on an IP link (TUN), EtherType 0x86DD on Ethernet (TAP). */
    private static boolean isIpv6(NetIf nif, MemorySegment src, long off, int len) {
        if (nif.ethernet()) {
            return len >= EthernetView.HEADER_LENGTH
                    && (src.get(ValueLayout.JAVA_BYTE, off + 12) & 0xff) << 8 == (EthernetView.ETHERTYPE_IPV6 & 0xff00)
                    && (src.get(ValueLayout.JAVA_BYTE, off + 13) & 0xff) == (EthernetView.ETHERTYPE_IPV6 & 0xff);
        }
        return len > 0 && (src.get(ValueLayout.JAVA_BYTE, off) >> 4 & 0xF) == 6; // an empty read has no byte
    }

    /**
     * A batch of frames is about to be received (a runner reading several from a device): TCP
     * holds bare ACKs until {@link #endReceiveBatch}. Pair the two; call poll after.
     */
    public void beginReceiveBatch() {
        if (!closed) tcp.beginBatch();
    }

    /** The batch begun with {@link #beginReceiveBatch} is over: held ACKs go now. */
    public void endReceiveBatch(long now) {
        if (closed) return;
        if (now > time) time = now;
        tcp.endBatch(now);
    }

    @Override
    public long poll(long now) {
        if (closed) return TimerQueue.NONE;
        if (now > time) time = now;
        for (int i = 0; i < interfaces.size(); i++) interfaces.get(i).link().poll(now);
        timers.runDue(now);
        tcp.afterPoll();
        for (int i = 0; i < interfaces.size(); i++) if (interfaces.get(i).link().pending()) return now;
        return timers.nextDeadline();
    }

    // ------------------------------------------------------------------ used by the layers

    /** Bytes charged for the stack's own structures. */
    public int controlBytes() {
        return BASE_BYTES + TIMER_SLOT_BYTES * config.timerCapacity();
    }

    /** Arena offset of the transmit frame (link header first). */
    @Override
    public long txFrame() {
        return txFrame;
    }

    /** Sends the IP packet of {@code ipLength} bytes in the transmit frame (after the link header) towards {@code nextHop}. */
    @Override
    public boolean linkOutput(long now, NetIf nif, int nextHop, int ipLength) {
        if (nif.ethernet()) return ethernet.output(now, nif, nextHop, ipLength);
        return transmit(now, nif, ipLength);
    }

    @Override
    public boolean linkOutputSegmented(long now, NetIf nif, int ipLength, int segmentSize) {
        stats.sent(Proto.LINK);
        if (!nif.link().transmitSegmented(now, budget.memory(), txFrame, ipLength, segmentSize)) {
            stats.drop(DropReason.LINK_TX_FAILED);
            return false;
        }
        return true;
    }

    /** Hands the first {@code length} bytes of the transmit frame to the link. */
    @Override
    public boolean transmit(long now, NetIf nif, int length) {
        stats.sent(Proto.LINK);
        if (!nif.link().transmit(now, budget.memory(), txFrame, length)) {
            stats.drop(DropReason.LINK_TX_FAILED);
            return false;
        }
        return true;
    }

    /** Sends the packet of {@code length} bytes written in place at {@code at} (see {@link Link#reserveTransmit}). */
    @Override
    public boolean commitTransmit(long now, NetIf nif, long at, int length) {
        stats.sent(Proto.LINK);
        if (!nif.link().commitTransmit(now, at, length)) {
            stats.drop(DropReason.LINK_TX_FAILED);
            return false;
        }
        return true;
    }

    /**
     * True if {@code a} is the stack's own: the address of one of its interfaces, or in a prefix
     * one of them intercepts ({@link NetIf#intercept}).
     */
    public boolean isLocalAddress(int a) {
        for (int i = 0; i < interfaces.size(); i++) {
            NetIf nif = interfaces.get(i);
            if (nif.address() == a || nif.intercepts(a)) return true;
        }
        return false;
    }

    /** The interface whose address is {@code a}, or the first interface if {@code a} is 0; null if none. */
    public NetIf interfaceFor(int a) {
        for (int i = 0; i < interfaces.size(); i++) if (a == 0 || interfaces.get(i).address() == a) return interfaces.get(i);
        return null;
    }

    /** The source address the stack would use to reach {@code dst}. */
    public int sourceFor(int dst) {
        int r = routes.lookup(dst);
        if (r >= 0) return routes.via(r).address();
        NetIf first = interfaceFor(0);
        return first == null ? 0 : first.address();
    }

    // ------------------------------------------------------------------ accessors

    public StackConfig config() {
        return config;
    }

    public Budget budget() {
        return budget;
    }

    public Stats stats() {
        return stats;
    }

    public TimerQueue timers() {
        return timers;
    }

    /**
     * Takes one of the timer slots set aside for applications ({@link StackConfig#applicationTimers()}):
     * a {@link net.sloop.time.Timer} armed in {@link #timers()} under such a reservation never takes a slot
     * a TCP connection, an ARP entry or a reassembly slot was promised. False if none is left.
     */
    public boolean reserveTimer() {
        if (timersReserved >= config.applicationTimers()) return false;
        timersReserved++;
        return true;
    }

    /** Returns a slot taken with {@link #reserveTimer()} (its timer must be cancelled first). */
    public void releaseTimer() {
        if (timersReserved == 0) throw new IllegalStateException("no application timer reserved");
        timersReserved--;
    }

    public Routes routes() {
        return routes;
    }

    public List<NetIf> interfaces() {
        return List.copyOf(interfaces);
    }

    public Ethernet ethernet() {
        return ethernet;
    }

    public Arp arp() {
        return arp;
    }

    public Ipv4 ipv4() {
        return ipv4;
    }

    public Icmp icmp() {
        return icmp;
    }

    public Udp udp() {
        return udp;
    }

    public Tcp tcp() {
        return tcp;
    }

    /** The latest time the stack has been given (by {@link #receive}, {@link #poll} or {@link #advance}). */
    public long time() {
        return time;
    }

    /**
     * Moves the stack's notion of now forward without running timers: a runner calls this before
     * an application call so that segments it sends carry the right time.
     */
    public void advance(long now) {
        if (now > time) time = now;
    }

    /**
     * Memory at the end, explained for people: whether the budget is back at its baseline, and
     * if not, what holds the difference (by owner and category) and why it is still alive (the
     * connections, listeners, TIME_WAIT records and UDP sockets left, each saying whether it ends
     * on its own). Call it after closing everything: what ends on its own comes back once the
     * stack's time passes its timers ({@link #poll}); anything left after that is held by a
     * handle the application has not closed. Take the stack's lock (its runner's) to call it
     * from another thread.
     */
    public String explainHeld() {
        Budget b = budget();
        if (b.atBaseline()) return "memory at its baseline of " + b.baseline() + " bytes: nothing held\n";
        StringBuilder sb = new StringBuilder(b.leakReport());
        String tcpHeld = tcp().stillHeld();
        int udpOpen = udp().openSockets();
        if (!tcpHeld.isEmpty() || udpOpen > 0) {
            sb.append("still alive:\n").append(tcpHeld);
            if (udpOpen > 0) sb.append("  udp ").append(udpOpen).append(" sockets open: close them (UdpSocket.close)\n");
        }
        long next = timers().nextDeadline();
        if (next != net.sloop.time.TimerQueue.NONE) {
            sb.append("the next timer is due in ").append(Math.max(0, next - time()) / 1_000_000)
                    .append(" ms: what ends on its own comes back as the stack's time passes its timers\n");
        }
        return sb.toString();
    }

    /** A report of the budget and the counters, for people. */
    public String report() {
        return MemoryReport.of(budget) + stats.report() + tcp.report();
    }

    private void open() {
        if (closed) throw new IllegalStateException("stack is closed");
    }

    /**
     * Frees what the protocols hold (queued ARP packets, fragments) and then the arena. Sockets
     * must be closed first by their owners; a socket still open is a leak the budget reports.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        drain();
        for (NetIf nif : interfaces) nif.link().close();
        budget.close();
    }

    /**
     * Releases the protocols' transient holdings (ARP queue, fragments) without closing the
     * arena, so a test can check the budget is back at its baseline.
     */
    public void drain() {
        tcp.clear();
        arp.clear();
        reassembly.clear();
    }
}
