/**
 * Network interfaces ({@link net.sloop.iface.NetIf}: a link, an address and prefix, an MTU) and the
 * routing table that picks one for a destination ({@link net.sloop.iface.Routes}: on-link, then the default
 * gateway).
 */
package net.sloop.iface;
