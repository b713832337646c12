package net.sloop.fs;

/**
 * The facts about one file or directory: what a listing line, MLSx and SIZE/MDTM need. Mutable
 * and reusable: a {@link DirCursor} fills the same entry for every name, so listing a directory
 * of any size allocates no entry per name.
 */
public final class FsEntry {
    /** A regular file or a directory; nothing else is ever shown (links and special files are skipped). */
    public enum Type {
        /** A regular file. */
        FILE,
        /** A directory. */
        DIR
    }

    String name;
    Type type;
    long size;
    long modifiedMillis;
    boolean writable;
    long unique;

    public FsEntry() {}

    public FsEntry(String name, Type type, long size, long modifiedMillis, boolean writable, long unique) {
        set(name, type, size, modifiedMillis, writable, unique);
    }

    /** Fills this entry (for implementations and tests). */
    public FsEntry set(String name, Type type, long size, long modifiedMillis, boolean writable, long unique) {
        this.name = name;
        this.type = type;
        this.size = size;
        this.modifiedMillis = modifiedMillis;
        this.writable = writable;
        this.unique = unique;
        return this;
    }

    /** The last component of the path ("" for the root). */
    public String name() { return name; }
    public Type type() { return type; }
    public boolean isDirectory() { return type == Type.DIR; }
    /** Bytes in a file; 0 for a directory. */
    public long size() { return size; }
    /** Last modification, in milliseconds since the epoch (UTC). */
    public long modifiedMillis() { return modifiedMillis; }
    /** False on a read-only file system (or a host file the process may not write). */
    public boolean writable() { return writable; }
    /** A number that identifies the file within its file system while it exists (MLSx "unique"). */
    public long unique() { return unique; }

    @Override
    public String toString() {
        return (type == Type.DIR ? "d " : "- ") + name + " " + size + " " + modifiedMillis;
    }
}
