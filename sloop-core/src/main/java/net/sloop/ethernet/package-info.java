/**
 * Ethernet II framing ({@link net.sloop.ethernet.Ethernet}) and ARP ({@link net.sloop.ethernet.Arp}): a
 * bounded cache and a bounded, charged queue of packets awaiting resolution. Reached through
 * {@link net.sloop.stack.Stack#ethernet()} and {@link net.sloop.stack.Stack#arp()}.
 */
package net.sloop.ethernet;
