package net.sloop.ftp.sim;

import net.sloop.testing.MirrorRecord;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import net.sloop.fs.MemoryFs;
import net.sloop.ftp.FtpConfig;
import net.sloop.ftp.FtpServer;
import net.sloop.ftp.client.FtpClientConfig;
import net.sloop.ftp.client.FtpMirror;
import net.sloop.mem.Category;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * The mirror with more sessions than the server lets one address have (FileZilla configured for
 * more parallel transfers than the server allows): the session beyond the limit is refused at
 * its greeting (421), counted once, and the others fetch the whole tree between them; by LIST and
 * by MLSD. The mirror's memory returns when it finishes.
 */
class FtpMirrorSessionsTest {
    static final long WALL = java.time.Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();

    @Test
    void aSessionRefusedAtTheGreetingLeavesTheWorkToTheOthers() throws Exception {
        for (FtpMirror.Listing listing : FtpMirror.Listing.values()) {
            FtpNet n = new FtpNet(31, FtpNet.config(1 << 20, 3, 5).build(), FtpNet.config(128 * 1024, 1, 6).build(), FtpNet.wire());
            MemoryFs fs = new MemoryFs(1 << 26, false, () -> WALL);
            FtpTree tree = new FtpTree(fs, 9, 8, 60, 300_000);
            n.sync();
            FtpServer ftp = FtpServer.start(n.server, FtpConfig.builder(fs.readOnlyView()).wallClockMillis(() -> WALL).seed(3).maxSessionsPerAddress(2).build());
            MirrorRecord rec = new MirrorRecord();
            n.sync();
            FtpMirror m = FtpMirror.start(n.client, FtpNet.SERVER, 21, FtpClientConfig.defaults(), 3, "/", listing, rec);
            assertTrue(n.runUntil(rec.done::isDone, Time.seconds(600)), m::report);
            assertEquals(List.of("(session): REFUSED"), rec.failed, listing.toString());
            assertEquals(tree.sha256, rec.got, listing + ": every file, by the two sessions admitted");
            assertEquals(1, ftp.stats().refusedPerAddress());
            assertEquals(0, m.owner().used(Category.CONTROL), "the mirror's memory returned");
            System.out.println(listing + ": " + m.report());
            n.finish(ftp);
        }
    }
}
