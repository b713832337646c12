package net.sloop.ethernet;

import java.lang.foreign.MemorySegment;
import net.sloop.iface.LinkOutput;
import net.sloop.iface.NetIf;
import net.sloop.ip.Ipv4;
import net.sloop.mem.Budget;
import net.sloop.mem.Chains;
import net.sloop.stack.StackConfig;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.stats.Stats;
import net.sloop.time.TimerQueue;
import net.sloop.wire.EthernetView;
import net.sloop.wire.Ipv4Address;
import net.sloop.wire.MacAddress;

/**
 * Ethernet II framing (RFC 894) on the stack's Ethernet interfaces (TAP, the simulator).
 *
 * <p>In: a frame is accepted only if it is addressed to the interface's MAC, to broadcast or to a
 * multicast group (another host's: {@code ETH_NOT_FOR_US}), then dispatched by EtherType with its
 * header trimmed off: IPv4 to {@link Ipv4#input}, ARP to {@link Arp}; IPv6 and others are counted
 * and dropped. Out: an IPv4 packet gets its next hop's MAC (broadcast, the RFC 1112 multicast
 * mapping, or the one {@link Arp} has resolved; unresolved, the packet waits in ARP's queue) and
 * the Ethernet header is written in front of it in the transmit frame.
 */
public final class Ethernet {
    private final Budget m;
    private final MemorySegment mem;
    private final Stats stats;
    private final LinkOutput link;
    private final Ipv4 ipv4;
    private final Arp arp;
    private final EthernetView eth = new EthernetView();

    public Ethernet(Budget budget, Stats stats, StackConfig config, TimerQueue timers, LinkOutput link, Ipv4 ipv4) {
        this.m = budget;
        this.mem = budget.memory();
        this.stats = stats;
        this.link = link;
        this.ipv4 = ipv4;
        this.arp = new Arp(this, budget, stats, config, timers, link);
    }

    /** The ARP cache and queue of this stack's Ethernet interfaces. */
    public Arp arp() {
        return arp;
    }

    /** Takes ownership of a received Ethernet frame. */
    public void input(long now, NetIf nif, int head) {
        stats.received(Proto.ETHERNET);
        int length = Chains.length(m, head);
        if (length < EthernetView.HEADER_LENGTH || !Chains.pullUp(m, head, EthernetView.HEADER_LENGTH)) {
            drop(head, DropReason.ETH_TRUNCATED);
            return;
        }
        eth.wrap(mem, m.address(head), length);
        long dst = eth.dst();
        if (dst != nif.mac() && !MacAddress.isBroadcast(dst) && !MacAddress.isMulticast(dst)) {
            drop(head, DropReason.ETH_NOT_FOR_US);
            return;
        }
        int type = eth.etherType();
        switch (type) {
            case EthernetView.ETHERTYPE_IPV4 -> ipv4.input(now, nif, Chains.trimFront(m, head, EthernetView.HEADER_LENGTH));
            case EthernetView.ETHERTYPE_ARP -> arp.input(now, nif, Chains.trimFront(m, head, EthernetView.HEADER_LENGTH));
            case EthernetView.ETHERTYPE_IPV6 -> drop(head, DropReason.IPV6_UNSUPPORTED);
            default -> drop(head, DropReason.ETH_UNSUPPORTED);
        }
    }

    /**
     * Sends the IPv4 packet of {@code ipLength} bytes at {@code txFrame + 14} to {@code nextHop},
     * resolving its MAC address first if needed (the packet then waits in ARP's queue, copied into
     * the budget). Returns false if the packet was dropped.
     */
    public boolean output(long now, NetIf nif, int nextHop, int ipLength) {
        long mac;
        if (nif.isBroadcast(nextHop)) mac = MacAddress.BROADCAST;
        else if (Ipv4Address.isMulticast(nextHop)) mac = 0x01005E000000L | (nextHop & 0x7FFFFF); // RFC 1112 §6.4
        else {
            mac = arp.resolve(now, nif, nextHop, ipLength);
            if (mac == Arp.QUEUED) return true;
            if (mac == Arp.DROPPED) return false;
        }
        return transmit(now, nif, mac, EthernetView.ETHERTYPE_IPV4, ipLength);
    }

    /**
     * Writes the Ethernet header (to {@code dst}, from {@code nif}'s MAC) in front of the
     * {@code payloadLength} bytes at {@code txFrame + 14} and hands the frame to the link.
     */
    boolean transmit(long now, NetIf nif, long dst, int etherType, int payloadLength) {
        long frame = link.txFrame();
        eth.wrap(mem, frame, EthernetView.HEADER_LENGTH);
        eth.setDst(dst);
        eth.setSrc(nif.mac());
        eth.setEtherType(etherType);
        stats.sent(Proto.ETHERNET);
        return link.transmit(now, nif, EthernetView.HEADER_LENGTH + payloadLength);
    }

    private void drop(int head, DropReason r) {
        Chains.free(m, head);
        stats.drop(r);
    }
}
