package net.sloop.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The dashboard's files, read once from the jar into the heap: the page (written for the project,
 * {@code net/sloop/dashboard/status.html}, {@code dashboard.css}, {@code dashboard.js}) and uPlot
 * 1.6.30 from its WebJar ({@code META-INF/resources/webjars/uplot/1.6.30/dist/}). The page's style
 * and script are each served as one file, uPlot's first and the project's after it, so that a
 * browser needs two requests besides the page (a 128 KiB {@code serve} lets one address hold two
 * HTTP connections). Their names carry a hash of their content, so browsers may keep them.
 *
 * <p>These bytes are like a device's flash: read-only, shared by every response, and not part of
 * the budget (as the files of {@code --http-root} are not); every response streams them through
 * its connection's output buffer, which is charged.
 */
final class Assets {
    /** uPlot's version, as the WebJar names it. */
    static final String UPLOT_VERSION = "1.6.30";
    private static final String UPLOT = "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

    /** The page, with {@code {{css}}} and {@code {{js}}} replaced by the files' names, cut where the base path goes ({@code {{base}}}). */
    final byte[][] pageParts;
    final byte[] css, js;
    /** "dashboard-HASH.css" and "dashboard-HASH.js". */
    final String cssName, jsName;

    private static volatile Assets loaded;

    private Assets() {
        byte[] uplotCss = read(UPLOT + "uPlot.min.css");
        byte[] uplotJs = read(UPLOT + "uPlot.iife.min.js");
        css = concat(uplotCss, read("net/sloop/dashboard/dashboard.css"));
        js = concat(uplotJs, read("net/sloop/dashboard/dashboard.js"));
        cssName = "dashboard-" + hash(css) + ".css";
        jsName = "dashboard-" + hash(js) + ".js";
        String page = new String(read("net/sloop/dashboard/status.html"), StandardCharsets.UTF_8).replace("{{css}}", cssName).replace("{{js}}", jsName)
                .replace("{{uplot}}", UPLOT_VERSION);
        String[] parts = page.split("\\{\\{base\\}\\}", -1);
        pageParts = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) pageParts[i] = parts[i].getBytes(StandardCharsets.UTF_8);
    }

    /** The files, read on first use. */
    static Assets get() {
        Assets a = loaded;
        if (a == null) {
            synchronized (Assets.class) {
                if (loaded == null) loaded = new Assets();
                a = loaded;
            }
        }
        return a;
    }

    /** The page for a dashboard mounted at {@code base} ("/status"), in UTF-8 (for tests: responses stream it from the parts). */
    String page(String base) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pageParts.length; i++) {
            if (i > 0) b.append(base);
            b.append(new String(pageParts[i], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    private static byte[] read(String name) {
        try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("resource " + name + " is missing from the class path");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading resource " + name, e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + 1 + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        out[a.length] = '\n';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }

    private static String hash(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
