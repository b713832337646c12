package net.sloop.http;

import static net.sloop.testing.ChargeSizes.assertChargeCovers;
import static net.sloop.testing.ChargeSizes.retainedBytes;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import net.sloop.fs.MemoryFs;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.time.Time;
import org.junit.jupiter.api.Test;

/**
 * What the HTTP server is charged (CONTROL) covers what it retains on the heap (JOL), idle and with
 * every connection in use: one mid-request with a full head, one streaming a listing of long
 * names, one in a long path's keep-alive. What it merely points at (the stack, the file system and
 * its cursors and readers, the configuration, handlers, the listener and sockets, which TCP
 * charges) is excluded.
 */
class HttpChargeTest {
    @Test
    void theChargeCoversTheHeapRetained() throws Exception {
        HttpNet n = new HttpNet(41, 1 << 20);
        MemoryFs fs = HttpFilesTest.tree();
        String longName = "n".repeat(250);
        fs.mkdir("/" + longName);
        for (int i = 0; i < 40; i++) HttpFilesTest.put(fs, "/" + longName + "/" + "\u00e9".repeat(120) + i, new byte[10]);
        for (int conns : new int[] {1, 4}) {
            HttpConfig cfg = HttpNet.config(fs).maxConnections(conns).socketBuffers(2048, 2048).build();
            HttpServer s = n.start(cfg);
            assertEquals(HttpServer.chargeFor(cfg), s.chargedBytes());
            HttpTestClient[] cs = new HttpTestClient[conns];
            for (int i = 0; i < conns; i++) cs[i] = n.connect();
            // a listing that cannot finish (the client reads nothing, small buffers) and heads in every state
            cs[0].send("GET /" + longName + "/ HTTP/1.1\r\nHost: s\r\n\r\n");
            for (int i = 1; i < conns; i++) cs[i].send("GET /" + "x".repeat(900) + " HTTP/1.1\r\nHost: s\r\n" + "X-Pad: " + "p".repeat(2900) + "\r\n");
            n.run(Time.millis(50));
            Stack st = n.server;
            List<Object> shared = new ArrayList<>(List.of(st, st.budget(), st.budget().memory(), st.config(), st.tcp(), st.udp(), cfg, fs,
                    cfg.wallClockMillis(), s.listener));
            shared.addAll(reachableShared(s));
            long heap = retainedBytes(s, shared.toArray());
            assertChargeCovers("HTTP server with " + conns + " connections", s, HttpServer.chargeFor(cfg), shared.toArray());
            System.out.printf("HTTP server with %d connections: %d heap bytes, charged %d (%d per connection)%n", conns, heap,
                    HttpServer.chargeFor(cfg), HttpServer.connectionCharge(cfg));
            for (HttpTestClient c : cs) c.socket.abort();
            n.run(Time.seconds(3));
            s.close();
            n.http = null;
            assertEquals(0, s.owner.used(Category.CONTROL));
        }
        n.finish();
    }

    /** What the server points at that is someone else's to charge: TCP's sockets, the file system's cursors and readers, handlers. */
    private static List<Object> reachableShared(HttpServer s) {
        List<Object> out = new ArrayList<>();
        ArrayDeque<Object> todo = new ArrayDeque<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        todo.add(s);
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            if (o == null || !seen.add(o)) continue;
            if (o instanceof net.sloop.tcp.TcpSocket || o instanceof net.sloop.tcp.TcpListener || o instanceof Stack || o instanceof net.sloop.fs.DirCursor
                    || o instanceof net.sloop.fs.FsReader || o instanceof HttpHandler) {
                out.add(o);
                continue;
            }
            if (o instanceof Object[] arr) {
                for (Object e : arr) if (e != null) todo.add(e);
                continue;
            }
            if (!o.getClass().getName().startsWith("net.sloop.http")) continue;
            for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
                for (java.lang.reflect.Field f : k.getDeclaredFields()) {
                    if (f.getType().isPrimitive() || java.lang.reflect.Modifier.isStatic(f.getModifiers())) continue;
                    try {
                        f.setAccessible(true);
                        Object v = f.get(o);
                        if (v != null) todo.add(v);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        // not ours to look into
                    }
                }
            }
        }
        return out;
    }
}
