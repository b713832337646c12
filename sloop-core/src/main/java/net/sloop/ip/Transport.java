package net.sloop.ip;

import net.sloop.iface.NetIf;

/** A protocol above IPv4 (ICMP, UDP, TCP), as the IPv4 layer sees it. */
public interface Transport {
    /**
     * A datagram for this protocol. Takes ownership of the chain {@code head}, which starts with the
     * IPv4 header ({@code ipHeaderLength} bytes, contiguous in the head block) and holds exactly
     * the datagram; the implementation frees it or keeps it.
     *
     * @param broadcast true if it was sent to a broadcast or multicast address
     */
    void input(long now, NetIf nif, int head, int ipHeaderLength, int src, int dst, boolean broadcast);

    /**
     * An ICMP error about a datagram this stack sent with this protocol. {@code quote} is the chain
     * holding the quoted original IPv4 header and at least 8 bytes of its payload, starting
     * {@code quoteOffset} bytes in, with the original header {@code quoteHeaderLength} long. The
     * chain is not the implementation's to keep.
     *
     * @param mtu next-hop MTU for "fragmentation needed" (type 3 code 4), else 0
     */
    void icmpError(long now, int type, int code, int mtu, int origSrc, int origDst, int quote, int quoteOffset, int quoteHeaderLength);
}
