package net.sloop.status;

import net.sloop.mem.Category;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;

/** The enums' values, cached: {@code values()} copies its array at every call, and the live view must allocate nothing. */
final class Enums {
    static final Category[] CATEGORIES = Category.values();
    static final Proto[] PROTOS = Proto.values();
    static final Counter[] COUNTERS = Counter.values();
    static final DropReason[] DROPS = DropReason.values();

    private Enums() {}
}
