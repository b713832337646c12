package net.sloop.http;

import java.nio.charset.StandardCharsets;

/** Content-Type by file extension (a small fixed table, as a device would carry); application/octet-stream otherwise. */
final class MimeTypes {
    private static final String[][] TABLE = {
            {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"}, {"css", "text/css; charset=utf-8"},
            {"js", "text/javascript; charset=utf-8"}, {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
            {"txt", "text/plain; charset=utf-8"}, {"csv", "text/csv; charset=utf-8"}, {"md", "text/markdown; charset=utf-8"},
            {"xml", "application/xml"}, {"svg", "image/svg+xml"}, {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
            {"gif", "image/gif"}, {"webp", "image/webp"}, {"ico", "image/vnd.microsoft.icon"}, {"wasm", "application/wasm"},
            {"pdf", "application/pdf"}, {"zip", "application/zip"}, {"gz", "application/gzip"}, {"tar", "application/x-tar"},
            {"woff", "font/woff"}, {"woff2", "font/woff2"}, {"mp4", "video/mp4"}, {"mp3", "audio/mpeg"}, {"wav", "audio/wav"},
    };
    private static final byte[][] EXT = new byte[TABLE.length][];
    private static final byte[][] TYPE = new byte[TABLE.length][];
    static final byte[] OCTET = "application/octet-stream".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HTML = TYPE_OF("text/html; charset=utf-8");
    static final byte[] TEXT = TYPE_OF("text/plain; charset=utf-8");

    static {
        for (int i = 0; i < TABLE.length; i++) {
            EXT[i] = TABLE[i][0].getBytes(StandardCharsets.US_ASCII);
            TYPE[i] = TABLE[i][1].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static byte[] TYPE_OF(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private MimeTypes() {}

    /** The type of a path by its extension (case-insensitive); no allocation. */
    static byte[] of(String path) {
        int dot = path.lastIndexOf('.');
        int slash = path.lastIndexOf('/');
        if (dot <= slash + 1) return OCTET; // none, or a dot file
        int n = path.length() - dot - 1;
        outer:
        for (int i = 0; i < EXT.length; i++) {
            byte[] e = EXT[i];
            if (e.length != n) continue;
            for (int k = 0; k < n; k++) {
                char c = path.charAt(dot + 1 + k);
                if (c >= 'A' && c <= 'Z') c += 32;
                if (c != e[k]) continue outer;
            }
            return TYPE[i];
        }
        return OCTET;
    }
}
