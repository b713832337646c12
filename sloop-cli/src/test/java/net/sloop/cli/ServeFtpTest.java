package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import net.sloop.ftp.FtpUsers;
import net.sloop.tun.HostNet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sloop serve --ftp-memfs} end to end at 128 KiB, as a child JVM, with Python's ftplib as
 * the client inside a namespace named after this JVM's pid (skipped unless root with
 * /dev/net/tun, ip and python3): a user stores and retrieves a file, lists, is refused a
 * traversal; anonymous is refused; the exit summary has FTP's line and the budget is back at its
 * baseline. (Other Linux clients against serve: the FTP interop tests.)
 */
@Timeout(120)
class ServeFtpTest {
    private static final String CLIENT = """
            import ftplib, hashlib, io, os, sys
            host = sys.argv[1]
            data = os.urandom(300000)
            f = ftplib.FTP(host, timeout=20)
            f.login('alice', 'secret')
            f.mkd('up')
            f.cwd('up')
            f.storbinary('STOR data.bin', io.BytesIO(data))
            got = io.BytesIO()
            f.retrbinary('RETR data.bin', got.write)
            same = hashlib.sha256(got.getvalue()).hexdigest() == hashlib.sha256(data).hexdigest()
            facts = dict(f.mlsd())['data.bin']
            try:
                f.retrbinary('RETR ../../../etc/passwd', got.write)
                trav = 'served'
            except ftplib.error_perm as e:
                trav = str(e)[:3]
            f.quit()
            a = ftplib.FTP(host, timeout=20)
            try:
                a.login()
                anon = 'in'
            except ftplib.error_perm as e:
                anon = str(e)[:3]
            a.close()
            print(same, facts['size'], facts['type'], trav, anon)
            """;

    @TempDir
    Path tmp;

    @Test
    void aUserStoresAndRetrievesOverServeAt128k() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/net/tun")), "no /dev/net/tun");
        assumeTrue("root".equals(System.getProperty("user.name")), "not root");
        assumeTrue(HostNet.run(java.util.List.of("python3", "--version"), 10).ok(), "needs python3");
        long pid = ProcessHandle.current().pid();
        String ns = "sloop-ftp-srv-" + pid, dev = "slf" + (pid % 1_000_000);
        Path users = Files.writeString(tmp.resolve("users"), FtpUsers.line("alice", "secret".toCharArray(), 1000) + "\n");
        try (ServeProcess p = ServeProcess.start(ns, "--netns", ns, "--tun", dev, "--addr", "198.19.251.2/24", "--host-addr", "198.19.251.1/24",
                "--budget", "128k", "--ftp-memfs", "1m", "--ftp-users", users.toString(), "--ftp-no-anonymous", "--ftp-data-buffer", "10k")) {
            assertTrue(p.awaitReady(30_000), p::transcript);
            assertTrue(p.out().contains("ftp 21 (memfs 1048576 bytes, no anonymous, 1 users, passive 50000-50999)"), p::transcript);
            HostNet.Result r = HostNet.exec(ns, 60, "python3", "-c", CLIENT, "198.19.251.2");
            assertTrue(r.ok(), () -> r.output() + p.transcript());
            assertEquals("True 300000 file 550 530", r.output().strip(), p::transcript);
            p.signal("INT");
            assertEquals(0, p.awaitExit(30_000), p::transcript);
            String out = p.out();
            assertTrue(out.matches("(?s).*ftp      tcp/21    sessions 2, active 0 \\(peak 1\\).*logins 1 ok/1 failed.*transfers 3 ok/0 failed.*in 300000 B.*"), out);
            assertTrue(out.contains("budget back at its baseline"), out);
            assertTrue(out.contains("sloop: deleted netns " + ns), out);
        }
    }
}
