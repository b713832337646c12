package net.sloop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

class LeakCheckTest {
    static final String FIXTURE = "sloop.leakcheck.fixture";
    static final List<String> closed = new ArrayList<>();

    /** Fixture tests run only through {@link #run}, never in the normal suite. */
    static boolean fixture(ExtensionContext c) {
        return c.getConfigurationParameter(FIXTURE).isPresent();
    }

    static Budget budget() {
        return LeakCheck.track(new Budget(64 * 1024, 256, 4));
    }

    @EnabledIf("net.sloop.testing.LeakCheckTest#fixture")
    static class Leaking {
        @Test
        void forgetsABlock() {
            budget().alloc(Category.SOCKET_SEND, new Owner("tcp", "10.0.0.1:80"));
        }
    }

    @EnabledIf("net.sloop.testing.LeakCheckTest#fixture")
    static class Clean {
        Budget b;
        int block = -1;

        @Test
        void freesInAfterEach() {
            b = budget();
            block = b.alloc(Category.RX, new Owner("eth"));
            LeakCheck.closeLater(() -> closed.add("first"));
            LeakCheck.closeLater(() -> closed.add("second"));
        }

        @AfterEach
        void cleanUp() {
            b.free(block); // runs before the leak check
        }
    }

    @EnabledIf("net.sloop.testing.LeakCheckTest#fixture")
    static class Baseline {
        @Test
        void keepsWhatWasThereAtTheBaseline() {
            Budget b = budget();
            Owner table = new Owner("arp-table");
            b.charge(Category.CONTROL, table, 500);
            b.markBaseline();
            Owner conn = new Owner("tcp", "conn-7");
            int x = b.alloc(Category.TX, conn);
            b.free(x);
        }

        @Test
        void unchargesWhatWasThereAtTheBaseline() {
            Budget b = budget();
            Owner table = new Owner("arp-table");
            b.charge(Category.CONTROL, table, 500);
            b.markBaseline();
            b.uncharge(Category.CONTROL, table, 500);
        }
    }

    private static EngineExecutionResults run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .configurationParameter(FIXTURE, "true")
                .selectors(selectClass(fixture))
                .execute();
    }

    private static String failureMessage(Event e) {
        return e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow().getMessage();
    }

    @Test
    void failsALeakingTestNamingTheOwner() {
        var events = run(Leaking.class).testEvents();
        events.assertStatistics(s -> s.started(1).failed(1).succeeded(0));
        String msg = failureMessage(events.failed().list().getFirst());
        assertTrue(msg.contains("tcp 10.0.0.1:80 holds 256 bytes more of SOCKET_SEND"), msg);
    }

    @Test
    void passesACleanTestAfterItsAfterEachAndClosesInReverseOrder() {
        closed.clear();
        run(Clean.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        assertEquals(List.of("second", "first"), closed);
    }

    @Test
    void judgesAgainstTheMarkedBaseline() {
        var events = run(Baseline.class).testEvents();
        events.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        String msg = failureMessage(events.failed().list().getFirst());
        assertTrue(msg.contains("arp-table holds 500 bytes fewer of CONTROL"), msg);
    }

    @Test
    void fixturesAreSkippedInTheNormalSuite() {
        // Without the configuration parameter the fixtures are disabled, so the suite never sees their leaks.
        var events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Leaking.class)).execute().containerEvents();
        assertFalse(events.skipped().list().isEmpty());
    }

    @Test
    void perTryHookFalsifiesALeakingTryAndPassesACleanOne() {
        var hook = new LeakCheck.PerTry();
        var leaky = hook.aroundTry(null, params -> {
            budget().alloc(Category.TIME_WAIT, new Owner("tw", "10.0.0.9:22"));
            return net.jqwik.api.lifecycle.TryExecutionResult.satisfied();
        }, List.of());
        assertTrue(leaky.isFalsified());
        String msg = leaky.throwable().orElseThrow().getMessage();
        assertTrue(msg.contains("tw 10.0.0.9:22 holds 256 bytes more of TIME_WAIT"), msg);
        var clean = hook.aroundTry(null, params -> {
            Budget b = budget();
            b.free(b.alloc(Category.RX, new Owner("eth")));
            return net.jqwik.api.lifecycle.TryExecutionResult.satisfied();
        }, List.of());
        assertTrue(clean.isSatisfied());
    }

    @Test
    void verifyNowReportsAndClosesWhatWasTracked() {
        Budget b = LeakCheck.track(new Budget(64 * 1024, 256, 4));
        int x = b.alloc(Category.TX, new Owner("udp", "port 53"));
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, LeakCheck::verifyNow);
        assertTrue(e.getMessage().contains("udp port 53 holds 256 bytes more of TX"), e.getMessage());
        assertFalse(b.memory().scope().isAlive(), "a tracked budget is closed after the check");
        b.free(x); // bookkeeping still works after close
        LeakCheck.verifyNow(); // nothing tracked any more
    }
}
