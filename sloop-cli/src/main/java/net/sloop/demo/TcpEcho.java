package net.sloop.demo;

import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Random;
import net.sloop.mem.Category;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.Services;
import net.sloop.sim.SimNetwork;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.tcp.TcpStats;
import net.sloop.time.Time;

/**
 * The demo's TCP part: A writes seeded random bytes to B's echo service over the lossy link and
 * reads them back, on the event-driven API in simulated time; then prints whether they came back
 * intact (SHA-256), what TCP did about the losses, and how little memory it took.
 */
final class TcpEcho {
    private TcpEcho() {}

    static boolean run(SimNetwork net, Stack a, Stack b, int addrB, int bytes, long seed, PrintStream out) {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        long start = net.now();
        try (Services services = Services.start(b, ServiceConfig.builder().tcp(ServiceKind.ECHO).udp().build())) {
            TcpSocket c = a.tcp().connect(addrB, services.config().port(ServiceKind.ECHO));
            MessageDigest back = sha256();
            byte[] buf = new byte[4096];
            int[] sent = {0}, got = {0};
            long[] peak = {0};
            boolean done = net.runUntil(() -> {
                a.advance(net.now());
                try {
                    if (c.isConnected() && sent[0] < bytes) sent[0] += c.write(data, sent[0], bytes - sent[0]);
                    int n;
                    while ((n = c.read(buf)) > 0) {
                        back.update(buf, 0, n);
                        got[0] += n;
                    }
                } catch (TcpException e) {
                    return true;
                }
                peak[0] = Math.max(peak[0], a.budget().used(Category.SOCKET_SEND) + a.budget().used(Category.SOCKET_RECEIVE));
                if (got[0] < bytes) net.poke();
                return got[0] >= bytes;
            }, net.now() + Time.seconds(600));
            boolean intact = done && got[0] == bytes && Arrays.equals(back.digest(), sha256().digest(data));
            double secs = (net.now() - start) / 1e9;
            TcpStats t = a.tcp().counters();
            out.printf("tcp: %,d bytes to B's echo service and back in %.1f s simulated: %s%n", bytes, secs,
                    intact ? "intact (SHA-256 equal)" : "NOT intact: " + got[0] + " bytes came back");
            out.printf("     A sent %,d segments, retransmitted %,d (%d timeouts, %d fast retransmits), saw %,d duplicate ACKs;%n",
                    t.segmentsSent, t.retransmittedSegments, t.timeouts, t.fastRetransmits, t.duplicateAcks);
            out.printf("     its send and receive buffers peaked at %,d bytes of a %,d-byte budget%n", peak[0], a.budget().capacity());
            c.close();
            net.runUntil(c::isEnded, net.now() + Time.seconds(30));
            out.printf("     closed: A keeps %d TIME_WAIT record in %d bytes, and no connection%n%n",
                    a.tcp().timeWaitRecords(), a.budget().used(Category.TIME_WAIT));
            return intact;
        } catch (TcpException e) {
            out.printf("tcp: could not connect: %s%n%n", e.getMessage());
            return false;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
