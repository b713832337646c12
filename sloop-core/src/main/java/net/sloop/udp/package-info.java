/**
 * UDP ({@link net.sloop.udp.Udp}) and its event-driven sockets ({@link net.sloop.udp.UdpSocket}), whose
 * receive queues are bounded and charged to the budget.
 */
package net.sloop.udp;
