/**
 * IPv4 ({@link net.sloop.ip.Ipv4}: input checks, output, fragmentation, a capped evicting
 * {@link net.sloop.ip.Reassembly}) and ICMPv4 ({@link net.sloop.ip.Icmp}: echo both ways, rate-limited
 * errors, errors delivered to sockets). Reached through {@link net.sloop.stack.Stack#ipv4()} and
 * {@link net.sloop.stack.Stack#icmp()}; a transport plugs in as a {@link net.sloop.ip.Transport}.
 */
package net.sloop.ip;
