package net.sloop.fs;

/**
 * A file-system operation that failed, with a {@link Reason} the FTP (or HTTP) server maps to a
 * reply code. Cheap on purpose: no stack trace is filled in (failures are expected events, such as
 * a client asking for a file that is not there), and the message is only for people.
 */
public final class FsException extends Exception {
    /** Why an operation failed. */
    public enum Reason {
        /** No such file or directory. */
        NOT_FOUND,
        /** The target exists already (mkdir, create-new, rename onto a directory). */
        EXISTS,
        /** A directory was needed. */
        NOT_DIRECTORY,
        /** A file was needed. */
        IS_DIRECTORY,
        /** rmdir of a directory that still has entries. */
        NOT_EMPTY,
        /** The file system's byte limit (or the host disk) is full. */
        NO_SPACE,
        /** The file system is read-only. */
        READ_ONLY,
        /** Not allowed: a path that would leave the jail, a symbolic link, a special file, removing the root. */
        DENIED,
        /** A name or path that is not acceptable (NUL, backslash, control characters, too long). */
        INVALID_NAME,
        /** The host reported an I/O error. */
        IO
    }

    private final Reason reason;

    public FsException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
