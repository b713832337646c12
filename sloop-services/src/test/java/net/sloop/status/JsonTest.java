package net.sloop.status;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON writer escapes what it must and nests correctly through a small buffer; the reader is strict. */
class JsonTest {
    @Test
    void writerEscapesAndRoundTrips() {
        ByteSink.Collect out = new ByteSink.Collect();
        JsonWriter w = new JsonWriter(64);
        String nasty = "quote \" backslash \\ newline \n tab \t nul \u0000 bell \u0007 é 雪 \uD83D\uDE00 </script>";
        w.start(out).beginObject().field("s", nasty).field("n", -1234567890123L).field("min", Long.MIN_VALUE).field("z", 0).field("t", true)
                .name("a").beginArray().value(1).value("x").nullValue().beginObject().endObject().beginArray().endArray().endArray()
                .name("ip").address(0xC6120002, 7).name("ip0").address(0, -1).endObject();
        long n = w.finish();
        assertEquals(n, out.length());
        String text = out.toString();
        assertTrue(text.chars().allMatch(c -> c >= 0x20 && c < 0x7F), text);
        Map<String, Object> m = JsonReader.object(text);
        assertEquals(nasty, m.get("s"));
        assertEquals(-1234567890123L, m.get("n"));
        assertEquals(Long.MIN_VALUE, m.get("min"));
        assertEquals(0L, m.get("z"));
        assertEquals(true, m.get("t"));
        assertEquals(java.util.Arrays.asList(1L, "x", null, Map.of(), List.of()), m.get("a"));
        assertEquals("198.18.0.2:7", m.get("ip"));
        assertEquals("0.0.0.0", m.get("ip0"));
    }

    @Test
    void readerRefusesWhatIsNotJson() {
        for (String bad : new String[] {"", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\" 1}", "01", "1.", "\"\\x\"", "\"a\nb\"", "tru", "{} x",
                "{\"a\":1,\"a\":2}", "-", "[1 2]"}) {
            assertThrows(IllegalArgumentException.class, () -> JsonReader.parse(bad), bad);
        }
        assertEquals(1.5e3, JsonReader.parse(" 1.5e3 "));
        assertEquals("\u00e9", JsonReader.parse("\"\\u00e9\""));
    }
}
