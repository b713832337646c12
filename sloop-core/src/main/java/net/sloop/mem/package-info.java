/**
 * The memory budget: one arena allocated once and carved into fixed blocks ({@link net.sloop.mem.Budget}),
 * chains of blocks for packet data ({@link net.sloop.mem.Chains}), and control structures charged in bytes.
 * Every byte is charged to a {@link net.sloop.mem.Category} and an {@link net.sloop.mem.Owner}; figures per
 * category and owner (capacity, used, free, peak, minimum ever free, failures) in a
 * {@link net.sloop.mem.MemoryReport}. Exhaustion is a counted, survivable event, never an exception.
 */
package net.sloop.mem;
