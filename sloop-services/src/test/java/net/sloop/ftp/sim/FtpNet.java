package net.sloop.ftp.sim;

import net.sloop.sim.Impairments;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.testing.SimLan;

/**
 * The three stacks of {@link SimLan} (an FTP client, an FTP server and another client), each with
 * its own budget, and the port on the same segment from which tests inject frames (broadcast
 * storms). {@link #finish()} lets every connection end on its own (no abort: TIME_WAIT,
 * FIN_WAIT_2 and retransmission limits run out), then checks that none is left and every budget
 * is at its baseline.
 */
public final class FtpNet extends SimLan {
    /** {@code wire}: the impairments of each direction between client and server. */
    public FtpNet(long seed, StackConfig clientConfig, StackConfig serverConfig, Impairments wire) {
        super(seed, clientConfig, serverConfig, wire, true);
    }

    /** A stack configuration: {@code budget} bytes, {@code timers} application timers, seeded TCP secret. */
    public static StackConfig.Builder config(long budget, int timers, long secret) {
        return StackConfig.builder().budget(budget).applicationTimers(timers).tcp(TcpConfig.builder().secret(secret).build());
    }

    /** The simulated time within which any connection of either stack ends on its own. */
    public long settleNanos() {
        long t = 0;
        for (Stack s : new Stack[] {client, server, other}) {
            TcpConfig c = s.config().tcp();
            t = Math.max(t, c.timeWaitNanos() + c.finWait2Nanos() + c.orphanTimeoutNanos()
                    + (long) (c.maxRetransmits() + c.synRetries() + 2) * c.maxRtoNanos());
        }
        return t;
    }

    /**
     * Lets every connection end on its own, checks none is left, closes {@code servers} (which
     * then hold no connection: nothing is aborted) and checks every budget is at its baseline.
     */
    public void finish(AutoCloseable... servers) {
        runToEnd(settleNanos());
        for (AutoCloseable c : servers) {
            try {
                c.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        if (!server.budget().atBaseline()) throw new AssertionError("server budget not at baseline: " + server.budget().leakReport());
        if (!client.budget().atBaseline()) throw new AssertionError("client budget not at baseline: " + client.budget().leakReport());
        if (!other.budget().atBaseline()) throw new AssertionError("other client's budget not at baseline: " + other.budget().leakReport());
        LeakCheck.verifyNow();
    }
}
