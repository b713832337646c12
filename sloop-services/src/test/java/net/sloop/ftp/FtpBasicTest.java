package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import net.sloop.fs.FsException;
import net.sloop.fs.MemoryFs;
import net.sloop.fs.WriteMode;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/** The first slice: login, directories, PASV/EPSV listings, RETR, STOR, QUIT on the in-memory file system, in simulated time. */
class FtpBasicTest {
    static void put(MemoryFs fs, String path, byte[] data) throws FsException {
        var w = fs.openWrite(path, WriteMode.TRUNCATE, 0);
        w.write(data, 0, data.length);
        w.commit();
    }

    @Test
    void loginDirectoriesListRetrieveStoreQuit() throws Exception {
        FtpNet n = new FtpNet(1, 128 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        fs.mkdir("/pub");
        put(fs, "/pub/hello.txt", "hello, world\n".getBytes(StandardCharsets.US_ASCII));
        n.start(FtpNet.config(fs).build());
        FtpClient c = n.login();
        assertEquals("257 \"/\" is the current directory.", c.expect("PWD", 257));
        c.expect("CWD pub", 250);
        assertTrue(c.expect("PWD", 257).startsWith("257 \"/pub\""));
        c.expect("TYPE I", 200);

        int port = c.pasv();
        FtpClient.Data d = c.data(port);
        c.send("LIST");
        c.expect(150);
        assertEquals("-rw-r--r-- 1 ftp ftp           13 Dec  2 08:00 hello.txt\r\n", d.readAll(Time.seconds(10)).text());
        c.expect(226);

        port = c.epsv();
        d = c.data(port);
        c.send("NLST");
        c.expect(150);
        assertEquals("hello.txt\r\n", d.readAll(Time.seconds(10)).text());
        c.expect(226);

        port = c.pasv();
        d = c.data(port);
        c.send("RETR hello.txt");
        c.expect(150);
        assertEquals("hello, world\n", d.readAll(Time.seconds(10)).text());
        c.expect(226);

        port = c.epsv();
        d = c.data(port);
        c.send("STOR up.bin");
        c.expect(150);
        byte[] up = new byte[100_000];
        new java.util.Random(3).nextBytes(up);
        d.writeAll(up, Time.seconds(30));
        c.expect(226);
        d.readAll(Time.seconds(10));
        assertEquals(100_000, fs.stat("/pub/up.bin").size());
        byte[] back = new byte[100_000];
        var r = fs.openRead("/pub/up.bin", 0);
        int off = 0;
        for (int k; off < back.length && (k = r.read(back, off, back.length - off)) > 0; ) off += k;
        assertArrayEquals(up, back);
        c.expect("SIZE up.bin", 213);
        assertEquals("213 100000", c.text);
        c.quit();
        System.out.println(n.ftp.report());
        n.finish();
    }

    /**
     * Across small budgets, FTP either refuses to start, saying why, or a client can log in and
     * list: never a server no client can reach. Some budgets hold the sessions' charge but not one
     * control connection with its data connection; those are refused too, and leave the stack as
     * it was (timer slot, port, memory).
     */
    @Test
    void everyBudgetEitherRefusesAtStartOrServesASession() throws Exception {
        int chargeRefused = 0, admissionRefused = 0, served = 0;
        for (int kib = 24; kib <= 72; kib += 4) {
            FtpNet n = new FtpNet(1, kib * 1024L);
            long before = n.server.budget().used();
            MemoryFs fs = FtpNet.memfs(1 << 16);
            fs.mkdir("/pub");
            try {
                n.start(FtpNet.config(fs).maxSessions(2).build());
            } catch (IllegalStateException e) {
                if (e.getMessage().contains("too few for a session with its data connection")) admissionRefused++;
                else if (e.getMessage().contains("out of memory")) chargeRefused++;
                else throw e;
                assertEquals(before, n.server.budget().used(), kib + "k: nothing left charged");
                assertTrue(n.server.reserveTimer(), kib + "k: the timer slot was given back");
                n.server.releaseTimer();
                n.server.tcp().listen(0, 21).close(); // the port was given back
                n.finish();
                continue;
            }
            FtpClient c = n.login();
            int port = c.pasv();
            FtpClient.Data d = c.data(port);
            c.send("NLST");
            c.expect(150);
            assertEquals("pub\r\n", d.readAll(Time.seconds(10)).text(), kib + "k");
            c.expect(226);
            c.quit();
            n.finish();
            served++;
        }
        System.out.printf("ftp start at 24-72k: %d refused (sessions' charge), %d refused (no session admissible), %d served%n",
                chargeRefused, admissionRefused, served);
        assertTrue(admissionRefused > 0 && served > 0, "the range spans both outcomes");
    }
}
