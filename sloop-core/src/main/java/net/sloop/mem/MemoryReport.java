package net.sloop.mem;

/** The budget's figures as text for people: totals, then per category, then per owner holding anything. */
public final class MemoryReport {
    private MemoryReport() {}

    public static String of(Budget b) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("budget %d bytes in %d blocks of %d (receive reserve %d blocks)%n",
                b.capacity(), b.blockCount(), b.blockSize(), b.reserveBlocks()));
        sb.append(String.format("  used %d  free %d  peak %d  min-ever-free %d  failures %d  baseline %d%n",
                b.used(), b.free(), b.peak(), b.minFree(), b.failures(), b.baseline()));
        // Committed blocks count as free above, but only their holders can take them: shown apart.
        sb.append(String.format("  committed %d  uncommitted free %d (receive reserve %d)  peak used+committed %d  min-ever uncommitted free %d%n",
                (long) b.committedBlocks() * b.blockSize(), (long) (b.freeBlocks() - b.committedBlocks()) * b.blockSize(),
                (long) b.reserveBlocks() * b.blockSize(), (long) b.peakTakenBlocks() * b.blockSize(),
                (long) b.minUncommittedFreeBlocks() * b.blockSize()));
        sb.append(String.format("  %-15s %10s %10s %9s%n", "category", "used", "peak", "failures"));
        for (Category c : Category.ALL) {
            if (b.used(c) == 0 && b.peak(c) == 0 && b.failures(c) == 0) continue;
            sb.append(String.format("  %-15s %10d %10d %9d%n", c.name().toLowerCase(), b.used(c), b.peak(c), b.failures(c)));
        }
        if (b.charged() > 0) {
            long slab = (b.charged() + b.blockSize() - 1) / b.blockSize() * b.blockSize();
            sb.append(String.format("  control structures: %d bytes charged, %d bytes of blocks set aside%n", b.charged(), slab));
        }
        sb.append(String.format("  %-28s %10s %10s %9s%n", "owner", "used", "peak", "failures"));
        for (Owner o : b.activeOwners()) {
            sb.append(String.format("  %-28s %10d %10d %9d%n", o, o.used(), o.peak(), o.failures()));
        }
        return sb.toString();
    }
}
