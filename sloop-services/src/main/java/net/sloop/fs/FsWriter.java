package net.sloop.fs;

/**
 * A file open for writing. Ends with exactly one of {@link #commit} (keep what was written) or
 * {@link #discard} (a write that failed or was aborted: a file opened with {@link WriteMode#TRUNCATE}
 * or {@link WriteMode#CREATE_NEW} is removed, so nothing partial remains; with
 * {@link WriteMode#APPEND} or {@link WriteMode#AT_OFFSET} the client asked to resume, and what
 * arrived is kept). Both are idempotent; the first one wins.
 */
public interface FsWriter {
    /** Writes all {@code len} bytes, or throws (NO_SPACE when the limit is reached: nothing of this call is kept). */
    void write(byte[] src, int off, int len) throws FsException;

    void commit() throws FsException;

    void discard();

    /** Bytes in the file now. */
    long length();
}
