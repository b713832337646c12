package net.sloop.tun;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * {@code struct ifreq} (linux/if.h) as the TUN ioctls use it, on LP64 Linux: 40 bytes, the
 * interface name in {@code ifr_name[IFNAMSIZ]} (16 bytes, NUL-terminated) at offset 0, then a
 * 24-byte union of which TUNSETIFF reads {@code short ifr_flags} at offset 16 (native byte order)
 * and SIOCGIFHWADDR fills {@code struct sockaddr ifr_hwaddr} at offset 16 (2-byte family, then
 * the 6-byte MAC in {@code sa_data} at offset 18).
 */
public final class IfReq {
    /** sizeof(struct ifreq) on LP64. */
    public static final int SIZE = 40;
    /** IFNAMSIZ: the name field's size, including the terminating NUL. */
    public static final int IFNAMSIZ = 16;
    /** Offset of {@code ifr_flags}. */
    public static final int FLAGS_OFFSET = 16;
    /** Offset of the MAC in {@code ifr_hwaddr.sa_data}. */
    public static final int HWADDR_OFFSET = 18;

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT; // native order

    private IfReq() {}

    /**
     * Checks an interface name as Linux's dev_valid_name does: 1..15 bytes, not "." or "..", no
     * '/', ':' or whitespace. An empty name lets the kernel choose ("tun%d"/"tap%d"). Returns
     * the name's bytes.
     */
    public static byte[] checkName(String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        if (!name.equals(new String(b, StandardCharsets.US_ASCII)))
            throw new IllegalArgumentException("interface name must be ASCII: " + name);
        if (b.length >= IFNAMSIZ)
            throw new IllegalArgumentException("interface name '" + name + "' is " + b.length + " bytes; Linux allows at most " + (IFNAMSIZ - 1));
        if (name.equals(".") || name.equals(".."))
            throw new IllegalArgumentException("interface name cannot be '" + name + "'");
        for (byte c : b) {
            if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
                throw new IllegalArgumentException("interface name '" + name + "' contains '/', ':', a space or a control character");
        }
        return b;
    }

    /** Zeroes {@code req} (at least {@link #SIZE} bytes) and writes {@code name} and {@code flags}. */
    public static void encode(MemorySegment req, String name, int flags) {
        byte[] b = checkName(name);
        req.asSlice(0, SIZE).fill((byte) 0);
        MemorySegment.copy(b, 0, req, ValueLayout.JAVA_BYTE, 0, b.length);
        req.set(SHORT, FLAGS_OFFSET, (short) flags);
    }

    /** The name in {@code req} (up to its NUL). */
    public static String name(MemorySegment req) {
        int n = 0;
        while (n < IFNAMSIZ && req.get(ValueLayout.JAVA_BYTE, n) != 0) n++;
        byte[] b = new byte[n];
        MemorySegment.copy(req, ValueLayout.JAVA_BYTE, 0, b, 0, n);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** {@code ifr_flags} as an unsigned 16-bit value. */
    public static int flags(MemorySegment req) {
        return req.get(SHORT, FLAGS_OFFSET) & 0xffff;
    }

    /** The MAC in {@code ifr_hwaddr.sa_data} (low 48 bits, first byte most significant). */
    public static long hwaddr(MemorySegment req) {
        long mac = 0;
        for (int i = 0; i < 6; i++) mac = mac << 8 | (req.get(ValueLayout.JAVA_BYTE, HWADDR_OFFSET + i) & 0xff);
        return mac;
    }
}
