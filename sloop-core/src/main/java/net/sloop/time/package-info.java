/**
 * Time for a core that reads no clock: {@link net.sloop.time.Clock} (the system's, or a
 * {@link net.sloop.time.VirtualClock} for simulated time), and the timers a stack arms
 * ({@link net.sloop.time.TimerQueue}, {@link net.sloop.time.Timer}), whose earliest deadline tells a
 * driver when to call again.
 */
package net.sloop.time;
