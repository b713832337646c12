package net.sloop.fs;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * An in-memory file system: a device's flash. Files are chunked heap byte arrays
 * ({@link #CHUNK} bytes each) and the tree is plain objects. Its memory is its own and bounded by
 * its own {@code limitBytes} (file contents; directories are free): it is NOT part of the stack's
 * budget, just as a device's flash is not its RAM. A write that would pass the limit fails with
 * {@link FsException.Reason#NO_SPACE} and keeps nothing of that call.
 *
 * <p>Directory listings are in creation order; a cursor walks a snapshot iterator of the
 * directory's map and tolerates entries removed while it walks (they are skipped). Not
 * thread-safe: used on the stack's thread.
 */
public final class MemoryFs implements FileSystem {
    /** Bytes per chunk of a file's contents. */
    public static final int CHUNK = 4096;

    private static class Node {
        final long unique;
        final boolean dir;
        String name;
        Dir parent;
        long modified;

        Node(long unique, boolean dir, String name, long modified) {
            this.unique = unique;
            this.dir = dir;
            this.name = name;
            this.modified = modified;
        }
    }

    private static final class Dir extends Node {
        final LinkedHashMap<String, Node> children = new LinkedHashMap<>();
        /** Bumped on every change, so a cursor knows its iterator is stale. */
        int version;

        Dir(long unique, String name, long modified) {
            super(unique, true, name, modified);
        }
    }

    private static final class File extends Node {
        final ArrayList<byte[]> chunks = new ArrayList<>();
        long length;

        File(long unique, String name, long modified) {
            super(unique, false, name, modified);
        }
    }

    private final long limit;
    private final boolean readOnly;
    private final LongSupplier clock;
    private final Dir root;
    private long used;
    private long nextUnique = 1;

    /**
     * @param limitBytes the most file bytes it holds
     * @param readOnly refuse every change (see also {@link #readOnlyView()})
     * @param wallClockMillis the time new and changed files get
     */
    public MemoryFs(long limitBytes, boolean readOnly, LongSupplier wallClockMillis) {
        if (limitBytes < 0) throw new IllegalArgumentException("negative limit");
        this.limit = limitBytes;
        this.readOnly = readOnly;
        this.clock = wallClockMillis;
        this.root = new Dir(nextUnique++, "", wallClockMillis.getAsLong());
    }

    private MemoryFs(MemoryFs writable) {
        this.limit = writable.limit;
        this.readOnly = true;
        this.clock = writable.clock;
        this.root = writable.root;
    }

    /** The same files, read-only (a server can serve what a test or a loader put in the writable one). */
    public MemoryFs readOnlyView() {
        return new MemoryFs(this);
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    /** File bytes held now. */
    public long used() {
        return used;
    }

    @Override
    public long freeSpace() {
        return Math.max(0, limit - used);
    }

    public long limit() {
        return limit;
    }

    // ------------------------------------------------------------------ lookups

    private Node find(String path) throws FsException {
        Node n = root;
        if (path.equals("/")) return n;
        int i = 1;
        while (true) {
            int j = path.indexOf('/', i);
            String name = path.substring(i, j < 0 ? path.length() : j);
            if (!(n instanceof Dir d)) throw new FsException(FsException.Reason.NOT_DIRECTORY, "not a directory on the way to " + path);
            n = d.children.get(name);
            if (n == null) throw new FsException(FsException.Reason.NOT_FOUND, "no such file or directory: " + path);
            if (j < 0) return n;
            i = j + 1;
        }
    }

    private Dir dir(String path) throws FsException {
        Node n = find(path);
        if (!(n instanceof Dir d)) throw new FsException(FsException.Reason.NOT_DIRECTORY, "not a directory: " + path);
        return d;
    }

    private File file(String path) throws FsException {
        Node n = find(path);
        if (!(n instanceof File f)) throw new FsException(FsException.Reason.IS_DIRECTORY, "a directory: " + path);
        return f;
    }

    private void writable() throws FsException {
        if (readOnly) throw new FsException(FsException.Reason.READ_ONLY, "read-only file system");
    }

    private void fill(Node n, FsEntry e) {
        e.set(n.name, n.dir ? FsEntry.Type.DIR : FsEntry.Type.FILE, n instanceof File f ? f.length : 0, n.modified, !readOnly, n.unique);
    }

    private void changed(Dir d) {
        d.version++;
        d.modified = clock.getAsLong();
    }

    // ------------------------------------------------------------------ FileSystem

    @Override
    public FsEntry stat(String path) throws FsException {
        FsEntry e = new FsEntry();
        fill(find(path), e);
        return e;
    }

    @Override
    public DirCursor list(String path) throws FsException {
        Dir d = dir(path);
        return new DirCursor() {
            Iterator<Node> it = d.children.values().iterator();
            int version = d.version;
            String last;

            @Override
            public boolean next(FsEntry into) {
                if (it == null) return false;
                if (version != d.version) { // changed under us: continue after the last name given, if it is still there
                    it = d.children.values().iterator();
                    version = d.version;
                    if (last != null) {
                        boolean found = false;
                        while (it.hasNext()) if (it.next().name.equals(last)) { found = true; break; }
                        if (!found) { it = null; return false; }
                    }
                }
                if (!it.hasNext()) { it = null; return false; }
                Node n = it.next();
                last = n.name;
                fill(n, into);
                return true;
            }

            @Override
            public void close() {
                it = null;
            }
        };
    }

    @Override
    public FsReader openRead(String path, long offset) throws FsException {
        File f = file(path);
        return new FsReader() {
            long pos = Math.max(0, offset);
            boolean closed;

            @Override
            public int read(byte[] dst, int off, int len) {
                if (closed || pos >= f.length) return -1;
                int ci = (int) (pos / CHUNK), co = (int) (pos % CHUNK);
                int n = (int) Math.min(Math.min(len, CHUNK - co), f.length - pos);
                System.arraycopy(f.chunks.get(ci), co, dst, off, n);
                pos += n;
                return n;
            }

            @Override
            public void close() {
                closed = true;
            }
        };
    }

    @Override
    public FsWriter openWrite(String path, WriteMode mode, long offset) throws FsException {
        writable();
        if (path.equals("/")) throw new FsException(FsException.Reason.IS_DIRECTORY, "the root is a directory");
        Dir parent = dir(FsPath.parent(path));
        String name = FsPath.name(path);
        Node existing = parent.children.get(name);
        if (existing != null && existing.dir) throw new FsException(FsException.Reason.IS_DIRECTORY, "a directory: " + path);
        if (existing != null && mode == WriteMode.CREATE_NEW) throw new FsException(FsException.Reason.EXISTS, "exists: " + path);
        File f = (File) existing;
        if (f == null) {
            if (mode == WriteMode.AT_OFFSET && offset > 0) throw new FsException(FsException.Reason.NOT_FOUND, "no file to resume: " + path);
            f = new File(nextUnique++, name, clock.getAsLong());
            parent.children.put(name, f);
            changed(parent);
        }
        switch (mode) {
            case TRUNCATE, CREATE_NEW -> truncate(f, 0);
            case AT_OFFSET -> {
                if (offset > f.length) throw new FsException(FsException.Reason.INVALID_NAME, "offset " + offset + " past the end (" + f.length + ")");
                truncate(f, offset);
            }
            case APPEND -> {}
        }
        f.modified = clock.getAsLong();
        File file = f;
        return new FsWriter() {
            boolean done;

            @Override
            public void write(byte[] src, int off, int len) throws FsException {
                if (done) throw new IllegalStateException("writer finished");
                if (len > limit - used) throw new FsException(FsException.Reason.NO_SPACE, "the file system's limit of " + limit + " bytes is reached");
                int k = 0;
                while (k < len) {
                    int co = (int) (file.length % CHUNK);
                    if (co == 0) file.chunks.add(new byte[CHUNK]);
                    int n = Math.min(len - k, CHUNK - co);
                    System.arraycopy(src, off + k, file.chunks.get(file.chunks.size() - 1), co, n);
                    k += n;
                    file.length += n;
                    used += n;
                }
                file.modified = clock.getAsLong();
            }

            @Override
            public void commit() {
                done = true;
            }

            @Override
            public void discard() {
                if (done) return;
                done = true;
                if (mode == WriteMode.TRUNCATE || mode == WriteMode.CREATE_NEW) {
                    truncate(file, 0);
                    if (parent.children.get(file.name) == file) {
                        parent.children.remove(file.name);
                        changed(parent);
                    }
                }
            }

            @Override
            public long length() {
                return file.length;
            }
        };
    }

    private void truncate(File f, long length) {
        used -= f.length - length;
        f.length = length;
        int keep = (int) ((length + CHUNK - 1) / CHUNK);
        while (f.chunks.size() > keep) f.chunks.remove(f.chunks.size() - 1);
    }

    @Override
    public void mkdir(String path) throws FsException {
        writable();
        if (path.equals("/")) throw new FsException(FsException.Reason.EXISTS, "the root exists");
        Dir parent = dir(FsPath.parent(path));
        String name = FsPath.name(path);
        if (parent.children.containsKey(name)) throw new FsException(FsException.Reason.EXISTS, "exists: " + path);
        Dir d = new Dir(nextUnique++, name, clock.getAsLong());
        d.parent = parent;
        parent.children.put(name, d);
        changed(parent);
    }

    @Override
    public void rmdir(String path) throws FsException {
        writable();
        if (path.equals("/")) throw new FsException(FsException.Reason.DENIED, "the root cannot be removed");
        Dir d = dir(path);
        if (!d.children.isEmpty()) throw new FsException(FsException.Reason.NOT_EMPTY, "not empty: " + path);
        Dir parent = dir(FsPath.parent(path));
        parent.children.remove(d.name);
        changed(parent);
    }

    @Override
    public void delete(String path) throws FsException {
        writable();
        File f = file(path);
        Dir parent = dir(FsPath.parent(path));
        truncate(f, 0);
        parent.children.remove(f.name);
        changed(parent);
    }

    @Override
    public void rename(String from, String to) throws FsException {
        writable();
        if (from.equals("/") || to.equals("/")) throw new FsException(FsException.Reason.DENIED, "the root cannot be renamed");
        Node n = find(from);
        if (n.dir && (to + "/").startsWith(from + "/")) throw new FsException(FsException.Reason.DENIED, "a directory cannot move into itself");
        Dir target = dir(FsPath.parent(to));
        String name = FsPath.name(to);
        Node existing = target.children.get(name);
        if (existing == n) return;
        if (existing != null) {
            if (existing.dir || n.dir) throw new FsException(FsException.Reason.EXISTS, "exists: " + to);
            truncate((File) existing, 0);
            target.children.remove(name);
        }
        Dir source = dir(FsPath.parent(from));
        source.children.remove(n.name);
        changed(source);
        n.name = name;
        if (n instanceof Dir d) d.parent = target;
        target.children.put(name, n);
        changed(target);
    }

    @Override
    public void setModified(String path, long millis) throws FsException {
        writable();
        find(path).modified = millis;
    }
}
