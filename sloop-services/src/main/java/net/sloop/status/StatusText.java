package net.sloop.status;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The status document (parsed JSON, as {@link JsonReader} gives it) as a table for people: a
 * memory summary, memory by category, the connections in the manner of {@code ss -tmi} (a line of
 * addresses and queues, then an indented line of memory, windows, RTT and timers), listeners,
 * services, and the non-zero counters and drops. For the edge ({@code sloop status}, {@code top},
 * SIGUSR1): it allocates freely.
 */
public final class StatusText {
    private StatusText() {}

    /** The whole view. */
    public static String render(Map<String, Object> doc) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> time = map(doc, "time");
        Map<String, Object> bud = map(doc, "budget");
        long cap = num(bud, "capacity");
        b.append(String.format("sloop status at %s (stack time %.3f s, snapshot %d)%n", Instant.ofEpochMilli(num(time, "unix_ms")),
                num(time, "stack_ns") / 1e9, num(doc, "sequence")));
        long used = num(bud, "used");
        b.append(String.format("memory: %d B in %d blocks of %d; used %d (%d%%), free %d, committed %d, uncommitted free %d (receive reserve %d)%n",
                cap, num(bud, "blocks"), num(bud, "block_size"), used, cap == 0 ? 0 : used * 100 / cap, num(bud, "free"),
                num(bud, "committed"), num(bud, "uncommitted_free"), num(bud, "reserve")));
        b.append(String.format("        peak %d, peak used+committed %d, min free %d, min uncommitted free %d, failures %d, baseline %d%n",
                num(bud, "peak"), num(bud, "peak_taken"), num(bud, "min_free"), num(bud, "min_uncommitted_free"), num(bud, "failures"),
                num(bud, "baseline")));
        b.append(String.format("  %-15s %10s %10s %9s%n", "category", "used", "peak", "failures"));
        for (Map.Entry<String, Object> e : map(doc, "categories").entrySet()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) e.getValue();
            b.append(String.format("  %-15s %10d %10d %9d%n", e.getKey(), num(c, "used"), num(c, "peak"), num(c, "failures")));
        }
        Map<String, Object> tcp = map(doc, "tcp");
        b.append(String.format("tcp: %d connections (%d orphans, at most %d), %d TIME_WAIT in %d blocks, %d half-open, pressure %s,"
                        + " room kept for promised admissions %d B%n",
                num(tcp, "connections"), num(tcp, "orphans"), num(tcp, "max_orphans"), num(tcp, "time_wait"), num(tcp, "time_wait_blocks"),
                num(tcp, "half_open"), Boolean.TRUE.equals(tcp.get("pressure")) ? "yes" : "no", num(tcp, "headroom")));
        connections(doc, b);
        StringBuilder ls = new StringBuilder();
        for (Object o : list(tcp, "listeners")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> l = (Map<String, Object>) o;
            ls.append(String.format(" %s:%d (held %d, guaranteed %d, pending %d)", l.get("address"), num(l, "port"), num(l, "held"),
                    num(l, "guaranteed"), num(l, "pending")));
        }
        if (!ls.isEmpty()) b.append("listeners:").append(ls).append('\n');
        List<Object> services = list(doc, "services");
        if (!services.isEmpty()) b.append("services:\n");
        for (Object o : services) {
            @SuppressWarnings("unchecked")
            Map<String, Object> s = (Map<String, Object>) o;
            b.append(String.format("  %-8s %s/%-5d", s.get("name"), s.get("transport"), num(s, "port")));
            nonZero(map(s, "figures"), b, true);
            b.append('\n');
        }
        b.append("tcp counters:");
        nonZero(map(tcp, "counters"), b, false);
        b.append('\n');
        StringBuilder drops = new StringBuilder();
        nonZero(map(doc, "drops"), drops, false);
        b.append("drops:").append(drops.isEmpty() ? " none" : drops).append('\n');
        Map<String, Object> view = map(doc, "view");
        b.append(String.format("view: %d B charged, %d connection rows (of %d wanted), %d history samples (of %d wanted, %d held)%s%n",
                num(view, "charged"), num(view, "connection_rows"), num(view, "connection_rows_wanted"), num(view, "history_samples"),
                num(view, "history_samples_wanted"), num(view, "history_held"), Boolean.TRUE.equals(view.get("degraded")) ? ", degraded" : ""));
        return b.toString();
    }

    /** The connection table alone. */
    public static void connections(Map<String, Object> doc, StringBuilder b) {
        List<Object> conns = list(doc, "connections");
        b.append(String.format("%-12s %8s %8s %-21s %-21s%n", "State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port"));
        for (Object o : conns) {
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) o;
            String state = String.valueOf(c.get("state")) + (Boolean.TRUE.equals(c.get("orphan")) ? "*" : "");
            b.append(String.format("%-12s %8d %8d %-21s %-21s%n", state, num(c, "receive_queue"), num(c, "send_queue"), c.get("local"), c.get("remote")));
            b.append(String.format("\t mem %d (peak %d) blocks send %d+%dc recv %d+%dc ooo %d rcv_wnd %d (earned %d, buf %d) snd_wnd %d"
                            + " cwnd %d ssthresh %d mss %d rtt %.1f/%.1f ms rto %d ms retrans %d unacked %d acked %d rcvd %d",
                    num(c, "memory"), num(c, "memory_peak"), num(c, "send_blocks"), num(c, "send_committed"), num(c, "receive_blocks"),
                    num(c, "receive_committed"), num(c, "out_of_order"), num(c, "receive_window"), num(c, "receive_window_earned"),
                    num(c, "receive_buffer"), num(c, "send_window"), num(c, "cwnd"), num(c, "ssthresh"), num(c, "mss"),
                    num(c, "rtt_us") / 1000.0, num(c, "rttvar_us") / 1000.0, num(c, "rto_ms"), num(c, "retransmits"), num(c, "unacked"),
                    num(c, "bytes_acked"), num(c, "bytes_received")));
            Map<String, Object> timers = map(c, "timers");
            if (!timers.isEmpty()) {
                b.append(" timers");
                for (Map.Entry<String, Object> t : timers.entrySet()) {
                    b.append(' ').append(t.getKey().replace("_ms", "")).append(' ').append(t.getValue()).append("ms");
                }
            }
            b.append('\n');
        }
        long more = num(doc, "connections_more");
        if (more > 0) b.append("  ... and ").append(more).append(" more connections (the view keeps ").append(conns.size()).append(" rows)\n");
    }

    private static void nonZero(Map<String, Object> figures, StringBuilder b, boolean all) {
        for (Map.Entry<String, Object> e : figures.entrySet()) {
            long v = e.getValue() instanceof Number n ? n.longValue() : 0;
            if (all || v != 0) b.append(' ').append(e.getKey()).append(' ').append(v);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Map)) throw new IllegalArgumentException("status document: '" + k + "' is not an object");
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof List)) throw new IllegalArgumentException("status document: '" + k + "' is not an array");
        return (List<Object>) v;
    }

    static long num(Map<String, Object> m, String k) {
        Object v = m.get(k);
        if (!(v instanceof Number n)) throw new IllegalArgumentException("status document: '" + k + "' is not a number");
        return n.longValue();
    }
}
