package net.sloop.time;

/**
 * A bounded queue of timers ordered by deadline: a binary min-heap over a fixed array. Arming,
 * re-arming and cancelling are O(log n) and allocate nothing; the capacity is fixed when the
 * queue is made, so the number of pending timers is bounded like every other resource.
 *
 * <p>Times are nanoseconds on whatever clock the caller passes in; the queue never reads a clock.
 */
public final class TimerQueue {
    /** {@link #nextDeadline()} when nothing is armed. */
    public static final long NONE = Long.MAX_VALUE;

    private final Timer[] heap;
    private int size;

    public TimerQueue(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("timer capacity must be at least 1");
        heap = new Timer[capacity];
    }

    public int capacity() {
        return heap.length;
    }

    public int size() {
        return size;
    }

    /**
     * Arms (or re-arms) {@code t} for {@code deadline}. Returns false if the queue is full and
     * {@code t} was not already armed.
     */
    public boolean arm(Timer t, long deadline) {
        if (t.slot >= 0) {
            long old = t.deadline;
            t.deadline = deadline;
            if (deadline < old) up(t.slot);
            else down(t.slot);
            return true;
        }
        if (size == heap.length) return false;
        t.deadline = deadline;
        t.slot = size;
        heap[size++] = t;
        up(t.slot);
        return true;
    }

    /**
     * Makes sure {@code t} fires no later than {@code deadline} ({@link #NONE}: nothing to do):
     * arms it if it is not armed, moves it earlier if it is armed later, leaves it if it is armed
     * sooner (the way an application's one timer serves the earliest of many deadlines). Returns
     * false if the queue is full and {@code t} was not armed.
     */
    public boolean armBy(Timer t, long deadline) {
        if (deadline == NONE || (t.slot >= 0 && t.deadline <= deadline)) return true;
        return arm(t, deadline);
    }

    /** Disarms {@code t}; does nothing if it is not armed. */
    public void cancel(Timer t) {
        int i = t.slot;
        if (i < 0) return;
        Timer last = heap[--size];
        heap[size] = null;
        t.slot = -1;
        if (i < size) {
            heap[i] = last;
            last.slot = i;
            up(i);
            down(last.slot);
        }
    }

    /** The earliest deadline armed, or {@link #NONE}. */
    public long nextDeadline() {
        return size == 0 ? NONE : heap[0].deadline;
    }

    /**
     * Fires every timer whose deadline is at or before {@code now}, earliest first. A timer that
     * re-arms itself for a time at or before {@code now} fires again in the same call, so callers
     * must always move deadlines forward. Returns the number fired.
     */
    public int runDue(long now) {
        int fired = 0;
        while (size > 0 && heap[0].deadline <= now) {
            Timer t = heap[0];
            cancel(t);
            fired++;
            t.fire(now);
        }
        return fired;
    }

    private void up(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            Timer pt = heap[p];
            if (pt.deadline <= t.deadline) break;
            heap[i] = pt;
            pt.slot = i;
            i = p;
        }
        heap[i] = t;
        t.slot = i;
    }

    private void down(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            Timer ct = heap[c];
            int r = c + 1;
            if (r < size && heap[r].deadline < ct.deadline) {
                c = r;
                ct = heap[r];
            }
            if (t.deadline <= ct.deadline) break;
            heap[i] = ct;
            ct.slot = i;
            i = c;
        }
        heap[i] = t;
        t.slot = i;
    }
}
