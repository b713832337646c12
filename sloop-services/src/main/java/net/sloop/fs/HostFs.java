package net.sloop.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Iterator;
import java.util.Set;

/**
 * A host directory served as a jail. Every path is checked component by component from the jail's
 * root, which is resolved to its real path once: no component may be a symbolic link (each is
 * looked at with {@link LinkOption#NOFOLLOW_LINKS}, and files are opened with it too), and
 * {@link FsPath#resolve} has already refused "..", NUL, backslash and control characters, so no
 * path, link or encoding trick reaches outside the root. Only directories and regular files are
 * shown or opened; links, devices, sockets and FIFOs are skipped in listings and refused
 * ({@link FsException.Reason#DENIED}).
 *
 * <p>I/O is synchronous, on the caller's (the stack's) thread, in the caller's chunk size: like an
 * embedded stack reading its flash, a transfer reads or writes one small chunk per step, so the
 * thread is never held for long. A directory listing is a lazy {@link DirectoryStream}.
 *
 * <p>What a race with another process on the host can do (replace a checked directory by a link
 * between the check and the use) is outside this class's promise: serve a directory no one else
 * changes.
 */
public final class HostFs implements FileSystem {
    private final Path root;
    private final boolean readOnly;

    /**
     * @param root an existing directory (resolved to its real path now)
     * @throws IOException if it does not exist or is not a directory
     */
    public HostFs(Path root, boolean readOnly) throws IOException {
        Path r = root.toRealPath();
        if (!Files.isDirectory(r)) throw new NotDirectoryException(r.toString());
        this.root = r;
        this.readOnly = readOnly;
    }

    public Path root() {
        return root;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * The host path of {@code path}, every component up to {@code path}'s parent checked to be a
     * real directory (not a link) and {@code path} itself, if it exists, a directory or a regular
     * file (not a link).
     */
    Path host(String path) throws FsException {
        if (!path.startsWith("/")) throw new FsException(FsException.Reason.INVALID_NAME, "not an absolute path: " + path);
        Path p = root;
        int i = 1;
        while (i < path.length()) {
            int j = path.indexOf('/', i);
            if (j < 0) j = path.length();
            String name = path.substring(i, j);
            if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
                throw new FsException(FsException.Reason.INVALID_NAME, "not a normalised path: " + path);
            }
            Path next;
            try {
                next = p.resolve(name);
            } catch (java.nio.file.InvalidPathException e) { // a name the host's file-name encoding cannot hold
                throw new FsException(FsException.Reason.INVALID_NAME, "a name the host cannot represent");
            }
            if (!next.getParent().equals(p)) throw new FsException(FsException.Reason.DENIED, "a name that is not one component: " + name);
            p = next;
            BasicFileAttributes a = attrs(p);
            if (a == null) {
                if (j < path.length()) throw new FsException(FsException.Reason.NOT_FOUND, "no such directory on the way to " + path);
            } else if (a.isSymbolicLink() || a.isOther()) {
                throw new FsException(FsException.Reason.DENIED, "not a regular file or directory: " + path);
            } else if (j < path.length() && !a.isDirectory()) {
                throw new FsException(FsException.Reason.NOT_DIRECTORY, "not a directory on the way to " + path);
            }
            i = j + 1;
        }
        if (!p.startsWith(root)) throw new FsException(FsException.Reason.DENIED, "outside the root: " + path);
        return p;
    }

    private static BasicFileAttributes attrs(Path p) throws FsException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw map(e, p.toString());
        }
    }

    private static FsException map(IOException e, String what) {
        if (e instanceof NoSuchFileException) return new FsException(FsException.Reason.NOT_FOUND, "no such file or directory: " + what);
        if (e instanceof FileAlreadyExistsException) return new FsException(FsException.Reason.EXISTS, "exists: " + what);
        if (e instanceof DirectoryNotEmptyException) return new FsException(FsException.Reason.NOT_EMPTY, "not empty: " + what);
        if (e instanceof NotDirectoryException) return new FsException(FsException.Reason.NOT_DIRECTORY, "not a directory: " + what);
        if (e instanceof AccessDeniedException) return new FsException(FsException.Reason.DENIED, "permission denied: " + what);
        String m = String.valueOf(e.getMessage());
        if (m.contains("No space left") || m.contains("Disk quota")) return new FsException(FsException.Reason.NO_SPACE, "no space left on the host: " + what);
        if (m.contains("symbolic links") || m.contains("Too many levels")) return new FsException(FsException.Reason.DENIED, "a symbolic link: " + what);
        return new FsException(FsException.Reason.IO, e.getClass().getSimpleName() + ": " + what);
    }

    private void writable() throws FsException {
        if (readOnly) throw new FsException(FsException.Reason.READ_ONLY, "read-only file system");
    }

    private FsEntry fill(Path p, String name, BasicFileAttributes a, FsEntry e) {
        long unique;
        Object key = a.fileKey();
        unique = key != null ? key.hashCode() & 0xffffffffL : p.hashCode() & 0xffffffffL;
        try {
            Object ino = Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            if (ino instanceof Long l) unique = l;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException ignored) {
            // fileKey's hash will do
        }
        return e.set(name, a.isDirectory() ? FsEntry.Type.DIR : FsEntry.Type.FILE, a.isDirectory() ? 0 : a.size(),
                a.lastModifiedTime().toMillis(), !readOnly && Files.isWritable(p), unique);
    }

    @Override
    public FsEntry stat(String path) throws FsException {
        Path p = host(path);
        BasicFileAttributes a = attrs(p);
        if (a == null) throw new FsException(FsException.Reason.NOT_FOUND, "no such file or directory: " + path);
        return fill(p, FsPath.name(path), a, new FsEntry());
    }

    @Override
    public DirCursor list(String path) throws FsException {
        Path p = host(path);
        BasicFileAttributes a = attrs(p);
        if (a == null) throw new FsException(FsException.Reason.NOT_FOUND, "no such directory: " + path);
        if (!a.isDirectory()) throw new FsException(FsException.Reason.NOT_DIRECTORY, "not a directory: " + path);
        DirectoryStream<Path> ds;
        try {
            ds = Files.newDirectoryStream(p);
        } catch (IOException e) {
            throw map(e, path);
        }
        return new DirCursor() {
            final Iterator<Path> it = ds.iterator();
            boolean closed;

            @Override
            public boolean next(FsEntry into) throws FsException {
                while (!closed) {
                    boolean more;
                    try {
                        more = it.hasNext();
                    } catch (RuntimeException e) { // DirectoryIteratorException
                        close();
                        throw new FsException(FsException.Reason.IO, "reading directory " + path + ": " + e.getMessage());
                    }
                    if (!more) {
                        close();
                        return false;
                    }
                    Path c = it.next();
                    String name = c.getFileName().toString();
                    BasicFileAttributes ca = attrs(c);
                    if (ca == null || !(ca.isDirectory() || ca.isRegularFile()) || !validName(name)) continue; // links, specials, gone, unnameable
                    fill(c, name, ca, into);
                    return true;
                }
                return false;
            }

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                try {
                    ds.close();
                } catch (IOException ignored) {
                    // nothing to do: the stream is gone either way
                }
            }
        };
    }

    /** Names a client could send back: no character {@link FsPath} refuses (a host name with a newline would break a listing). */
    private static boolean validName(String name) {
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\\' || c == '\uFFFD') return false;
        }
        return !name.isEmpty() && name.length() <= FsPath.MAX_NAME;
    }

    private Path regularFile(String path, boolean mayBeMissing) throws FsException {
        Path p = host(path);
        BasicFileAttributes a = attrs(p);
        if (a == null) {
            if (mayBeMissing) return p;
            throw new FsException(FsException.Reason.NOT_FOUND, "no such file: " + path);
        }
        if (a.isDirectory()) throw new FsException(FsException.Reason.IS_DIRECTORY, "a directory: " + path);
        return p;
    }

    @Override
    public FsReader openRead(String path, long offset) throws FsException {
        Path p = regularFile(path, false);
        SeekableByteChannel ch;
        try {
            ch = Files.newByteChannel(p, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
            if (offset > 0) ch.position(offset);
        } catch (IOException e) {
            throw map(e, path);
        }
        return new FsReader() {
            boolean closed;
            ByteBuffer view; // the caller's array, wrapped once: a transfer reads into the same buffer every time

            @Override
            public int read(byte[] dst, int off, int len) throws FsException {
                if (closed) return -1;
                try {
                    if (view == null || view.array() != dst) view = ByteBuffer.wrap(dst);
                    view.limit(off + len).position(off);
                    return ch.read(view);
                } catch (IOException e) {
                    throw map(e, path);
                }
            }

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // a read-only channel has nothing to lose
                }
            }
        };
    }

    @Override
    public FsWriter openWrite(String path, WriteMode mode, long offset) throws FsException {
        writable();
        if (path.equals("/")) throw new FsException(FsException.Reason.IS_DIRECTORY, "the root is a directory");
        Path p = regularFile(path, mode != WriteMode.AT_OFFSET || offset == 0);
        Set<OpenOption> opts = switch (mode) {
            case TRUNCATE -> Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
            case CREATE_NEW -> Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);
            case APPEND -> Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS);
            case AT_OFFSET -> Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, LinkOption.NOFOLLOW_LINKS);
        };
        SeekableByteChannel ch;
        try {
            ch = Files.newByteChannel(p, opts);
            if (mode == WriteMode.AT_OFFSET) {
                if (offset > ch.size()) {
                    ch.close();
                    throw new FsException(FsException.Reason.INVALID_NAME, "offset " + offset + " past the end");
                }
                ch.truncate(offset);
                ch.position(offset);
            }
        } catch (IOException e) {
            throw map(e, path);
        }
        return new FsWriter() {
            boolean done;
            long length = mode == WriteMode.AT_OFFSET ? offset : sizeOf(ch);
            ByteBuffer view; // the caller's array, wrapped once

            @Override
            public void write(byte[] src, int off, int len) throws FsException {
                if (done) throw new IllegalStateException("writer finished");
                try {
                    if (view == null || view.array() != src) view = ByteBuffer.wrap(src);
                    ByteBuffer b = view.limit(off + len).position(off);
                    while (b.hasRemaining()) ch.write(b);
                    length += len;
                } catch (IOException e) {
                    throw map(e, path);
                }
            }

            @Override
            public void commit() throws FsException {
                if (done) return;
                done = true;
                try {
                    ch.close();
                } catch (IOException e) {
                    throw map(e, path);
                }
            }

            @Override
            public void discard() {
                if (done) return;
                done = true;
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // removed below anyway, or kept as far as it got
                }
                if (mode == WriteMode.TRUNCATE || mode == WriteMode.CREATE_NEW) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // the partial file stays; nothing better to do
                    }
                }
            }

            @Override
            public long length() {
                return length;
            }
        };
    }

    private static long sizeOf(SeekableByteChannel ch) {
        try {
            return ch.size();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void mkdir(String path) throws FsException {
        writable();
        if (path.equals("/")) throw new FsException(FsException.Reason.EXISTS, "the root exists");
        Path p = host(path);
        try {
            Files.createDirectory(p);
        } catch (IOException e) {
            throw map(e, path);
        }
    }

    @Override
    public void rmdir(String path) throws FsException {
        writable();
        if (path.equals("/")) throw new FsException(FsException.Reason.DENIED, "the root cannot be removed");
        Path p = host(path);
        BasicFileAttributes a = attrs(p);
        if (a == null) throw new FsException(FsException.Reason.NOT_FOUND, "no such directory: " + path);
        if (!a.isDirectory()) throw new FsException(FsException.Reason.NOT_DIRECTORY, "not a directory: " + path);
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw map(e, path);
        }
    }

    @Override
    public void delete(String path) throws FsException {
        writable();
        Path p = regularFile(path, false);
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw map(e, path);
        }
    }

    @Override
    public void rename(String from, String to) throws FsException {
        writable();
        if (from.equals("/") || to.equals("/")) throw new FsException(FsException.Reason.DENIED, "the root cannot be renamed");
        Path a = host(from), b = host(to);
        BasicFileAttributes fa = attrs(a);
        if (fa == null) throw new FsException(FsException.Reason.NOT_FOUND, "no such file or directory: " + from);
        if (fa.isDirectory() && (to + "/").startsWith(from + "/")) throw new FsException(FsException.Reason.DENIED, "a directory cannot move into itself");
        BasicFileAttributes ta = attrs(b);
        if (ta != null && (ta.isDirectory() || fa.isDirectory())) throw new FsException(FsException.Reason.EXISTS, "exists: " + to);
        try {
            Files.move(a, b, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw map(e, from);
        }
    }

    @Override
    public void setModified(String path, long millis) throws FsException {
        writable();
        Path p = host(path);
        if (attrs(p) == null) throw new FsException(FsException.Reason.NOT_FOUND, "no such file or directory: " + path);
        try {
            Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(FileTime.fromMillis(millis), null, null);
        } catch (IOException e) {
            throw map(e, path);
        }
    }

    @Override
    public long freeSpace() {
        try {
            return readOnly ? 0 : Files.getFileStore(root).getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }
}
