package net.sloop.fs;

/**
 * A position in a directory listing: {@link #next} fills the caller's entry with the next name,
 * one at a time, so a directory of any size is listed through a bounded buffer, never built whole
 * in memory. Names come in the file system's order (not sorted). Close when done (idempotent).
 */
public interface DirCursor extends AutoCloseable {
    /** Fills {@code into} with the next entry; false when there is none left. */
    boolean next(FsEntry into) throws FsException;

    @Override
    void close();
}
