package net.sloop.ftp.client;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import net.sloop.ftp.sim.FtpNet;
import net.sloop.mem.Category;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The client's rules against a {@link ScriptedServer}, in simulated time: the RFC 959 §4.2
 * replies it must read (a 120 before the greeting, multi-line replies), a transfer that completes
 * only when both its data and its final reply have come (in either order), a data connection
 * refused (the session goes on), the reply and data timeouts, an unsolicited 421 and a reply
 * that is not FTP (the session ends). Every session's memory is charged while it lives and
 * returned when it ends; both budgets end at their baseline after the connections end on their own.
 */
class FtpClientSimTest {
    private final FtpNet n = new FtpNet(5, FtpNet.config(256 * 1024, 2, 1).build(), FtpNet.config(256 * 1024, 0, 2).build(), FtpNet.wire());
    private final long base = n.client.budget().used();

    private Outcome op(Consumer<Done> start, long limit) {
        Outcome[] got = {null};
        n.sync();
        start.accept((c, o) -> got[0] = o);
        assertTrue(n.runUntil(() -> got[0] != null, limit), "no outcome within " + limit / 1e9 + " s");
        return got[0];
    }

    private Outcome op(Consumer<Done> start) {
        return op(start, Time.seconds(10));
    }

    private FtpClient open(FtpClientConfig cfg) {
        FtpClient[] c = {null};
        assertEquals(Outcome.OK, op(d -> c[0] = FtpClient.open(n.client, FtpNet.SERVER, 21, cfg, d)));
        assertTrue(c[0].isReady());
        return c[0];
    }

    @Test
    void greetingAfter120MultiLineRepliesAndATransferInEitherOrder() throws Exception {
        byte[] file = new byte[12_000]; // within the server socket's send buffer: the script writes it at once
        new Random(1).nextBytes(file);
        boolean[] replyFirst = {false};
        ScriptedServer srv = new ScriptedServer(n.server, "120 wait a moment\r\n220-Welcome\r\n220-  to the test\r\n220 ready\r\n",
                ScriptedServer.login((s, cmd) -> {
                    switch (cmd) {
                        case "PWD" -> s.reply("257 \"/a \"\"b\"\"\" is current");
                        case "FEAT" -> s.raw("211-Features:\r\n SIZE\r\n2110 nor this: 123-\r\n MLST type*;\r\n211 End\r\n");
                        case "PASV" -> s.pasv(FtpNet.SERVER);
                        case "RETR f" -> {
                            s.reply("150 here it comes");
                            s.sendData(file);
                            if (replyFirst[0]) s.reply("226 done"); // before the data has even left
                            s.closeData();
                            if (!replyFirst[0]) s.reply("226 done");
                        }
                        default -> s.reply("502 no");
                    }
                }));
        FtpClient c = open(FtpClientConfig.defaults());
        assertEquals(FtpClient.chargeFor(FtpClientConfig.defaults()), c.owner().used(Category.CONTROL));
        assertEquals(List.of("USER anonymous", "PASS sloop@", "TYPE I"), srv.commands);
        assertEquals(Outcome.OK, op(c::pwd));
        assertEquals("/a \"b\"", c.path());
        assertEquals(Outcome.OK, op(d -> c.quote("FEAT", null, d)));
        assertEquals("Features:\n SIZE\n2110 nor this: 123-\n MLST type*;\n211 End", c.replyText());
        for (boolean first : new boolean[] {false, true}) {
            replyFirst[0] = first;
            Sha256Sink sink = new Sha256Sink();
            assertEquals(Outcome.OK, op(d -> c.retr("f", sink, d)));
            assertArrayEquals(java.security.MessageDigest.getInstance("SHA-256").digest(file), sink.finish());
            assertEquals(file.length, c.transferred());
        }
        assertEquals(Outcome.REFUSED, op(d -> c.cwd("x", d)));
        assertEquals(502, c.replyCode());
        assertEquals(Outcome.OK, op(c::quit));
        assertEquals(0, c.owner().used());
        srv.closeAll();
        n.finish();
    }

    @Test
    void a421GreetingIsARefusal() throws Exception {
        ScriptedServer srv = new ScriptedServer(n.server, "421 Too many sessions.\r\n", (s, cmd) -> {});
        FtpClient[] c = {null};
        assertEquals(Outcome.REFUSED, op(d -> c[0] = FtpClient.open(n.client, FtpNet.SERVER, 21, FtpClientConfig.defaults(), d)));
        assertEquals(421, c[0].replyCode());
        assertEquals(FtpClient.State.CLOSED, c[0].state());
        assertEquals(0, c[0].owner().used());
        srv.closeAll();
        n.finish();
    }

    @Test
    void oneOperationAtATime() throws Exception {
        ScriptedServer srv = new ScriptedServer(n.server, "220 hi\r\n", ScriptedServer.login((s, cmd) -> s.reply("200 ok")));
        FtpClient c = open(FtpClientConfig.defaults());
        n.sync();
        c.pwd((cl, o) -> {});
        assertThrows(IllegalStateException.class, () -> c.cwd("x", (cl, o) -> {}));
        assertTrue(n.runUntil(c::isReady, Time.seconds(5)));
        assertThrows(IllegalArgumentException.class, () -> c.cwd("a\r\nDELE b", (cl, o) -> {}), "no command injection through a path");
        assertThrows(IllegalArgumentException.class, () -> c.retr("x\nDELE b", DataSink.DISCARD, (cl, o) -> {}));
        assertThrows(IllegalArgumentException.class, () -> c.cwd("x".repeat(5000), (cl, o) -> {}));
        assertTrue(c.isReady(), "a refused argument changes nothing");
        assertEquals(Outcome.OK, op(c::quit));
        srv.closeAll();
        n.finish();
    }

    @Test
    void aRefusedDataConnectionFailsTheTransferNotTheSession() throws Exception {
        ScriptedServer srv = new ScriptedServer(n.server, "220 hi\r\n", ScriptedServer.login((s, cmd) -> {
            if (cmd.equals("PASV")) s.pasvNobody(FtpNet.SERVER);
            else s.reply("257 \"/\"");
        }));
        FtpClient c = open(FtpClientConfig.defaults());
        assertEquals(Outcome.DATA_FAILED, op(d -> c.retr("f", DataSink.DISCARD, d)));
        assertFalse(srv.commands.contains("RETR f"), "the command is sent only once the data connection is up");
        assertEquals(Outcome.OK, op(c::pwd));
        assertEquals(Outcome.OK, op(c::quit));
        srv.closeAll();
        n.finish();
    }

    @Test
    void aPasvAddressOtherThanTheServersIsCountedAndNotFollowed() throws Exception {
        ScriptedServer srv = new ScriptedServer(n.server, "220 hi\r\n", ScriptedServer.login((s, cmd) -> {
            if (cmd.equals("PASV")) s.pasv(net.sloop.wire.Ipv4Address.parse("10.9.8.7")); // e.g. a server behind NAT, or a bounce
            else if (cmd.equals("NLST")) {
                s.reply("150 list");
                s.sendData("a\r\nb\r\n".getBytes());
                s.closeData();
                s.reply("226 done");
            }
        }));
        FtpClient c = open(FtpClientConfig.defaults());
        List<String> names = new ArrayList<>();
        assertEquals(Outcome.OK, op(d -> c.nlst(null, l -> names.add(l.toString()), d)));
        assertEquals(List.of("a", "b"), names);
        assertEquals(1, c.pasvMismatches());
        assertEquals(Outcome.OK, op(c::quit));
        srv.closeAll();
        n.finish();
    }

    @Test
    void aSilentServerTimesOutAndTheSessionReturnsEverything() throws Exception {
        ScriptedServer srv = new ScriptedServer(n.server, "220 hi\r\n", ScriptedServer.login((s, cmd) -> {})); // never answers CWD
        FtpClientConfig cfg = FtpClientConfig.builder().replyTimeoutNanos(Time.seconds(5)).build();
        FtpClient c = open(cfg);
        long start = n.net.now();
        assertEquals(Outcome.TIMEOUT, op(d -> c.cwd("/x", d), Time.seconds(30)));
        long took = n.net.now() - start;
        assertTrue(took >= Time.seconds(5) && took < Time.seconds(5) + Time.millis(50), "timed out after " + took / 1e6 + " ms");
        assertEquals(FtpClient.State.CLOSED, c.state());
        assertEquals(0, c.owner().used());
        assertEquals(1, c.timeouts());
        srv.closeAll();
        n.finish();
    }

    @Test
    void aStalledTransferTimesOutAfterTheDataTimeout() throws Exception {
        ScriptedServer srv = new ScriptedServer(n.server, "220 hi\r\n", ScriptedServer.login((s, cmd) -> {
            if (cmd.equals("PASV")) s.pasv(FtpNet.SERVER);
            else if (cmd.startsWith("RETR")) {
                s.reply("150 here it comes");
                s.sendData(new byte[3000]); // then nothing, for ever
            }
        }));
        FtpClientConfig cfg = FtpClientConfig.builder().replyTimeoutNanos(Time.seconds(2)).dataTimeoutNanos(Time.seconds(7)).build();
        FtpClient c = open(cfg);
        long start = n.net.now();
        assertEquals(Outcome.TIMEOUT, op(d -> c.retr("big", DataSink.DISCARD, d), Time.seconds(30)));
        long took = n.net.now() - start;
        assertEquals(3000, c.transferred());
        assertTrue(took >= Time.seconds(7) && took < Time.seconds(7) + Time.millis(100), "timed out after " + took / 1e6 + " ms");
        assertEquals(0, c.owner().used());
        srv.closeAll();
        n.finish();
    }

    @Test
    void unsolicited421AndGarbageEndTheSession() throws Exception {
        ScriptedServer srv = new ScriptedServer(n.server, "220 hi\r\n", ScriptedServer.login((s, cmd) -> {
            if (cmd.equals("PWD")) s.reply("421 shutting down");
            else if (cmd.equals("NOOP")) s.reply("HTTP/1.1 400 Bad Request");
        }));
        FtpClient c = open(FtpClientConfig.defaults());
        assertEquals(Outcome.CONNECTION_LOST, op(c::pwd));
        assertEquals(0, c.owner().used());
        FtpClient c2 = open(FtpClientConfig.defaults());
        assertEquals(Outcome.CONNECTION_LOST, op(d -> c2.quote("NOOP", null, d)));
        assertEquals(FtpClient.State.CLOSED, c2.state());
        srv.closeAll();
        n.finish();
    }

    @Test
    void storSendsTheSourceThenItsFinAndWaitsFor226() throws Exception {
        byte[] up = new byte[40_000];
        new Random(4).nextBytes(up);
        int port = 41_000;
        ScriptedServer srv = new ScriptedServer(n.server, "220 hi\r\n", ScriptedServer.login((s, cmd) -> {
            if (cmd.equals("EPSV")) {
                // An EPSV listener (RFC 2428 §3) that counts what arrives and answers 226 at the client's FIN.
                var l = n.server.tcp().listen(0, port);
                l.setListener(x -> {
                    var sock = x.accept();
                    if (sock == null) return;
                    x.close();
                    byte[] b = new byte[4096];
                    sock.setListener((so, ev) -> {
                        try {
                            int k;
                            while ((k = so.read(b)) > 0) s.dataIn += k;
                            if (k < 0) {
                                so.close();
                                s.reply("226 stored " + s.dataIn);
                            }
                        } catch (net.sloop.tcp.TcpException e) {
                            throw new AssertionError(e);
                        }
                    });
                });
                s.reply("229 Entering Extended Passive Mode (|||" + port + "|)");
            } else if (cmd.startsWith("STOR")) {
                s.reply("150 send it");
            }
        }));
        FtpClient c = open(FtpClientConfig.builder().epsv(true).build());
        assertEquals(Outcome.OK, op(d -> c.stor("up", DataSource.of(up), d)));
        assertEquals(up.length, srv.dataIn);
        assertEquals(up.length, c.transferred());
        assertEquals("stored 40000", c.replyText());
        assertEquals(Outcome.OK, op(c::quit));
        srv.closeAll();
        n.finish();
    }
}
