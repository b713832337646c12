package net.sloop.cli;

import net.sloop.ftp.FtpConfig;
import net.sloop.ftp.FtpServer;
import net.sloop.http.HttpConfig;
import net.sloop.http.HttpServer;
import net.sloop.service.ServiceConfig;
import net.sloop.service.Services;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.Tcp;
import net.sloop.tcp.TcpConfig;

/**
 * How many connections `serve` can promise on its budget, worked out before anything is created.
 *
 * <p>After the stack and its services have taken what they need at start, what remains admits
 * {@code fit} connections at their guaranteed minimum ({@link Tcp#admissionBlocks}). The plan
 * promises each TCP service {@code guaranteedPerService} of them ({@code TcpListener.guarantee}:
 * TCP keeps room for those a service does not hold, which no other service's connections, no
 * growth and no orphan can take) and keeps one more for the stack; each service may hold up to
 * {@code slots}, the ones beyond its guarantee admitted while memory allows. So no number of
 * clients holding connections open, reading nothing, or leaving orphans behind, stops another
 * service from accepting. A budget that cannot promise one connection per service is refused,
 * naming the smallest budget that can.
 *
 * @param slots connections each TCP service holds at once
 * @param guaranteedPerService of those, how many each service is promised
 * @param orphans orphans the stack keeps at once (the oldest is reset beyond; all are reclaimed before a promise is broken)
 * @param fit connections the budget can admit at their minimum once the services have started
 */
record ServePlan(int slots, int guaranteedPerService, int orphans, int fit) {
    /** Slots per service by default ({@code --max-connections}). */
    static final int DEFAULT_SLOTS = 8;

    /**
     * Plans {@code services} TCP services with {@code slots} slots each on {@code base}.
     * {@code orphans}: as asked, or 0 for the default (a quarter of {@code fit}, at least 4).
     *
     * @throws IllegalArgumentException if the budget cannot promise one connection per service
     */
    static ServePlan of(StackConfig base, ServiceConfig.Builder serviceCfg, int tcpServices, int slots, int orphans) {
        return of(base, serviceCfg, tcpServices, slots, orphans, null);
    }

    /**
     * As above, with an FTP server ({@code ftp}, or null): it is promised two connections per
     * guaranteed session (the control connection and its data connection, see FtpServer), taken
     * off the top before the services' shares.
     */
    static ServePlan of(StackConfig base, ServiceConfig.Builder serviceCfg, int tcpServices, int slots, int orphans, FtpConfig ftp) {
        return of(base, serviceCfg, tcpServices, slots, orphans, ftp, null);
    }

    /**
     * As above, with an HTTP server ({@code http}, or null): it is promised its guaranteed
     * connections, taken off the top with FTP's before the services' shares.
     */
    static ServePlan of(StackConfig base, ServiceConfig.Builder serviceCfg, int tcpServices, int slots, int orphans, FtpConfig ftp, HttpConfig http) {
        int s = slots;
        int fit;
        try {
            fit = fit(base, serviceCfg, s, ftp, http);
        } catch (IllegalArgumentException | IllegalStateException e) {
            fit = 0; // the services or the FTP server do not even start: too small, and smallest() says what is not
        }
        int forFtp = (ftp == null ? 0 : 2 * ftp.guaranteedSessions()) + (http == null ? 0 : http.guaranteedConnections());
        int needed = tcpServices + forFtp + 1;
        if (fit < needed) {
            throw new IllegalArgumentException("too small to promise one connection to each TCP service (" + tcpServices + ")"
                    + (ftp == null ? "" : ", 2 to FTP (a session and its data connection)") + (http == null ? "" : ", " + http.guaranteedConnections() + " to HTTP")
                    + " and one more, at " + Tcp.admissionBlocks(base) * base.blockSize() + " bytes each at their guaranteed minimum (it admits " + fit
                    + "); the smallest budget that does is " + smallest(base, serviceCfg, s, needed, ftp, http));
        }
        // With FTP, as many admissions as one address may hold sessions stay unpromised too: an
        // address holding its share idle (slowloris) must leave another client a control connection.
        int spare = ftp == null ? 0 : ftp.maxSessionsPerAddress();
        int g = Math.min(s, Math.max(1, (fit - 1 - forFtp - spare) / Math.max(1, tcpServices)));
        int o = orphans > 0 ? orphans : Math.max(4, fit / 4);
        return new ServePlan(s, g, o, fit);
    }

    /** Budgets from which serve sends TCP segments of up to 64 KiB for the device to cut (with offload). */
    static final long LARGE_BUDGET = 1 << 20;

    /**
     * The stack's configuration with this plan's orphan limit and timeout, and one connection kept
     * beyond the services'. Buffers are the stack's defaults: they start at 16 KiB and autotune up
     * to 4 MiB as a connection's use earns it, within its fair share and never into promised room,
     * so the same settings serve a 128 KiB device safely and a 64 MiB one fast. With the device's
     * offloads and a budget of 1 MiB or more, it also sends TCP segments of up to 64 KiB for the
     * kernel to cut (TSO): a transmit frame of 64 KiB instead of 1.5 KiB, set aside from the budget.
     */
    StackConfig apply(StackConfig base, long orphanTimeoutNanos, boolean offload) {
        TcpConfig t = base.tcp().toBuilder().guaranteedConnections(1).maxOrphans(orphans).orphanTimeoutNanos(orphanTimeoutNanos).build();
        StackConfig.Builder b = base.toBuilder().tcp(t);
        if (offload && base.budgetBytes() >= LARGE_BUDGET) b.segmentOffload(LARGE_SEGMENT);
        return b.build();
    }

    /** The largest TCP packet serve sends for the device to segment, on a budget of at least {@link #LARGE_BUDGET} with offload. */
    static final int LARGE_SEGMENT = 65535;

    /** The services' configuration with this plan's slots and guarantee. */
    ServiceConfig services(ServiceConfig.Builder b) {
        return b.maxConnections(slots).guaranteedConnections(guaranteedPerService).build();
    }

    /** Connections {@code cfg} admits at their minimum once the services (with {@code slots} slots each) have started, within its connection limit. */
    private static int fit(StackConfig cfg, ServiceConfig.Builder serviceCfg, int slots, FtpConfig ftp, HttpConfig http) {
        try (Stack stack = new Stack(cfg)) {
            Services services = Services.start(stack, serviceCfg.maxConnections(slots).guaranteedConnections(0).build());
            FtpServer ftpServer = ftp == null ? null : FtpServer.start(stack, ftp);
            HttpServer httpServer = http == null ? null : HttpServer.start(stack, http);
            int pool = stack.budget().uncommittedFreeBlocks();
            if (httpServer != null) httpServer.close();
            if (ftpServer != null) ftpServer.close();
            services.close();
            // Memory, and the timer slots that bound connections whatever the memory (one each).
            return Math.min(pool / Tcp.admissionBlocks(cfg), cfg.tcpConnectionTimers());
        }
    }

    /**
     * The smallest budget, in whole KiB, that admits {@code needed} connections with the services
     * started ("44k"): doubling until one does, then halving the interval (what a budget admits
     * grows with it), so a few dozen trial stacks at most, not one per KiB.
     */
    private static String smallest(StackConfig base, ServiceConfig.Builder serviceCfg, int slots, int needed, FtpConfig ftp, HttpConfig http) {
        long lo = Math.max(1, base.budgetBytes() / 1024), hi = lo;
        final long limit = 1024 * 1024; // 1 GiB, the largest budget
        while (!fits(base, serviceCfg, slots, needed, hi, ftp, http)) {
            lo = hi;
            if (hi >= limit) return "over 1 GiB";
            hi = Math.min(limit, hi * 2);
        }
        while (hi - lo > 1) { // lo does not fit, hi does
            long mid = (lo + hi) >>> 1;
            if (fits(base, serviceCfg, slots, needed, mid, ftp, http)) hi = mid;
            else lo = mid;
        }
        return hi + "k";
    }

    /** Whether {@code kib} KiB admit {@code needed} connections once the services have started. */
    private static boolean fits(StackConfig base, ServiceConfig.Builder serviceCfg, int slots, int needed, long kib, FtpConfig ftp, HttpConfig http) {
        try {
            return fit(base.toBuilder().budget(kib * 1024).build(), serviceCfg, slots, ftp, http) >= needed;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return false; // too small for the stack's own tables, or for the services to start
        }
    }
}
