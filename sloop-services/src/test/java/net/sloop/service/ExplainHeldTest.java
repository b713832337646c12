package net.sloop.service;

import static org.junit.jupiter.api.Assertions.*;

import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;
import org.junit.jupiter.api.Test;

/**
 * Stack.explainHeld: what a user who "closed everything" sees when the budget is not back at its
 * baseline: what holds the difference and why, for each thing left, whether it ends on its own.
 */
class ExplainHeldTest {
    @Test
    void whatIsStillHeldIsNamedWithWhetherItEndsOnItsOwn() throws Exception {
        ServiceNet n = new ServiceNet(5, ServiceNet.config(256 * 1024).build());
        n.sync();
        assertEquals("memory at its baseline of " + n.client.budget().baseline() + " bytes: nothing held\n", n.client.explainHeld());
        TcpListener l = n.server.tcp().listen(0, 4000);
        TcpSocket c = n.client.tcp().connect(ServiceNet.SERVER, 4000);
        UdpSocket u = n.client.udp().open(0, 5000);
        n.run(Time.millis(50));
        TcpSocket s = l.accept();
        assertNotNull(s);
        // The client's application forgot its UDP socket and its connection.
        String client = n.client.explainHeld();
        assertTrue(client.startsWith("budget not at baseline"), client);
        assertTrue(client.matches("(?s).*  tcp 198.18.0.1:\\d+-198.18.0.2:4000 holds \\d+ bytes more of CONTROL.*"), client);
        assertTrue(client.contains(":4000 ESTABLISHED: open: its application has not closed it"), client);
        assertTrue(client.contains("udp 1 sockets open: close them"), client);
        // The server's application closed its end: it is an orphan that ends on its own; the listener is open.
        s.close();
        n.run(Time.millis(50));
        String server = n.server.explainHeld();
        assertTrue(server.contains("FIN_WAIT_2: closed by its application; it ends when the peer finishes"), server);
        assertTrue(server.contains("tcp listener on port 4000: open until closed"), server);
        // Everything closed: the server closed first, so its end keeps a TIME_WAIT record.
        c.close();
        u.close();
        l.close();
        n.run(Time.millis(50));
        assertEquals("memory at its baseline of " + n.client.budget().baseline() + " bytes: nothing held\n", n.client.explainHeld());
        String after = n.server.explainHeld();
        assertTrue(after.contains("TIME_WAIT records in 1 blocks: they end on their own within"), after);
        assertTrue(after.contains("the next timer is due in"), after);
        n.finish();
        assertEquals("memory at its baseline of " + n.server.budget().baseline() + " bytes: nothing held\n", n.server.explainHeld());
    }
}
