// A JUnit 5 test of your own code over a simulated network: two Sloop stacks on a seeded lossy
// link in simulated time (no threads, no sleeps: a minute of protocol time runs in milliseconds),
// and at the end the check that your code freed everything it took from the budget, with a
// readable report (Stack.explainHeld) when it did not.
//
// Put a class like this among your tests, with Sloop and JUnit 5 on the test classpath.
// Sloop's own suite compiles and runs this one (ExamplesTest).

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import net.sloop.link.Link;
import net.sloop.sim.Impairments;
import net.sloop.sim.SimNetwork;
import net.sloop.sim.SimPort;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulatedNetworkTest {
    static final int CLIENT = Ipv4Address.parse("198.18.0.1"), SERVER = Ipv4Address.parse("198.18.0.2");
    final SimNetwork net = new SimNetwork(42);
    final Stack client = new Stack(StackConfig.builder().budget(64 * 1024).build());
    final Stack server = new Stack(StackConfig.builder().budget(64 * 1024).build());

    SimulatedNetworkTest() {
        Impairments lossy = Impairments.none().withLoss(0.05).withDelay(Time.millis(10)).withDuplicate(0.01);
        SimPort pc = net.port("c0", Link.Kind.ETHERNET, 0x02_00_00_00_00_01L, 1500, lossy);
        SimPort ps = net.port("s0", Link.Kind.ETHERNET, 0x02_00_00_00_00_02L, 1500, lossy);
        net.connect(pc, ps);
        client.addInterface(pc, CLIENT, 24);
        server.addInterface(ps, SERVER, 24);
        net.addNode(client);
        net.addNode(server);
    }

    /** The code under test: a greeting server that answers "hello, NAME" and closes. */
    static TcpListener greeter(Stack s, int port) throws Exception {
        TcpListener l = s.tcp().listen(0, port);
        l.setListener(x -> {
            for (TcpSocket c; (c = x.accept()) != null; ) {
                c.setListener((sock, events) -> {
                    try {
                        byte[] b = new byte[64];
                        int n = sock.read(b);
                        if (n > 0) {
                            sock.write(("hello, " + new String(b, 0, n, StandardCharsets.US_ASCII).strip() + "\n").getBytes(StandardCharsets.US_ASCII));
                            sock.close();
                        } else if (n < 0) {
                            sock.close();
                        }
                    } catch (Exception e) {
                        sock.abort();
                    }
                });
            }
        });
        return l;
    }

    @Test
    void greetsOverALossyLink() throws Exception {
        TcpListener l = greeter(server, 1234);
        TcpSocket c = client.tcp().connect(SERVER, 1234);
        StringBuilder got = new StringBuilder();
        c.setListener((sock, events) -> {
            try {
                if ((events & TcpSocket.CONNECTED) != 0) sock.write("sloop\n".getBytes(StandardCharsets.US_ASCII));
                byte[] b = new byte[64];
                for (int n; (n = sock.read(b)) > 0; ) got.append(new String(b, 0, n, StandardCharsets.US_ASCII));
            } catch (Exception e) {
                sock.abort();
            }
        });
        assertTrue(net.runUntil(() -> c.inputEnded(), Time.seconds(60)), "the server answered and closed");
        assertEquals("hello, sloop\n", got.toString());
        c.close();
        l.close();
    }

    /** Every test ends with both budgets at their baseline, after the connections finished on their own. */
    @AfterEach
    void everythingWasFreed() {
        net.runFor(Time.seconds(130)); // past TIME_WAIT and every other timer: nothing is aborted to pass
        client.advance(net.now());
        server.advance(net.now());
        assertTrue(client.budget().atBaseline(), client::explainHeld);
        assertTrue(server.budget().atBaseline(), server::explainHeld);
        client.close();
        server.close();
    }
}
