package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.sloop.fs.MemoryFs;
import net.sloop.time.Time;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;

/** The FTP server's events for a log: logins ok and failed, each transfer with its path, bytes, time and result, the session's end. */
class FtpEventsTest {
    /** Keeps every event as a line. */
    static final class Recorder implements FtpEvents {
        final List<String> lines = new ArrayList<>();

        @Override
        public void login(int address, String user, boolean ok) {
            lines.add("login " + Ipv4Address.toString(address) + " " + user + " " + ok);
        }

        @Override
        public void sessionEnded(int address, String user, long durationNanos, long commands, String how) {
            lines.add("ended " + Ipv4Address.toString(address) + " " + user + " " + how + " " + commands + " commands" + (durationNanos > 0 ? "" : " (no time)"));
        }

        @Override
        public void transfer(int address, String user, String command, String path, long bytes, long durationNanos, String result) {
            lines.add(command + " " + path + " " + bytes + " " + user + " " + result + (durationNanos > 0 ? "" : " (no time)"));
        }
    }

    @Test
    void loginsTransfersAndTheEndAreTold() throws Exception {
        FtpNet n = new FtpNet(41, 256 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        byte[] file = FtpDataTest.random(100_000, 5);
        FtpBasicTest.put(fs, "/f.bin", file);
        FtpServer s = n.start(FtpNet.config(fs).loginDelayNanos(0).build());
        Recorder r = new Recorder();
        s.events(r);
        FtpClient c = n.connect();
        c.expect("USER alice", 331);
        c.expect("PASS wrong", 530);
        c.expect("USER alice", 331);
        c.expect("PASS secret", 230);
        c.expect("TYPE I", 200);
        // RETR
        FtpClient.Data d = c.data(c.epsv());
        c.expect("RETR /f.bin", 150);
        assertEquals(file.length, d.readAll(Time.seconds(30)).received);
        c.expect(226);
        // STOR
        FtpClient.Data up = c.data(c.epsv());
        c.expect("STOR /up.txt", 150);
        byte[] text = "uploaded\n".getBytes(StandardCharsets.US_ASCII);
        up.s.write(text, 0, text.length);
        up.s.close();
        c.expect(226);
        // LIST
        FtpDataTest.list(c, "LIST /");
        // a transfer that fails: nobody connects to the passive port
        c.epsv();
        c.expect("RETR /missing", 550);
        c.quit();
        assertTrue(n.runUntil(() -> r.lines.stream().anyMatch(l -> l.startsWith("ended")), Time.seconds(10)), r.lines.toString());
        String peer = Ipv4Address.toString(FtpNet.CLIENT);
        assertEquals(List.of(
                "login " + peer + " alice false",
                "login " + peer + " alice true",
                "RETR /f.bin " + file.length + " alice 226",
                "STOR /up.txt " + text.length + " alice 226",
                "LIST / " + r.lines.get(4).split(" ")[2] + " alice 226",
                "ended " + peer + " alice quit 14 commands"), r.lines);
        assertTrue(Long.parseLong(r.lines.get(4).split(" ")[2]) > 0, "the listing's bytes");
        n.finish();
    }
}
