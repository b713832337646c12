/**
 * A deterministic network simulator for testing stacks in simulated time.
 *
 * <pre>{@code
 * SimNetwork net = new SimNetwork(seed);
 * Impairments lossy = Impairments.none().withLoss(0.05).withDelay(Time.millis(10));
 * SimPort a = net.port("a", Link.Kind.ETHERNET, 0x02_00_00_00_00_01L, 1500, lossy);
 * SimPort b = net.port("b", Link.Kind.ETHERNET, 0x02_00_00_00_00_02L, 1500, lossy);
 * net.connect(a, b);               // or: net.segment("lan").join(a).join(b).join(c)
 * net.addNode(stackA);             // anything Pollable: polled at its deadlines
 * net.addNode(stackB);
 * boolean ok = net.runUntil(() -> done, Time.seconds(30));
 * }</pre>
 *
 * <p>All times are nanoseconds of the network's {@link net.sloop.time.VirtualClock}, which starts
 * at 0. There are no threads: frames are delivered, and nodes polled, on the thread that calls
 * {@code runUntil}/{@code runFor}. A seed fixes every random choice, so a failing seed replays.
 * A port can be wrapped in a {@link net.sloop.link.PcapTap} to capture its traffic with simulated
 * timestamps.
 */
package net.sloop.sim;
