package net.sloop.bench;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.sloop.mem.Category;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpConnection;
import net.sloop.tcp.TcpSocket;
import net.sloop.tcp.TimeWaitTable;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/**
 * The figures JMH does not give directly: heap bytes allocated per segment in steady state
 * (bulk transfer and connection churn, measured with the thread's allocation counter), an idle
 * established connection's retained heap (JOL), charge and committed blocks, and the budget a
 * TIME_WAIT record costs. Prints {@code key=value} lines, then a readable summary.
 */
public final class Measure {
    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT);
        allocationPerSegment(1500);
        allocationPerSegment(65535);
        allocationPerConnection();
        idleConnection();
        timeWait(512);
        timeWait(4096);
    }

    static void out(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    static void allocationPerSegment(int mtu) throws Exception {
        try (InMemoryPair p = new InMemoryPair(mtu, 32L * 1024 * 1024, 4096, 1024 * 1024)) {
            TcpSocket[] s = p.connect();
            MemorySegment src = InMemoryPair.buffer(256 * 1024), dst = InMemoryPair.buffer(256 * 1024);
            long warm = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < warm) p.transfer(s[0], s[1], 16L << 20, src, dst);
            long seg0 = p.segmentsSent(), bytes0 = allocated(), t0 = System.nanoTime();
            long total = 0;
            for (int i = 0; i < 64; i++) {
                p.transfer(s[0], s[1], 16L << 20, src, dst);
                total += 16L << 20;
            }
            long bytes = allocated() - bytes0, segs = p.segmentsSent() - seg0, ns = System.nanoTime() - t0;
            out("alloc.bulk.mtu" + mtu + ".bytesPerSegment", String.format("%.4f", (double) bytes / segs));
            out("alloc.bulk.mtu" + mtu + ".bytesAllocated", bytes);
            out("alloc.bulk.mtu" + mtu + ".segments", segs);
            out("alloc.bulk.mtu" + mtu + ".gbitPerSecond", String.format("%.2f", total * 8.0 / ns));
            s[0].abort();
            s[1].abort();
        }
    }

    static void allocationPerConnection() throws Exception {
        try (InMemoryPair p = new InMemoryPair(1500, 8L * 1024 * 1024, 2048, 16 * 1024)) {
            for (int i = 0; i < 200_000; i++) p.connectAndClose();
            long seg0 = p.segmentsSent(), bytes0 = allocated();
            int n = 200_000;
            for (int i = 0; i < n; i++) p.connectAndClose();
            long bytes = allocated() - bytes0, segs = p.segmentsSent() - seg0;
            out("alloc.connections.bytesPerConnection", String.format("%.1f", (double) bytes / n));
            out("alloc.connections.segmentsPerConnection", String.format("%.2f", (double) segs / n));
            out("alloc.connections.bytesPerSegment", String.format("%.2f", (double) bytes / segs));
            out("connections.timeWaitRecycled", p.a.tcp().timeWaitTable().recycled());
        }
    }

    static void idleConnection() throws Exception {
        try (InMemoryPair p = new InMemoryPair(1500, 1024 * 1024, 512, 16 * 1024)) {
            long ca0 = p.a.budget().committedBlocks(), cb0 = p.b.budget().committedBlocks();
            long ua0 = p.a.budget().used(), ub0 = p.b.budget().used();
            TcpSocket[] s = p.connect();
            // A little data each way, then quiet: delayed ACKs go out, the connection is idle.
            MemorySegment buf = InMemoryPair.buffer(1000);
            s[0].write(buf, 0, 100);
            p.pump();
            s[1].read(buf, 0, 1000);
            s[1].write(buf, 0, 100);
            p.pump();
            s[0].read(buf, 0, 1000);
            long later = System.nanoTime() + 1_000_000_000L;
            p.a.poll(later);
            p.b.poll(later);
            p.pump();
            int bs = p.a.budget().blockSize();
            for (int side = 0; side < 2; side++) {
                Stack st = side == 0 ? p.a : p.b;
                String k = "idle." + (side == 0 ? "client" : "server");
                long heap = retained(s[side], st, st.tcp(), st.tcp().rttLimits(), st.budget(), st.timers(), p.listener);
                long committed = st.budget().committedBlocks() - (side == 0 ? ca0 : cb0);
                long used = st.budget().used() - (side == 0 ? ua0 : ub0);
                out(k + ".state", s[side].state());
                out(k + ".retainedHeapBytes", heap);
                out(k + ".chargeBytes", TcpConnection.CHARGE);
                out(k + ".budgetUsedBytes", used);
                out(k + ".committedBlocks", committed);
                out(k + ".committedBytes", committed * bs);
                out(k + ".blockSize", bs);
                out(k + ".heapPlusCharge", heap + TcpConnection.CHARGE);
                out(k + ".heapPlusBudgetUsed", heap + used);
                out(k + ".heapPlusChargePlusCommitted", heap + TcpConnection.CHARGE + committed * bs);
            }
            s[0].abort();
            s[1].abort();
        }
    }

    static void timeWait(int blockSize) throws Exception {
        try (InMemoryPair p = new InMemoryPair(1500, 8L * 1024 * 1024, blockSize, 16 * 1024)) {
            int records = p.a.config().tcp().timeWaitRecords();
            long before = p.a.budget().used(Category.TIME_WAIT);
            for (int i = 0; i < records; i++) p.connectAndClose();
            int held = p.a.tcp().timeWaitRecords();
            long bytes = p.a.budget().used(Category.TIME_WAIT) - before;
            String k = "timewait.block" + blockSize;
            out(k + ".records", held);
            out(k + ".recordBytes", TimeWaitTable.RECORD_BYTES);
            out(k + ".blockBytesPerRecord", String.format("%.2f", (double) bytes / held));
            // Control share: what the table is really charged (TimeWaitTable.controlBytes: its
            // object, per-block bookkeeping and hash buckets), per record it can hold.
            double control = (double) p.a.tcp().timeWaitTable().controlBytes() / records;
            out(k + ".controlBytesPerRecord", String.format("%.2f", control));
            out(k + ".chargedBytesPerRecord", String.format("%.2f", (double) bytes / held + control));
        }
    }

    // ------------------------------------------------------------------ JOL walk (as src/test ChargeSizes)

    static long retained(Object root, Object... shared) {
        VirtualMachine vm = VM.current();
        Set<Object> stop = Collections.newSetFromMap(new IdentityHashMap<>());
        Collections.addAll(stop, shared);
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.add(root);
        seen.add(root);
        long total = 0;
        Map<String, Long> byClass = new TreeMap<>();
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            long size = vm.sizeOf(o);
            total += size;
            byClass.merge(o.getClass().getSimpleName(), size, Long::sum);
            Class<?> k = o.getClass();
            if (k.isArray()) {
                if (!k.getComponentType().isPrimitive()) for (Object e : (Object[]) o) visit(e, stop, seen, todo);
                continue;
            }
            for (Class<?> x = k; x != null; x = x.getSuperclass()) {
                for (Field f : x.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                    if (x == net.sloop.mem.Owner.class && (f.getName().equals("prev") || f.getName().equals("next"))) continue;
                    visit(vm.getObject(o, vm.fieldOffset(f)), stop, seen, todo);
                }
            }
        }
        System.out.println("# retained by " + root.getClass().getSimpleName() + ": " + byClass);
        return total;
    }

    private static void visit(Object e, Set<Object> stop, Set<Object> seen, ArrayDeque<Object> todo) {
        if (e == null || stop.contains(e) || e instanceof Class<?> || e instanceof Enum<?>) return;
        if (e instanceof String s && s == s.intern()) return;
        if (seen.add(e)) todo.add(e);
    }
}
