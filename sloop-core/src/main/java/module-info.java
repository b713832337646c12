/**
 * Sloop's stack, with no dependency beyond java.base: one memory budget for everything
 * ({@code net.sloop.mem}), wire codecs ({@code net.sloop.wire}), links and the seeded simulated
 * network ({@code net.sloop.link}, {@code net.sloop.sim}), interfaces, UDP and TCP, the
 * {@link net.sloop.stack.Stack} that ties them together, and its two faces for applications: the
 * event-driven sockets of {@code net.sloop.tcp} and {@code net.sloop.udp}, and the blocking sockets
 * of {@code net.sloop.blocking}, and a {@code java.nio.channels.spi.SelectorProvider} for
 * unmodified NIO code ({@code net.sloop.nio}). The protocol core does no I/O and reads no clock; a runner
 * ({@link net.sloop.blocking.StackRunner}) or a simulation drives it.
 *
 * <p>Every package is exported: the Stack hands out its layers ({@code net.sloop.ethernet}: framing
 * and ARP; {@code net.sloop.ip}: IPv4 and ICMP, e.g. to send a ping), and a user who builds a
 * link, a simulated impairment or a test reads their types.
 */
module net.sloop.core {
    exports net.sloop.blocking;
    exports net.sloop.ethernet;
    exports net.sloop.iface;
    exports net.sloop.ip;
    exports net.sloop.link;
    exports net.sloop.mem;
    exports net.sloop.nio;
    exports net.sloop.sim;
    exports net.sloop.stack;
    exports net.sloop.stats;
    exports net.sloop.tcp;
    exports net.sloop.time;
    exports net.sloop.udp;
    exports net.sloop.wire;
}
