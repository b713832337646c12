package net.sloop.fs;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** The one path function, with hostile inputs. */
class FsPathTest {
    static String ok(String cwd, String path) throws FsException {
        return FsPath.resolve(cwd, path, 512);
    }

    static FsException.Reason refused(String cwd, String path) {
        FsException e = assertThrows(FsException.class, () -> FsPath.resolve(cwd, path, 512), "'" + path + "' was accepted");
        return e.reason();
    }

    @Test
    void normalisesRelativeAbsoluteDotsAndSlashes() throws Exception {
        assertEquals("/", ok("/", ""));
        assertEquals("/", ok("/", "/"));
        assertEquals("/", ok("/", "."));
        assertEquals("/a", ok("/", "a"));
        assertEquals("/a/b", ok("/a", "b"));
        assertEquals("/b", ok("/a", "/b"));
        assertEquals("/a/b", ok("/", "a//b/"));
        assertEquals("/a/b", ok("/", "./a/./b/."));
        assertEquals("/a", ok("/a/b", ".."));
        assertEquals("/", ok("/a/b", "../.."));
        assertEquals("/c", ok("/a/b", "../../c"));
        assertEquals("/etc/passwd", ok("/", "/etc/passwd"), "an absolute path names a file inside the root");
        assertEquals("/a/...", ok("/a", "..."), "three dots are a name");
        assertEquals("/a/..x", ok("/a", "..x"));
        assertEquals("/%2e%2e", ok("/", "%2e%2e"), "no percent-decoding: a literal name");
        assertEquals("/*", ok("/", "*"), "no globbing: a literal name");
        assertEquals("/~root", ok("/", "~root"), "no tilde expansion");
        assertEquals("/\uFF0E\uFF0E", ok("/", "\uFF0E\uFF0E"), "full-width dots are a name, not ..");
        assertEquals("/caf\u00e9", ok("/", "caf\u00e9"));
        assertEquals("/a b", ok("/", "a b"), "spaces are part of names");
    }

    @Test
    void refusesEveryWayOutOfTheRoot() {
        assertEquals(FsException.Reason.DENIED, refused("/", ".."));
        assertEquals(FsException.Reason.DENIED, refused("/", "../etc/passwd"));
        assertEquals(FsException.Reason.DENIED, refused("/", "/../etc"));
        assertEquals(FsException.Reason.DENIED, refused("/a", "../../x"));
        assertEquals(FsException.Reason.DENIED, refused("/a", "/a/../../x"));
        assertEquals(FsException.Reason.DENIED, refused("/a/b", "../../../"));
        assertEquals(FsException.Reason.DENIED, refused("/", "a/../../b"));
    }

    @Test
    void refusesHostileCharacters() {
        for (String bad : new String[] {"a\0b", "a\\..\\..\\b", "..\\x", "a\nb", "a\rb", "\u0001", "x\u007f", "x\u0085", "\uFFFD", "a\tb"}) {
            assertEquals(FsException.Reason.INVALID_NAME, refused("/", bad), bad);
        }
    }

    @Test
    void refusesOverlongNamesAndPaths() {
        assertEquals(FsException.Reason.INVALID_NAME, refused("/", "x".repeat(256)));
        assertDoesNotThrow(() -> ok("/", "x".repeat(255)));
        assertEquals(FsException.Reason.INVALID_NAME, refused("/", ("abcdefghi/").repeat(60)));
    }

    @Test
    void nameAndParent() {
        assertEquals("", FsPath.name("/"));
        assertEquals("b", FsPath.name("/a/b"));
        assertEquals("/a", FsPath.parent("/a/b"));
        assertEquals("/", FsPath.parent("/a"));
        assertEquals("/", FsPath.parent("/"));
    }
}
