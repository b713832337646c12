package net.sloop.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HostFs on a temporary directory: what it serves, and that nothing outside the root is reachable. */
class HostFsJailTest {
    @TempDir
    Path tmp;

    Path root, outside;

    HostFs fs(boolean readOnly) throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.writeString(tmp.resolve("secret.txt"), "secret");
        Files.createDirectories(root.resolve("pub"));
        Files.writeString(root.resolve("pub/readme.txt"), "hello");
        return new HostFs(root, readOnly);
    }

    static String read(FileSystem fs, String path) throws FsException {
        FsReader r = fs.openRead(path, 0);
        byte[] b = new byte[1024];
        int n = 0;
        for (int k; (k = r.read(b, n, b.length - n)) > 0; ) n += k;
        r.close();
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    static List<String> names(FileSystem fs, String dir) throws FsException {
        List<String> out = new ArrayList<>();
        FsEntry e = new FsEntry();
        try (DirCursor c = fs.list(dir)) {
            while (c.next(e)) out.add(e.name());
        }
        return out;
    }

    @Test
    void servesFilesAndDirectories() throws Exception {
        HostFs fs = fs(false);
        assertEquals("hello", read(fs, "/pub/readme.txt"));
        assertEquals(List.of("readme.txt"), names(fs, "/pub"));
        assertTrue(fs.stat("/pub").isDirectory());
        assertEquals(5, fs.stat("/pub/readme.txt").size());
        FsWriter w = fs.openWrite("/pub/new.txt", WriteMode.TRUNCATE, 0);
        w.write("abc".getBytes(), 0, 3);
        w.commit();
        assertEquals("abc", Files.readString(root.resolve("pub/new.txt")));
        w = fs.openWrite("/pub/new.txt", WriteMode.APPEND, 0);
        w.write("de".getBytes(), 0, 2);
        w.commit();
        assertEquals("abcde", read(fs, "/pub/new.txt"));
        w = fs.openWrite("/pub/new.txt", WriteMode.AT_OFFSET, 1);
        w.write("X".getBytes(), 0, 1);
        w.commit();
        assertEquals("aX", read(fs, "/pub/new.txt"), "REST then STOR keeps the first bytes and drops the rest");
        fs.rename("/pub/new.txt", "/pub/renamed.txt");
        fs.mkdir("/pub/d");
        assertThrows(FsException.class, () -> fs.rmdir("/pub"));
        fs.rmdir("/pub/d");
        fs.delete("/pub/renamed.txt");
        assertEquals(List.of("readme.txt"), names(fs, "/pub"));
    }

    @Test
    void aDiscardedStoreLeavesNothing() throws Exception {
        HostFs fs = fs(false);
        FsWriter w = fs.openWrite("/partial.bin", WriteMode.TRUNCATE, 0);
        w.write(new byte[100], 0, 100);
        w.discard();
        assertFalse(Files.exists(root.resolve("partial.bin")));
    }

    @Test
    void readOnlyRefusesEveryChange() throws Exception {
        HostFs fs = fs(true);
        for (FsException e : List.of(
                assertThrows(FsException.class, () -> fs.openWrite("/x", WriteMode.TRUNCATE, 0)),
                assertThrows(FsException.class, () -> fs.mkdir("/d")),
                assertThrows(FsException.class, () -> fs.delete("/pub/readme.txt")),
                assertThrows(FsException.class, () -> fs.rmdir("/pub")),
                assertThrows(FsException.class, () -> fs.rename("/pub", "/p")),
                assertThrows(FsException.class, () -> fs.setModified("/pub", 0)))) {
            assertEquals(FsException.Reason.READ_ONLY, e.reason());
        }
        assertEquals("hello", read(fs, "/pub/readme.txt"));
    }

    /** Every traversal form, through the one path function and then the file system: nothing outside is read, listed or written. */
    @Test
    void noTraversalFormLeavesTheRoot() throws Exception {
        HostFs fs = fs(false);
        String[] attacks = {"../secret.txt", "/../secret.txt", "pub/../../secret.txt", "../outside/secret.txt", "..\\secret.txt",
                "pub\\..\\..\\secret.txt", "/pub/../../../../etc/passwd", "..", "../", "./../secret.txt", "pub/./../../secret.txt",
                "secret.txt\0.txt", "%2e%2e/secret.txt", "..%2fsecret.txt", "\uFF0E\uFF0E/secret.txt", "....//secret.txt", "/etc/passwd",
                tmp.resolve("secret.txt").toString(), "~/secret.txt"};
        for (String a : attacks) {
            String p;
            try {
                p = FsPath.resolve("/pub", a, 512);
            } catch (FsException e) {
                continue; // refused by the path function
            }
            assertTrue(p.startsWith("/"), p);
            FsException e = assertThrows(FsException.class, () -> read(fs, p), a + " -> " + p + " was readable");
            assertNotEquals(FsException.Reason.IO, e.reason(), a);
            assertThrows(FsException.class, () -> fs.list(p + "/.."), a);
        }
        assertEquals("secret", Files.readString(tmp.resolve("secret.txt")));
    }

    @Test
    void symbolicLinksAreNeitherFollowedNorListed() throws Exception {
        HostFs fs = fs(false);
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("pub/secret-link.txt"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dangling"), tmp.resolve("nothing-here"));
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> fs.list("/escape")).reason());
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> read(fs, "/escape/secret.txt")).reason());
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> read(fs, "/pub/secret-link.txt")).reason());
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> fs.stat("/escape")).reason());
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> fs.openWrite("/escape/new.txt", WriteMode.TRUNCATE, 0)).reason());
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> fs.openWrite("/dangling", WriteMode.TRUNCATE, 0)).reason(),
                "writing through a dangling link would create a file outside");
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> fs.mkdir("/escape/d")).reason());
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> fs.delete("/pub/secret-link.txt")).reason());
        assertFalse(Files.exists(tmp.resolve("nothing-here")));
        assertFalse(Files.exists(outside.resolve("new.txt")));
        assertEquals(List.of("readme.txt"), names(fs, "/pub"), "links are not listed");
        assertFalse(names(fs, "/").contains("escape"));
        assertEquals("secret", Files.readString(outside.resolve("secret.txt")));
    }

    @Test
    void aRootThatIsItselfALinkIsResolvedOnceToItsRealPath() throws Exception {
        fs(false);
        Path link = Files.createSymbolicLink(tmp.resolve("rootlink"), root);
        HostFs fs = new HostFs(link, false);
        assertEquals(root.toRealPath(), fs.root());
        assertEquals("hello", read(fs, "/pub/readme.txt"));
    }
}
