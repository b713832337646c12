/**
 * The live view of a stack ({@link net.sloop.status.StatusView}): where every byte of the budget is, per
 * category and per connection, with protocol counters and service figures; as text, as JSON (schema in
 * docs/STATUS.md) and as a CSV memory history. Sampling and writing charge their memory to the budget.
 */
package net.sloop.status;
