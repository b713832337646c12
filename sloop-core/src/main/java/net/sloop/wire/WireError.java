package net.sloop.wire;

/**
 * Outcome of a view's {@code check()}: {@link #NONE} when the header is valid, otherwise why the
 * bytes were rejected. The stack maps each value to a drop counter, so untrusted input never
 * surfaces as an exception.
 */
public enum WireError {
    /** Valid: every getter of the view reads inside the wrapped range. */
    NONE,
    /** Fewer bytes than the fixed header (or the header length it declares) needs. */
    TRUNCATED,
    /** IP version field is not the one the view decodes. */
    BAD_VERSION,
    /** Header length field is below the minimum, or points past the wrapped bytes. */
    BAD_HEADER_LENGTH,
    /** IPv4 total length is below the header length or above the wrapped length. */
    BAD_TOTAL_LENGTH,
    /** A checksum does not verify. */
    BAD_CHECKSUM,
    /** An option list is malformed (length byte missing, too small, past the area, wrong size). */
    BAD_OPTION,
    /** A length field (e.g. UDP length) is inconsistent with the wrapped bytes. */
    BAD_LENGTH,
    /** Well-formed but not something Sloop decodes (802.3 length frames, non-Ethernet/IPv4 ARP). */
    UNSUPPORTED,
    /** IPv4 fragment whose offset plus payload would exceed the 65535-byte datagram limit. */
    BAD_FRAGMENT
}
