package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.sloop.fs.MemoryFs;
import net.sloop.mem.Category;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.Services;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/**
 * The workloads of seeds 000 and 001 on a 128 KiB stack: a FileZilla-like client that opens a
 * fresh data connection for every directory and file a fraction of a second apart, while another
 * host holds every echo connection it can; and a sustained transfer under broadcast traffic.
 * Memory returns to the baseline (plus TIME_WAIT records) after every transfer.
 */
class FtpSeedWorkloadTest {
    static StackConfig config() {
        return StackConfig.builder().budget(128 * 1024).applicationTimers(1).tcp(TcpConfig.builder().secret(42).build()).build();
    }

    @Test
    void seed000EveryDirectoryAndFileOnAFreshDataConnectionWhileAFloodHoldsEcho() throws Exception {
        FtpNet n = new FtpNet(40, config());
        MemoryFs fs = FtpNet.memfs(8 << 20);
        List<String> files = new ArrayList<>();
        List<byte[]> datas = new ArrayList<>();
        for (int d = 0; d < 8; d++) {
            fs.mkdir("/d" + d);
            for (int f = 0; f < 6; f++) {
                byte[] b = FtpDataTest.random(2000 + 7001 * f + 333 * d, d * 100 + f);
                FtpBasicTest.put(fs, "/d" + d + "/f" + f + ".bin", b);
                files.add("/d" + d + "/f" + f + ".bin");
                datas.add(b);
            }
        }
        FtpServer s = n.start(FtpNet.config(fs).dataBuffers(10 * 1024, 10 * 1024).maxSessions(2).build());
        Services echo = Services.start(n.server, ServiceConfig.builder().tcp(ServiceKind.ECHO).udp().maxConnections(64).build());
        // The flood: another host opens echo connections until the stack admits no more, and reads nothing back.
        List<TcpSocket> flood = new ArrayList<>();
        byte[] junk = new byte[4096];
        for (int i = 0; i < 64; i++) {
            n.sync();
            TcpSocket t = n.other.tcp().connect(FtpNet.SERVER, 7);
            flood.add(t);
            n.runUntil(() -> t.isConnected() || t.isEnded(), Time.seconds(2));
            if (t.isConnected()) t.write(junk);
        }
        n.run(Time.seconds(2));
        long held = flood.stream().filter(TcpSocket::isConnected).count();
        System.out.println("flood: " + held + " echo connections held, server budget used " + n.server.budget().used());
        assertTrue(held >= 4, "the flood holds connections: " + held);

        FtpClient c = n.login();
        n.run(Time.millis(300));
        long base = n.server.budget().used() - n.server.budget().used(Category.TIME_WAIT);
        long peak = 0;
        int transfers = 0;
        for (int d = 0; d < 8; d++) {
            c.expect("CWD /d" + d, 250);
            String listing = FtpDataTest.list(c, "LIST");
            assertEquals(6, listing.split("\r\n").length, listing);
            transfers++;
            for (int f = 0; f < 6; f++) {
                int port = c.pasv();
                FtpClient.Data data = c.data(port);
                data.keep = false;
                c.send("RETR f" + f + ".bin");
                c.expect(150);
                long[] p = {0};
                assertTrue(n.runUntil(() -> {
                    p[0] = Math.max(p[0], n.server.budget().used() - n.server.budget().used(Category.TIME_WAIT));
                    return data.pull();
                }, Time.seconds(60)));
                data.s.close();
                c.expect(226);
                byte[] want = datas.get(d * 6 + f);
                assertEquals(want.length, data.received);
                assertArrayEquals(FtpDataTest.sha256(want), data.sha.digest());
                peak = Math.max(peak, p[0] - base);
                transfers++;
                n.run(Time.millis(200)); // "a fraction of a second apart"
                long now = n.server.budget().used() - n.server.budget().used(Category.TIME_WAIT);
                assertEquals(base, now, "after transfer " + transfers + " memory is back at its baseline (TIME_WAIT records aside)");
            }
        }
        System.out.printf("seed 000: %d data connections; server peak %d bytes above the idle session; TIME_WAIT %d bytes; %s%n", transfers, peak,
                n.server.budget().used(Category.TIME_WAIT), s.stats().line());
        long bound = net.sloop.tcp.TcpConnection.CHARGE + 10 * 1024 + 6L * n.server.budget().blockSize() + net.sloop.tcp.TcpListener.CHARGE;
        assertTrue(peak <= bound, "one data connection at a time: peak " + peak + ", bound " + bound);
        c.quit();
        for (TcpSocket t : flood) t.close();
        n.run(Time.seconds(130));
        echo.close();
        n.finish();
    }

    @Test
    void seed001ASustainedSendUnderBroadcastTrafficFinishesAndMemoryComesBack() throws Exception {
        FtpNet n = new FtpNet(41, config());
        MemoryFs fs = FtpNet.memfs(8 << 20);
        byte[] data = FtpDataTest.random(2 << 20, 41);
        FtpBasicTest.put(fs, "/big.bin", data);
        FtpServer s = n.start(FtpNet.config(fs).dataBuffers(10 * 1024, 10 * 1024).build());
        FtpClient c = n.login();
        n.run(Time.millis(300));
        long base = n.server.budget().used();
        n.sync();
        UdpSocket u = n.other.udp().open(0, 5000);
        int broadcast = Ipv4Address.parse("198.18.0.255");
        byte[] noise = new byte[512];
        long[] sent = {0};
        long[] next = {n.net.now()};
        boolean[] on = {true};
        n.net.addNode(now -> { // a broadcast datagram every 200 µs for the whole transfer
            if (!on[0]) return net.sloop.time.TimerQueue.NONE;
            while (next[0] <= now) {
                if (u.send(now, broadcast, 9, noise)) sent[0]++;
                next[0] += Time.micros(200);
            }
            return next[0];
        });
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        d.keep = false;
        c.send("RETR big.bin");
        c.expect(150);
        d.readAll(Time.seconds(300));
        c.expect(226);
        assertArrayEquals(FtpDataTest.sha256(data), d.sha.digest());
        System.out.printf("seed 001: 2 MiB sent under %d broadcast datagrams; %s%n", sent[0], s.stats().line());
        assertTrue(sent[0] > 1000);
        n.run(Time.seconds(1));
        assertEquals(base, n.server.budget().used() - n.server.budget().used(Category.TIME_WAIT));
        c.quit();
        on[0] = false;
        u.close();
        n.finish();
    }
}
