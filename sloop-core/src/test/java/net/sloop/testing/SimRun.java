package net.sloop.testing;

import java.util.function.BooleanSupplier;
import net.sloop.sim.SimNetwork;

/**
 * Runs a simulated network while test code acts as the applications: {@code done} is checked
 * after every event with the stacks' clocks brought to the simulator's ({@code sync}), may read,
 * write and close, and if it is not done the stacks are polled again so that the timers its calls
 * armed are known to the simulator.
 */
public final class SimRun {
    private SimRun() {}

    /** True if {@code done} held within {@code forNanos} of simulated time. */
    public static boolean until(SimNetwork net, Runnable sync, BooleanSupplier done, long forNanos) {
        boolean ok = net.runUntil(() -> {
            sync.run();
            boolean d = done.getAsBoolean();
            if (!d) net.poke();
            return d;
        }, net.now() + forNanos);
        sync.run();
        return ok;
    }
}
