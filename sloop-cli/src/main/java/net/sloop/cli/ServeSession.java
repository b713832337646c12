package net.sloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sloop.link.DescriptorLink;
import net.sloop.link.DescriptorPcapTap;
import net.sloop.link.PcapWriter;
import net.sloop.service.Services;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;
import net.sloop.time.Clock;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;

/**
 * One run of {@code ./sloop serve}: sets up the device, the namespace and the stack with its
 * services, serves until told to stop, then takes everything down again and says whether the
 * budget came back to its baseline.
 *
 * <p>Set-up order, so that nothing is ever sent in the root namespace: the device is created (down,
 * unconfigured) where the process runs; with a namespace, the namespace is created if missing,
 * the device moved into it and configured and brought up only there. A failure at any step undoes
 * the steps before it.
 *
 * <p>Shutdown: the services are closed under the runner's lock (listeners and UDP sockets closed,
 * connections they hold reset); the runner is stopped; then the stack, shutting down, discards
 * what it still legitimately holds (connections the services had already let go of, TIME_WAIT
 * records, queued ARP packets, fragments: nothing of it can matter once the stack is gone, and a
 * TIME_WAIT record only protects a later incarnation of its connection on this stack), counting
 * each. Only then is the budget compared with its baseline: anything still held is a leak. Then
 * the stack and its device are closed and a namespace Sloop created is deleted.
 */
final class ServeSession {
    /** Set-up and cleanup must finish within this long after a signal. */
    static final long CLEANUP_LIMIT_SECONDS = 60;
    private static final long HEALTH_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ServeOptions o;
    private final PrintWriter out;
    private final PrintWriter err;
    private final StopSignal stop;
    private TunLink device;
    private DescriptorLink link; // the device, or a capture tap around it
    private PcapWriter pcap;
    private boolean namespaceCreated;
    private Stack stack;
    private Services services;
    private net.sloop.ftp.FtpServer ftp;
    private net.sloop.http.HttpServer http;
    private StackRunner runner;
    private final List<String> cleanupFailures = new ArrayList<>();
    private final ServeLive live; // the live view and the log (ServeLive)

    ServeSession(ServeOptions options, PrintWriter out, PrintWriter err, StopSignal stop) {
        this(options, out, err, stop, ServeLive.quiet());
    }

    ServeSession(ServeOptions options, PrintWriter out, PrintWriter err, StopSignal stop, ServeLive live) {
        this.o = options;
        this.out = out;
        this.err = err;
        this.stop = stop;
        this.live = live;
    }

    /** Runs until a signal or the duration; returns the exit status (0: clean, budget at baseline). */
    int run() {
        try {
            setUp();
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            err.println("sloop: " + e.getMessage());
            err.flush();
            tearDown();
            reportCleanupFailures();
            return 1;
        } catch (RuntimeException | Error e) { // a bug, not a user error: its trace helps, and the cleanup still runs
            err.println("sloop: internal error during set-up: " + e);
            e.printStackTrace(err);
            tearDown();
            reportCleanupFailures();
            return 1;
        }
        if (stop.signalled()) { // a signal came during set-up: take it all down again without serving
            out.println("sloop: stopping (signal during set-up)");
            out.flush();
            return shutDown();
        }
        out.println("sloop: ready on " + o.device() + " (" + o.mode().name().toLowerCase() + ") " + o.address()
                + (o.netns() != null ? " in netns " + o.netns() : "") + " (budget " + o.budgetBytes() + " bytes): "
                + o.servicesText() + "; " + o.planText() + live.readyText() + (o.durationNanos() > 0 ? "; stopping after " + o.durationNanos() / 1e9 + " s" : "; stop with Ctrl-C"));
        out.flush();
        String reason;
        try {
            reason = waitForStop();
        } catch (InterruptedException e) {
            reason = "interrupted";
        }
        out.println("sloop: stopping (" + reason + ")");
        out.flush();
        return shutDown();
    }

    // ------------------------------------------------------------------ set-up

    private void setUp() throws IOException {
        String dev = o.device();
        if (o.netns() != null) {
            if (!ipCommandFound()) throw new IOException("the ip command is missing: install iproute2 (apt-get install iproute2)");
            // Sloop creates the device: a device of that name here would be taken over, not created.
            if (HostNet.run(List.of("ip", "link", "show", "dev", dev), HostNet.TIMEOUT_SECONDS).ok())
                throw new IOException("device " + dev + " exists in this network namespace: its name is taken (pick another --tun)");
        }
        boolean existed = o.netns() == null && ipCommandFound() && HostNet.run(List.of("ip", "link", "show", "dev", dev), HostNet.TIMEOUT_SECONDS).ok();
        device = TunLink.open(dev, o.mode(), TunLink.Options.defaults().mtu(o.mtu()).offload(o.offload())); // down, unconfigured: sends nothing
        if (existed) {
            // A persistent device made beforehand (ip tuntap add ... user U lets U run serve without root): attached, not made.
            out.println("sloop: attached to the existing device " + dev + " (made beforehand, e.g. with ip tuntap add; it stays when serve ends)");
        }
        if (o.netns() != null) {
            String ns = o.netns();
            java.util.OptionalLong maker = NamespaceOwner.recorded(ns);
            if (HostNet.namespaceExists(ns) && maker.isPresent()) {
                long pid = maker.getAsLong();
                if (NamespaceOwner.ownerAlive(pid)) {
                    throw new IOException("netns " + ns + " belongs to a sloop serve still running (pid " + pid + "): stop it, or pick another --netns");
                }
                NamespaceOwner.record(ns);
                namespaceCreated = true;
                out.println("sloop: netns " + ns + " was left behind by a serve that did not clean up (pid " + pid + ", gone); taking it over (deleted on exit)");
            } else if (HostNet.namespaceExists(ns)) {
                out.println("sloop: using the existing netns " + ns + " (not made by sloop: it is left in place on exit)");
            } else {
                HostNet.createNamespace(ns);
                namespaceCreated = true;
                NamespaceOwner.record(ns);
                out.println("sloop: created netns " + ns + " (deleted on exit)");
            }
            if (HostNet.run(List.of("ip", "-n", ns, "link", "show", "dev", dev), HostNet.TIMEOUT_SECONDS).ok())
                throw new IOException("device " + dev + " exists in netns " + ns + ": its name is taken there (pick another --tun)");
            HostNet.configureHostSide(ns, dev, o.mtu(), o.hostAddress().toString());
            out.println("sloop: " + dev + " is in netns " + ns + " with host address " + o.hostAddress() + ", mtu " + o.mtu() + ", up");
        } else {
            String host = o.hostAddress() != null ? o.hostAddress().toString() : "HOST_ADDRESS/" + o.address().prefix();
            out.println("sloop: " + dev + " stays in this namespace, down; configure the host side with:");
            out.println("  ip link set dev " + dev + " mtu " + o.mtu());
            out.println("  ip addr add " + host + " dev " + dev);
            out.println("  ip link set dev " + dev + " up");
        }
        link = device;
        if (o.pcap() != null) {
            pcap = new PcapWriter(o.pcap(), device.kind());
            long epochOffset = System.currentTimeMillis() * 1_000_000L - Clock.system().nanos();
            link = new DescriptorPcapTap(device, pcap, epochOffset);
        }
        stack = new Stack(o.stackConfig());
        stack.addInterface(link, o.address().address(), o.address().prefix()); // the stack owns the link now
        services = Services.start(stack, o.serviceConfig());
        if (o.ftp() != null) ftp = net.sloop.ftp.FtpServer.start(stack, o.ftpConfig());
        if (o.http() != null) http = net.sloop.http.HttpServer.start(stack, o.httpConfig());
        runner = new StackRunner(Clock.system(), Thread.ofPlatform().daemon().name("sloop-runner"), stack);
        live.start(stack, services, ftp, http, runner, out);
    }

    private static boolean ipCommandFound() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String d : path.split(":")) if (!d.isEmpty() && Files.isExecutable(Path.of(d, "ip"))) return true;
        return false;
    }

    // ------------------------------------------------------------------ serving

    /** Waits for a signal, the duration, or a failure of the runner or the device; says which. */
    private String waitForStop() throws InterruptedException {
        long deadline = o.durationNanos() > 0 ? System.nanoTime() + o.durationNanos() : 0;
        while (true) {
            long slice = HEALTH_CHECK_NANOS;
            if (deadline != 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return "--duration elapsed";
                slice = Math.min(slice, left);
            }
            if (stop.await(slice)) return "signal";
            if (runner.failure() != null) return "the runner failed: " + runner.failure();
            runner.lock();
            String failure;
            try {
                failure = device.failure();
            } finally {
                runner.unlock();
            }
            if (failure != null) return "the device failed: " + failure;
        }
    }

    // ------------------------------------------------------------------ shutdown

    private int shutDown() {
        live.stop(); // its socket closed, its charges returned before the baseline is checked
        runner.run(this::closeServices); // listeners and UDP sockets closed, held connections reset
        closeRunner();
        Throwable runnerFailure = runner.failure();
        // The runner is stopped: this thread is the stack's only user from here on.
        int connections = stack.tcp().connections();
        int timeWait = stack.tcp().timeWaitRecords();
        int udpSockets = stack.udp().openSockets();
        long usedBeforeDrain = stack.budget().used();
        stack.drain();
        boolean atBaseline = stack.budget().atBaseline();
        String leaks = stack.budget().leakReport();

        out.println("sloop: memory summary");
        out.print(indent(stack.report()));
        out.print(services.report());
        if (ftp != null) out.print(ftp.report());
        if (http != null) out.print(http.report());
        out.println("  device " + device.name() + ": " + device.received() + " frames received, " + device.transmitted() + " sent, "
                + device.transmitDropped() + " not sent, " + device.readErrors() + " read errors");
        if (pcap != null) {
            out.println("  capture: " + pcap.frames() + " frames written to " + o.pcap() + (o.offload()
                    ? " (with offload, as the device carries them: TCP segments of up to 64 KiB, and TCP/UDP checksums"
                            + " left for the kernel, which tcpdump shows as incorrect; --no-offload captures wire-sized frames)"
                    : ""));
        }
        out.println("  at shutdown, with " + usedBeforeDrain + " bytes in use, the stack discarded " + connections + " connections, "
                + timeWait + " TIME_WAIT records and " + udpSockets + " UDP sockets");
        out.flush();
        closeStackAndNamespace();
        reportCleanupFailures();
        if (runnerFailure != null) out.println("sloop: the runner failed: " + runnerFailure);
        if (atBaseline) {
            out.println("sloop: budget back at its baseline of " + stack.budget().baseline() + " bytes: no leak");
        } else {
            out.println("sloop: LEAK: " + leaks.strip());
        }
        out.flush();
        return atBaseline && runnerFailure == null && cleanupFailures.isEmpty() ? 0 : 1;
    }

    private void closeServices() {
        if (http != null) http.close();
        if (ftp != null) ftp.close();
        services.close();
    }

    private static String indent(String text) {
        StringBuilder b = new StringBuilder();
        for (String line : text.split("\n", -1)) if (!line.isEmpty()) b.append(line.startsWith("  ") ? line : "  " + line).append('\n');
        return b.toString();
    }

    private void closeRunner() {
        try {
            runner.close();
        } catch (RuntimeException e) {
            cleanupFailures.add("stopping the runner: " + e.getMessage());
        }
    }

    /** Undoes whatever set-up did, in reverse order; failures are collected, not thrown. */
    private void tearDown() {
        live.stop();
        if (services != null) {
            try {
                if (runner != null) runner.run(this::closeServices);
                else closeServices();
            } catch (RuntimeException e) {
                cleanupFailures.add("closing the services: " + e.getMessage());
            }
        }
        if (runner != null) closeRunner();
        closeStackAndNamespace();
    }

    private void closeStackAndNamespace() {
        try {
            if (stack != null) {
                boolean linked = !stack.interfaces().isEmpty();
                stack.close(); // closes the link: the capture, then the device, which disappears
                if (!linked && link != null) link.close();
            } else if (link != null) {
                link.close(); // the capture, then the device
            } else if (device != null) {
                device.close();
            }
        } catch (RuntimeException e) {
            cleanupFailures.add("closing the stack and device: " + e.getMessage());
        }
        if (namespaceCreated) {
            try {
                HostNet.deleteNamespace(o.netns());
                NamespaceOwner.forget(o.netns());
                namespaceCreated = false;
                out.println("sloop: deleted netns " + o.netns());
            } catch (IOException e) {
                cleanupFailures.add("deleting netns " + o.netns() + ": " + e.getMessage());
            }
        }
    }

    private void reportCleanupFailures() {
        for (String f : cleanupFailures) err.println("sloop: cleanup: " + f);
        err.flush();
    }
}
