package net.sloop.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;
import net.sloop.mem.Budget;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * "A leak is a test failure." Registered for every JUnit Jupiter test by ServiceLoader
 * autodetection (see src/test/resources). A test registers, from anywhere in its thread:
 * <ul>
 *   <li>{@link #track(Budget)}: a budget that must be {@link Budget#atBaseline() at its baseline}
 *       when the test is over (a fresh budget's baseline is empty; call {@link Budget#markBaseline()}
 *       to move it);</li>
 *   <li>{@link #closeLater(AutoCloseable)}: stacks, links, sockets to close before the check, in
 *       reverse order of registration.</li>
 * </ul>
 * After the test and its own {@code @AfterEach} methods ({@link AfterEachCallback} runs after
 * them), the closeables are closed, every tracked budget is checked, then the budgets are closed.
 * A budget not at its baseline fails the test with its {@link Budget#leakReport()}.
 *
 * <p>jqwik does not run Jupiter extensions: annotate a property class (or method) with
 * {@code @AddLifecycleHook(LeakCheck.PerTry.class)} to get the same check around every try, or
 * call {@link #verifyNow()} at the end of each try.
 *
 * <p>Registrations are per thread and per test: each test (or try) gets a fresh frame, so a test
 * that runs other tests (EngineTestKit) keeps its own registrations.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {
    private static final class Frame {
        final List<Budget> budgets = new ArrayList<>();
        final List<AutoCloseable> closeables = new ArrayList<>();
    }

    /** Bottom frame: registrations made outside any Jupiter test or checked try (handled by {@link #verifyNow()}). */
    private static final ThreadLocal<Deque<Frame>> FRAMES = ThreadLocal.withInitial(() -> {
        Deque<Frame> d = new ArrayDeque<>();
        d.push(new Frame());
        return d;
    });

    /** Registers {@code b} to be at its baseline when the current test ends, then closed. Returns {@code b}. */
    public static Budget track(Budget b) {
        FRAMES.get().peek().budgets.add(b);
        return b;
    }

    /** Registers {@code c} to be closed when the current test ends, before the budgets are checked. Returns {@code c}. */
    public static <T extends AutoCloseable> T closeLater(T c) {
        FRAMES.get().peek().closeables.add(c);
        return c;
    }

    /**
     * Closes, checks and closes what was registered in the current frame so far, and starts it
     * afresh. Throws {@link AssertionError} naming what leaked.
     */
    public static void verifyNow() {
        Deque<Frame> frames = FRAMES.get();
        Frame f = frames.pop();
        frames.push(new Frame());
        finish(f);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        FRAMES.get().push(new Frame());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Deque<Frame> frames = FRAMES.get();
        Frame f = frames.size() > 1 ? frames.pop() : new Frame();
        finish(f);
    }

    /** jqwik hook: a fresh frame for every try, checked when the try ends; a leak falsifies the try. */
    public static final class PerTry implements AroundTryHook {
        @Override
        public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
            Deque<Frame> frames = FRAMES.get();
            Frame f = new Frame();
            frames.push(f);
            TryExecutionResult result;
            try {
                result = aTry.execute(parameters);
            } finally {
                frames.remove(f);
            }
            try {
                finish(f);
            } catch (AssertionError leak) {
                // A try that already failed keeps its own failure; its leftovers are still closed.
                if (result.isSatisfied()) return TryExecutionResult.falsified(leak);
            }
            return result;
        }
    }

    /** Closes the closeables (reverse order), checks the budgets, closes them; throws one error naming every problem. */
    private static void finish(Frame f) {
        StringBuilder problems = new StringBuilder();
        Throwable cause = null;
        for (int i = f.closeables.size() - 1; i >= 0; i--) {
            AutoCloseable c = f.closeables.get(i);
            try {
                c.close();
            } catch (Throwable t) {
                problems.append("closing ").append(c).append(" failed: ").append(t).append('\n');
                if (cause == null) cause = t;
            }
        }
        for (Budget b : f.budgets) {
            if (!b.atBaseline()) problems.append("leak: ").append(b.leakReport());
        }
        for (Budget b : f.budgets) {
            if (b.memory().scope().isAlive()) b.close();
        }
        if (!problems.isEmpty()) throw new AssertionError(problems.toString().strip(), cause);
    }
}
