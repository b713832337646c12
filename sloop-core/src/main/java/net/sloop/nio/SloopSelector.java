package net.sloop.nio;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;

/**
 * A {@link Selector} over one stack's channels. A selection takes the runner's lock, asks every
 * registered channel what would not block now ({@link SloopChannel#readyOps()}, level-triggered,
 * as poll(2) does), and if nothing is ready awaits a {@link Condition} of the lock (releasing it,
 * so the stack runs) until a channel's event signals it (readable, writable, acceptable,
 * connected, closed: delivered by the stack under the lock), a key's interest grows, a channel
 * registers, {@link #wakeup()}, the thread's interrupt, or the timeout. It never polls on a timer.
 *
 * <p>Key sets follow {@link Selector}: {@link #keys()} is unmodifiable (and safe to iterate while
 * other threads register); {@link #selectedKeys()} allows removal only; cancelled keys are
 * removed from both, and their channels deregistered, at the start and end of each selection.
 * A key already selected whose channel is still ready makes a selection return at once (with 0 if
 * its ready set did not grow), as the JDK's selectors do.
 *
 * <p>Only channels of the same {@link SloopProvider} (the same stack and runner) may register.
 */
final class SloopSelector extends AbstractSelector {
    private final Net net;
    private final Condition changed;
    // Registered keys, for the selection's scan (under the lock), and their public view.
    private SloopKey[] keys = new SloopKey[16];
    private int count;
    private final Set<SelectionKey> keySet = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keySet);
    private final SelectedKeys selected = new SelectedKeys();
    // Wakeups and interest changes from other threads reach a waiting selection (Dekker-style:
    // the selection sets waiting, then checks these; the other thread changes them, then checks waiting).
    private volatile boolean waiting;
    private volatile boolean wakeupPending;
    private final AtomicInteger interestChanges = new AtomicInteger();
    // One selection at a time, as the JDK's selectors (they synchronize on the selector).
    private final java.util.concurrent.locks.ReentrantLock selecting = new java.util.concurrent.locks.ReentrantLock();
    // Figures (under the lock).
    private long selections, waits;

    SloopSelector(SloopProvider provider, Net net) {
        super(provider);
        this.net = net;
        this.changed = net.newCondition();
    }

    // ------------------------------------------------------------------ registration

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        if (!(ch instanceof SloopChannel sc) || sc.net() != net) throw new IllegalSelectorException();
        SloopKey k = new SloopKey(this, sc);
        k.attach(att);
        k.initInterest(ops);
        net.lock();
        try {
            if (!isOpen()) throw new ClosedSelectorException();
            if (count == keys.length) keys = java.util.Arrays.copyOf(keys, count * 2);
            k.index = count;
            keys[count++] = k;
            keySet.add(k);
            sc.registrations().add(k);
            signal();
        } finally {
            net.unlock();
        }
        return k;
    }

    /** Readiness of a watched channel may have changed (the lock is held): a waiting selection looks again. */
    void signal() {
        changed.signalAll();
    }

    /** A key's interest set grew (any thread, no lock held). */
    void interestAdded() {
        interestChanges.incrementAndGet();
        if (waiting) signalFromOutside();
    }

    private void signalFromOutside() {
        net.lock();
        try {
            changed.signalAll();
        } finally {
            net.unlock();
        }
    }

    // ------------------------------------------------------------------ key sets

    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return selected;
    }

    private void ensureOpen() {
        if (!isOpen()) throw new ClosedSelectorException();
    }

    // ------------------------------------------------------------------ selection

    @Override
    public int selectNow() throws IOException {
        return doSelect(-1);
    }

    @Override
    public int select() throws IOException {
        return select(0L);
    }

    @Override
    public int select(long timeout) throws IOException {
        if (timeout < 0) throw new IllegalArgumentException("negative timeout");
        return doSelect(timeout == 0 ? 0 : Math.max(1, timeout * 1_000_000L));
    }

    /** {@code timeoutNanos} -1: do not wait (selectNow); 0: wait with no time limit; else nanoseconds at most. */
    private int doSelect(long timeoutNanos) {
        selecting.lock();
        try {
            return selectOnce(timeoutNanos);
        } finally {
            selecting.unlock();
        }
    }

    private int selectOnce(long timeoutNanos) {
        ensureOpen();
        processCancelled();
        int updated = 0;
        long deadline = timeoutNanos > 0 ? System.nanoTime() + timeoutNanos : 0;
        net.lock();
        try {
            selections++;
            if (timeoutNanos < 0) wakeupPending = false; // selectNow clears an earlier wakeup
            while (true) {
                int seen = interestChanges.get();
                boolean any = false;
                for (int i = 0; i < count; i++) {
                    SloopKey k = keys[i];
                    if (!k.isValid()) continue;
                    int r = k.channel.readyOps() & k.interest();
                    if (r == 0) continue;
                    any = true;
                    if (selected.has(k)) {
                        int old = k.ready();
                        if ((r & ~old) != 0) {
                            k.ready(old | r);
                            updated++;
                        }
                    } else {
                        k.ready(r);
                        selected.put(k);
                        updated++;
                    }
                }
                if (any || timeoutNanos < 0 || !isOpen() || wakeupPending || Thread.currentThread().isInterrupted()) break;
                long left = 0;
                if (deadline != 0) {
                    left = deadline - System.nanoTime();
                    if (left <= 0) break;
                }
                waiting = true;
                try {
                    if (wakeupPending || interestChanges.get() != seen) continue;
                    waits++;
                    if (deadline == 0) changed.await();
                    else changed.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // returns at once, the status kept, as the JDK's selectors do
                } finally {
                    waiting = false;
                }
            }
            wakeupPending = false;
        } finally {
            net.unlock();
        }
        processCancelled();
        return updated;
    }

    /**
     * Removes cancelled keys from the key sets and deregisters their channels. Called without the
     * runner's lock held: deregistering takes the channel's key lock, which a channel registering
     * holds while it takes the runner's lock.
     */
    private void processCancelled() {
        Set<SelectionKey> cancelled = cancelledKeys();
        List<SloopKey> dead;
        synchronized (cancelled) {
            if (cancelled.isEmpty()) return;
            dead = new ArrayList<>(cancelled.size());
            for (SelectionKey k : cancelled) {
                deregister((AbstractSelectionKey) k);
                dead.add((SloopKey) k);
            }
            cancelled.clear();
        }
        net.lock();
        try {
            for (SloopKey k : dead) removeLocked(k);
        } finally {
            net.unlock();
        }
    }

    private void removeLocked(SloopKey k) {
        int i = k.index;
        if (i < 0) return;
        SloopKey last = keys[--count];
        keys[i] = last;
        last.index = i;
        keys[count] = null;
        k.index = -1;
        keySet.remove(k);
        selected.remove(k);
        k.channel.registrations().remove(k);
    }

    @Override
    public Selector wakeup() {
        wakeupPending = true;
        if (waiting) signalFromOutside();
        return this;
    }

    @Override
    protected void implCloseSelector() {
        wakeup(); // a selection in progress returns
        List<SloopKey> all = new ArrayList<>();
        net.lock();
        try {
            for (int i = 0; i < count; i++) all.add(keys[i]);
        } finally {
            net.unlock();
        }
        for (SloopKey k : all) k.cancel();
        processCancelled();
    }

    /** Selections made, and how many of them waited (read under the lock; for tests and reports). */
    long selections() {
        return selections;
    }

    long waits() {
        return waits;
    }

    @Override
    public String toString() {
        return "SloopSelector[" + count + " keys" + (isOpen() ? "" : ", closed") + "]";
    }
}
