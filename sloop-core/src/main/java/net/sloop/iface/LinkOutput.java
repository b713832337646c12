package net.sloop.iface;

/**
 * The way down to the interfaces, as the layers above them see it (implemented by the stack).
 *
 * <p>Outgoing packets are built in the stack's <em>transmit frame</em>: one contiguous run of
 * arena blocks set aside at start-up, link header first, so that sending a reply or a control
 * segment never needs memory the budget may not have. A link copies the frame before its
 * transmit returns, so the frame is free again at once.
 */
public interface LinkOutput {
    /** Arena offset of the transmit frame (the link header first, then the IP packet). */
    long txFrame();

    /**
     * Sends the IP packet of {@code ipLength} bytes in the transmit frame (after the link header)
     * towards {@code nextHop} on {@code nif}: on Ethernet the next hop's MAC is resolved first (ARP).
     */
    boolean linkOutput(long now, NetIf nif, int nextHop, int ipLength);

    /**
     * Sends the IP packet of {@code ipLength} bytes in the transmit frame, a TCP packet longer
     * than the MTU, for {@code nif}'s link to cut into segments of {@code segmentSize} payload
     * bytes ({@link NetIf#segmentOffload}).
     */
    boolean linkOutputSegmented(long now, NetIf nif, int ipLength, int segmentSize);

    /** Hands the first {@code length} bytes of the transmit frame, as they are, to {@code nif}'s link. */
    boolean transmit(long now, NetIf nif, int length);

    /** Sends the packet of {@code length} bytes written in place at {@code at} in the link's own memory. */
    boolean commitTransmit(long now, NetIf nif, long at, int length);
}
