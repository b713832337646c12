package net.sloop.dashboard;

import static net.sloop.testing.ChargeSizes.assertChargeCovers;
import static net.sloop.testing.ChargeSizes.retainedBytes;

import java.util.List;
import net.sloop.http.HttpConfig;
import net.sloop.http.HttpServer;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.status.StatusView;
import net.sloop.testing.LeakCheck;
import org.junit.jupiter.api.Test;

/**
 * The status pages' charge covers what they retain (JOL), with what they only point at left out:
 * the stack, the HTTP server, the view, and the files read from the jar ({@link Assets}, shared by
 * every mount and outside the budget like the files of --http-root).
 */
class StatusPagesChargeTest {
    @Test
    void theChargeCoversTheHeap() {
        for (int conns : new int[] {1, 4, 64}) {
            for (String base : new String[] {"/s", "/status", "/" + "x".repeat(63)}) {
                Stack stack = new Stack(StackConfig.builder().budget(4 << 20).applicationTimers(2).build());
                stack.budget().markBaseline();
                LeakCheck.track(stack.budget());
                HttpServer http = HttpServer.start(stack, HttpConfig.builder(null).maxConnections(conns).build());
                StatusView view = StatusView.open(stack, StatusView.Config.defaults(), List.of());
                StatusPages p = StatusPages.mount(stack, http, view, base);
                assertChargeCovers("status pages (" + conns + " connections, base of " + base.length() + ")", p, p.chargedBytes(), stack, http, view,
                        Assets.get(), stack.budget());
                System.out.println("status pages with " + conns + " connections at " + base.length() + " characters: " + retainedBytes(p, stack, http, view,
                        Assets.get(), stack.budget()) + " heap bytes retained, charged " + p.chargedBytes());
                p.close();
                view.close();
                http.close();
            }
        }
    }
}
