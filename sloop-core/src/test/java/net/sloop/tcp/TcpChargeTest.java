package net.sloop.tcp;

import static net.sloop.testing.ChargeSizes.assertChargeCovers;
import static net.sloop.testing.ChargeSizes.retainedBytes;
import static org.junit.jupiter.api.Assertions.*;

import net.sloop.mem.Category;
import net.sloop.sim.Impairments;
import net.sloop.stack.StackConfig;
import net.sloop.time.Time;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an idle established connection and a listener cost, measured with JOL against their
 * charges: the control block with everything it owns (estimator, controller, owner, buffers'
 * heads) and the application's handle; shared things (the TCP layer, the stack, the budget, the
 * RTO limits all connections share) are excluded. The charges must also cover a VM without
 * compressed oops: run this class with -XX:-UseCompressedOops to check them there.
 */
class TcpChargeTest {
    @ParameterizedTest
    @ValueSource(strings = {"newreno", "cubic"})
    void anIdleEstablishedConnectionIsChargedAtLeastWhatItRetainsAndHoldsNoPayloadBlocks(String congestionControl) throws Exception {
        TcpConfig tcp = TcpConfig.builder().secret(42).congestionControl(congestionControl).build();
        TcpPair p = new TcpPair(5, StackConfig.builder().budget(128 * 1024).tcp(tcp).build(), Impairments.none().withDelay(Time.millis(1)));
        TcpListener l = p.b.tcp().listen(0, 80);
        TcpSocket c = p.a.tcp().connect(TcpPair.B, 80);
        TcpSocket[] s = new TcpSocket[1];
        assertTrue(p.runUntil(() -> (s[0] = s[0] != null ? s[0] : l.accept()) != null && c.isConnected(), Time.seconds(5)));
        c.write(new byte[3000]);
        p.run(Time.seconds(1));
        byte[] buf = new byte[4096];
        while (s[0].read(buf) > 0) {}
        p.run(Time.seconds(1)); // idle: everything sent, acknowledged and read
        TcpConnection conn = c.connection();
        Object[] shared = {p.a.tcp(), p.a, p.a.budget(), p.a.budget().memory(), p.a.config(), p.a.config().tcp(), p.a.stats(),
                p.a.timers(), p.a.tcp().rttLimits(), TcpState.ESTABLISHED, TcpError.NONE, l};
        long retained = retainedBytes(conn, shared);
        int charge = TcpConnection.chargeFor(tcp);
        assertEquals(congestionControl.equals("cubic") ? TcpConnection.CUBIC_CHARGE : TcpConnection.CHARGE, charge);
        assertChargeCovers("idle TCP connection (" + congestionControl + ") with its handle", conn, charge, shared);
        assertEquals(0, conn.owner.used(Category.SOCKET_SEND) + conn.owner.used(Category.SOCKET_RECEIVE) + conn.owner.used(Category.OUT_OF_ORDER),
                "an idle connection holds no payload blocks");
        int committed = conn.sendCommit + conn.rcvCommit;
        System.out.printf("idle established connection (%s): %d heap bytes retained (JOL), %d charged; 0 payload blocks;"
                + " %d blocks (%d bytes) committed to its guaranteed minimum and advertised window of %d bytes%n",
                congestionControl, retained, charge, committed, committed * p.a.budget().blockSize(), conn.rcvAdv - conn.rcvNxt);
        long listener = retainedBytes(l, p.b.tcp(), p.b, p.b.budget(), p.b.config(), p.b.config().tcp());
        assertChargeCovers("listener", l, TcpListener.CHARGE, p.b.tcp(), p.b, p.b.budget(), p.b.config(), p.b.config().tcp());
        System.out.printf("listener: %d heap bytes retained, %d charged%n", listener, TcpListener.CHARGE);
        c.close();
        s[0].close();
        l.close();
        p.run(Time.seconds(61));
        p.finish();
    }
}
