package net.sloop.dashboard;

import net.sloop.http.HttpResponse;
import net.sloop.status.ByteSink;
import net.sloop.status.StatusView;

/**
 * A response body (or a server-sent event) produced a window at a time into the connection's own
 * output buffer, so that a document of any size costs no memory beyond that buffer: the status
 * JSON or the memory history CSV, rendered again from the start for each window and copied only
 * where it overlaps the window (the rendering stops as soon as the window is full), or a static
 * asset copied from its array, or the page with its base path put in as it goes. Rendering is allocation-free and takes tens of microseconds for
 * the 10 KiB document of a 128 KiB stack; a document costs about its size over the window's size
 * renderings.
 *
 * <p>Consistency: the JSON and CSV are rendered from the live view's last snapshot and history,
 * which the source holds ({@link StatusView#hold}) from its start to its close, so every window
 * comes from the same figures. If the hold is broken (the view gave its memory back for a
 * connection, or the hold lasted past its limit) the source fails and the server cuts the
 * response, since the framing cannot be kept.
 *
 * <p>Pooled and reused by {@link StatusPages}; its fields are its only state, so a fill allocates
 * nothing. On the stack's thread.
 */
final class DocumentSource implements HttpResponse.BodySource, ByteSink {
    /** What a source produces. */
    enum Kind { JSON, CSV, ASSET, PAGE }

    /** Thrown (preallocated, no stack trace) to stop a rendering once the window is full. */
    private static final class Full extends RuntimeException {
        Full() {
            super("window full", null, false, false);
        }
    }

    private static final Full FULL = new Full();

    private StatusView view;
    private Kind kind;
    private byte[] prefix, suffix, asset;
    private byte[][] parts; // a page: its parts, with prefix (the base path) between each two
    private long token;
    private long offset; // bytes produced so far
    /** True from begin (or asset) to close. */
    boolean inUse;
    /** True if the document was cut (its hold broken). */
    boolean failed;

    // the window being filled
    private byte[] dst;
    private int dstOff, want, got;
    private long start, seen;

    /** Starts a rendered document ({@code kind} JSON or CSV) of {@code view}, holding its snapshot; framed by {@code prefix} and {@code suffix}. */
    DocumentSource begin(StatusView view, Kind kind, byte[] prefix, byte[] suffix) {
        this.view = view;
        this.kind = kind;
        this.prefix = prefix;
        this.suffix = suffix;
        this.asset = null;
        this.token = view.hold();
        this.offset = 0;
        this.failed = false;
        this.inUse = true;
        return this;
    }

    /** Starts a static asset. */
    DocumentSource asset(byte[] bytes) {
        this.view = null;
        this.kind = Kind.ASSET;
        this.prefix = this.suffix = null;
        this.asset = bytes;
        this.offset = 0;
        this.failed = false;
        this.inUse = true;
        return this;
    }

    /** Starts a page: {@code parts} joined by {@code between} (the base path), produced as it is sent. */
    DocumentSource page(byte[][] parts, byte[] between) {
        this.view = null;
        this.kind = Kind.PAGE;
        this.parts = parts;
        this.prefix = between;
        this.suffix = this.asset = null;
        this.offset = 0;
        this.failed = false;
        this.inUse = true;
        return this;
    }

    @Override
    public int fill(byte[] d, int off, int len) {
        if (kind == Kind.ASSET) {
            int n = (int) Math.min(len, asset.length - offset);
            if (n <= 0) return -1;
            System.arraycopy(asset, (int) offset, d, off, n);
            offset += n;
            return n;
        }
        if (kind != Kind.PAGE && !view.holdValid(token)) { // the figures changed under the document: it cannot be finished
            failed = true;
            throw new IllegalStateException("the live view's snapshot was given up mid-document");
        }
        dst = d;
        dstOff = off;
        want = len;
        got = 0;
        start = offset;
        seen = 0;
        try {
            if (kind == Kind.PAGE) {
                for (int i = 0; i < parts.length; i++) {
                    if (i > 0) write(prefix, 0, prefix.length);
                    write(parts[i], 0, parts[i].length);
                }
            } else {
                if (prefix != null) write(prefix, 0, prefix.length);
                if (kind == Kind.JSON) view.writeJson(this);
                else view.writeCsv(this);
                if (suffix != null) write(suffix, 0, suffix.length);
            }
        } catch (Full f) {
            // the window is full: the rest is for the next fill
        } finally {
            dst = null;
        }
        if (got == 0) return -1;
        offset += got;
        return got;
    }

    /** Copies what of {@code b[off..off+len)} falls in the window; stops the rendering when the window is full. */
    @Override
    public void write(byte[] b, int off, int len) {
        long end = seen + len;
        long next = start + got;
        if (end > next && got < want) {
            long from = Math.max(seen, next);
            int k = (int) Math.min(end - from, want - got);
            System.arraycopy(b, off + (int) (from - seen), dst, dstOff + got, k);
            got += k;
        }
        seen = end;
        if (got == want) throw FULL;
    }

    /** Bytes produced so far. */
    long produced() {
        return offset;
    }

    @Override
    public void close() {
        if (!inUse) return;
        inUse = false;
        if (view != null) view.release(token);
        view = null;
        asset = null;
        parts = null;
    }
}
