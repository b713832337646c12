package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;
import net.sloop.fs.FsEntry;
import org.junit.jupiter.api.Test;

/** The allocation-free formatting behind listings and MDTM: dates against java.time, UTF-8 against the JDK's encoder. */
class ListingTest {
    @Test
    void civilDatesMatchJavaTime() {
        Random r = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            long day = r.nextLong(-800_000, 3_000_000);
            LocalDate d = LocalDate.ofEpochDay(day);
            long c = Listing.civil(day);
            assertEquals(d.getYear(), c >> 9, d.toString());
            assertEquals(d.getMonthValue(), (c >> 5) & 15, d.toString());
            assertEquals(d.getDayOfMonth(), c & 31, d.toString());
        }
    }

    @Test
    void timevalRoundTrips() {
        byte[] b = new byte[14];
        long t = Instant.parse("1999-12-31T23:59:58Z").toEpochMilli();
        Listing.timeval(t, b, 0);
        assertEquals("19991231235958", new String(b, StandardCharsets.US_ASCII));
        assertEquals(t, Listing.parseTimeval("19991231235958"));
        assertEquals(t + 250, Listing.parseTimeval("19991231235958.25"));
        for (String bad : new String[] {"1999123123595", "19991331235958", "1999123123595x", "19991231235958.", "19990230000000"}) {
            assertEquals(Long.MIN_VALUE, Listing.parseTimeval(bad), bad);
        }
    }

    @Test
    void namesAreUtf8() {
        String name = "caf\u00e9 \u65e5\u672c \uD83D\uDE00 \uD800x";
        byte[] b = new byte[100];
        int n = Listing.utf8(name, b, 0);
        assertEquals(name.replace("\uD800", "?"), new String(b, 0, n, StandardCharsets.UTF_8));
    }

    @Test
    void lsLineForABigFileAndAFutureDate() {
        long now = Instant.parse("2026-12-02T08:00:00Z").toEpochMilli();
        byte[] b = new byte[Listing.MAX_LINE];
        FsEntry e = new FsEntry("x", FsEntry.Type.FILE, 123_456_789_012L, Instant.parse("2027-09-01T00:00:00Z").toEpochMilli(), false, 1);
        int n = Listing.ls(e, now, false, b, 0);
        assertEquals("-r--r--r-- 1 ftp ftp 123456789012 Sep  1  2027 x\r\n", new String(b, 0, n, StandardCharsets.US_ASCII));
        FsEntry longName = new FsEntry("\u65e5".repeat(255), FsEntry.Type.FILE, Long.MAX_VALUE, now, true, Long.MAX_VALUE);
        assertTrue(Listing.mlsx(longName, "file", longName.name(), false, b, 0) <= Listing.MAX_LINE);
        assertTrue(Listing.ls(longName, now, false, b, 0) <= Listing.MAX_LINE);
    }
}
