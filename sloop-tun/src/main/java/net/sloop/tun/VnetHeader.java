package net.sloop.tun;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 10-byte {@code struct virtio_net_hdr} (linux/virtio_net.h) that a TUN or TAP device opened
 * with {@code IFF_VNET_HDR} puts in front of every frame it delivers and expects in front of every
 * frame written to it:
 *
 * <pre>
 *   0  u8  flags        VIRTIO_NET_HDR_F_NEEDS_CSUM 1, VIRTIO_NET_HDR_F_DATA_VALID 2
 *   1  u8  gso_type     VIRTIO_NET_HDR_GSO_NONE 0, _TCPV4 1, _UDP 3, _TCPV6 4, _UDP_L4 5; | _ECN 0x80
 *   2  u16 hdr_len      bytes of headers (link + IP + TCP) of a GSO frame
 *   4  u16 gso_size     payload bytes per segment (the MSS) of a GSO frame
 *   6  u16 csum_start   with NEEDS_CSUM: where the checksummed bytes start (from the frame's start)
 *   8  u16 csum_offset  with NEEDS_CSUM: where the checksum field is, from csum_start
 * </pre>
 *
 * The u16 fields are little-endian: the device's default on a little-endian host (x86-64, arm64:
 * {@code tun_is_little_endian} falls back to {@code virtio_legacy_is_little_endian}, the host's
 * order); a big-endian host asks for it with {@code TUNSETVNETLE} ({@link TunLink} does).
 */
final class VnetHeader {
    private VnetHeader() {}

    /** sizeof(struct virtio_net_hdr); the value given to TUNSETVNETHDRSZ. */
    static final int SIZE = 10;

    /** VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum field holds the pseudo-header sum; sum from csum_start. */
    static final int F_NEEDS_CSUM = 1;
    /** VIRTIO_NET_HDR_F_DATA_VALID: the checksum was verified. */
    static final int F_DATA_VALID = 2;

    /** VIRTIO_NET_HDR_GSO_NONE: not a GSO frame. */
    static final int GSO_NONE = 0;
    /** VIRTIO_NET_HDR_GSO_TCPV4: a TCP/IPv4 segment of several MSS, to be cut into gso_size pieces. */
    static final int GSO_TCPV4 = 1;
    /** VIRTIO_NET_HDR_GSO_UDP: UDP fragmentation offload (UFO). */
    static final int GSO_UDP = 3;
    /** VIRTIO_NET_HDR_GSO_TCPV6. */
    static final int GSO_TCPV6 = 4;
    /** VIRTIO_NET_HDR_GSO_UDP_L4: UDP segmentation (USO). */
    static final int GSO_UDP_L4 = 5;
    /** VIRTIO_NET_HDR_GSO_ECN: or-ed into gso_type, the segment has CWR set. */
    static final int GSO_ECN = 0x80;

    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static int flags(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    /** gso_type without the ECN bit. */
    static int gsoType(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at + 1) & 0x7F;
    }

    static boolean ecn(MemorySegment s, long at) {
        return (s.get(ValueLayout.JAVA_BYTE, at + 1) & GSO_ECN) != 0;
    }

    static int hdrLen(MemorySegment s, long at) {
        return s.get(LE16, at + 2) & 0xFFFF;
    }

    static int gsoSize(MemorySegment s, long at) {
        return s.get(LE16, at + 4) & 0xFFFF;
    }

    static int csumStart(MemorySegment s, long at) {
        return s.get(LE16, at + 6) & 0xFFFF;
    }

    static int csumOffset(MemorySegment s, long at) {
        return s.get(LE16, at + 8) & 0xFFFF;
    }

    /** True if the frame's transport checksum must not be verified (NEEDS_CSUM or DATA_VALID). */
    static boolean checksumTrusted(int flags) {
        return (flags & (F_NEEDS_CSUM | F_DATA_VALID)) != 0;
    }

    /** Writes a header at {@code at}. */
    static void encode(MemorySegment s, long at, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) flags);
        s.set(ValueLayout.JAVA_BYTE, at + 1, (byte) gsoType);
        s.set(LE16, at + 2, (short) hdrLen);
        s.set(LE16, at + 4, (short) gsoSize);
        s.set(LE16, at + 6, (short) csumStart);
        s.set(LE16, at + 8, (short) csumOffset);
    }

    /** Writes a header that asks for nothing (no checksum, not GSO): ten zeros. */
    static void encodeNone(MemorySegment s, long at) {
        encode(s, at, 0, GSO_NONE, 0, 0, 0, 0);
    }

    /**
     * Writes the header for an outgoing frame whose TCP or UDP checksum was left partial
     * ({@link net.sloop.link.Link#transmitChecksumPartial}), or ten zeros if it has none: an
     * unfragmented IPv4 packet carrying TCP (field at 16) or UDP (field at 6) gets NEEDS_CSUM with
     * csum_start at its transport header. {@code linkHeader} is 14 on TAP (the frame is checked to
     * be IPv4 by its EtherType), 0 on TUN.
     */
    static void encodeForFrame(MemorySegment hdr, long at, MemorySegment frame, long off, int len, int linkHeader) {
        int ip = linkHeader;
        if (len < ip + 20
                || (linkHeader > 0 && (frame.get(ValueLayout.JAVA_BYTE, off + 12) != 0x08 || frame.get(ValueLayout.JAVA_BYTE, off + 13) != 0x00))) {
            encodeNone(hdr, at);
            return;
        }
        int vihl = frame.get(ValueLayout.JAVA_BYTE, off + ip) & 0xFF;
        int frag = (frame.get(ValueLayout.JAVA_BYTE, off + ip + 6) & 0x3F) << 8 | frame.get(ValueLayout.JAVA_BYTE, off + ip + 7) & 0xFF;
        int protocol = frame.get(ValueLayout.JAVA_BYTE, off + ip + 9) & 0xFF;
        int ihl = (vihl & 0x0F) * 4;
        int field = protocol == 6 ? 16 : protocol == 17 ? 6 : -1;
        if (vihl >> 4 != 4 || frag != 0 || field < 0 || ihl < 20 || ip + ihl + field + 2 > len) {
            encodeNone(hdr, at);
            return;
        }
        encode(hdr, at, F_NEEDS_CSUM, GSO_NONE, 0, 0, ip + ihl, field);
    }
}
