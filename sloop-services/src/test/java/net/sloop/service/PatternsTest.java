package net.sloop.service;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The RFC 864 pattern and the RFC 867 line, against references written the obvious way. */
class PatternsTest {
    @Test
    void chargenFromAnyPositionMatchesThePatternBuiltLineByLine() {
        StringBuilder ref = new StringBuilder();
        for (int line = 0; line < 2 * Chargen.PRINTABLE; line++) {
            for (int c = 0; c < Chargen.LINE_CHARS; c++) ref.append((char) (32 + (line + 1 + c) % 95));
            ref.append("\r\n");
        }
        byte[] want = ref.toString().getBytes(StandardCharsets.US_ASCII);
        assertEquals(2 * Chargen.PERIOD, want.length);
        SplittableRandom r = new SplittableRandom(864);
        byte[] buf = new byte[Chargen.PERIOD];
        for (int i = 0; i < 2000; i++) {
            int from = r.nextInt(Chargen.PERIOD);
            int len = r.nextInt(Chargen.PERIOD);
            int next = Chargen.fill(from, buf, 0, len);
            for (int k = 0; k < len; k++) assertEquals(want[from + k], buf[k], "byte " + k + " from " + from);
            assertEquals((from + len) % Chargen.PERIOD, next);
        }
        assertEquals(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg", Chargen.line(94));
    }

    @Test
    void daytimeMatchesJavaTime() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("EEEE, MMMM d, uuuu HH:mm:ss'-UTC\r\n'", Locale.ENGLISH).withZone(ZoneOffset.UTC);
        SplittableRandom r = new SplittableRandom(867);
        for (int i = 0; i < 20_000; i++) {
            long ms = r.nextLong(-30_000_000_000_000L, 250_000_000_000_000L); // years 1019 to 9891 (four digits, as the reference prints)
            assertEquals(f.format(Instant.ofEpochMilli(ms)), Daytime.line(ms), "at " + ms);
        }
        assertEquals("Thursday, January 1, 1970 00:00:00-UTC\r\n", Daytime.line(0));
        assertEquals("Wednesday, December 31, 1969 23:59:59-UTC\r\n", Daytime.line(-1));
        assertEquals("Tuesday, February 29, 2000 12:00:00-UTC\r\n", Daytime.line(Instant.parse("2000-02-29T12:00:00Z").toEpochMilli()));
        assertTrue(Daytime.line(Long.MAX_VALUE).length() <= Daytime.MAX_BYTES);
        assertTrue(Daytime.line(Long.MIN_VALUE).length() <= Daytime.MAX_BYTES);
    }
}
