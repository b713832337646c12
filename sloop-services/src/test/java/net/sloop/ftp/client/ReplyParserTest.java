package net.sloop.ftp.client;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 959 §4.2 replies, fed byte by byte as they would arrive in pieces. */
class ReplyParserTest {
    private final ReplyParser p = new ReplyParser();

    /** Feeds {@code s}; returns "code:text" for every reply completed, or "BAD" for a line that is not one. */
    private List<String> feed(String s) {
        List<String> out = new ArrayList<>();
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            int c = p.feed(b);
            if (c == ReplyParser.BAD) out.add("BAD");
            else if (c != ReplyParser.MORE) out.add(c + ":" + p.text());
        }
        return out;
    }

    @Test
    void singleLineReplies() {
        assertEquals(List.of("220:ready", "331:need password"), feed("220 ready\r\n331 need password\r\n"));
        assertEquals(List.of("200:"), feed("200\r\n"), "a code alone is a reply without text");
        assertEquals(List.of("226:done"), feed("226 done\n"), "a bare LF ends a line too");
    }

    @Test
    void multiLineReplyEndsOnlyAtTheSameCodeAndASpace() {
        // RFC 959 §4.2's own example, with text lines that begin with digits and another code.
        String reply = "123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123-not the end\r\n227 nor this\r\n123 The last line\r\n";
        List<String> got = feed(reply);
        assertEquals(1, got.size(), got::toString);
        assertEquals("123:First line\nSecond line\n  234 A line beginning with numbers\n123-not the end\n227 nor this\n123 The last line", got.get(0));
    }

    @Test
    void featIsMultiLine() {
        assertEquals(List.of("211:Features:\n MLST type*;size*;\n SIZE\n211 End"), feed("211-Features:\r\n MLST type*;size*;\r\n SIZE\r\n211 End\r\n"));
    }

    @Test
    void repliesSplitAnywhereStillParse() {
        assertEquals(List.of(), feed("22"));
        assertEquals(List.of(), feed("7 Entering Passive Mode (198,18,0,2,"));
        assertEquals(List.of(), feed("4,1)\r"));
        assertEquals(List.of("227:Entering Passive Mode (198,18,0,2,4,1)"), feed("\n"));
    }

    @Test
    void notAReplyIsBad() {
        assertEquals(List.of("BAD"), feed("hello\r\n"));
        assertTrue(p.error().contains("hello"));
        p.reset();
        assertEquals(List.of("BAD"), feed("2200 x\r\n"));
        p.reset();
        assertEquals(List.of("BAD"), feed("099 x\r\n"), "codes are 1yz..5yz");
    }

    @Test
    void longLinesAndLongRepliesAreBounded() {
        String longLine = "250 " + "x".repeat(5000) + "\r\n";
        List<String> got = feed(longLine);
        assertEquals(1, got.size());
        assertTrue(got.get(0).length() <= 4 + ReplyParser.MAX_LINE);
        StringBuilder multi = new StringBuilder("211-start\r\n");
        for (int i = 0; i < 1000; i++) multi.append(" line ").append(i).append("\r\n");
        multi.append("211 end\r\n");
        got = feed(multi.toString());
        assertEquals(1, got.size());
        assertTrue(p.text().length() <= ReplyParser.MAX_TEXT);
    }
}
