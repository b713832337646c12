package net.sloop.service;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Which small services to run on a stack and how each is bounded. Build with {@link #builder()};
 * {@link Builder#build()} validates.
 *
 * <p>What each knob costs: every TCP service is charged (CONTROL) a fixed part and
 * {@link TcpService#SLOT_BYTES} per connection slot; the handle is charged its scratch buffer; a
 * connection costs what the stack charges any connection (its control block and committed blocks)
 * plus, for echo, one committed block ({@code blockSize}) that holds what it read but could not
 * write yet; its buffers take at most {@code sendBuffer} and {@code receiveBuffer} bytes. A UDP
 * service is one UDP socket with a queue of {@code udpQueueDatagrams} datagrams and
 * {@code udpQueueBytes} bytes (whole blocks).
 *
 * @param tcp services offered over TCP
 * @param udp services offered over UDP
 * @param ports port of each service, indexed by {@link ServiceKind#ordinal()} (default: the well-known port)
 * @param maxConnections TCP connections each service holds at once; beyond it a new connection is reset at once
 * @param guaranteedConnections of those, how many the stack keeps room for whatever other services' connections hold
 *        ({@code TcpListener.guarantee}); 0: none beyond the stack's own guarantee
 * @param backlog connections a listener may hold established but not yet taken (the service takes them at once)
 * @param sendBuffer send buffer of each connection in bytes (-1: the stack's default)
 * @param receiveBuffer receive buffer of each connection in bytes, bounding its window (-1: the stack's default)
 * @param idleTimeoutNanos a TCP connection that moves no byte either way for this long is reset (0: never); needs
 *        one application timer of the stack ({@code StackConfig.Builder.applicationTimers})
 * @param udpQueueDatagrams datagrams each UDP service may hold unread (-1: the stack's default)
 * @param udpQueueBytes budget bytes each UDP service may hold unread (-1: the stack's default)
 * @param udpRepliesPerSecond replies each UDP service sends per second at most, with a burst of the same size (0: no limit);
 *        it keeps echo and chargen from being used to flood a forged source address
 * @param scratchBytes the handle's one scratch buffer, shared by its services (they run on one thread); at least the
 *        largest UDP payload an interface carries, so a UDP echo is never truncated
 * @param wallClockMillis the wall-clock time for daytime, in milliseconds since the epoch (the stack's own clock is
 *        monotonic and, in simulation, virtual)
 */
public record ServiceConfig(
        Set<ServiceKind> tcp,
        Set<ServiceKind> udp,
        int[] ports,
        int maxConnections,
        int guaranteedConnections,
        int backlog,
        int sendBuffer,
        int receiveBuffer,
        long idleTimeoutNanos,
        int udpQueueDatagrams,
        int udpQueueBytes,
        int udpRepliesPerSecond,
        int scratchBytes,
        LongSupplier wallClockMillis) {

    /** All four services over TCP and UDP, with the defaults. */
    public static ServiceConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port of {@code kind}. */
    public int port(ServiceKind kind) {
        return ports[kind.ordinal()];
    }

    /** Mutable builder; fields start at the documented defaults. */
    public static final class Builder {
        private EnumSet<ServiceKind> tcp = EnumSet.allOf(ServiceKind.class);
        private EnumSet<ServiceKind> udp = EnumSet.allOf(ServiceKind.class);
        private final int[] ports = new int[ServiceKind.ALL.length];
        private int maxConnections = 8;
        private int guaranteedConnections = 0;
        private int backlog = 4;
        private int sendBuffer = -1;
        private int receiveBuffer = -1;
        private long idleTimeoutNanos;
        private int udpQueueDatagrams = 4;
        private int udpQueueBytes = 4096;
        private int udpRepliesPerSecond = 100;
        private int scratchBytes = 2048;
        private LongSupplier wallClockMillis = java.time.Clock.systemUTC()::millis;

        Builder() {
            for (ServiceKind k : ServiceKind.ALL) ports[k.ordinal()] = k.port();
        }

        /** Offers exactly {@code kinds} over TCP (none: no TCP service). */
        public Builder tcp(ServiceKind... kinds) {
            tcp = kinds.length == 0 ? EnumSet.noneOf(ServiceKind.class) : EnumSet.of(kinds[0], kinds);
            return this;
        }

        /** Offers exactly {@code kinds} over UDP (none: no UDP service). */
        public Builder udp(ServiceKind... kinds) {
            udp = kinds.length == 0 ? EnumSet.noneOf(ServiceKind.class) : EnumSet.of(kinds[0], kinds);
            return this;
        }

        public Builder port(ServiceKind kind, int port) { ports[kind.ordinal()] = port; return this; }
        public Builder maxConnections(int n) { maxConnections = n; return this; }
        public Builder guaranteedConnections(int n) { guaranteedConnections = n; return this; }
        public Builder backlog(int n) { backlog = n; return this; }
        public Builder buffers(int sendBytes, int receiveBytes) { sendBuffer = sendBytes; receiveBuffer = receiveBytes; return this; }
        public Builder idleTimeoutNanos(long nanos) { idleTimeoutNanos = nanos; return this; }
        public Builder udpQueue(int datagrams, int bytes) { udpQueueDatagrams = datagrams; udpQueueBytes = bytes; return this; }
        public Builder udpRepliesPerSecond(int n) { udpRepliesPerSecond = n; return this; }
        public Builder scratchBytes(int n) { scratchBytes = n; return this; }
        /** The wall clock for daytime: epoch milliseconds (for example {@code java.time.Clock::millis}). */
        public Builder wallClockMillis(LongSupplier s) { wallClockMillis = s; return this; }

        public ServiceConfig build() {
            return new ServiceConfig(Set.copyOf(tcp), Set.copyOf(udp), ports.clone(), maxConnections, guaranteedConnections, backlog, sendBuffer,
                    receiveBuffer, idleTimeoutNanos, udpQueueDatagrams, udpQueueBytes, udpRepliesPerSecond, scratchBytes,
                    wallClockMillis).validate();
        }
    }

    /** @throws IllegalArgumentException naming the first inconsistent setting and why */
    public ServiceConfig validate() {
        require(maxConnections >= 1, "maxConnections " + maxConnections + " must be at least 1");
        require(guaranteedConnections >= 0 && guaranteedConnections <= maxConnections,
                "guaranteedConnections " + guaranteedConnections + " must be 0.." + maxConnections + " (maxConnections)");
        require(backlog >= 1, "backlog " + backlog + " must be at least 1");
        require(sendBuffer == -1 || sendBuffer >= 1, "sendBuffer " + sendBuffer + " must be positive (or -1 for the stack's)");
        require(receiveBuffer == -1 || receiveBuffer >= 1, "receiveBuffer " + receiveBuffer + " must be positive (or -1 for the stack's)");
        require(idleTimeoutNanos >= 0, "idleTimeoutNanos must not be negative");
        require(udpQueueDatagrams == -1 || udpQueueDatagrams >= 1, "udpQueueDatagrams must be positive (or -1)");
        require(udpQueueBytes == -1 || udpQueueBytes >= 1, "udpQueueBytes must be positive (or -1)");
        require(udpRepliesPerSecond >= 0, "udpRepliesPerSecond must not be negative");
        require(scratchBytes >= Daytime.MAX_BYTES, "scratchBytes " + scratchBytes + " must be at least " + Daytime.MAX_BYTES);
        require(wallClockMillis != null, "wallClockMillis missing");
        for (ServiceKind k : ServiceKind.ALL) {
            require(ports[k.ordinal()] >= 1 && ports[k.ordinal()] <= 65535, k.serviceName() + " port " + ports[k.ordinal()] + " must be 1..65535");
        }
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid service configuration: " + message);
    }
}
