package net.sloop.mem;

/**
 * What a piece of the budget is used for. Block categories hold packet or stream bytes, or packed
 * records, in whole blocks; byte categories hold control structures (live Java objects) charged at their measured
 * size, accounted against whole blocks set aside from the same arena.
 */
public enum Category {
    /** A frame being received: held only while the stack decides what to do with it. May use the receive reserve. */
    RX(true, true),
    /** Frames being assembled for transmission. */
    TX(true, false),
    /** Fragments of IPv4 datagrams waiting for the rest. */
    REASSEMBLY(true, false),
    /** Packets waiting for ARP resolution. */
    ARP_QUEUE(true, false),
    /** Data written by the application, not yet acknowledged by the peer. */
    SOCKET_SEND(true, false),
    /** Data received in order, not yet read by the application. */
    SOCKET_RECEIVE(true, false),
    /** Data received ahead of a gap. The first thing pruned under pressure after TIME_WAIT records. */
    OUT_OF_ORDER(true, false),
    /** Control structures: connection blocks, sockets, listeners, tables. */
    CONTROL(false, false),
    /** Compact records of connections in TIME_WAIT, packed into whole blocks (see {@code TimeWaitTable}). */
    TIME_WAIT(true, false);

    private final boolean blocks;
    private final boolean mayUseReserve;

    Category(boolean blocks, boolean mayUseReserve) {
        this.blocks = blocks;
        this.mayUseReserve = mayUseReserve;
    }

    /** True if this category is allocated in whole blocks; false if charged in bytes. */
    public boolean blocks() {
        return blocks;
    }

    /** True if allocations of this category may dip into the receive reserve. */
    public boolean mayUseReserve() {
        return mayUseReserve;
    }

    static final Category[] ALL = values();
    /** Number of categories. */
    public static final int COUNT = ALL.length;
}
