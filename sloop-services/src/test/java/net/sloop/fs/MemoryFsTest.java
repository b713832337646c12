package net.sloop.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-memory file system: its own byte limit, nothing partial kept, listings through a cursor. */
class MemoryFsTest {
    MemoryFs fs = new MemoryFs(10_000, false, () -> 1_000L);

    @Test
    void aStoreThatHitsTheLimitFailsAndADiscardKeepsNothing() throws Exception {
        FsWriter w = fs.openWrite("/a", WriteMode.TRUNCATE, 0);
        w.write(new byte[6000], 0, 6000);
        FsException e = assertThrows(FsException.class, () -> w.write(new byte[6000], 0, 6000));
        assertEquals(FsException.Reason.NO_SPACE, e.reason());
        assertEquals(6000, fs.used(), "the write that failed kept nothing");
        w.discard();
        assertEquals(0, fs.used());
        assertThrows(FsException.class, () -> fs.stat("/a"));
        assertEquals(10_000, fs.freeSpace());
    }

    @Test
    void appendAndOffsetWritesKeepWhatArrived() throws Exception {
        FsWriter w = fs.openWrite("/a", WriteMode.TRUNCATE, 0);
        w.write(new byte[5000], 0, 5000);
        w.commit();
        FsWriter a = fs.openWrite("/a", WriteMode.APPEND, 0);
        a.write(new byte[3000], 0, 3000);
        assertThrows(FsException.class, () -> a.write(new byte[3000], 0, 3000));
        a.discard();
        assertEquals(8000, fs.stat("/a").size(), "APPE asked to resume: what arrived stays");
        FsWriter o = fs.openWrite("/a", WriteMode.AT_OFFSET, 100);
        assertEquals(100, fs.stat("/a").size());
        o.write(new byte[] {1, 2}, 0, 2);
        o.commit();
        FsReader r = fs.openRead("/a", 100);
        byte[] b = new byte[10];
        assertEquals(2, r.read(b, 0, 10));
        assertEquals(1, b[0]);
        assertEquals(-1, r.read(b, 0, 10));
    }

    @Test
    void listsTenThousandEntriesOneAtATime() throws Exception {
        fs.mkdir("/d");
        for (int i = 0; i < 10_000; i++) fs.openWrite("/d/f" + i, WriteMode.TRUNCATE, 0).commit();
        FsEntry e = new FsEntry();
        int n = 0;
        try (DirCursor c = fs.list("/d")) {
            while (c.next(e)) {
                assertEquals("f" + n, e.name());
                n++;
                if (n == 5000) fs.delete("/d/f9999"); // a change under the cursor: it goes on after the last name given
            }
        }
        assertEquals(9999, n);
    }

    @Test
    void directoriesRenamesAndReadOnlyView() throws Exception {
        fs.mkdir("/a");
        fs.mkdir("/a/b");
        assertEquals(FsException.Reason.NOT_EMPTY, assertThrows(FsException.class, () -> fs.rmdir("/a")).reason());
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> fs.rename("/a", "/a/b/c")).reason());
        fs.rename("/a/b", "/c");
        assertTrue(fs.stat("/c").isDirectory());
        assertEquals(FsException.Reason.DENIED, assertThrows(FsException.class, () -> fs.rmdir("/")).reason());
        MemoryFs ro = fs.readOnlyView();
        assertTrue(ro.stat("/c").isDirectory());
        for (FsException e : List.of(assertThrows(FsException.class, () -> ro.mkdir("/x")),
                assertThrows(FsException.class, () -> ro.openWrite("/x", WriteMode.TRUNCATE, 0)), assertThrows(FsException.class, () -> ro.rmdir("/c")))) {
            assertEquals(FsException.Reason.READ_ONLY, e.reason());
        }
        fs.setModified("/c", 42);
        assertEquals(42, fs.stat("/c").modifiedMillis());
    }
}
