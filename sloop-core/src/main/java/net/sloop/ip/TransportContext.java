package net.sloop.ip;

import net.sloop.iface.NetIf;
import net.sloop.iface.Routes;
import net.sloop.mem.Budget;
import net.sloop.stack.StackConfig;
import net.sloop.stats.Stats;
import net.sloop.time.TimerQueue;

/**
 * What the protocols at and above IP ({@link Ipv4}, {@link Icmp}, UDP, TCP) use of the stack they
 * run in, and nothing more: they depend on this, never on {@code net.sloop.stack.Stack}, which
 * implements it. Interfaces are added, frames received and timers run by the stack; a protocol only
 * asks for the shared resources below and sends through {@link #ipv4()}.
 *
 * <p>Everything here is owned by one stack and used on its thread; none of these calls does I/O,
 * blocks or allocates.
 */
public interface TransportContext {
    /** The one arena every protocol allocates from and charges to. */
    Budget budget();

    /** The stack's counters and drop reasons. */
    Stats stats();

    /** The stack's configuration (TTL, ICMP error rate, UDP queue bounds, TCP settings, table sizes). */
    StackConfig config();

    /** The stack's bounded timer queue, run by its poll. */
    TimerQueue timers();

    /** The latest time the stack has been given (nanoseconds on the caller's clock): what application calls act at. */
    long time();

    /** The routing table (on-link routes and the default gateway). */
    Routes routes();

    /** The interface whose address is {@code address}, or the first interface if it is 0; null if none. */
    NetIf interfaceFor(int address);

    /** The source address the stack would use to reach {@code dst} (0 if it has no interface). */
    int sourceFor(int dst);

    /**
     * True if {@code address} is the stack's own: the address of one of its interfaces, or in a
     * prefix one of them intercepts ({@link NetIf#intercept}).
     */
    boolean isLocalAddress(int address);

    /** IPv4 output ({@link Ipv4#send}) and the registered transports. */
    Ipv4 ipv4();

    /** ICMP, for errors a protocol sends about a datagram it cannot deliver (port unreachable). */
    Icmp icmp();
}
