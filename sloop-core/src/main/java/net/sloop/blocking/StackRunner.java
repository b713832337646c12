package net.sloop.blocking;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import net.sloop.iface.NetIf;
import net.sloop.link.DescriptorLink;
import net.sloop.link.DescriptorPoller;
import net.sloop.link.Link;
import net.sloop.stack.Stack;
import net.sloop.time.Clock;
import net.sloop.time.TimerQueue;

/**
 * Drives one or more {@link Stack}s in real time on one thread (platform or virtual), and owns the
 * lock that serialises every use of them: the protocol core is single-threaded, so any other
 * thread (the blocking sockets, a test reading the budget) takes {@link #lock()} for the whole
 * call, or uses {@link #call}.
 *
 * <p>The loop: take the lock; read the clock; {@link Stack#advance advance} and {@link Stack#poll
 * poll} every stack; while a link still has frames to deliver (loopback, a {@link
 * net.sloop.link.PairLink} whose other end was just polled) poll again at once; otherwise wait on
 * a {@link Condition} of the lock until the earliest deadline or a {@link #wakeup()}. It never
 * spins when idle. Socket events ({@link net.sloop.tcp.TcpSocket.Listener}) are therefore
 * delivered on the runner's thread with the lock held.
 *
 * <p>Links with a file descriptor ({@link DescriptorLink}: TUN, TAP) change how it waits: each
 * round first reads up to {@value #BATCH} frames from every such link (a batch that fills means
 * more are waiting, so the next round starts at once, after timers and output have run), and an
 * idle loop waits in the links' {@link DescriptorPoller} (ppoll(2) plus an eventfd, for TUN/TAP)
 * with the lock <em>released</em>, until a descriptor is readable, the next deadline, or a wakeup,
 * which wakes the poller (only while the loop is actually waiting in it). A descriptor that fails for good
 * (its device deleted) is dropped from the set. Such a runner is best on a platform thread: a
 * virtual thread in ppoll(2) holds its carrier.
 *
 * <p>Interfaces must be added to the stacks before the runner is created (their links are read
 * once). The lock is fair, so that application threads waiting for it get in between rounds of a
 * busy loop. Close sockets before the runner: after {@link #close()} nothing delivers frames, and
 * a call blocked without a timeout would wait for ever.
 */
public final class StackRunner implements AutoCloseable {
    /** Frames read from one descriptor link per round, at most. */
    public static final int BATCH = 64;

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition wake = lock.newCondition();
    private final Stack[] stacks;
    private final Link[] links;
    private final Clock clock;
    private final Thread thread;
    private final DescriptorLink[] fdLinks;
    private final boolean[] fdLive;
    private final DescriptorPoller poller; // null without descriptor links
    private boolean polling; // the loop is in ppoll (or about to be) with the lock released
    private boolean wakeRequested;
    private volatile boolean closing;
    private volatile Throwable failure;
    // Figures (read under the lock).
    private long rounds, waits;

    /**
     * Starts a runner for {@code stacks} reading {@code clock}, on a thread made by {@code
     * threads} (for example {@code Thread.ofPlatform().daemon()} or {@code Thread.ofVirtual()}).
     */
    public StackRunner(Clock clock, Thread.Builder threads, Stack... stacks) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (stacks.length == 0) throw new IllegalArgumentException("a runner needs at least one stack");
        this.stacks = stacks.clone();
        List<Link> l = new ArrayList<>();
        for (Stack s : this.stacks) for (NetIf nif : s.interfaces()) l.add(nif.link());
        this.links = l.toArray(Link[]::new);
        List<DescriptorLink> d = new ArrayList<>();
        for (Link link : links) if (link instanceof DescriptorLink dl) d.add(dl);
        this.fdLinks = d.toArray(DescriptorLink[]::new);
        this.fdLive = new boolean[fdLinks.length];
        if (fdLinks.length == 0) {
            this.poller = null;
        } else {
            try {
                this.poller = fdLinks[0].newPoller(fdLinks.length);
            } catch (IOException e) {
                throw new IllegalStateException("cannot wait on the links' descriptors: " + e.getMessage(), e);
            }
            for (int i = 0; i < fdLinks.length; i++) {
                int fd = fdLinks[i].fd();
                poller.add(fd);
                fdLive[i] = fd >= 0;
                if (fd < 0) poller.remove(i);
            }
        }
        this.thread = threads.unstarted(this::run);
        thread.start();
    }

    /** A runner on a daemon platform thread named "sloop-runner", reading {@link Clock#system()}. */
    public static StackRunner start(Stack... stacks) {
        return new StackRunner(Clock.system(), Thread.ofPlatform().daemon().name("sloop-runner"), stacks);
    }

    /** A runner on a virtual thread, reading {@link Clock#system()}. */
    public static StackRunner startVirtual(Stack... stacks) {
        return new StackRunner(Clock.system(), Thread.ofVirtual().name("sloop-runner"), stacks);
    }

    // ------------------------------------------------------------------ the loop

    private void run() {
        lock.lock();
        try {
            while (!closing) round();
        } catch (InterruptedException e) {
            if (!closing) failure = e;
        } catch (IOException e) {
            failure = e; // waiting failed: nothing this loop can do
        } catch (Throwable e) {
            failure = e;
            throw e;
        } finally {
            polling = false;
            lock.unlock();
        }
    }

    /**
     * One round of the loop: time, input, output, then a wait unless more is due at once. A
     * method of its own rather than the loop's body: the loop is entered once and never returns,
     * so its body would run interpreted until the JIT compiled it on-stack (after tens of thousands
     * of rounds); a method called each round is compiled like any other hot method.
     */
    private void round() throws InterruptedException, IOException {
        wakeRequested = false;
        long t = clock.nanos();
        long next = TimerQueue.NONE;
        for (Stack s : stacks) s.advance(t);
        if (poller != null && readDescriptors(t)) next = t;
        for (Stack s : stacks) next = Math.min(next, s.poll(t));
        for (Link l : links) if (l.pending()) next = t;
        rounds++;
        if (next <= t || wakeRequested) {
            if (lock.hasQueuedThreads()) {
                // Busy: let waiting application threads in between rounds (the lock is fair).
                lock.unlock();
                lock.lock();
            }
            return;
        }
        waits++;
        if (poller != null) awaitDescriptors(next == TimerQueue.NONE ? -1 : next - t);
        else if (next == TimerQueue.NONE) wake.await();
        else wake.awaitNanos(next - t);
    }

    /** Reads a batch from every live descriptor link; true if one filled its batch (more waiting). */
    private boolean readDescriptors(long t) {
        boolean more = false;
        for (Stack s : stacks) s.beginReceiveBatch(); // one ACK per connection for the batch
        try {
            more = readBatch(t);
        } finally {
            for (Stack s : stacks) s.endReceiveBatch(t);
        }
        return more;
    }

    private boolean readBatch(long t) {
        boolean more = false;
        for (int i = 0; i < fdLinks.length; i++) {
            if (!fdLive[i]) continue;
            int n = fdLinks[i].receive(t, BATCH);
            if (n == BATCH) more = true;
            else if (n < 0 || (n == 0 && poller.failed(i))) {
                // The device is gone (or its descriptor closed): stop waiting on it, or ppoll would spin.
                fdLive[i] = false;
                poller.remove(i);
            }
        }
        return more;
    }

    /** Waits in the poller with the lock released; wakeups meanwhile wake the poller. */
    private void awaitDescriptors(long timeoutNanos) throws IOException {
        polling = true;
        lock.unlock();
        try {
            poller.await(timeoutNanos);
        } finally {
            lock.lock();
            polling = false;
        }
    }

    // ------------------------------------------------------------------ for other threads

    /**
     * Takes the lock (for the whole application call) and brings every stack's time to the
     * clock's, so that what the call sends carries the right time.
     */
    public void lock() {
        lock.lock();
        long t = clock.nanos();
        for (Stack s : stacks) s.advance(t);
    }

    public void unlock() {
        lock.unlock();
    }

    /** Runs {@code c} under the lock, then {@linkplain #wakeup() wakes} the loop. */
    public <T> T call(Callable<T> c) throws Exception {
        lock();
        try {
            return c.call();
        } finally {
            wakeupLocked();
            unlock();
        }
    }

    /** Runs {@code r} under the lock, then wakes the loop. */
    public void run(Runnable r) {
        lock();
        try {
            r.run();
        } finally {
            wakeupLocked();
            unlock();
        }
    }

    /**
     * Makes the loop poll again at once: call after an application call that sent something or
     * armed a timer (the blocking sockets do). Cheap; may be called with or without the lock.
     */
    public void wakeup() {
        lock.lock();
        try {
            wakeupLocked();
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #wakeup()}, for a caller that holds the lock (the blocking sockets, the NIO channels). */
    public void wakeupLocked() {
        wakeRequested = true;
        if (polling) {
            polling = false; // one eventfd write per wait is enough
            poller.wake();
        } else {
            wake.signal();
        }
    }

    /** A new condition of the runner's lock (for sockets' and selectors' waits, awaited with the lock held). */
    public Condition newCondition() {
        return lock.newCondition();
    }

    /** True if the calling thread holds the runner's lock. */
    public boolean holdsLock() {
        return lock.isHeldByCurrentThread();
    }

    /** The clock the runner reads. */
    public Clock clock() {
        return clock;
    }

    /** Rounds of polling so far, and how many of them ended in a wait (read under the lock). */
    public long rounds() {
        return rounds;
    }

    public long idleWaits() {
        return waits;
    }

    /** The error that stopped the loop, or null. */
    public Throwable failure() {
        return failure;
    }

    public boolean isRunning() {
        return thread.isAlive() && !closing;
    }

    /**
     * Stops the loop (waking it from the poller) and joins its thread, then closes
     * the poller. The stacks and their links are left as they are (still usable under the lock,
     * e.g. to drain them; closing a stack closes its links and their descriptors). Idempotent.
     */
    @Override
    public void close() {
        if (Thread.currentThread() == thread) throw new IllegalStateException("the runner cannot close itself from its own thread");
        closing = true;
        wakeup();
        boolean interrupted = false;
        while (true) {
            try {
                if (thread.join(java.time.Duration.ofSeconds(10))) break;
                throw new IllegalStateException("runner thread did not stop within 10 s");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (poller != null) {
            lock.lock();
            try {
                poller.close();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public String toString() {
        return "StackRunner[" + stacks.length + " stacks, " + links.length + " links, " + (isRunning() ? "running" : "stopped") + "]";
    }
}
