package net.sloop.iface;

import net.sloop.wire.Ipv4Address;

/**
 * A small routing table: one on-link route per interface plus an optional default gateway,
 * looked up by longest prefix. Fixed capacity, no allocation on lookup.
 */
public final class Routes {
    private final int[] network;
    private final int[] prefix;
    private final int[] gateway;
    private final NetIf[] nif;
    private int count;

    public Routes(int capacity) {
        network = new int[capacity];
        prefix = new int[capacity];
        gateway = new int[capacity];
        nif = new NetIf[capacity];
    }

    /** Adds a route; {@code gw} 0 means the destination is on the link. */
    public void add(int net, int prefixLength, int gw, NetIf via) {
        if (count == network.length) throw new IllegalStateException("routing table full (" + count + " routes)");
        network[count] = net & Ipv4Address.prefixMask(prefixLength);
        prefix[count] = prefixLength;
        gateway[count] = gw;
        nif[count] = via;
        count++;
    }

    /** Removes every route through {@code via}. */
    public void removeAll(NetIf via) {
        int w = 0;
        for (int r = 0; r < count; r++) {
            if (nif[r] == via) continue;
            network[w] = network[r];
            prefix[w] = prefix[r];
            gateway[w] = gateway[r];
            nif[w] = nif[r];
            w++;
        }
        for (int r = w; r < count; r++) nif[r] = null;
        count = w;
    }

    /** Index of the best route to {@code dst}, or -1. */
    public int lookup(int dst) {
        int best = -1;
        for (int r = 0; r < count; r++) {
            if (Ipv4Address.inSubnet(dst, network[r], prefix[r]) && (best < 0 || prefix[r] > prefix[best])) best = r;
        }
        return best;
    }

    public NetIf via(int route) {
        return nif[route];
    }

    /** The next hop for {@code dst} on route {@code route}: the gateway, or {@code dst} itself if on-link. */
    public int nextHop(int route, int dst) {
        return gateway[route] == 0 ? dst : gateway[route];
    }

    public int size() {
        return count;
    }
}
