package net.sloop.cli;

import net.sloop.wire.Ipv4Address;

/**
 * An IPv4 address with a prefix length, as written on the command line ({@code 198.18.0.2/24}).
 *
 * @param address the address (host byte order, as {@link Ipv4Address} holds it)
 * @param prefix the prefix length, 1..30 (a point-to-point subnet needs room for two hosts)
 */
record Cidr(int address, int prefix) {
    /**
     * Parses {@code text}; {@code what} names the option in the message.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    static Cidr parse(String what, String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException(what + " " + text + ": expected address/prefix, e.g. 198.18.0.2/24");
        int address;
        try {
            address = Ipv4Address.parse(text.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " " + text + ": " + e.getMessage());
        }
        String p = text.substring(slash + 1);
        int prefix;
        if (p.isEmpty() || p.length() > 2 || !p.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException(what + " " + text + ": prefix length must be a number 1..30");
        }
        prefix = Integer.parseInt(p);
        if (prefix < 1 || prefix > 30) throw new IllegalArgumentException(what + " " + text + ": prefix length must be 1..30, was " + prefix);
        Cidr c = new Cidr(address, prefix);
        int host = address & ~Ipv4Address.prefixMask(prefix);
        if (host == 0) throw new IllegalArgumentException(what + " " + text + ": that is the subnet's own address, not a host's");
        if (host == ~Ipv4Address.prefixMask(prefix)) throw new IllegalArgumentException(what + " " + text + ": that is the subnet's broadcast address");
        if (Ipv4Address.isMulticast(address) || Ipv4Address.isLoopback(address) || (address >>> 24) == 0 || (address >>> 28) == 0xF)
            throw new IllegalArgumentException(what + " " + text + ": not a unicast host address");
        return c;
    }

    boolean sameSubnet(Cidr o) {
        return prefix == o.prefix && Ipv4Address.inSubnet(address, o.address, prefix);
    }

    @Override
    public String toString() {
        return Ipv4Address.toString(address) + "/" + prefix;
    }

    /** The address without the prefix. */
    String host() {
        return Ipv4Address.toString(address);
    }
}
