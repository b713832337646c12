package net.sloop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import net.sloop.mem.Chains;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.Services;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tun.IfReq;
import net.sloop.tun.TunLink;

/**
 * What {@code ./sloop serve} was asked to do, validated: {@link #of} turns the command line's
 * strings into checked values or throws an {@link IllegalArgumentException} whose message is one
 * line naming the option and what is wrong with it. It also builds the stack and starts the
 * services once in memory, so that a budget too small for them fails here, before any device or
 * namespace exists.
 *
 * @param netns the network namespace for the host side, or null to leave the device where it is
 * @param device the device's name
 * @param mode TUN or TAP
 * @param address the stack's address on the device
 * @param hostAddress the host side's address (configured in {@code netns}; without it, only printed)
 * @param budgetBytes the stack's memory budget
 * @param mtu the device's and the stack's MTU
 * @param services the services offered (over TCP and UDP)
 * @param maxConnections TCP connections each service holds at once
 * @param idleTimeoutSeconds a TCP connection idle this long is reset (0: never)
 * @param durationNanos stop after this long (0: only on a signal)
 * @param pcap the capture file, or null
 * @param offload virtio-net headers with checksum and TCP segmentation offload on the device ({@link TunLink.Options#offload})
 * @param ftp the FTP server's options, or null for no FTP
 * @param http the HTTP server's options, or null for no HTTP
 */
record ServeOptions(String netns, String device, TunLink.Mode mode, Cidr address, Cidr hostAddress, long budgetBytes,
        int mtu, Set<ServiceKind> services, int maxConnections, long idleTimeoutSeconds, long durationNanos, Path pcap,
        boolean offload, int maxOrphans, long orphanTimeoutSeconds, ServePlan plan, FtpServeOptions ftp, HttpServeOptions http,
        int blockSize) {
    /** Default of {@code --orphan-timeout}: how long a connection its service closed may take to finish. */
    static final long DEFAULT_ORPHAN_TIMEOUT_SECONDS = 120;

    /** Validates the command line's values; every message starts with the option it is about. */
    static ServeOptions of(String netns, String device, boolean tap, String address, String hostAddress, String budget, int mtu,
            List<String> services, int maxConnections, long idleTimeoutSeconds, double durationSeconds, Path pcap) {
        return of(netns, device, tap, address, hostAddress, budget, mtu, services, maxConnections, idleTimeoutSeconds, durationSeconds, pcap,
                TunLink.DEFAULT_OFFLOAD);
    }

    /** As above, with {@code --offload} or {@code --no-offload}. */
    static ServeOptions of(String netns, String device, boolean tap, String address, String hostAddress, String budget, int mtu,
            List<String> services, int maxConnections, long idleTimeoutSeconds, double durationSeconds, Path pcap, boolean offload) {
        return of(netns, device, tap, address, hostAddress, budget, mtu, services, maxConnections, idleTimeoutSeconds, durationSeconds, pcap,
                offload, 0, DEFAULT_ORPHAN_TIMEOUT_SECONDS);
    }

    /** As above, with {@code --max-orphans} (0: derived from the budget, see {@link ServePlan}) and {@code --orphan-timeout}. */
    static ServeOptions of(String netns, String device, boolean tap, String address, String hostAddress, String budget, int mtu,
            List<String> services, int maxConnections, long idleTimeoutSeconds, double durationSeconds, Path pcap, boolean offload,
            int maxOrphans, long orphanTimeoutSeconds) {
        return of(netns, device, tap, address, hostAddress, budget, mtu, services, maxConnections, idleTimeoutSeconds, durationSeconds, pcap,
                offload, maxOrphans, orphanTimeoutSeconds, null);
    }

    /** As above, with the FTP server's options (null: no FTP). */
    static ServeOptions of(String netns, String device, boolean tap, String address, String hostAddress, String budget, int mtu,
            List<String> services, int maxConnections, long idleTimeoutSeconds, double durationSeconds, Path pcap, boolean offload,
            int maxOrphans, long orphanTimeoutSeconds, FtpServeOptions ftp) {
        return of(netns, device, tap, address, hostAddress, budget, mtu, services, maxConnections, idleTimeoutSeconds, durationSeconds, pcap,
                offload, maxOrphans, orphanTimeoutSeconds, ftp, null);
    }

    /** As above, with the HTTP server's options (null: no HTTP). */
    static ServeOptions of(String netns, String device, boolean tap, String address, String hostAddress, String budget, int mtu,
            List<String> services, int maxConnections, long idleTimeoutSeconds, double durationSeconds, Path pcap, boolean offload,
            int maxOrphans, long orphanTimeoutSeconds, FtpServeOptions ftp, HttpServeOptions http) {
        return of(netns, device, tap, address, hostAddress, budget, mtu, services, maxConnections, idleTimeoutSeconds, durationSeconds, pcap,
                offload, maxOrphans, orphanTimeoutSeconds, ftp, http, 0);
    }

    /** As above, with {@code --block-size} (0: sized for the budget, {@link StackConfig#blockSizeFor}). */
    static ServeOptions of(String netns, String device, boolean tap, String address, String hostAddress, String budget, int mtu,
            List<String> services, int maxConnections, long idleTimeoutSeconds, double durationSeconds, Path pcap, boolean offload,
            int maxOrphans, long orphanTimeoutSeconds, FtpServeOptions ftp, HttpServeOptions http, int blockSize) {
        if (netns != null) {
            if (netns.isEmpty() || netns.length() > 200 || netns.equals(".") || netns.equals("..") || netns.startsWith("-")
                    || !netns.chars().allMatch(c -> c > ' ' && c < 127 && c != '/'))
                throw new IllegalArgumentException("--netns '" + netns + "': not a usable namespace name (printable ASCII, no '/', not starting with '-')");
        }
        if (device == null || device.isEmpty()) throw new IllegalArgumentException("--tun: a device name is needed");
        try {
            IfReq.checkName(device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tun " + device + ": " + e.getMessage());
        }
        Cidr addr = Cidr.parse("--addr", address);
        Cidr host = hostAddress == null ? null : Cidr.parse("--host-addr", hostAddress);
        if (host == null && netns != null) throw new IllegalArgumentException("--host-addr is needed with --netns");
        if (host != null) {
            if (host.address() == addr.address()) throw new IllegalArgumentException("--host-addr " + host + " is the same address as --addr");
            if (!host.sameSubnet(addr))
                throw new IllegalArgumentException("--host-addr " + host + " and --addr " + addr + " must be in the same subnet, with the same prefix");
        }
        long bytes;
        try {
            bytes = Sizes.parse(budget);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--budget: " + e.getMessage());
        }
        if (bytes <= 0 || bytes > Integer.MAX_VALUE) throw new IllegalArgumentException("--budget " + budget + ": must be between 1 byte and 2 GiB");
        if (mtu < 576 || mtu > 65535) throw new IllegalArgumentException("--mtu " + mtu + ": must be 576..65535");
        if (blockSize != 0 && (blockSize < Chains.MIN_BLOCK_SIZE || blockSize > 65536 || blockSize % 8 != 0))
            throw new IllegalArgumentException("--block-size " + blockSize + ": must be 0 (sized for the budget) or a multiple of 8 from "
                    + Chains.MIN_BLOCK_SIZE + " to 65536");
        EnumSet<ServiceKind> kinds = EnumSet.noneOf(ServiceKind.class);
        for (String s : services) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.isEmpty()) continue;
            ServiceKind k = null;
            for (ServiceKind c : ServiceKind.values()) if (c.serviceName().equals(t)) k = c;
            if (k == null) throw new IllegalArgumentException("--services: unknown service '" + s.trim() + "' (known: echo, discard, daytime, chargen)");
            kinds.add(k);
        }
        if (kinds.isEmpty()) throw new IllegalArgumentException("--services: name at least one of echo, discard, daytime, chargen");
        if (maxConnections < 1 || maxConnections > 65535) throw new IllegalArgumentException("--max-connections " + maxConnections + ": must be 1..65535");
        if (maxOrphans < 0 || maxOrphans > 65535) throw new IllegalArgumentException("--max-orphans " + maxOrphans + ": must be 0..65535 (0: derived from the budget)");
        if (orphanTimeoutSeconds < 1 || orphanTimeoutSeconds > 86_400)
            throw new IllegalArgumentException("--orphan-timeout " + orphanTimeoutSeconds + ": must be 1..86400 seconds");
        if (idleTimeoutSeconds < 0) throw new IllegalArgumentException("--idle-timeout " + idleTimeoutSeconds + ": must not be negative");
        if (!(durationSeconds >= 0) || durationSeconds > 1e9) throw new IllegalArgumentException("--duration " + durationSeconds + ": must be a number of seconds, 0 or more");
        if (pcap != null) {
            Path parent = pcap.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) throw new IllegalArgumentException("--pcap " + pcap + ": no such directory " + parent);
            if (Files.isDirectory(pcap)) throw new IllegalArgumentException("--pcap " + pcap + ": is a directory");
        }
        ServeOptions o = new ServeOptions(netns, device, tap ? TunLink.Mode.TAP : TunLink.Mode.TUN, addr, host, bytes, mtu, Set.copyOf(kinds),
                maxConnections, idleTimeoutSeconds, (long) (durationSeconds * 1e9), pcap, offload, maxOrphans, orphanTimeoutSeconds, null, ftp, http,
                blockSize == 0 ? StackConfig.blockSizeFor(bytes) : blockSize);
        String what = "--budget " + budget + " (" + bytes + " bytes) with --mtu " + mtu + (blockSize != 0 ? " and --block-size " + blockSize : "") + ": ";
        ServePlan plan;
        try {
            plan = ServePlan.of(o.baseConfig(), o.serviceBuilder(), kinds.size(), maxConnections, maxOrphans, o.ftpConfig(), o.httpConfig());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(what + e.getMessage(), e);
        }
        o = new ServeOptions(o.netns, o.device, o.mode, o.address, o.hostAddress, o.budgetBytes, o.mtu, o.services, o.maxConnections,
                o.idleTimeoutSeconds, o.durationNanos, o.pcap, o.offload, o.maxOrphans, o.orphanTimeoutSeconds, plan, ftp, http, o.blockSize);
        o.tryInMemory(what);
        return o;
    }

    /**
     * The stack's configuration before the plan: budget, blocks of {@code --block-size} or the
     * size that suits the budget ({@link StackConfig#blockSizeFor}), MTU, a timer for the
     * services' idle timeout.
     */
    private StackConfig baseConfig() {
        return StackConfig.builder().budget(budgetBytes).blockSize(blockSize).maxMtu(mtu).applicationTimers((idleTimeoutSeconds > 0 ? 1 : 0) + (ftp != null ? 1 : 0) + (http != null ? 2 : 0)).build(); // HTTP's and its status pages'
    }

    /** The FTP server's configuration (a fresh file system each call), or null without FTP. */
    net.sloop.ftp.FtpConfig ftpConfig() {
        return ftp == null ? null : ftp.config(ftp.fileSystem());
    }

    /** The HTTP server's configuration (the root resolved each call), or null without HTTP. */
    net.sloop.http.HttpConfig httpConfig() {
        return http == null ? null : http.config(budgetBytes);
    }

    /** The stack's configuration: the plan's guarantee, orphan limit and the orphan timeout. */
    StackConfig stackConfig() {
        return plan.apply(baseConfig(), TimeUnit.SECONDS.toNanos(orphanTimeoutSeconds), offload);
    }

    private ServiceConfig.Builder serviceBuilder() {
        return ServiceConfig.builder().tcp(serviceArray()).udp(serviceArray()).idleTimeoutNanos(TimeUnit.SECONDS.toNanos(idleTimeoutSeconds));
    }

    /** The services' configuration, with the plan's slots and guarantee per service. */
    ServiceConfig serviceConfig() {
        return plan.services(serviceBuilder());
    }

    /** What the plan promises, for the ready line: "8 connections per service (4 guaranteed), at most 8 orphans". */
    String planText() {
        return plan.slots() + " connections per service (" + plan.guaranteedPerService() + " guaranteed), at most " + plan.orphans() + " orphans"
                + (ftp != null ? ", FTP " + ftp.maxSessions() + " sessions (1 guaranteed with its data connection)" : "")
                + (http != null ? ", HTTP " + http.maxConnections() + " connections (" + http.guaranteed() + " guaranteed)" : "");
    }

    /**
     * Builds the stack and starts the services once in memory (no device, no I/O) and closes them
     * again, so that a budget too small for them is reported before anything is created.
     */
    private void tryInMemory(String what) {
        Stack stack;
        try {
            stack = new Stack(stackConfig());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(what + e.getMessage(), e);
        }
        try {
            Services.start(stack, serviceConfig()).close();
            if (ftp != null) net.sloop.ftp.FtpServer.start(stack, ftpConfig()).close();
            if (http != null) net.sloop.http.HttpServer.start(stack, httpConfig()).close();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(what + e.getMessage(), e);
        } finally {
            stack.close();
        }
    }

    /** "echo 7, discard 9, daytime 13, chargen 19", in port order, then FTP's. */
    String servicesText() {
        StringJoiner j = new StringJoiner(", ");
        for (ServiceKind k : ServiceKind.values()) if (services.contains(k)) j.add(k.serviceName() + " " + k.port());
        if (ftp != null) j.add(ftp.text());
        if (http != null) j.add(http.text());
        return j.toString();
    }

    /** The services as an array, in port order. */
    ServiceKind[] serviceArray() {
        return EnumSet.copyOf(services).toArray(ServiceKind[]::new);
    }
}
