package net.sloop.stats;

/** Counters kept per protocol, in the spirit of lwIP's {@code stats_proto}. */
public enum Counter {
    /** Packets handed to this protocol by the layer below (or the link). */
    RECEIVED,
    /** Packets this protocol sent down (or the link put on the wire). */
    SENT,
    /** Packets this protocol dropped, for any reason (each also counted by {@link DropReason}). */
    DROPPED,
    /** Drops because a checksum was wrong. */
    CHECKSUM_ERRORS,
    /** Drops because a length was wrong or the packet was truncated. */
    LENGTH_ERRORS,
    /** Drops because the budget could not supply memory. */
    MEMORY_ERRORS,
    /** Drops because a header field or the protocol's rules were violated or unsupported. */
    PROTOCOL_ERRORS,
    /** Drops because an option was malformed. */
    OPTION_ERRORS,
    /** Drops because no route or no link-layer address was found. */
    ROUTING_ERRORS;

    static final Counter[] ALL = values();
    public static final int COUNT = ALL.length;
}
