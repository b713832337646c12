package net.sloop.fs;

/** How {@link FileSystem#openWrite} opens a file. */
public enum WriteMode {
    /** Create, or empty an existing file (FTP STOR). */
    TRUNCATE,
    /** Create a file that must not exist yet (FTP STOU). */
    CREATE_NEW,
    /** Create, or add at the end (FTP APPE). */
    APPEND,
    /** Keep the first {@code offset} bytes of an existing file, drop the rest, write from there (FTP REST then STOR, RFC 3659 §5). */
    AT_OFFSET
}
