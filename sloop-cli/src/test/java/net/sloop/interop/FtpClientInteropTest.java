package net.sloop.interop;

import net.sloop.testing.MirrorRecord;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import net.sloop.ftp.client.DataSource;
import net.sloop.ftp.client.Done;
import net.sloop.ftp.client.FtpClient;
import net.sloop.ftp.client.FtpClientConfig;
import net.sloop.ftp.client.FtpMirror;
import net.sloop.ftp.client.ListEntry;
import net.sloop.ftp.client.MlsdEntry;
import net.sloop.ftp.client.Outcome;
import net.sloop.ftp.client.Sha256Sink;
import net.sloop.tun.HostNet;
import net.sloop.wire.Ipv4Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sloop's FTP client against Linux's pyftpdlib (python3-pyftpdlib), which runs inside the test's
 * namespace and serves a tree of random files written here: login, PWD, CWD, FEAT (a multi-line
 * reply), SIZE, NLST, LIST, MLSD, RETR over PASV and EPSV (SHA-256 of each against the file),
 * STOR (the file on disk compared), a refused RETR that leaves the session usable, QUIT; then the
 * FileZilla-like mirror of the whole tree with three sessions, by LIST and by MLSD, every hash
 * checked. The budget is back where it was after each part (TIME_WAIT records aside). Skipped
 * without root, namespaces or pyftpdlib.
 */
@Timeout(180)
class FtpClientInteropTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String SERVER = """
            import os, sys, logging
            from pyftpdlib.authorizers import DummyAuthorizer
            from pyftpdlib.handlers import FTPHandler
            from pyftpdlib.servers import FTPServer
            root, addr, stop = sys.argv[1], sys.argv[2], sys.argv[3]
            logging.basicConfig(level=logging.WARNING)
            a = DummyAuthorizer()
            a.add_user('sloop', 'secret', root, perm='elradfmwMT')
            class H(FTPHandler):
                pass
            H.authorizer = a
            H.banner = 'pyftpdlib ready for sloop'
            s = FTPServer((addr, 21), H)
            open(stop + '.ready', 'w').close()
            while not os.path.exists(stop):
                s.serve_forever(timeout=0.1, blocking=False)
            s.close_all()
            """;

    @Test
    void clientTalksToPyftpdlib() throws Exception {
        assumeTrue(Files.isExecutable(Path.of(PYTHON)), "no " + PYTHON);
        HostNet.Result probe = HostNet.run(List.of(PYTHON, "-c", "import pyftpdlib"), 10);
        assumeTrue(probe.ok(), "python3-pyftpdlib is not installed");
        Path root = Files.createTempDirectory("sloop-ftp-");
        Path stop = root.resolveSibling(root.getFileName() + ".stop");
        Path ready = root.resolveSibling(root.getFileName() + ".stop.ready");
        try (InteropRig r = InteropRig.open(InteropRig.config(1024 * 1024, 512).applicationTimers(4).build())) {
            Map<String, byte[]> tree = writeTree(root, new Random(7));
            String host = r.ns.addr(1);
            CompletableFuture<HostNet.Result> server = InteropRig.onVirtualThread(() -> r.ns.exec(170, PYTHON, "-c", SERVER, root.toString(), host, stop.toString()));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(ready)) {
                assertTrue(System.nanoTime() < until && !server.isDone(), () -> "pyftpdlib did not start: " + server.getNow(null));
                Thread.sleep(20);
            }
            r.markReady();
            try {
                session(r, Ipv4Address.parse(host), root, tree);
                r.assertAtBaseline();
                for (FtpMirror.Listing listing : FtpMirror.Listing.values()) {
                    mirror(r, Ipv4Address.parse(host), tree, listing);
                    r.assertAtBaseline();
                }
            } finally {
                Files.writeString(stop, "stop");
                HostNet.Result res = server.get(30, TimeUnit.SECONDS);
                assertTrue(res.ok(), () -> "pyftpdlib: " + res.output());
            }
        } finally {
            try (var walk = Files.walk(root)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            Files.deleteIfExists(stop);
            Files.deleteIfExists(ready);
        }
    }

    /** One session through every operation. */
    private static void session(InteropRig r, int host, Path root, Map<String, byte[]> tree) throws Exception {
        FtpClientConfig cfg = FtpClientConfig.builder().login("sloop", "secret").build();
        FtpClient[] cl = new FtpClient[1];
        assertEquals(Outcome.OK, call(r, d -> cl[0] = FtpClient.open(r.rig.stack, host, 21, cfg, d)));
        FtpClient c = cl[0];
        assertTrue(r.rig.locked(() -> c.chargedBytes() > 0));

        assertEquals(Outcome.OK, call(r, d -> c.pwd(d)));
        assertEquals("/", c.path());
        assertEquals(Outcome.OK, call(r, d -> c.quote("FEAT", null, d)));
        assertEquals(211, c.replyCode());
        assertTrue(c.replyText().contains("MLST") && c.replyText().contains("\n"), c.replyText()); // multi-line, RFC 2389
        assertEquals(Outcome.OK, call(r, d -> c.cwd("/d1", d)));
        assertEquals(Outcome.OK, call(r, d -> c.pwd(d)));
        assertEquals("/d1", c.path());

        String file = tree.keySet().stream().filter(p -> p.startsWith("/d1/") && p.indexOf('/', 4) < 0 && tree.get(p).length > 1000).findFirst().orElseThrow();
        String name = file.substring(4);
        assertEquals(Outcome.OK, call(r, d -> c.size(name, d)));
        assertEquals(tree.get(file).length, c.size());

        List<String> names = new ArrayList<>();
        assertEquals(Outcome.OK, call(r, d -> c.nlst(null, l -> names.add(l.toString()), d)));
        assertTrue(names.contains(name), names::toString);

        List<ListEntry> listed = new ArrayList<>();
        assertEquals(Outcome.OK, call(r, d -> c.list(null, l -> {
            ListEntry e = ListEntry.parse(l);
            if (e != null) listed.add(e);
        }, d)));
        assertTrue(listed.stream().anyMatch(e -> e.isFile() && e.name().equals(name) && e.size() == tree.get(file).length), listed::toString);
        assertTrue(listed.stream().anyMatch(e -> e.isDirectory() && e.name().equals("s0")), listed::toString);

        List<MlsdEntry> facts = new ArrayList<>();
        assertEquals(Outcome.OK, call(r, d -> c.mlsd("/d1", l -> {
            MlsdEntry e = MlsdEntry.parse(l);
            if (e != null) facts.add(e);
        }, d)));
        assertTrue(facts.stream().anyMatch(e -> e.isFile() && e.name().equals(name) && e.size() == tree.get(file).length), facts::toString);
        assertTrue(facts.stream().anyMatch(e -> e.isDirectory() && e.name().equals("s0")), facts::toString);

        for (boolean epsv : new boolean[] {false, true}) {
            FtpClient e = epsv ? open(r, host, FtpClientConfig.builder().login("sloop", "secret").epsv(true).build()) : c;
            Sha256Sink sink = new Sha256Sink();
            assertEquals(Outcome.OK, call(r, d -> e.retr(file, sink, d)));
            assertEquals(tree.get(file).length, e.transferred());
            assertArrayEquals(sha256(tree.get(file)), sink.finish(), "RETR " + file + (epsv ? " over EPSV" : ""));
            if (epsv) assertEquals(Outcome.OK, call(r, e::quit));
        }

        byte[] upload = new byte[300_000];
        new Random(3).nextBytes(upload);
        assertEquals(Outcome.OK, call(r, d -> c.stor("/upload.bin", DataSource.of(upload), d)));
        assertArrayEquals(upload, Files.readAllBytes(root.resolve("upload.bin")));
        Files.delete(root.resolve("upload.bin"));

        assertEquals(Outcome.REFUSED, call(r, d -> c.retr("/no/such/file", new Sha256Sink(), d)));
        assertEquals(550, c.replyCode());
        assertEquals(Outcome.OK, call(r, d -> c.pwd(d)), "the session goes on after a refusal");
        assertEquals(0, c.pasvMismatches());
        System.out.println("interop: ftp client vs pyftpdlib: " + r.rig.locked(c::figures));
        assertEquals(Outcome.OK, call(r, c::quit));
        assertEquals(FtpClient.State.CLOSED, c.state());
        assertEquals(0, c.chargedBytes());
    }

    private static void mirror(InteropRig r, int host, Map<String, byte[]> tree, FtpMirror.Listing listing) throws Exception {
        MirrorRecord rec = new MirrorRecord();
        FtpMirror m = r.rig.locked(() -> FtpMirror.start(r.rig.stack, host, 21, FtpClientConfig.builder().login("sloop", "secret").build(), 3, "/",
                listing, rec));
        assertNotNull(m);
        rec.done.get(120, TimeUnit.SECONDS); // completes on the runner's thread: what it recorded is visible after
        assertEquals(List.of(), rec.failed);
        Map<String, String> want = new TreeMap<>();
        tree.forEach((p, b) -> want.put(p, HexFormat.of().formatHex(sha256(b))));
        assertEquals(want, rec.got, "every file mirrored with its hash (" + listing + ")");
        assertEquals(0, r.rig.locked(() -> m.owner().used()));
        System.out.println("interop: ftp mirror (" + listing + ", 3 sessions) of pyftpdlib: " + r.rig.locked(m::report));
    }

    private static FtpClient open(InteropRig r, int host, FtpClientConfig cfg) throws Exception {
        FtpClient[] cl = new FtpClient[1];
        assertEquals(Outcome.OK, call(r, d -> cl[0] = FtpClient.open(r.rig.stack, host, 21, cfg, d)));
        return cl[0];
    }

    /** Starts an operation under the runner's lock and waits (real time) for its outcome. */
    private static Outcome call(InteropRig r, Consumer<Done> op) throws Exception {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        r.rig.locked(() -> {
            op.accept((c, o) -> f.complete(o));
            return null;
        });
        return f.get(60, TimeUnit.SECONDS);
    }

    /** 3 directories of 2 subdirectories, files of 0 B to 100 kB (one with a space in its name); returns path -> bytes. */
    private static Map<String, byte[]> writeTree(Path root, Random rnd) throws IOException {
        Map<String, byte[]> tree = new TreeMap<>();
        for (int d = 0; d < 3; d++) {
            for (int s = -1; s < 2; s++) {
                String dir = "/d" + d + (s < 0 ? "" : "/s" + s);
                Files.createDirectories(root.resolve(dir.substring(1)));
                for (int f = 0; f < 5; f++) {
                    String name = (f == 4 ? "file " + f : "f" + f) + ".bin";
                    byte[] b = new byte[f == 0 ? 0 : rnd.nextInt(100_000)];
                    rnd.nextBytes(b);
                    Files.write(root.resolve(dir.substring(1)).resolve(name), b);
                    tree.put(dir + "/" + name, b);
                }
            }
        }
        return tree;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
