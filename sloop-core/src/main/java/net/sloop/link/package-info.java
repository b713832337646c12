/**
 * Links: what moves frames between a stack and the world. {@link net.sloop.link.Link} (Ethernet frames
 * or bare IP packets), {@link net.sloop.link.LoopbackLink}, the in-memory {@link net.sloop.link.PairLink},
 * links with an operating-system descriptor ({@link net.sloop.link.DescriptorLink}, waited on with the
 * {@link net.sloop.link.DescriptorPoller} they make), and pcap capture of any link
 * ({@link net.sloop.link.PcapTap}, {@link net.sloop.link.PcapWriter}).
 */
package net.sloop.link;
