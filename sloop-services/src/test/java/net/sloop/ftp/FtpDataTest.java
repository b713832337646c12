package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import net.sloop.fs.FsReader;
import net.sloop.fs.MemoryFs;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/** Data connections and transfers: listings, large files both ways, TYPE A, REST, ABOR, limits and attacks, in simulated time. */
class FtpDataTest {
    static final long OLD = java.time.Instant.parse("2020-03-04T05:06:07Z").toEpochMilli();

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    static byte[] contents(MemoryFs fs, String path) throws Exception {
        FsReader r = fs.openRead(path, 0);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[8192];
        for (int k; (k = r.read(b, 0, b.length)) > 0; ) out.write(b, 0, k);
        return out.toByteArray();
    }

    /** LIST, NLST, MLSD and MLST lines against golden text. */
    @Test
    void listingFormatsAreGolden() throws Exception {
        FtpNet n = new FtpNet(21, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        fs.mkdir("/dir");
        FtpBasicTest.put(fs, "/new.txt", new byte[1234]);
        FtpBasicTest.put(fs, "/old file.txt", new byte[5]);
        fs.setModified("/old file.txt", OLD);
        FtpBasicTest.put(fs, "/*", new byte[1]);
        n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        c.pasv();
        // curl's and lftp's parsers: type+mode, links, owner, group, size, month, day, time or year, name (spaces kept)
        assertEquals("drwxr-xr-x 1 ftp ftp            0 Dec  2 08:00 dir\r\n"
                + "-rw-r--r-- 1 ftp ftp         1234 Dec  2 08:00 new.txt\r\n"
                + "-rw-r--r-- 1 ftp ftp            5 Mar  4  2020 old file.txt\r\n"
                + "-rw-r--r-- 1 ftp ftp            1 Dec  2 08:00 *\r\n", list(c, "LIST"));
        assertEquals("dir\r\nnew.txt\r\nold file.txt\r\n*\r\n", list(c, "NLST"));
        assertEquals("-rw-r--r-- 1 ftp ftp            1 Dec  2 08:00 *\r\n", list(c, "LIST *"), "no globbing: '*' is a name");
        assertEquals("-rw-r--r-- 1 ftp ftp            5 Mar  4  2020 old file.txt\r\n", list(c, "LIST -la old file.txt"));
        assertEquals("type=cdir;modify=20261202080000;perm=cdeflmp;unique=1; .\r\n"
                + "type=dir;modify=20261202080000;perm=cdeflmp;unique=2; dir\r\n"
                + "type=file;size=1234;modify=20261202080000;perm=adfrw;unique=3; new.txt\r\n"
                + "type=file;size=5;modify=20200304050607;perm=adfrw;unique=4; old file.txt\r\n"
                + "type=file;size=1;modify=20261202080000;perm=adfrw;unique=5; *\r\n", list(c, "MLSD"));
        assertEquals("", list(c, "LIST dir"));
        c.expect("LIST nothing", 550);
        c.quit();
        // anonymous: read-only permissions
        FtpClient a = n.connect();
        a.expect("USER anonymous", 331);
        a.expect("PASS x@", 230);
        assertEquals("type=cdir;modify=20261202080000;perm=el;unique=1; .\r\n"
                + "type=dir;modify=20261202080000;perm=el;unique=2; dir\r\n"
                + "type=file;size=1234;modify=20261202080000;perm=r;unique=3; new.txt\r\n"
                + "type=file;size=5;modify=20200304050607;perm=r;unique=4; old file.txt\r\n"
                + "type=file;size=1;modify=20261202080000;perm=r;unique=5; *\r\n", list(a, "MLSD"));
        a.quit();
        n.finish();
    }

    /** PASV (or EPSV), the command, 150, the data to its end, 226. */
    static String list(FtpClient c, String cmd) {
        int port = c.epsv();
        FtpClient.Data d = c.data(port);
        c.send(cmd);
        int code = c.reply();
        if (code != 150) {
            d.readAll(Time.seconds(5));
            return "(" + c.text + ")";
        }
        String text = d.readAll(Time.seconds(30)).text();
        c.expect(226);
        return text;
    }

    @Test
    void tenThousandEntriesListThroughABoundedBuffer() throws Exception {
        FtpNet n = new FtpNet(22, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        fs.mkdir("/big");
        for (int i = 0; i < 10_000; i++) fs.openWrite("/big/file-" + i + ".dat", net.sloop.fs.WriteMode.TRUNCATE, 0).commit();
        n.start(FtpNet.config(fs).dataBuffers(10 * 1024, 10 * 1024).build());
        FtpClient c = n.login();
        long base = n.server.budget().used();
        long[] peak = {0};
        for (String cmd : new String[] {"LIST /big", "NLST /big", "MLSD /big"}) {
            int port = c.pasv();
            FtpClient.Data d = c.data(port);
            c.send(cmd);
            c.expect(150);
            assertTrue(n.runUntil(() -> {
                peak[0] = Math.max(peak[0], n.server.budget().used() - base);
                return d.pull();
            }, Time.seconds(120)));
            d.s.close();
            c.expect(226);
            String[] lines = d.text().split("\r\n");
            assertEquals(cmd.startsWith("MLSD") ? 10_001 : 10_000, lines.length, cmd);
            assertTrue(lines[lines.length - 1].endsWith("file-9999.dat"), lines[lines.length - 1]);
        }
        // The data connection (its control block and at most its 10 KiB send buffer, in whole blocks), the passive listener.
        long bound = net.sloop.tcp.TcpConnection.CHARGE + 10 * 1024 + 8 * n.server.budget().blockSize() + 1024;
        System.out.printf("10,000-entry listings: server peak %d bytes above the logged-in session (bound %d)%n", peak[0], bound);
        assertTrue(peak[0] <= bound, "peak " + peak[0]);
        c.quit();
        n.finish();
    }

    /** A file four times the whole budget, down and up, with equal SHA-256, on a 128 KiB stack. */
    @Test
    void aFileLargerThanTheBudgetMovesBothWays() throws Exception {
        FtpNet n = new FtpNet(23, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(4 << 20);
        byte[] data = random(512 * 1024, 23);
        FtpBasicTest.put(fs, "/big.bin", data);
        n.start(FtpNet.config(fs).dataBuffers(10 * 1024, 10 * 1024).build());
        FtpClient c = n.login();
        c.expect("TYPE I", 200);
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        d.keep = false;
        c.send("RETR big.bin");
        c.expect(150);
        long t0 = n.net.now();
        d.readAll(Time.seconds(300));
        long t1 = n.net.now();
        c.expect(226);
        assertEquals(data.length, d.received);
        assertArrayEquals(sha256(data), d.sha.digest());
        port = c.epsv();
        d = c.data(port);
        c.send("STOR copy.bin");
        c.expect(150);
        long t2 = n.net.now();
        d.writeAll(data, Time.seconds(300));
        c.expect(226);
        long t3 = n.net.now();
        d.readAll(Time.seconds(10));
        assertArrayEquals(sha256(data), sha256(contents(fs, "/copy.bin")));
        System.out.printf("512 KiB on a 128 KiB stack, 10 KiB data buffers, 1 ms each way: RETR %.1f ms (%.1f Mbit/s), STOR %.1f ms (%.1f Mbit/s) simulated%n",
                (t1 - t0) / 1e6, data.length * 8e3 / (t1 - t0), (t3 - t2) / 1e6, data.length * 8e3 / (t3 - t2));
        System.out.println(n.ftp.stats().line());
        c.quit();
        n.finish();
    }

    @Test
    void typeAConvertsLineEndingsBothWays() throws Exception {
        FtpNet n = new FtpNet(24, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(3 << 20);
        FtpBasicTest.put(fs, "/unix.txt", "one\ntwo\r\nthree\n\nlast".getBytes(StandardCharsets.US_ASCII));
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 3000; i++) big.append("line ").append(i).append('\n');
        FtpBasicTest.put(fs, "/big.txt", big.toString().getBytes(StandardCharsets.US_ASCII));
        FtpBasicTest.put(fs, "/huge.txt", new byte[(1 << 20) + 1]);
        n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        c.expect("TYPE A", 200);
        String unixA = retr(c, "unix.txt"), bigA = retr(c, "big.txt");
        assertEquals("one\r\ntwo\r\nthree\r\n\r\nlast", unixA);
        assertEquals(big.toString().replace("\n", "\r\n"), bigA, "conversion across buffer boundaries");
        // RFC 3659 §4: SIZE is what a RETR in the current TYPE sends.
        c.expect("SIZE unix.txt", 213);
        assertEquals("213 " + unixA.length(), c.text);
        c.expect("SIZE big.txt", 213);
        assertEquals("213 " + bigA.length(), c.text, "counted across the scan buffer's boundaries");
        c.expect("SIZE huge.txt", 550);
        c.expect("TYPE I", 200);
        c.expect("SIZE unix.txt", 213);
        assertEquals("213 20", c.text);
        c.expect("SIZE huge.txt", 213);
        c.expect("TYPE A", 200);
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        c.send("STOR up.txt");
        c.expect(150);
        String crlf = big.toString().replace("\n", "\r\n") + "bare\rcr\r\n";
        d.writeAll(crlf.getBytes(StandardCharsets.US_ASCII), Time.seconds(30));
        c.expect(226);
        d.readAll(Time.seconds(5));
        assertEquals(big + "bare\rcr\n", new String(contents(fs, "/up.txt"), StandardCharsets.US_ASCII));
        c.expect("TYPE I", 200);
        assertEquals("one\ntwo\r\nthree\n\nlast", retr(c, "unix.txt"));
        c.quit();
        n.finish();
    }

    static String retr(FtpClient c, String name) {
        int port = c.epsv();
        FtpClient.Data d = c.data(port);
        c.send("RETR " + name);
        c.expect(150);
        String s = d.readAll(Time.seconds(60)).text();
        c.expect(226);
        return s;
    }

    @Test
    void restResumesRetrieveAndStore() throws Exception {
        FtpNet n = new FtpNet(25, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        FtpBasicTest.put(fs, "/f.txt", "0123456789".getBytes(StandardCharsets.US_ASCII));
        n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        c.expect("REST 4", 350);
        assertEquals("456789", retr(c, "f.txt"));
        assertEquals("0123456789", retr(c, "f.txt"), "REST applies to one transfer");
        c.expect("REST 11", 350);
        c.epsv();
        c.expect("RETR f.txt", 554);
        c.expect("ABOR", 225);
        c.expect("REST 6", 350);
        int port = c.epsv();
        FtpClient.Data d = c.data(port);
        c.send("STOR f.txt");
        c.expect(150);
        d.writeAll("ABC".getBytes(StandardCharsets.US_ASCII), Time.seconds(5));
        c.expect(226);
        d.readAll(Time.seconds(5));
        assertEquals("012345ABC", new String(contents(fs, "/f.txt"), StandardCharsets.US_ASCII));
        port = c.epsv();
        d = c.data(port);
        c.send("APPE f.txt");
        c.expect(150);
        d.writeAll("DE".getBytes(StandardCharsets.US_ASCII), Time.seconds(5));
        c.expect(226);
        d.readAll(Time.seconds(5));
        assertEquals("012345ABCDE", new String(contents(fs, "/f.txt"), StandardCharsets.US_ASCII));
        port = c.epsv();
        d = c.data(port);
        c.send("STOU");
        c.expect(150);
        assertTrue(c.text.startsWith("150 FILE: sloop."), c.text);
        String unique = c.text.substring("150 FILE: ".length());
        d.writeAll("u".getBytes(StandardCharsets.US_ASCII), Time.seconds(5));
        c.expect(226);
        d.readAll(Time.seconds(5));
        assertEquals(1, fs.stat("/" + unique).size());
        c.quit();
        n.finish();
    }

    @Test
    void aborDuringATransferAnswers426Then226() throws Exception {
        FtpNet n = new FtpNet(26, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(4 << 20);
        FtpBasicTest.put(fs, "/big.bin", random(1 << 20, 26));
        FtpServer s = n.start(FtpNet.config(fs).dataBuffers(10 * 1024, 10 * 1024).build());
        FtpClient c = n.login();
        n.run(Time.seconds(1)); // replies acknowledged
        long base = n.server.budget().used();
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        c.send("RETR big.bin");
        c.expect(150);
        n.run(Time.millis(50)); // the data connection fills up; the client reads nothing
        assertTrue(s.stats().bytesOut() > 0);
        c.expect("STAT", 211); // acted on during a transfer (RFC 959 §4.1.3)
        assertTrue(c.text.contains(" Transfer in progress: "), c.text);
        c.sendRaw(new byte[] {(byte) 255, (byte) 244, (byte) 255, (byte) 242}); // Telnet IP, Synch (RFC 959 §4.1.3)
        c.send("ABOR");
        c.expect(426);
        c.expect(226);
        assertTrue(n.runUntil(d::pull, Time.seconds(5)));
        assertTrue(d.reset, "the data connection was reset");
        d.s.close();
        assertEquals(1, s.stats().aborted());
        c.expect("NOOP", 200);
        n.run(Time.seconds(1));
        assertEquals(base, n.server.budget().used(), "the aborted transfer's memory is back at once");
        c.quit();
        n.finish();
    }

    /** A control connection lost mid-transfer (reset by the client) takes its data connection and listener with it at once. */
    @Test
    void aLostControlConnectionFreesItsDataConnectionAtOnce() throws Exception {
        FtpNet n = new FtpNet(33, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(4 << 20);
        FtpBasicTest.put(fs, "/big.bin", random(1 << 20, 33));
        FtpServer s = n.start(FtpNet.config(fs).dataBuffers(10 * 1024, 10 * 1024).build());
        FtpClient c = n.login();
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        c.send("RETR big.bin");
        c.expect(150);
        FtpClient other = n.connect(); // a second session with a pending passive listener, lost too
        other.expect("USER alice", 331);
        other.expect("PASS secret", 230);
        other.pasv();
        n.run(Time.millis(50));
        assertEquals(2, s.activeSessions());
        c.control.abort();
        other.control.abort();
        assertTrue(n.runUntil(d::pull, Time.seconds(5)));
        assertTrue(d.reset, "the data connection was reset with its session");
        d.s.close();
        n.run(Time.millis(100));
        assertEquals(0, s.activeSessions());
        assertEquals(n.serverBaseline, n.server.budget().used() - n.server.budget().used(net.sloop.mem.Category.TIME_WAIT));
        n.finish();
    }

    @Test
    void storeIntoAFullFileSystemIs452AndKeepsNothing() throws Exception {
        FtpNet n = new FtpNet(27, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(100_000);
        n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        c.send("STOR too-big.bin");
        c.expect(150);
        d.writeAll(random(300_000, 27), Time.seconds(60));
        c.expect(452);
        d.readAll(Time.seconds(5));
        c.expect("SIZE too-big.bin", 550);
        assertEquals(0, fs.used());
        assertEquals(1, n.ftp.stats().transfersFailed());
        c.quit();
        n.finish();
    }

    /** Seed 000's lesson: a PASV each, never connected, 10,000 times: one listener at a time, memory flat. */
    @Test
    void tenThousandPasvWithoutConnectingLeaveMemoryFlat() throws Exception {
        FtpNet n = new FtpNet(28, 128 * 1024);
        FtpServer s = n.start(FtpNet.config(FtpNet.memfs(1 << 20)).build());
        FtpClient c = n.login();
        c.pasv();
        long first = n.server.budget().used(), min = first, max = first;
        for (int i = 0; i < 10_000; i++) {
            if (i % 2 == 0) c.pasv();
            else c.epsv();
            long u = n.server.budget().used();
            min = Math.min(min, u);
            max = Math.max(max, u);
        }
        System.out.printf("10,000 PASV: server used %d..%d bytes (first %d)%n", min, max, first);
        assertTrue(max - min <= n.server.budget().blockSize(), "memory moved by " + (max - min));
        assertEquals(10_001, s.stats().passiveOpened());
        c.quit();
        n.finish();
    }

    @Test
    void aDataConnectionFromAnotherAddressIsRefused() throws Exception {
        FtpNet n = new FtpNet(29, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        FtpBasicTest.put(fs, "/secret.txt", "secret".getBytes(StandardCharsets.US_ASCII));
        FtpServer s = n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        int port = c.pasv();
        FtpClient.Data thief = new FtpClient.Data(n, n.other, port);
        assertTrue(n.runUntil(thief::pull, Time.seconds(5)));
        assertTrue(thief.reset || thief.received == 0);
        assertEquals(0, thief.received);
        c.send("RETR secret.txt");
        c.expect(150);
        FtpClient.Data d = c.data(port);
        assertEquals("secret", d.readAll(Time.seconds(5)).text());
        c.expect(226);
        thief.s.close();
        assertEquals(1, s.stats().dataRefusedForeign());
        c.quit();
        n.finish();
    }

    @Test
    void portAndEprtBouncesAreRefusedAndActiveModeWorksToTheClient() throws Exception {
        FtpNet n = new FtpNet(30, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        FtpBasicTest.put(fs, "/f.txt", "active".getBytes(StandardCharsets.US_ASCII));
        FtpServer s = n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        c.expect("PORT 198,18,0,3,19,136", 504); // another host: RFC 2577 bounce
        c.expect("PORT 198,18,0,1,0,25", 504); // the client's own address, port 25
        c.expect("EPRT |1|198.18.0.3|5000|", 504);
        c.expect("EPRT |1|198.18.0.1|25|", 504);
        c.expect("RETR f.txt", 425);
        assertEquals(4, s.stats().portRefused());
        n.sync();
        TcpListener l = n.client.tcp().listen(0, 40000);
        c.expect("EPRT |1|198.18.0.1|40000|", 200);
        c.send("RETR f.txt");
        c.expect(150);
        TcpSocket[] got = {null};
        assertTrue(n.runUntil(() -> (got[0] = got[0] != null ? got[0] : l.accept()) != null, Time.seconds(5)));
        assertEquals(20, 20);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] b = new byte[100];
        assertTrue(n.runUntil(() -> {
            try {
                int k = got[0].read(b, 0, b.length);
                if (k > 0) out.write(b, 0, k);
                return k < 0;
            } catch (Exception e) {
                return true;
            }
        }, Time.seconds(5)));
        got[0].close();
        c.expect(226);
        assertEquals("active", out.toString(StandardCharsets.US_ASCII));
        l.close();
        c.expect("EPSV ALL", 200);
        c.expect("PORT 198,18,0,1,156,64", 500);
        c.expect("PASV", 500);
        c.epsv();
        c.quit();
        n.finish();
    }

    @Test
    void aSlowTransferLongerThanTheIdleTimeoutKeepsItsSession() throws Exception {
        FtpNet n = new FtpNet(32, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(4 << 20);
        byte[] data = random(400_000, 32);
        FtpBasicTest.put(fs, "/slow.bin", data);
        FtpServer s = n.start(FtpNet.config(fs).idleTimeoutNanos(Time.seconds(2)).dataStallTimeoutNanos(Time.seconds(2)).build());
        FtpClient c = n.login();
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        c.send("RETR slow.bin");
        c.expect(150);
        n.pacemaker(Time.millis(10));
        c.send("PWD"); // not acted on while the transfer runs (like vsftpd, only ABOR, STAT, QUIT and NOOP are)
        long t0 = n.net.now();
        long[] last = {0};
        byte[] b = new byte[1000];
        assertTrue(n.runUntil(() -> { // 1000 bytes every 10 ms: 4 s for the file, twice the idle timeout
            if (n.net.now() - last[0] < Time.millis(10)) return false;
            last[0] = n.net.now();
            try {
                int k = d.s.read(b, 0, b.length);
                if (k < 0) return true;
                if (k > 0) {
                    d.sha.update(b, 0, k);
                    d.received += k;
                }
            } catch (Exception e) {
                return true;
            }
            return false;
        }, Time.seconds(30)));
        d.s.close();
        assertTrue(n.net.now() - t0 > Time.seconds(3), "the transfer took " + (n.net.now() - t0) / 1e9 + " s");
        c.expect(226);
        c.expect(257); // the held PWD, answered in order once the transfer is over
        assertArrayEquals(sha256(data), d.sha.digest());
        c.expect("NOOP", 200);
        assertEquals(0, s.stats().idleClosed());
        assertEquals(0, s.stats().stallTimeouts());
        c.quit();
        n.finish();
    }

    @Test
    void nobodyConnectingIs425AndAStalledTransferIs426() throws Exception {
        FtpNet n = new FtpNet(31, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(4 << 20);
        FtpBasicTest.put(fs, "/big.bin", random(1 << 20, 31));
        FtpServer s = n.start(FtpNet.config(fs).dataAcceptTimeoutNanos(Time.seconds(2)).dataStallTimeoutNanos(Time.seconds(3)).build());
        FtpClient c = n.login();
        n.run(Time.seconds(1));
        long base = n.server.budget().used();
        c.pasv();
        c.send("RETR big.bin");
        c.expect(150);
        long t0 = n.net.now();
        c.expect(425);
        assertTrue(n.net.now() - t0 >= Time.seconds(2) - Time.millis(50));
        assertEquals(1, s.stats().acceptTimeouts());
        n.run(Time.seconds(1)); // the reply acknowledged
        assertEquals(base, n.server.budget().used(), "the listener is freed");
        // A transfer whose client stops reading
        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        c.send("RETR big.bin");
        c.expect(150);
        c.expect(426);
        assertEquals(1, s.stats().stallTimeouts());
        assertTrue(n.runUntil(d::pull, Time.seconds(10)));
        d.s.close();
        // STAT of a big directory over the control connection, never read: the session is reset after the stall timeout
        fs.mkdir("/many");
        for (int i = 0; i < 2000; i++) fs.openWrite("/many/" + "n".repeat(100) + i, net.sloop.fs.WriteMode.TRUNCATE, 0).commit();
        FtpClient r = n.login();
        r.send("STAT /many");
        assertTrue(n.runUntil(() -> r.control.isEnded(), Time.seconds(10)), "the non-reading session was reset");
        assertEquals(2, s.stats().stallTimeouts());
        r.close();
        // A passive listener nobody uses, with no command, is freed too
        c.pasv();
        n.run(Time.seconds(3));
        c.expect("NOOP", 200);
        n.run(Time.seconds(1));
        assertEquals(base, n.server.budget().used());
        c.quit();
        n.finish();
    }
}
