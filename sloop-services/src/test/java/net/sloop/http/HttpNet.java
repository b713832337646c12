package net.sloop.http;

import net.sloop.fs.FileSystem;
import net.sloop.stack.StackConfig;
import net.sloop.testing.LeakCheck;
import net.sloop.testing.SimLan;
import net.sloop.time.Time;

/**
 * The three stacks of {@link SimLan} with an {@link HttpServer} on the server. {@link #finish()}
 * lets every connection end on its own, checks the server is back at the budget it had once
 * started, closes it and checks every budget is back at its baseline.
 */
final class HttpNet extends SimLan {
    HttpServer http;
    long serverBaseline;

    HttpNet(long seed, long serverBudget) {
        this(seed, serverConfig(serverBudget));
    }

    HttpNet(long seed, StackConfig serverConfig) {
        super(seed, serverConfig);
    }

    static HttpConfig.Builder config(FileSystem fs) {
        return HttpConfig.builder(fs).wallClockMillis(() -> WALL);
    }

    HttpServer start(HttpConfig cfg) {
        sync();
        http = HttpServer.start(server, cfg);
        serverBaseline = server.budget().used();
        return http;
    }

    HttpTestClient connect() {
        return new HttpTestClient(this, client);
    }

    HttpTestClient connectOther() {
        return new HttpTestClient(this, other);
    }

    /** Lets every connection end on its own, checks the server's memory, closes it and checks every budget. */
    void finish() {
        runToEnd(Time.seconds(200));
        if (http != null) {
            // To the byte: its charge at start and its routes' (added after the baseline was taken, so
            // the block-granular check below holds only without routes); a held body or event not given
            // back shows here even when it does not cross a block.
            long expected = HttpServer.chargeFor(http.config()) + http.routeBytes();
            if (http.chargedBytes() != expected) {
                throw new AssertionError("the HTTP server is charged " + http.chargedBytes() + " bytes idle, " + expected
                        + " for itself and its routes: a held body or event was not given back");
            }
            if (http.routeBytes() == 0) checkServerAt(serverBaseline, "the HTTP server");
            http.close();
        }
        LeakCheck.verifyNow();
    }
}
