package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import net.sloop.fs.HostFs;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FTP server over a host directory: traversal attempts through FTP commands get nothing from outside the jail. */
class FtpHostFsTest {
    @TempDir
    Path tmp;

    @Test
    void traversalThroughFtpCommandsIsRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        Files.createDirectories(root.resolve("pub"));
        Files.writeString(root.resolve("pub/readme.txt"), "readme");
        Files.createSymbolicLink(root.resolve("pub/link"), tmp.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("up"), tmp);
        FtpNet n = new FtpNet(50, 128 * 1024);
        n.start(FtpNet.config(new HostFs(root, false)).build());
        FtpClient c = n.login();
        for (String cmd : new String[] {"RETR ../secret.txt", "RETR /../secret.txt", "RETR pub/../../secret.txt", "RETR ..\\secret.txt",
                "RETR pub/link", "RETR up/secret.txt", "CWD ..", "CWD up", "SIZE ../secret.txt", "MDTM up/secret.txt", "DELE pub/link",
                "RNFR ../secret.txt", "MKD up/x", "STOR up/new.txt", "LIST up", "MLSD ..", "STAT ../"}) {
            c.epsv();
            c.send(cmd);
            int code = c.reply();
            assertTrue(code == 550 || code == 553, cmd + " -> " + c.text);
            c.expect("ABOR", 225);
        }
        String listing = FtpDataTest.list(c, "NLST pub");
        assertEquals("readme.txt\r\n", listing, "the link is not listed");
        assertEquals("readme", FtpDataTest.retr(c, "pub/readme.txt"));
        int port = c.epsv();
        FtpClient.Data d = c.data(port);
        c.send("STOR pub/caf\u00e9.txt");
        c.expect(150);
        d.writeAll("x".getBytes(), Time.seconds(5));
        c.expect(226);
        d.readAll(Time.seconds(5));
        assertTrue(Files.exists(root.resolve("pub/caf\u00e9.txt")) || Files.list(root.resolve("pub")).count() == 3);
        assertEquals("secret", Files.readString(tmp.resolve("secret.txt")));
        assertFalse(Files.exists(tmp.resolve("new.txt")));
        c.quit();
        n.finish();
    }
}
