package net.sloop.fs;

/** A file open for reading from some offset. Reads are synchronous and small (the caller's chunk). Close when done (idempotent). */
public interface FsReader extends AutoCloseable {
    /** Reads up to {@code len} bytes; returns the count, or -1 at the end of the file. */
    int read(byte[] dst, int off, int len) throws FsException;

    @Override
    void close();
}
