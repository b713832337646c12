package net.sloop.mem;

/**
 * Who holds a piece of the budget: a socket, a connection, a table, a layer. Owners are small and
 * allocation-free to use; their figures are kept live by the {@link Budget}. An owner's name is
 * produced lazily from its label, so naming costs nothing on the hot path.
 *
 * <p>An owner holding anything is linked into its budget's list of active owners, which is how a
 * leak report finds what is still held without scanning.
 */
public final class Owner {
    private static final Object NO_LABEL = new Object();

    private final String kind;
    private final Object label;
    // Figures in bytes. ints suffice: an owner never holds more than the arena, and a Budget is
    // smaller than 2 GiB (see Budget.MAX_CAPACITY).
    final int[] used = new int[Category.COUNT];
    int total; // non-zero exactly while the owner is on the budget's active list
    int peak;
    long failures;
    // Intrusive links in the budget's active-owner list.
    Owner prev;
    Owner next;

    /**
     * @param kind what sort of owner this is ("udp", "arp", "tcp", ...)
     * @param label an object whose {@code toString()} names this owner, read only when reporting
     */
    public Owner(String kind, Object label) {
        this.kind = kind;
        this.label = label == null ? NO_LABEL : label;
    }

    public Owner(String kind) {
        this(kind, null);
    }

    public String kind() {
        return kind;
    }

    /** Bytes held now in the given category. */
    public long used(Category c) {
        return used[c.ordinal()];
    }

    /** Bytes held now in all categories. */
    public long used() {
        return total;
    }

    /** Highest {@link #used()} ever. */
    public long peak() {
        return peak;
    }

    /** Allocations or charges refused to this owner. */
    public long failures() {
        return failures;
    }

    /**
     * Heap bytes an Owner retains, its kind and label excluded (shared), included in its holder's
     * charge. Measured with JOL in OwnerSizeTest: 104 with compressed oops (object 48 + int[9]
     * 56), 128 without them (heaps over 32 GiB); this covers both.
     */
    public static final int HEAP_BYTES = 128;

    @Override
    public String toString() {
        return label == NO_LABEL ? kind : kind + " " + label;
    }
}
