package net.sloop.tun;

/**
 * Constants from linux/if_tun.h (the virtio-net header's own are in {@link VnetHeader}; and the _IOW/_IOR encoding of asm-generic/ioctl.h, shared by
 * x86-64 and arm64: dir in bits 30-31, size in 16-29, type in 8-15, number in 0-7).
 */
final class TunAbi {
    private TunAbi() {}

    /** The clone device. */
    static final String CLONE_DEVICE = "/dev/net/tun";

    /** _IOW('T', 202, int): attach the fd to a new or existing device, by struct ifreq. */
    static final long TUNSETIFF = 0x400454caL;
    /** _IOW('T', 203, int): make the device outlive the fd (1) or not (0). */
    static final long TUNSETPERSIST = 0x400454cbL;
    /** _IOW('T', 208, unsigned int): offloads the reader can take (TUN_F_*). */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** _IOR('T', 210, unsigned int): read back the device's name and flags. */
    static final long TUNGETIFF = 0x800454d2L;
    /** _IOW('T', 216, int): size of the virtio-net header in front of each frame. */
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** _IOW('T', 220, int): virtio-net headers little-endian (1) whatever the host (CONFIG_TUN_VNET_CROSS_LE). */
    static final long TUNSETVNETLE = 0x400454dcL;
    /** SIOCGIFHWADDR (linux/sockios.h): the TUN fd answers it with the device's MAC. */
    static final long SIOCGIFHWADDR = 0x8927L;

    /** IFF_TUN: an IP device, frames are bare IP packets. */
    static final int IFF_TUN = 0x0001;
    /** IFF_TAP: an Ethernet device, frames carry the 14-byte Ethernet header. */
    static final int IFF_TAP = 0x0002;
    /** IFF_NO_PI: no 4-byte packet-information prefix (flags + protocol) in front of frames. */
    static final int IFF_NO_PI = 0x1000;
    /** IFF_VNET_HDR: a struct virtio_net_hdr in front of frames (offloads). */
    static final int IFF_VNET_HDR = 0x4000;

    /** TUN_F_CSUM (TUNSETOFFLOAD): the reader takes frames with a partial checksum (NEEDS_CSUM). */
    static final int TUN_F_CSUM = 0x01;
    /** TUN_F_TSO4: the reader takes TCP/IPv4 GSO frames (needs TUN_F_CSUM). */
    static final int TUN_F_TSO4 = 0x02;
    /** TUN_F_TSO6: TCP/IPv6 GSO frames. */
    static final int TUN_F_TSO6 = 0x04;
    /** TUN_F_TSO_ECN: GSO frames with CWR set. */
    static final int TUN_F_TSO_ECN = 0x08;
    /** TUN_F_UFO: UDP fragmentation offload. */
    static final int TUN_F_UFO = 0x10;
}
