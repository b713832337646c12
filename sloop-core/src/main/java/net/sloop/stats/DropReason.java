package net.sloop.stats;

import static net.sloop.stats.Counter.CHECKSUM_ERRORS;
import static net.sloop.stats.Counter.LENGTH_ERRORS;
import static net.sloop.stats.Counter.MEMORY_ERRORS;
import static net.sloop.stats.Counter.OPTION_ERRORS;
import static net.sloop.stats.Counter.PROTOCOL_ERRORS;
import static net.sloop.stats.Counter.ROUTING_ERRORS;

/**
 * Why a packet was dropped. Each reason belongs to one protocol and, if it is an error, to one of
 * that protocol's error counters; a drop that is policy rather than error (traffic not for us) has
 * no error counter.
 */
public enum DropReason {
    LINK_NO_MEMORY(Proto.LINK, MEMORY_ERRORS, "no block free to receive the frame"),
    LINK_TOO_LONG(Proto.LINK, LENGTH_ERRORS, "frame longer than the link MTU allows"),
    LINK_TX_FAILED(Proto.LINK, null, "the link refused the frame"),

    ETH_TRUNCATED(Proto.ETHERNET, LENGTH_ERRORS, "shorter than an Ethernet header"),
    ETH_NOT_FOR_US(Proto.ETHERNET, null, "destination MAC is another host's"),
    ETH_UNSUPPORTED(Proto.ETHERNET, PROTOCOL_ERRORS, "EtherType not handled (802.3 length, VLAN, other)"),

    IPV6_UNSUPPORTED(Proto.IPV6, null, "IPv6 is not implemented yet"),

    ARP_MALFORMED(Proto.ARP, LENGTH_ERRORS, "truncated ARP packet"),
    ARP_UNSUPPORTED(Proto.ARP, PROTOCOL_ERRORS, "ARP for other hardware or protocol types"),
    ARP_NOT_FOR_US(Proto.ARP, null, "ARP request for another address"),
    ARP_QUEUE_FULL(Proto.ARP, MEMORY_ERRORS, "too many packets already wait for resolution"),
    ARP_NO_MEMORY(Proto.ARP, MEMORY_ERRORS, "no block free to queue the packet"),
    ARP_UNRESOLVED(Proto.ARP, ROUTING_ERRORS, "the address did not resolve in time"),
    ARP_TABLE_FULL(Proto.ARP, MEMORY_ERRORS, "every ARP entry is busy resolving"),

    IP_TRUNCATED(Proto.IPV4, LENGTH_ERRORS, "shorter than its header"),
    IP_BAD_VERSION(Proto.IPV4, PROTOCOL_ERRORS, "version is not 4"),
    IP_BAD_HEADER_LENGTH(Proto.IPV4, LENGTH_ERRORS, "header length field invalid"),
    IP_BAD_TOTAL_LENGTH(Proto.IPV4, LENGTH_ERRORS, "total length disagrees with the frame"),
    IP_BAD_CHECKSUM(Proto.IPV4, CHECKSUM_ERRORS, "header checksum wrong"),
    IP_BAD_OPTION(Proto.IPV4, OPTION_ERRORS, "malformed options"),
    IP_BAD_SOURCE(Proto.IPV4, PROTOCOL_ERRORS, "source is broadcast or multicast"),
    IP_NOT_FOR_US(Proto.IPV4, null, "destination is another host (no forwarding)"),
    IP_BROADCAST(Proto.IPV4, null, "broadcast or multicast with no listener"),
    IP_UNKNOWN_PROTOCOL(Proto.IPV4, PROTOCOL_ERRORS, "transport protocol not handled"),
    IP_NO_ROUTE(Proto.IPV4, ROUTING_ERRORS, "no route to the destination"),
    IP_TOO_BIG(Proto.IPV4, LENGTH_ERRORS, "datagram too big to send"),
    IP_NO_MEMORY(Proto.IPV4, MEMORY_ERRORS, "no memory to send"),

    FRAG_NO_MEMORY(Proto.FRAG, MEMORY_ERRORS, "fragment could not be kept: budget or reserve"),
    FRAG_EVICTED(Proto.FRAG, MEMORY_ERRORS, "incomplete datagram evicted to make room"),
    FRAG_TIMEOUT(Proto.FRAG, null, "incomplete datagram timed out"),
    FRAG_INVALID(Proto.FRAG, PROTOCOL_ERRORS, "overlapping or inconsistent fragment"),
    FRAG_DUPLICATE(Proto.FRAG, null, "fragment already held"),
    FRAG_DISABLED(Proto.FRAG, MEMORY_ERRORS, "reassembly is configured off (no slots)"),
    FRAG_TOO_BIG(Proto.FRAG, LENGTH_ERRORS, "reassembled datagram would exceed 65535 bytes"),

    ICMP_TRUNCATED(Proto.ICMP, LENGTH_ERRORS, "shorter than an ICMP header"),
    ICMP_BAD_CHECKSUM(Proto.ICMP, CHECKSUM_ERRORS, "ICMP checksum wrong"),
    ICMP_UNHANDLED(Proto.ICMP, null, "ICMP type not handled"),
    ICMP_BROADCAST_ECHO(Proto.ICMP, null, "echo request to a broadcast address (not answered)"),
    ICMP_ERROR_UNMATCHED(Proto.ICMP, null, "ICMP error for no socket of ours"),

    UDP_TRUNCATED(Proto.UDP, LENGTH_ERRORS, "shorter than a UDP header"),
    UDP_BAD_LENGTH(Proto.UDP, LENGTH_ERRORS, "UDP length field invalid"),
    UDP_BAD_CHECKSUM(Proto.UDP, CHECKSUM_ERRORS, "UDP checksum wrong"),
    UDP_NO_SOCKET(Proto.UDP, null, "no socket on the port (port unreachable sent)"),
    UDP_QUEUE_FULL(Proto.UDP, MEMORY_ERRORS, "the socket's receive queue is full"),
    UDP_NO_MEMORY(Proto.UDP, MEMORY_ERRORS, "no memory to queue the datagram"),

    TCP_TRUNCATED(Proto.TCP, LENGTH_ERRORS, "shorter than its TCP header"),
    TCP_BAD_CHECKSUM(Proto.TCP, CHECKSUM_ERRORS, "TCP checksum wrong"),
    TCP_BAD_OPTION(Proto.TCP, OPTION_ERRORS, "malformed TCP options"),
    TCP_BROADCAST(Proto.TCP, null, "TCP segment to a broadcast or multicast address"),
    TCP_NO_SOCKET(Proto.TCP, null, "no connection or listener (reset sent unless it was a reset)"),
    TCP_TIME_WAIT(Proto.TCP, null, "segment for a connection in TIME_WAIT (acknowledged)"),
    TCP_RST_IGNORED(Proto.TCP, null, "reset that matched nothing it could end"),
    TCP_RST_CHALLENGED(Proto.TCP, null, "reset in the window but not exact: challenge ACK (RFC 5961)"),
    TCP_SYN_CHALLENGED(Proto.TCP, null, "SYN on a synchronized connection: challenge ACK (RFC 5961)"),
    TCP_SYN_FIN(Proto.TCP, PROTOCOL_ERRORS, "SYN and FIN together (a scan): discarded"),
    TCP_SYN_DUPLICATE(Proto.TCP, null, "retransmitted SYN (SYN-ACK sent again)"),
    TCP_BAD_ACK(Proto.TCP, PROTOCOL_ERRORS, "acknowledges something never sent"),
    TCP_NO_ACK(Proto.TCP, PROTOCOL_ERRORS, "no ACK flag on a synchronized connection"),
    TCP_PAWS(Proto.TCP, null, "old timestamp: an old duplicate (PAWS, RFC 7323)"),
    TCP_OUT_OF_WINDOW(Proto.TCP, null, "outside the receive window (acknowledged)"),
    TCP_ACCEPT_QUEUE_FULL(Proto.TCP, MEMORY_ERRORS, "listener's accept queue is full"),
    TCP_ADMISSION(Proto.TCP, MEMORY_ERRORS, "not admitted: the budget cannot guarantee a new connection's minimum"),
    TCP_OUT_OF_ORDER_FULL(Proto.TCP, MEMORY_ERRORS, "out-of-order data beyond the connection's bound or share"),
    TCP_OUT_OF_ORDER_DUPLICATE(Proto.TCP, null, "out-of-order data already held"),
    TCP_NO_MEMORY(Proto.TCP, MEMORY_ERRORS, "in-order data with no block to hold it"),
    TCP_DATA_AFTER_FIN(Proto.TCP, null, "data after the peer's FIN"),
    TCP_DATA_AFTER_CLOSE(Proto.TCP, null, "data for a connection the application closed (reset sent)"),
    TCP_ICMP_INVALID(Proto.TCP, null, "ICMP error quoting a sequence number not in flight (RFC 5927)");

    private final Proto proto;
    private final Counter counter;
    private final String description;

    DropReason(Proto proto, Counter counter, String description) {
        this.proto = proto;
        this.counter = counter;
        this.description = description;
    }

    public Proto proto() {
        return proto;
    }

    /** The error counter this drop also increments, or null for a policy drop. */
    public Counter counter() {
        return counter;
    }

    public String description() {
        return description;
    }

    static final DropReason[] ALL = values();
    public static final int COUNT = ALL.length;
}
