package net.sloop.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command learns that it should stop, and how it gets to finish its cleanup
 * when the stop is a signal.
 *
 * <p>SIGINT and SIGTERM (and SIGHUP) make the JVM run its shutdown hooks and then halt. The hook
 * registered here does no cleanup itself: it wakes the command's thread ({@link #await} returns
 * true), then waits until that thread calls {@link #finish} with its exit status, and halts the
 * JVM with that status. So the cleanup (closing sockets, deleting a namespace, printing the
 * summary) runs on the command's thread exactly as after a normal stop, and always completes
 * before the JVM halts; a cleanup stuck for longer than the limit is abandoned with status 1.
 *
 * <p>On a normal stop the command calls {@link #finish} and then {@link #close}, which removes the
 * hook (if a signal raced in meanwhile, the hook halts with the status given to finish).
 */
final class StopSignal implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final long cleanupLimitSeconds;
    private final Thread hook;
    private volatile boolean signalled;
    private volatile int exitStatus = 1;

    /** Registers the shutdown hook; a signal's cleanup may take up to {@code cleanupLimitSeconds}. */
    StopSignal(long cleanupLimitSeconds) {
        this.cleanupLimitSeconds = cleanupLimitSeconds;
        this.hook = new Thread(this::onShutdown, "sloop-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private void onShutdown() {
        signalled = true;
        stop.countDown();
        boolean finished;
        try {
            finished = done.await(cleanupLimitSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            finished = false;
        }
        if (!finished) {
            System.err.println("sloop: cleanup did not finish within " + cleanupLimitSeconds + " s of the signal; exiting without it");
            System.err.flush();
        }
        System.out.flush();
        Runtime.getRuntime().halt(finished ? exitStatus : 1);
    }

    /** True once a signal asked the process to stop. */
    boolean signalled() {
        return signalled;
    }

    /**
     * Waits for a signal at most {@code nanos} (0 or less: without limit); true if one came.
     * Returns at once if one already came.
     */
    boolean await(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            stop.await();
            return true;
        }
        return stop.await(nanos, TimeUnit.NANOSECONDS);
    }

    /** The command's cleanup is over: a waiting hook may halt the JVM with {@code status}. */
    void finish(int status) {
        exitStatus = status;
        done.countDown();
    }

    /** Removes the hook, unless the JVM is already shutting down (then the hook finishes the job). */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it halts with the status given to finish.
        }
    }
}
