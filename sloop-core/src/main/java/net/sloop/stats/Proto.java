package net.sloop.stats;

/** The protocols (and the link) that keep counters. */
public enum Proto {
    LINK, ETHERNET, ARP, IPV4, FRAG, ICMP, UDP, TCP, IPV6;

    static final Proto[] ALL = values();
    public static final int COUNT = ALL.length;
}
