package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import net.sloop.fs.MemoryFs;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/** Every command's reply code, multi-line replies, Telnet IAC, and the control-connection limits, in simulated time. */
class FtpCommandsTest {
    @Test
    void everyCommandAnswersWithItsCode() throws Exception {
        FtpNet n = new FtpNet(11, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        FtpBasicTest.put(fs, "/file.txt", "0123456789".getBytes(StandardCharsets.US_ASCII));
        n.start(FtpNet.config(fs).build());
        FtpClient c = n.connect();
        c.expect("SYST", 215);
        c.expect("FEAT", 211);
        c.expect("USER", 501);
        c.expect("PASS x", 503);
        c.expect("USER alice", 331);
        c.expect("PASS secret", 230);
        c.expect("PASS again", 503);
        String[][] table = {
                {"NOOP", "200"}, {"noop", "200"}, {"SYST", "215"}, {"TYPE A", "200"}, {"TYPE A N", "200"}, {"TYPE I", "200"}, {"TYPE L 8", "200"},
                {"TYPE E", "504"}, {"TYPE L 7", "504"}, {"TYPE X", "501"}, {"MODE S", "200"}, {"MODE B", "504"}, {"MODE Z", "501"},
                {"STRU F", "200"}, {"STRU R", "504"}, {"STRU Q", "501"}, {"ACCT x", "202"}, {"ALLO 100", "202"}, {"SITE HELP", "214"},
                {"SITE CHMOD 777 x", "504"}, {"HELP", "214"}, {"HELP RETR", "214"}, {"OPTS UTF8 ON", "200"}, {"OPTS MLST type;size;", "200"},
                {"OPTS FOO", "501"}, {"MKD d", "257"}, {"MKD d", "550"}, {"CWD d", "250"}, {"PWD", "257"}, {"CDUP", "200"}, {"XPWD", "257"},
                {"CWD /nonexistent", "550"}, {"CWD file.txt", "550"}, {"CWD ../..", "550"}, {"CDUP", "200"}, {"CDUP", "200"}, {"RMD d", "250"}, {"RMD d", "550"},
                {"RNFR nofile", "550"}, {"RNTO y", "503"}, {"DELE nofile", "550"}, {"SIZE nofile", "550"}, {"SIZE /", "550"},
                {"SIZE file.txt", "213"}, {"MDTM file.txt", "213"}, {"MFMT 20200102030405 file.txt", "213"}, {"MFMT 2020 file.txt", "501"},
                {"MLST file.txt", "250"}, {"MLST nofile", "550"}, {"STAT", "211"}, {"STAT file.txt", "213"}, {"STAT /", "213"},
                {"REST 5", "350"}, {"REST x", "501"}, {"REST -1", "501"}, {"AUTH TLS", "502"}, {"PBSZ 0", "502"}, {"PROT P", "502"},
                {"XYZZY", "500"}, {"REIN", "502"}, {"SMNT x", "502"}, {"EPSV 2", "522"}, {"EPSV 3", "501"}, {"EPRT |2|::1|5000|", "522"},
                {"EPRT |1|198.18.0.1|", "501"}, {"EPRT x", "501"}, {"PORT 1,2,3", "501"}, {"PORT 198,18,0,1,300,1", "501"},
                {"LIST", "425"}, {"RETR file.txt", "425"}, {"STOR up", "425"}, {"RETR nofile", "550"}, {"ABOR", "225"},
                {"MKD a\"b", "257"}, {"RMD a\"b", "250"}, {"MKD " + "x".repeat(256), "553"}, {"STOU", "425"}, {"APPE", "501"},
                {"MLSD file.txt", "501"}, {"CWD", "250"},
        };
        for (String[] t : table) {
            c.send(t[0]);
            assertEquals(Integer.parseInt(t[1]), c.reply(), t[0] + " -> " + c.text);
        }
        c.expect("MDTM file.txt", 213);
        assertEquals("213 20200102030405", c.text);
        c.expect("SIZE file.txt", 213);
        assertEquals("213 10", c.text);
        c.expect("MKD q\"uote", 257);
        assertEquals("257 \"/q\"\"uote\" created.", c.text, "RFC 959 Appendix II: embedded quotes doubled");
        c.expect("MKD x", 257);
        c.expect("RNFR x", 350);
        c.expect("RNTO y", 250);
        assertTrue(fs.stat("/y").isDirectory());
        c.quit();
        n.finish();
    }

    @Test
    void multiLineRepliesFollowRfc959() throws Exception {
        FtpNet n = new FtpNet(12, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        FtpBasicTest.put(fs, "/f", new byte[3]);
        n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        for (String cmd : new String[] {"FEAT", "HELP", "STAT", "MLST f", "STAT /"}) {
            String text = c.cmd(cmd);
            String[] lines = text.split("\n");
            assertTrue(lines.length >= 2, cmd + ": " + text);
            String code = lines[0].substring(0, 3);
            assertEquals(code + "-", lines[0].substring(0, 4), cmd + ": first line is code-hyphen");
            assertEquals(code + " ", lines[lines.length - 1].substring(0, 4), cmd + ": last line is code-space");
            for (int i = 1; i < lines.length - 1; i++) {
                assertFalse(lines[i].matches("^\\d{3}[ -].*"), cmd + ": a middle line that looks like a reply: " + lines[i]);
            }
        }
        String feat = c.cmd("FEAT");
        for (String f : new String[] {" EPSV", " EPRT", " MDTM", " MFMT", " REST STREAM", " SIZE", " UTF8", " MLST type*;size*;modify*;perm*;unique*;"}) {
            assertTrue(feat.contains("\n" + f + "\n"), "FEAT lists '" + f + "': " + feat);
        }
        assertEquals("250-Listing /f\n type=file;size=3;modify=20261202080000;perm=adfrw;unique=2; /f\n250 End.", c.cmd("MLST f"));
        assertTrue(c.cmd("STAT /").contains("\n-rw-r--r-- 1 ftp ftp            3 Dec  2 08:00 f\n213 End of status."), c.text);
        c.quit();
        n.finish();
    }

    @Test
    void telnetSequencesAreStrippedAndOptionsRefused() throws Exception {
        FtpNet n = new FtpNet(13, 128 * 1024);
        n.start(FtpNet.config(FtpNet.memfs(1 << 20)).build());
        FtpClient c = n.login();
        // IAC IP and IAC DM (what a client sends before ABOR, RFC 959 §4.1.3) inside a command, and IAC NOP
        c.sendRaw(new byte[] {(byte) 255, (byte) 244, (byte) 255, (byte) 242, 'N', 'O', (byte) 255, (byte) 241, 'O', 'P', '\r', '\n'});
        c.expect(200);
        // IAC WILL 1 is answered IAC DONT 1, IAC DO 3 with IAC WONT 3, then the command is read as usual
        c.sendRaw(new byte[] {(byte) 255, (byte) 251, 1, (byte) 255, (byte) 253, 3, 'N', 'O', 'O', 'P', '\r', '\n'});
        n.runUntil(() -> c.control.available() >= 6 + 14, Time.seconds(5));
        byte[] b = new byte[6];
        assertEquals(6, c.control.read(b));
        assertArrayEquals(new byte[] {(byte) 255, (byte) 254, 1, (byte) 255, (byte) 252, 3}, b);
        c.expect(200);
        // A subnegotiation is skipped to its IAC SE
        c.sendRaw(new byte[] {(byte) 255, (byte) 250, 24, 'x', 'y', (byte) 255, (byte) 240, 'S', 'Y', 'S', 'T', '\r', '\n'});
        c.expect(215);
        // IAC IAC is a data byte 255: alone it is not UTF-8, so the command is refused, not mangled into a name
        c.sendRaw(new byte[] {'M', 'K', 'D', ' ', 'a', (byte) 255, (byte) 255, '\r', '\n'});
        c.expect(501);
        c.expect("MKD caf\u00e9", 257);
        assertEquals("257 \"/caf\u00e9\" created.", c.text, "UTF-8 names both ways");
        c.quit();
        n.finish();
    }

    @Test
    void anOverlongCommandLineIsAnswered500AndTheSessionGoesOn() throws Exception {
        FtpNet n = new FtpNet(14, 128 * 1024);
        FtpServer s = n.start(FtpNet.config(FtpNet.memfs(1 << 20)).build());
        FtpClient c = n.login();
        c.send("NOOP " + "A".repeat(600));
        c.expect(500);
        c.send("X".repeat(5000));
        c.expect(500);
        c.expect("NOOP", 200);
        assertEquals(2, s.stats().lineTooLong());
        c.send("NOOP " + "A".repeat(505)); // 510 bytes and CRLF: 512, the limit
        c.expect(200);
        c.quit();
        n.finish();
    }

    @Test
    void commandsBeforeLoginAre530ThenTheSessionIsClosed() throws Exception {
        FtpNet n = new FtpNet(15, 128 * 1024);
        FtpServer s = n.start(FtpNet.config(FtpNet.memfs(1 << 20)).maxCommandsBeforeLogin(5).build());
        FtpClient c = n.connect();
        c.expect("LIST", 530);
        c.expect("RETR x", 530);
        c.expect("PASV", 530);
        c.expect("CWD /", 530);
        c.expect("SYST", 215);
        c.expect("PWD", 421);
        assertTrue(c.closedByServer(Time.seconds(5)));
        c.close();
        assertEquals(4, s.stats().notLoggedIn());
        assertEquals(1, s.stats().closedBeforeLogin());
        n.finish();
    }

    @Test
    void failedLoginsAreDelayedInStackTimeThenTheSessionAndTheAddressAreShutOut() throws Exception {
        FtpNet n = new FtpNet(16, 128 * 1024);
        FtpServer s = n.start(FtpNet.config(FtpNet.memfs(1 << 20)).loginDelayNanos(Time.seconds(1)).maxLoginFailures(3)
                .maxLoginFailuresPerAddress(4, Time.seconds(600)).build());
        FtpClient c = n.connect();
        for (int i = 1; i <= 3; i++) {
            c.expect("USER alice", 331);
            long t0 = n.net.now();
            c.send("PASS wrong" + i);
            int code = c.reply();
            long waited = n.net.now() - t0;
            assertTrue(waited >= Time.seconds(i), "failure " + i + " answered after " + waited / 1e6 + " ms");
            assertTrue(waited < Time.seconds(i) + Time.millis(50), "failure " + i + " answered after " + waited / 1e6 + " ms");
            assertEquals(i < 3 ? 530 : 421, code, c.text);
        }
        assertTrue(c.closedByServer(Time.seconds(5)));
        c.close();
        assertEquals(1, s.stats().closedLoginFailures());
        // A fourth failure from the same address locks it out: then even the right password is not asked for.
        FtpClient d = n.connect();
        d.expect("USER ghost", 331);
        d.expect("PASS nope", 421);
        d.close();
        FtpClient e = new FtpClient(n, n.client);
        e.expect(421);
        assertTrue(e.text.contains("failed logins"), e.text);
        e.close();
        assertEquals(1, s.stats().refusedLockedOut());
        // Another address is not affected.
        FtpClient o = new FtpClient(n, n.other);
        o.expect(220);
        o.expect("USER alice", 331);
        o.expect("PASS secret", 230);
        o.quit();
        assertEquals(4, s.stats().loginsFailed());
        n.finish();
    }

    @Test
    void anonymousIsReadOnlyAndCanBeDisabledAndReadOnlyUsersCannotWrite() throws Exception {
        FtpNet n = new FtpNet(17, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        n.start(FtpNet.config(fs).loginDelayNanos(0).build());
        FtpClient c = n.connect();
        c.expect("USER anonymous", 331);
        c.expect("PASS guest@", 230);
        c.expect("MKD x", 550);
        c.expect("EPSV", 229);
        c.expect("STOR x", 550);
        c.quit();
        FtpClient b = n.connect();
        b.expect("USER bob", 331);
        b.expect("PASS bobpw", 230);
        b.expect("MKD x", 550);
        b.expect("DELE x", 550);
        b.quit();
        n.ftp.close();
        n.ftp = null;
        n.run(Time.seconds(61)); // TIME_WAIT records expire, so the second server's starting point is the first one's
        n.start(FtpNet.config(fs).anonymous(false).loginDelayNanos(0).build());
        FtpClient d = n.connect();
        d.expect("USER anonymous", 331);
        d.expect("PASS guest@", 530);
        d.expect("USER ftp", 331);
        d.expect("PASS", 530);
        d.quit();
        n.finish();
    }

    @Test
    void sessionLimitsInTotalAndPerAddressAre421() throws Exception {
        FtpNet n = new FtpNet(18, 128 * 1024);
        FtpServer s = n.start(FtpNet.config(FtpNet.memfs(1 << 20)).maxSessions(3).maxSessionsPerAddress(2).build());
        FtpClient a = n.connect(), b = n.connect();
        FtpClient c = new FtpClient(n, n.client);
        c.expect(421);
        assertTrue(c.closedByServer(Time.seconds(5)));
        c.close();
        FtpClient o1 = new FtpClient(n, n.other);
        o1.expect(220);
        FtpClient o2 = new FtpClient(n, n.other);
        o2.expect(421);
        o2.close();
        assertEquals(1, s.stats().refusedPerAddress());
        assertEquals(1, s.stats().refusedFull());
        a.quit();
        b.quit();
        o1.quit();
        n.finish();
    }

    @Test
    void anIdleControlConnectionIsClosedWith421() throws Exception {
        FtpNet n = new FtpNet(19, 128 * 1024);
        FtpServer s = n.start(FtpNet.config(FtpNet.memfs(1 << 20)).idleTimeoutNanos(Time.seconds(5)).build());
        FtpClient c = n.login();
        c.epsv(); // a pending passive listener is freed with the session
        n.run(Time.seconds(4));
        c.expect("NOOP", 200);
        long t0 = n.net.now();
        assertEquals(421, c.reply(Time.seconds(10)));
        assertTrue(n.net.now() - t0 >= Time.seconds(5) - Time.millis(20), "closed after " + (n.net.now() - t0) / 1e6 + " ms");
        assertTrue(c.closedByServer(Time.seconds(5)));
        c.close();
        assertEquals(1, s.stats().idleClosed());
        n.finish();
    }
}
