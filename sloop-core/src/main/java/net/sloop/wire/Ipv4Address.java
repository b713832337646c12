package net.sloop.wire;

/**
 * IPv4 addresses held as an {@code int} in network order (first octet most significant), so
 * {@code 198.18.0.1} is {@code 0xC612_0001}. Prefix lengths are 0..32.
 */
public final class Ipv4Address {
    private Ipv4Address() {}

    /**
     * Parses strict dotted-quad text (four decimal parts 0..255).
     *
     * @throws IllegalArgumentException if the text is not an IPv4 address (configuration input)
     */
    public static int parse(String s) {
        String[] parts = s.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + s);
        }
        int a = 0;
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            int v = 0;
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (c < '0' || c > '9') {
                    throw new IllegalArgumentException("not an IPv4 address: " + s);
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + s);
            }
            a = (a << 8) | v;
        }
        return a;
    }

    /**
     * {@code a} as an address here, for the API faces that take {@code java.net} addresses.
     *
     * @throws IllegalArgumentException if it is not IPv4 (Sloop does not speak IPv6 yet)
     */
    public static int of(java.net.InetAddress a) {
        if (!(a instanceof java.net.Inet4Address)) throw new IllegalArgumentException("not an IPv4 address: " + a);
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
    }

    /** {@code addr} as a {@link java.net.Inet4Address} (no name lookup). */
    public static java.net.InetAddress toInet(int addr) {
        try {
            return java.net.InetAddress.getByAddress(new byte[] {(byte) (addr >>> 24), (byte) (addr >>> 16), (byte) (addr >>> 8), (byte) addr});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always an address
        }
    }

    public static String toString(int addr) {
        return (addr >>> 24) + "." + ((addr >>> 16) & 0xFF) + "." + ((addr >>> 8) & 0xFF) + "." + (addr & 0xFF);
    }

    /** The limited broadcast 255.255.255.255 (directed broadcasts need the prefix: see below). */
    public static boolean isBroadcast(int addr) {
        return addr == 0xFFFF_FFFF;
    }

    /** 224.0.0.0/4. */
    public static boolean isMulticast(int addr) {
        return (addr >>> 28) == 0xE;
    }

    /** 127.0.0.0/8. */
    public static boolean isLoopback(int addr) {
        return (addr >>> 24) == 127;
    }

    /** 0.0.0.0. */
    public static boolean isUnspecified(int addr) {
        return addr == 0;
    }

    /** Netmask of a prefix length 0..32 (0 gives 0, 32 gives all ones). */
    public static int prefixMask(int prefixLen) {
        if (prefixLen <= 0) {
            return 0;
        }
        if (prefixLen >= 32) {
            return -1;
        }
        return -1 << (32 - prefixLen);
    }

    public static boolean inSubnet(int addr, int net, int prefixLen) {
        int m = prefixMask(prefixLen);
        return (addr & m) == (net & m);
    }

    /** The all-ones host address of the subnet, e.g. 198.18.0.255 for 198.18.0.0/24. */
    public static int directedBroadcast(int net, int prefixLen) {
        int m = prefixMask(prefixLen);
        return (net & m) | ~m;
    }
}
