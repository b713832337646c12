package net.sloop.service;

/**
 * The figures of one service over one transport: plain counters updated on the stack's thread,
 * read by anyone for a usage summary. For UDP, "served" counts datagrams answered (or swallowed
 * by discard) and "refused" datagrams dropped (too long to answer, over the reply rate, or not
 * sent for want of a route or memory).
 */
public final class ServiceStats implements net.sloop.stats.Figures {
    final ServiceKind kind;
    final boolean udp;
    final int port;
    long served, active, peakActive, refused, refusedNoMemory, idleClosed, errors, bytesIn, bytesOut;

    ServiceStats(ServiceKind kind, boolean udp, int port) {
        this.kind = kind;
        this.udp = udp;
        this.port = port;
    }

    public ServiceKind kind() { return kind; }
    /** True for the UDP form of the service. */
    public boolean udp() { return udp; }
    public int port() { return port; }
    /** TCP: connections taken into a slot. UDP: datagrams received and handled. */
    public long served() { return served; }
    /** TCP connections held now. */
    public long active() { return active; }
    /** Most TCP connections held at once. */
    public long peakActive() { return peakActive; }
    /** TCP: connections reset because every slot was taken. UDP: datagrams not answered. */
    public long refused() { return refused; }
    /** TCP connections reset because the budget could not give an echo connection its guaranteed block. */
    public long refusedNoMemory() { return refusedNoMemory; }
    /** TCP connections reset by the idle timeout. */
    public long idleClosed() { return idleClosed; }
    /** TCP connections that ended with an error (reset by the peer, timed out). */
    public long errors() { return errors; }
    /** Payload bytes received. */
    public long bytesIn() { return bytesIn; }
    /** Payload bytes sent (taken by the socket). */
    public long bytesOut() { return bytesOut; }

    /** served, active, peak_active, refused, refused_no_memory, idle_closed, errors, bytes_in, bytes_out. */
    @Override
    public void figures(Sink s) {
        s.figure("served", served);
        s.figure("active", active);
        s.figure("peak_active", peakActive);
        s.figure("refused", refused);
        s.figure("refused_no_memory", refusedNoMemory);
        s.figure("idle_closed", idleClosed);
        s.figure("errors", errors);
        s.figure("bytes_in", bytesIn);
        s.figure("bytes_out", bytesOut);
    }

    void opened() {
        served++;
        if (++active > peakActive) peakActive = active;
    }

    /** One line for people. */
    public String line() {
        return String.format("%-8s %s/%-5d served %d, active %d (peak %d), refused %d (%d for memory), idle-closed %d, errors %d, in %d B, out %d B",
                kind.serviceName(), udp ? "udp" : "tcp", port, served, active, peakActive, refused, refusedNoMemory, idleClosed, errors,
                bytesIn, bytesOut);
    }

    @Override
    public String toString() {
        return line();
    }
}
