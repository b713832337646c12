package net.sloop.ftp.client;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** MLSD facts (RFC 3659 §7) and Unix LIST lines. */
class ListingParseTest {
    @Test
    void mlsdFacts() {
        MlsdEntry e = MlsdEntry.parse("Type=file;Size=1024;Modify=20261202080000;Perm=r; my file.bin");
        assertEquals(new MlsdEntry("file", 1024, "20261202080000", "r", "my file.bin"), e);
        assertTrue(e.isFile());
        MlsdEntry d = MlsdEntry.parse("type=dir;modify=20261202080000;UNIX.mode=0755; sub");
        assertTrue(d.isDirectory());
        assertEquals(-1, d.size());
        assertFalse(MlsdEntry.parse("type=cdir; .").isDirectory(), "cdir is the listed directory itself");
        assertFalse(MlsdEntry.parse("type=pdir; ..").isDirectory());
        assertEquals("OS.unix=slink:/x".toLowerCase(), MlsdEntry.parse("type=OS.unix=slink:/x; l").type());
        assertEquals(" leading space", MlsdEntry.parse("type=file;  leading space").name(), "the name is everything after the first space");
        assertEquals("name;with;semis", MlsdEntry.parse("type=file; name;with;semis").name());
        assertEquals("only-name", MlsdEntry.parse(" only-name").name(), "no facts at all");
        assertNull(MlsdEntry.parse("type=file;size=1"), "no name");
        assertNull(MlsdEntry.parse("type=file size=1; x"), "a fact without its ';'");
        assertNull(MlsdEntry.parse("typefile; x"), "a fact without '='");
        assertEquals(-1, MlsdEntry.parse("type=file;size=-5; x").size());
    }

    @Test
    void unixList() {
        ListEntry f = ListEntry.parse("-rw-r--r--   1 owner    group      123456 Dec 02 08:00 a file.bin");
        assertEquals(new ListEntry('-', 123456, "a file.bin"), f);
        ListEntry d = ListEntry.parse("drwxr-xr-x   2 owner    group        4096 Jan 01  2025 sub");
        assertTrue(d.isDirectory());
        assertEquals("sub", d.name());
        ListEntry l = ListEntry.parse("lrwxrwxrwx   1 o g 4 Mar 03 10:10 link -> target");
        assertEquals("link", l.name());
        assertEquals(new ListEntry('-', 7, "x"), ListEntry.parse("-rw-r--r-- 1 ftp 7 Feb 28 12:00 x"), "no group column");
        assertNull(ListEntry.parse("total 12"));
        assertNull(ListEntry.parse(""));
        assertNull(ListEntry.parse("-rw-r--r-- 1 o g notanumber Dec 02 08:00 x"));
    }
}
