package net.sloop.ftp;

import net.sloop.fs.FileSystem;
import net.sloop.stack.StackConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.testing.SimLan;
import net.sloop.time.Time;

/**
 * The three stacks of {@link SimLan} with an {@link FtpServer} on the server.
 * {@link #finish()} lets every connection end on its own, closes the server and checks every
 * budget is back at its baseline.
 */
final class FtpNet extends SimLan {
    FtpServer ftp;
    long serverBaseline;

    FtpNet(long seed, long serverBudget) {
        this(seed, serverConfig(serverBudget));
    }

    FtpNet(long seed, StackConfig serverConfig) {
        super(seed, serverConfig);
    }

    static FtpConfig.Builder config(FileSystem fs) {
        return FtpConfig.builder(fs).wallClockMillis(() -> WALL).seed(1).users(FtpUsers.parse(java.util.List.of(
                FtpUsers.line("alice", "secret".toCharArray(), 1000), FtpUsers.line("bob", "bobpw".toCharArray(), 1000) + ":ro")));
    }

    FtpServer start(FtpConfig cfg) {
        sync();
        ftp = FtpServer.start(server, cfg);
        serverBaseline = server.budget().used();
        return ftp;
    }

    FtpClient login() {
        FtpClient c = new FtpClient(this, client);
        c.expect(220);
        c.expect("USER alice", 331);
        c.expect("PASS secret", 230);
        return c;
    }

    FtpClient connect() {
        FtpClient c = new FtpClient(this, client);
        c.expect(220);
        return c;
    }

    /**
     * Lets every connection end on its own (TIME_WAIT included), checks the server is back at
     * the budget it had once started, closes it and checks every budget is at its baseline.
     */
    void finish() {
        runToEnd(Time.seconds(130));
        if (ftp != null) {
            checkServerAt(serverBaseline, "the FTP server");
            ftp.close();
        }
        LeakCheck.verifyNow();
    }
}
