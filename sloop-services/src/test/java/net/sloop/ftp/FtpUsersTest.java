package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The users file: PBKDF2 lines made and checked, and every malformed line refused with its number. */
class FtpUsersTest {
    @Test
    void aLineMadeForAPasswordAcceptsItAndNothingElse() {
        String line = FtpUsers.line("alice", "correct horse".toCharArray(), 1000);
        assertTrue(line.matches("alice:pbkdf2-sha256:1000:[A-Za-z0-9+/=]{24}:[A-Za-z0-9+/=]{44}"), line);
        FtpUsers u = FtpUsers.parse(List.of("# users", "", line, FtpUsers.line("bob", "x".toCharArray(), 10) + ":ro"));
        assertEquals(2, u.size());
        assertNotNull(u.check("alice", "correct horse"));
        assertFalse(u.check("alice", "correct horse").readOnly());
        assertNull(u.check("alice", "correct horsE"));
        assertNull(u.check("alice", ""));
        assertNull(u.check("nobody", "correct horse"));
        assertTrue(u.check("bob", "x").readOnly());
        assertNotEquals(line, FtpUsers.line("alice", "correct horse".toCharArray(), 1000), "a fresh salt each time");
    }

    @Test
    void malformedLinesAreRefusedWithTheirNumber() {
        String good = FtpUsers.line("a", "p".toCharArray(), 10);
        String[] f = good.split(":");
        String[][] bad = {
                {"a:pbkdf2-sha256:10", "line 1: expected"},
                {"a:md5:10:" + f[3] + ":" + f[4], "unknown scheme"},
                {"a:pbkdf2-sha256:ten:" + f[3] + ":" + f[4], "not a number"},
                {"a:pbkdf2-sha256:0:" + f[3] + ":" + f[4], "iterations must be"},
                {"a:pbkdf2-sha256:10:!!!:" + f[4], "not Base64"},
                {"a:pbkdf2-sha256:10:" + f[3] + ":AAAA", "32 bytes"},
                {":pbkdf2-sha256:10:" + f[3] + ":" + f[4], "bad user name"},
                {good + ":rw", "may only be 'ro'"},
        };
        for (String[] b : bad) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FtpUsers.parse(List.of(b[0])), b[0]);
            assertTrue(e.getMessage().startsWith("line 1: ") && e.getMessage().contains(b[1]), e.getMessage());
        }
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> FtpUsers.parse(List.of(good, good)));
        assertEquals("line 2: user 'a' given twice", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FtpUsers.line("a:b", "p".toCharArray(), 10));
        assertThrows(IllegalArgumentException.class, () -> FtpUsers.line("a", new char[0], 10));
    }
}
