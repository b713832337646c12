package net.sloop.ftp.client;

import static net.sloop.testing.ChargeSizes.assertChargeCovers;
import static net.sloop.testing.ChargeSizes.retainedBytes;
import static org.junit.jupiter.api.Assertions.*;

import net.sloop.ftp.sim.FtpNet;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * What an FTP session and a mirror are charged covers what they retain on the heap (JOL). What
 * they merely point at is excluded: the stack and its parts, the sockets (the stack charges
 * connections), the caller's configuration and callbacks, the JDK's security provider, and for the mirror its sessions
 * (measured on their own) and its queued paths (charged one by one).
 */
class FtpClientChargeTest {
    @Test
    void aSessionAndAMirrorAreChargedAtLeastWhatTheyRetain() throws Exception {
        FtpNet n = new FtpNet(3, FtpNet.config(256 * 1024, 8, 1).build(), FtpNet.config(256 * 1024, 0, 2).build(), FtpNet.wire());
        // A server that greets but never answers USER: sessions stay open with their buffers in use.
        // A server whose PWD names the longest path a reply can carry, then never answers again.
        String longest = "/" + "p".repeat(ReplyParser.MAX_LINE - 8); // "257 \"" + path + "\"" fills a line
        ScriptedServer srv = new ScriptedServer(n.server, "220-Welcome, a multi-line greeting\r\n220 hi\r\n", ScriptedServer.login((s, cmd) -> {
            if (cmd.equals("PWD")) s.reply("257 \"" + longest + "\"");
        }));
        Stack st = n.client;
        for (int scratch : new int[] {256, 2048, 16384}) {
            FtpClientConfig cfg = FtpClientConfig.builder().scratchBytes(scratch).build();
            Done done = (c, o) -> {};
            n.sync();
            FtpClient c = FtpClient.open(st, FtpNet.SERVER, 21, cfg, done);
            n.run(Time.millis(50));
            c.pwd(done);
            n.run(Time.millis(50));
            assertEquals(longest, c.path());
            c.cwd("/x", done); // unanswered: the session holds its buffers
            Object[] shared = {st, st.budget(), st.budget().memory(), st.config(), st.tcp(), st.timers(), cfg, done, control(c)};
            long bytes = retainedBytes(c, shared);
            assertChargeCovers("FTP session, scratch " + scratch, c, FtpClient.chargeFor(cfg), shared);
            assertEquals(FtpClient.chargeFor(cfg), c.owner().used(Category.CONTROL));
            System.out.printf("ftp session with a %d-byte scratch buffer: %d heap bytes, charged %d%n", scratch, bytes, FtpClient.chargeFor(cfg));
            c.close();
            assertEquals(0, c.owner().used());
        }
        for (int sessions : new int[] {1, 4}) {
            FtpClientConfig cfg = FtpClientConfig.defaults();
            FtpMirror.Listener l = new FtpMirror.Listener() {
                @Override public void file(String path, long size, byte[] sha256) {}
                @Override public void finished(FtpMirror mirror) {}
            };
            n.sync();
            FtpMirror m = FtpMirror.start(st, FtpNet.SERVER, 21, cfg, sessions, "/a/directory/name", FtpMirror.Listing.MLSD, l);
            n.run(Time.millis(50));
            java.util.List<Object> shared = new java.util.ArrayList<>(java.util.List.of(st, st.budget(), st.budget().memory(), st.config(), st.tcp(), st.timers(), cfg, l));
            for (Object w : (Object[]) field(m, "workers")) shared.add(field(w, "client"));
            shared.add(java.security.MessageDigest.getInstance("SHA-256").getProvider()); // the JDK's, shared by every digest
            @SuppressWarnings("unchecked")
            java.util.ArrayDeque<String> dirs = (java.util.ArrayDeque<String>) field(m, "dirs");
            shared.addAll(dirs); // the queued path, charged on its own
            long bytes = retainedBytes(m, shared.toArray());
            int charge = FtpMirror.BASE_BYTES + sessions * FtpMirror.SESSION_BYTES;
            assertChargeCovers("FTP mirror, " + sessions + " sessions", m, charge, shared.toArray());
            // The first session took the root from the queue (its CWD goes unanswered); the others wait.
            assertEquals(charge + dirs.size() * FtpMirror.entryCharge("/a/directory/name"), m.owner().used(Category.CONTROL));
            System.out.printf("ftp mirror with %d sessions: %d heap bytes, charged %d%n", sessions, bytes, charge);
            m.close();
            assertTrue(m.isFinished());
            assertEquals(0, m.owner().used());
        }
        srv.closeAll();
        n.finish();
    }

    private static Object control(FtpClient c) {
        return field(c, "control");
    }

    private static Object field(Object o, String name) {
        try {
            var f = o.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
