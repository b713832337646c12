package net.sloop.ftp;

/**
 * Failed logins per client address, in a fixed table made at start (no allocation per client):
 * an address with {@code max} failures within {@code window} is locked out until its window ends
 * (its sessions are closed and new ones refused with 421). When the table is full, the entry
 * whose window ended longest ago, or else the oldest, is reused: an attacker spraying addresses
 * can only make the table forget, never grow.
 */
final class LoginLimiter {
    /** CONTROL bytes per entry (three longs and an int in parallel arrays). */
    static final int ENTRY_BYTES = 32;

    private final int[] address;
    private final int[] failures;
    private final long[] since;
    private final int max;
    private final long window;

    LoginLimiter(int entries, int max, long windowNanos) {
        address = new int[entries];
        failures = new int[entries];
        since = new long[entries];
        this.max = max;
        this.window = windowNanos;
    }

    int entries() {
        return address.length;
    }

    /** Records a failure from {@code addr} at {@code now}; returns true if the address is now locked out. */
    boolean failed(int addr, long now) {
        int i = find(addr, now);
        if (i < 0) {
            i = victim(now);
            address[i] = addr;
            failures[i] = 0;
            since[i] = now;
        }
        failures[i]++;
        return failures[i] >= max;
    }

    /** True if {@code addr} is locked out at {@code now}. */
    boolean lockedOut(int addr, long now) {
        int i = find(addr, now);
        return i >= 0 && failures[i] >= max;
    }

    private int find(int addr, long now) {
        for (int i = 0; i < address.length; i++) {
            if (failures[i] > 0 && address[i] == addr) {
                if (now - since[i] >= window) {
                    failures[i] = 0; // its window is over
                    return -1;
                }
                return i;
            }
        }
        return -1;
    }

    private int victim(long now) {
        int oldest = 0;
        for (int i = 0; i < address.length; i++) {
            if (failures[i] == 0 || now - since[i] >= window) return i;
            if (since[i] < since[oldest]) oldest = i;
        }
        return oldest;
    }
}
