/**
 * Counters per protocol ({@link net.sloop.stats.Stats}, {@link net.sloop.stats.Proto}) in the spirit of
 * lwIP's, and a count of every dropped packet by reason ({@link net.sloop.stats.DropReason}).
 */
package net.sloop.stats;
