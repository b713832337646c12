/**
 * Wire codecs: zero-copy, allocation-free views of Ethernet II, ARP, IPv4, ICMPv4, UDP and TCP
 * headers over {@link java.lang.foreign.MemorySegment}s, plus validated immutable
 * representations for tests and non-hot paths.
 *
 * <p>Rules shared by every view:
 * <ul>
 *   <li>Multi-byte fields are big-endian; MAC addresses are the low 48 bits of a {@code long},
 *       IPv4 addresses an {@code int}, ports and 16-bit fields unsigned {@code int}s, sequence
 *       numbers {@code int}s with modulo-2^32 meaning. Lengths are in bytes unless a name says
 *       words ({@code ihl}, {@code dataOffset}); offsets are absolute {@code long}s into the
 *       segment.</li>
 *   <li>{@code wrap(seg, offset, length)} re-points a view and returns it; it never allocates
 *       and never reads.</li>
 *   <li>{@code check()} validates untrusted bytes and returns a {@link net.sloop.wire.WireError};
 *       it never throws, even when the wrapped range lies outside the segment. Getters are
 *       defined only after {@code check()} returned {@code NONE}; they then read only inside the
 *       wrapped range.</li>
 *   <li>Setters assume the view is wrapped over enough writable bytes (a programming error
 *       otherwise, reported by the segment's own bounds check).</li>
 *   <li>A representation's {@code of(view)} reads a checked view; {@code emit(view)} writes the
 *       header; {@code bufferLength()} is the header length it needs. Checksums over the
 *       header alone (IPv4) are filled by {@code emit}; checksums that cover a payload or a
 *       pseudo-header are filled by the view's {@code fillChecksum} once the payload is in
 *       place.</li>
 * </ul>
 */
package net.sloop.wire;
