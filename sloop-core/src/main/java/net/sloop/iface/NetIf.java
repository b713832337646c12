package net.sloop.iface;

import net.sloop.link.Link;
import net.sloop.mem.Owner;
import net.sloop.wire.Ipv4Address;

/**
 * A network interface: a link plus the IPv4 address the stack has on it. Frames received on the
 * link are charged to the interface's owner while the stack decides what to do with them.
 */
public final class NetIf {
    private final int index;
    private final Link link;
    private final int mtu;
    private final int address;
    private final int prefixLength;
    private final Owner owner;
    private final boolean checksumOffload;
    private final boolean receiveOffload;
    private final boolean transmitChecksumPartial;
    private int segmentOffload;
    private final int maxFrameIn;
    private boolean frameChecksumTrusted;
    /** The prefix whose destinations this interface takes as its own ({@link #intercept}); length -1: none. */
    private int interceptPrefix, interceptLength = -1;

    public NetIf(int index, Link link, int mtu, int address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix length " + prefixLength);
        this.index = index;
        this.link = link;
        this.mtu = mtu;
        this.address = address;
        this.prefixLength = prefixLength;
        this.owner = new Owner("if", link.name());
        this.checksumOffload = link.checksumOffload();
        this.receiveOffload = link.receiveOffload();
        this.transmitChecksumPartial = link.transmitChecksumPartial();
        this.maxFrameIn = (receiveOffload ? 65535 : mtu) + linkHeaderLength();
    }

    public int index() {
        return index;
    }

    public Link link() {
        return link;
    }

    public String name() {
        return link.name();
    }

    public boolean ethernet() {
        return link.kind() == Link.Kind.ETHERNET;
    }

    /** Bytes of link header in front of the IP packet: 14 for Ethernet, 0 for IP links. */
    public int linkHeaderLength() {
        return ethernet() ? 14 : 0;
    }

    /** Largest IP packet sent on this interface. */
    public int mtu() {
        return mtu;
    }

    public long mac() {
        return link.mac();
    }

    public int address() {
        return address;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /**
     * Takes every unicast destination in {@code prefix}/{@code prefixLength} as an address of the
     * stack's own, for packets whatever interface they arrive on: what a VPN or tunnel needs to
     * terminate connections addressed to other hosts that the operating system routes into a TUN
     * device (as Linux's AnyIP, {@code ip route add local PREFIX dev lo}, does for a host). IP then
     * delivers such packets instead of dropping them ({@code IP_NOT_FOR_US}); TCP answers them as it
     * answers its own address (a listener for the port, or {@code Tcp.listenAll}, takes the
     * connection, its local address being the original destination; otherwise a reset), UDP
     * likewise (a socket bound to the wildcard address, otherwise ICMP port unreachable from the
     * destination), and ICMP echo requests are answered from it. Broadcast and multicast destinations are
     * never taken. One prefix per interface; calling again replaces it. Costs no memory. On the
     * stack's thread (or under its runner's lock).
     *
     * @throws IllegalArgumentException if the prefix length is not 0..32 or the prefix has host bits set
     */
    public void intercept(int prefix, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) throw new IllegalArgumentException("prefix length " + prefixLength + " is not 0..32");
        if ((prefix & ~Ipv4Address.prefixMask(prefixLength)) != 0) {
            throw new IllegalArgumentException(Ipv4Address.toString(prefix) + "/" + prefixLength + " has host bits set");
        }
        interceptPrefix = prefix;
        interceptLength = prefixLength;
    }

    /** {@link #intercept(int, int)} for an IPv4 {@code prefix} given as a {@link java.net.InetAddress}. */
    public void intercept(java.net.InetAddress prefix, int prefixLength) {
        intercept(Ipv4Address.of(prefix), prefixLength);
    }

    /** {@link #intercept(int, int)} from text such as {@code "198.19.0.0/16"}. */
    public void intercept(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("expected prefix/length, got " + cidr);
        intercept(Ipv4Address.parse(cidr.substring(0, slash)), Integer.parseInt(cidr.substring(slash + 1)));
    }

    /** Stops taking the intercepted prefix as the stack's own (connections already made go on). */
    public void stopIntercepting() {
        interceptLength = -1;
    }

    /** The intercepted prefix's length, or -1 if this interface intercepts nothing. */
    public int interceptLength() {
        return interceptLength;
    }

    /** The intercepted prefix (meaningful when {@link #interceptLength} is not -1). */
    public int interceptPrefix() {
        return interceptPrefix;
    }

    /**
     * True if {@code a} is a unicast address in this interface's intercepted prefix: not the
     * limited or this subnet's directed broadcast, not multicast, not 0.
     */
    public boolean intercepts(int a) {
        return interceptLength >= 0 && Ipv4Address.inSubnet(a, interceptPrefix, interceptLength)
                && a != 0 && !isBroadcast(a) && !Ipv4Address.isMulticast(a);
    }

    /** True if {@code a} is on this interface's subnet. */
    public boolean onLink(int a) {
        return Ipv4Address.inSubnet(a, address, prefixLength);
    }

    /** True if {@code a} is a broadcast address on this interface: limited, or this subnet's directed broadcast. */
    public boolean isBroadcast(int a) {
        return a == -1 || (prefixLength < 31 && a == Ipv4Address.directedBroadcast(address, prefixLength));
    }

    /**
     * True if the link offloads checksums ({@link Link#checksumOffload}, read once when the
     * interface is made): TCP and UDP checksums are neither filled on frames sent here nor
     * verified on frames received here.
     */
    public boolean checksumOffload() {
        return checksumOffload;
    }

    /**
     * True if the link may deliver frames larger than the MTU and frames whose transport checksum
     * it vouches for ({@link Link#receiveOffload}, read once).
     */
    public boolean receiveOffload() {
        return receiveOffload;
    }

    /**
     * The largest TCP packet (IP length) sent whole for the link to segment (TSO): the link's
     * {@link Link#segmentOffload}, within what the stack's transmit frame holds; 0 if none. Only IP
     * links (TUN) for now: on Ethernet a packet may wait for ARP in a queue that holds frames of
     * at most the MTU.
     */
    public int segmentOffload() {
        return segmentOffload;
    }

    /** Called once by the stack when the interface is added: what its transmit frame allows (see {@link #segmentOffload}). */
    public void limitSegmentOffload(int stackBytes) {
        int link = transmitChecksumPartial && !ethernet() ? this.link.segmentOffload() : 0;
        this.segmentOffload = Math.min(link, stackBytes) > mtu ? Math.min(link, stackBytes) : 0;
    }

    /** The longest frame accepted from the link: MTU plus link header, or 65,535 plus link header with {@link #receiveOffload}. */
    public int maxFrameIn() {
        return maxFrameIn;
    }

    /**
     * True if unfragmented TCP and UDP packets sent here leave their checksum partial (the folded
     * pseudo-header sum) for the link to complete ({@link Link#transmitChecksumPartial}, read once).
     */
    public boolean transmitChecksumPartial() {
        return transmitChecksumPartial;
    }

    /**
     * True if the TCP or UDP checksum of the frame being processed must not be verified: the link
     * offloads checksums, or it flagged this frame as trusted (set by the stack for each frame).
     */
    public boolean skipTransportChecksum() {
        return checksumOffload || frameChecksumTrusted;
    }

    /** Set by the stack around each received frame (and cleared for reassembled datagrams). */
    public void frameChecksumTrusted(boolean trusted) {
        this.frameChecksumTrusted = trusted;
    }

    /** The owner received frames are charged to until a protocol keeps or frees them. */
    public Owner owner() {
        return owner;
    }

    @Override
    public String toString() {
        return link.name() + " " + Ipv4Address.toString(address) + "/" + prefixLength
                + (interceptLength >= 0 ? " intercepting " + Ipv4Address.toString(interceptPrefix) + "/" + interceptLength : "");
    }
}
