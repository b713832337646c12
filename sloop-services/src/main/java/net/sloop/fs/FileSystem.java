package net.sloop.fs;

/**
 * A file system as a server sees it: paths are absolute, already normalised by {@link FsPath#resolve}
 * ("/" or "/a/b", no ".", "..", empty, or otherwise hostile component), and errors are
 * {@link FsException}s with a reason the server maps to a reply code.
 *
 * <p>Two implementations: {@link MemoryFs} (a device's flash, in heap byte arrays with its own byte
 * limit) and {@link HostFs} (a host directory served as a jail). Both have a read-only mode, in
 * which every change fails with {@link FsException.Reason#READ_ONLY}.
 *
 * <p>Calls are synchronous and made on the stack's thread, like an embedded stack's file reads:
 * a server reads and writes in small chunks (its transfer buffer) so that one call never holds the
 * thread for long. Not thread-safe.
 */
public interface FileSystem {
    /** True if every change is refused. */
    boolean readOnly();

    /** The facts about {@code path} (the root's name is ""). */
    FsEntry stat(String path) throws FsException;

    /** A cursor over the entries of directory {@code path} ("." and ".." are not included). */
    DirCursor list(String path) throws FsException;

    /** Opens file {@code path} for reading from byte {@code offset} (at or past the end: reads return -1). */
    FsReader openRead(String path, long offset) throws FsException;

    /** Opens file {@code path} for writing as {@code mode} says ({@code offset} only for {@link WriteMode#AT_OFFSET}). */
    FsWriter openWrite(String path, WriteMode mode, long offset) throws FsException;

    void mkdir(String path) throws FsException;

    /** Removes an empty directory (never the root). */
    void rmdir(String path) throws FsException;

    /** Removes a file (not a directory). */
    void delete(String path) throws FsException;

    /** Renames a file or directory; an existing file at {@code to} is replaced, a directory is not; a directory cannot move into itself. */
    void rename(String from, String to) throws FsException;

    /** Sets the modification time of {@code path} (FTP MFMT). */
    void setModified(String path, long millis) throws FsException;

    /** Bytes that can still be written (its limit less what is used; the host disk's usable space). */
    long freeSpace();
}
