package net.sloop.stats;

/**
 * Live counters of a stack: per protocol ({@link Counter}) and per drop reason ({@link
 * DropReason}). Incrementing allocates nothing. Written by the stack's thread; may be read from
 * others for display.
 */
public final class Stats {
    private final long[] counts = new long[Proto.COUNT * Counter.COUNT];

    /** Counters all at zero. */
    public Stats() {}
    private final long[] drops = new long[DropReason.COUNT];

    public void received(Proto p) {
        counts[p.ordinal() * Counter.COUNT + Counter.RECEIVED.ordinal()]++;
    }

    public void sent(Proto p) {
        counts[p.ordinal() * Counter.COUNT + Counter.SENT.ordinal()]++;
    }

    /** Counts a drop: its reason, its protocol's DROPPED counter, and its error counter if any. */
    public void drop(DropReason r) {
        drops[r.ordinal()]++;
        int base = r.proto().ordinal() * Counter.COUNT;
        counts[base + Counter.DROPPED.ordinal()]++;
        if (r.counter() != null) counts[base + r.counter().ordinal()]++;
    }

    public long get(Proto p, Counter c) {
        return counts[p.ordinal() * Counter.COUNT + c.ordinal()];
    }

    public long drops(DropReason r) {
        return drops[r.ordinal()];
    }

    /** Drops of every reason. */
    public long totalDrops() {
        long n = 0;
        for (long d : drops) n += d;
        return n;
    }

    /** A table of the non-zero counters and drop reasons. */
    public String report() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-9s", "proto"));
        for (Counter c : Counter.ALL) sb.append(String.format(" %9s", abbreviation(c)));
        sb.append('\n');
        for (Proto p : Proto.ALL) {
            boolean any = false;
            for (Counter c : Counter.ALL) any |= get(p, c) != 0;
            if (!any) continue;
            sb.append(String.format("%-9s", p.name().toLowerCase()));
            for (Counter c : Counter.ALL) sb.append(String.format(" %9d", get(p, c)));
            sb.append('\n');
        }
        boolean header = false;
        for (DropReason r : DropReason.ALL) {
            if (drops[r.ordinal()] == 0) continue;
            if (!header) {
                sb.append("drops by reason:\n");
                header = true;
            }
            sb.append(String.format("  %-22s %9d  %s%n", r.name().toLowerCase(), drops[r.ordinal()], r.description()));
        }
        return sb.toString();
    }

    private static String abbreviation(Counter c) {
        return switch (c) {
            case RECEIVED -> "recv";
            case SENT -> "sent";
            case DROPPED -> "drop";
            case CHECKSUM_ERRORS -> "chkerr";
            case LENGTH_ERRORS -> "lenerr";
            case MEMORY_ERRORS -> "memerr";
            case PROTOCOL_ERRORS -> "proterr";
            case OPTION_ERRORS -> "opterr";
            case ROUTING_ERRORS -> "rterr";
        };
    }
}
