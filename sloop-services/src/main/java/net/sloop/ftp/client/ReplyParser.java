package net.sloop.ftp.client;

/**
 * Reads FTP replies from the control connection's bytes, one byte at a time, into a bounded
 * buffer (RFC 959 §4.2).
 *
 * <p>A reply is a three-digit code, then a space and text to the end of the line; or, for a
 * multi-line reply, the code followed by a hyphen on its first line, and it ends only at a line
 * that begins with the <em>same</em> code followed by a space (§4.2: "Thus the format for
 * multi-line replies is that the first line will begin with the exact required reply code,
 * followed immediately by a Hyphen ... The last line will begin with the same code, followed
 * immediately by Space"). Lines in between are free text and may themselves begin with digits
 * (a line "123-..." or even "227 ..." inside a 211 reply is text). Lines end with CRLF; a bare LF
 * is accepted too, as every client does. A code alone on its line ("200") is taken as a
 * single-line reply with no text.
 *
 * <p>Memory is bounded: a line is kept up to {@link #MAX_LINE} bytes (the rest is read and
 * ignored) and the text of a reply up to {@link #MAX_TEXT} characters. Text is kept as ISO-8859-1
 * characters of the bytes received (RFC 959 is 7-bit; RFC 2640's UTF-8 paths pass through
 * unharmed as bytes: {@link #text()} is for people and for the few replies whose text is parsed,
 * 227, 229, 257 and 213, which are ASCII).
 */
final class ReplyParser {
    static final int MAX_LINE = 1024;
    static final int MAX_TEXT = 1024;

    private final byte[] line = new byte[MAX_LINE];
    private int lineLen;
    private boolean lineOverflow;
    private final StringBuilder text = new StringBuilder(MAX_TEXT);
    /** The code of a multi-line reply being read, or 0. */
    private int multi;
    private int code;
    private String error;

    /** Result of {@link #feed}: nothing complete yet. */
    static final int MORE = 0;
    /** Result of {@link #feed}: the stream is not FTP (see {@link #error()}). */
    static final int BAD = -1;

    /** Forgets any partial reply (a new session). */
    void reset() {
        lineLen = 0;
        lineOverflow = false;
        text.setLength(0);
        multi = 0;
        code = 0;
        error = null;
    }

    /**
     * Takes one byte; returns the reply's code when {@code b} completes a reply ({@link #text()}
     * then holds its text), {@link #BAD} if the line cannot be a reply, else {@link #MORE}.
     */
    int feed(byte b) {
        if (b == '\n') {
            int len = lineLen > 0 && line[lineLen - 1] == '\r' ? lineLen - 1 : lineLen;
            lineLen = 0;
            boolean over = lineOverflow;
            lineOverflow = false;
            return endOfLine(len, over);
        }
        if (lineLen < MAX_LINE) line[lineLen++] = b;
        else lineOverflow = true;
        return MORE;
    }

    private int endOfLine(int len, boolean truncated) {
        int c = len >= 3 ? codeAt() : -1;
        char sep = len > 3 ? (char) (line[3] & 0xFF) : ' ';
        if (multi != 0) {
            // Inside a multi-line reply only "<same code><SP>" ends it; anything else is text.
            append(0, len);
            if (c == multi && sep == ' ') {
                code = multi;
                multi = 0;
                return code;
            }
            return MORE;
        }
        if (c < 0 || (sep != ' ' && sep != '-')) {
            error = "not an FTP reply: \"" + new String(line, 0, Math.min(len, 80), java.nio.charset.StandardCharsets.ISO_8859_1) + "\"";
            return BAD;
        }
        text.setLength(0);
        append(len > 4 ? 4 : len, len);
        if (sep == '-') {
            multi = c;
            return MORE;
        }
        code = c;
        return c;
    }

    private int codeAt() {
        int c = 0;
        for (int i = 0; i < 3; i++) {
            int d = line[i] - '0';
            if (d < 0 || d > 9) return -1;
            c = c * 10 + d;
        }
        return c >= 100 && c <= 599 ? c : -1;
    }

    private void append(int from, int to) {
        if (text.length() > 0 && text.length() < MAX_TEXT) text.append('\n');
        for (int i = from; i < to && text.length() < MAX_TEXT; i++) text.append((char) (line[i] & 0xFF));
    }

    /** The code of the last complete reply. */
    int code() {
        return code;
    }

    /** The text of the last complete reply (lines after the first joined by '\n'), bounded. */
    CharSequence text() {
        return text;
    }

    /** Why the last {@link #BAD} was returned. */
    String error() {
        return error;
    }
}
