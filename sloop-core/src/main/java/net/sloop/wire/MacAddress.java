package net.sloop.wire;

import java.lang.foreign.MemorySegment;

/**
 * Ethernet MAC addresses held as the low 48 bits of a {@code long}, first octet most significant
 * (so {@code 02:00:00:00:00:01} is {@code 0x0200_0000_0001L}).
 */
public final class MacAddress {
    /** ff:ff:ff:ff:ff:ff. */
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private MacAddress() {}

    /** Reads 6 bytes at {@code off}. */
    public static long read(MemorySegment seg, long off) {
        return ((long) Bytes.u16(seg, off) << 32) | Bytes.u32(seg, off + 2);
    }

    /** Writes the low 48 bits of {@code mac} as 6 bytes at {@code off}. */
    public static void write(MemorySegment seg, long off, long mac) {
        Bytes.put16(seg, off, (int) (mac >>> 32));
        Bytes.put32(seg, off + 2, mac);
    }

    /** Group bit (least significant bit of the first octet) set; includes broadcast. */
    public static boolean isMulticast(long mac) {
        return ((mac >>> 40) & 1) != 0;
    }

    public static boolean isBroadcast(long mac) {
        return (mac & BROADCAST) == BROADCAST;
    }

    /** Lower-case colon form, e.g. {@code 02:00:00:00:00:01}. */
    public static String toString(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int b = (int) (mac >>> (8 * i)) & 0xFF;
            sb.append(Character.forDigit(b >>> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            if (i > 0) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /**
     * Parses six colon- or dash-separated groups of one or two hex digits.
     *
     * @throws IllegalArgumentException if the text is not a MAC address (configuration input)
     */
    public static long parse(String s) {
        String[] parts = s.trim().split("[:-]", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("not a MAC address: " + s);
        }
        long mac = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 2) {
                throw new IllegalArgumentException("not a MAC address: " + s);
            }
            int v = 0;
            for (int i = 0; i < p.length(); i++) {
                int d = Character.digit(p.charAt(i), 16);
                if (d < 0) {
                    throw new IllegalArgumentException("not a MAC address: " + s);
                }
                v = v * 16 + d;
            }
            mac = (mac << 8) | v;
        }
        return mac;
    }
}
