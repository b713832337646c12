package net.sloop.ftp;

import static net.sloop.testing.ChargeSizes.assertChargeCovers;
import static net.sloop.testing.ChargeSizes.retainedBytes;
import static org.junit.jupiter.api.Assertions.*;

import net.sloop.fs.MemoryFs;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import org.junit.jupiter.api.Test;

/**
 * What the FTP server is charged (CONTROL) covers what it retains on the heap (JOL), idle and with
 * a session holding long paths. What it merely points at (the stack and its parts, the file
 * system, the configuration, the listeners and sockets, which TCP charges) is excluded.
 */
class FtpChargeTest {
    @Test
    void theChargeCoversTheHeapRetained() {
        FtpNet n = new FtpNet(60, 256 * 1024);
        MemoryFs fs = FtpNet.memfs(1 << 20);
        for (int sessions : new int[] {1, 4}) {
            FtpConfig cfg = FtpNet.config(fs).maxSessions(sessions).build();
            FtpServer s = n.start(cfg);
            assertEquals(FtpServer.chargeFor(cfg), s.chargedBytes());
            FtpClient c = n.login();
            String longName = "d".repeat(250);
            c.expect("MKD " + longName, 257);
            c.expect("CWD " + longName, 250);
            c.expect("RNFR /" + longName, 350);
            c.epsv();
            Stack st = n.server;
            Object[] shared = {st, st.budget(), st.budget().memory(), st.config(), st.tcp(), st.udp(), cfg, fs, cfg.users(), cfg.wallClockMillis(),
                    s.listener, c.control};
            java.util.List<Object> more = new java.util.ArrayList<>(java.util.Arrays.asList(shared));
            // the sockets and listeners TCP charges
            n.sync();
            for (Object o : reachableSockets(s)) more.add(o);
            long heap = retainedBytes(s, more.toArray());
            assertChargeCovers("FTP server with " + sessions + " sessions", s, FtpServer.chargeFor(cfg), more.toArray());
            System.out.printf("FTP server with %d sessions: %d heap bytes, charged %d (%d per session)%n", sessions, heap, FtpServer.chargeFor(cfg),
                    FtpSession.chargeFor(cfg));
            c.expect("ABOR", 225);
            c.expect("RMD /" + longName, 250);
            c.quit();
            n.run(net.sloop.time.Time.seconds(61));
            s.close();
            n.ftp = null;
            assertEquals(0, s.owner.used(Category.CONTROL));
        }
        n.finish();
    }

    /** The TCP objects a server points at (its listener, its sessions' sockets and passive listeners): TCP charges them. */
    private static java.util.List<Object> reachableSockets(FtpServer s) {
        java.util.List<Object> out = new java.util.ArrayList<>();
        java.util.ArrayDeque<Object> todo = new java.util.ArrayDeque<>();
        java.util.Set<Object> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        todo.add(s);
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            if (o == null || !seen.add(o)) continue;
            if (o instanceof net.sloop.tcp.TcpSocket || o instanceof net.sloop.tcp.TcpListener || o instanceof net.sloop.stack.Stack) {
                out.add(o);
                continue;
            }
            if (!o.getClass().getName().startsWith("net.sloop.ftp")) continue;
            for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
                for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                    if (f.getType().isPrimitive() || java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
                    try {
                        f.setAccessible(true);
                        Object v = f.get(o);
                        if (v instanceof FtpSession[] arr) todo.addAll(java.util.Arrays.asList(arr));
                        else todo.add(v);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // not ours to look into
                    }
                }
            }
        }
        return out;
    }
}
