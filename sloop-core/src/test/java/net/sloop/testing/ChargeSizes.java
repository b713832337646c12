package net.sloop.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;

/**
 * Checks that what a structure is charged against the budget covers what it really retains on
 * the heap, measured with JOL's view of the running VM (object sizes and field offsets, so no
 * field needs to be made accessible).
 *
 * <p>The walk starts at the sample and counts every object reachable from it, but stops at the
 * {@code shared} objects: what the sample merely points at (the stack it belongs to, the budget,
 * the link). Those are neither counted nor walked through, so a structure that points back at its
 * stack is measured without the stack. Class objects, enum constants and interned strings are
 * shared by nature and never counted. The links of the budget's list of active owners
 * ({@code Owner.prev}, {@code Owner.next}) point at other owners, not at anything owned, and are
 * not followed.
 */
public final class ChargeSizes {
    private ChargeSizes() {}

    /** Heap bytes reachable from {@code root} without passing through any of {@code shared}. */
    public static long retainedBytes(Object root, Object... shared) {
        return walk(root, shared, null);
    }

    /**
     * Fails, naming {@code kind}, the measured bytes and the charge, if {@code chargedBytes} is
     * smaller than what {@code sample} retains.
     */
    public static void assertChargeCovers(String kind, Object sample, long chargedBytes, Object... shared) {
        StringBuilder detail = new StringBuilder();
        long measured = walk(sample, shared, detail);
        if (chargedBytes < measured) {
            throw new AssertionError(kind + " retains " + measured + " heap bytes but is charged only " + chargedBytes
                    + " bytes (JOL; shared objects excluded). Objects counted:\n" + detail);
        }
    }

    private static long walk(Object root, Object[] shared, StringBuilder detail) {
        VirtualMachine vm = VM.current();
        Set<Object> stop = Collections.newSetFromMap(new IdentityHashMap<>());
        Collections.addAll(stop, shared);
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object> todo = new ArrayDeque<>();
        todo.add(root);
        seen.add(root);
        long total = 0;
        Map<String, long[]> byClass = detail == null ? null : new java.util.TreeMap<>();
        while (!todo.isEmpty()) {
            Object o = todo.poll();
            long size = vm.sizeOf(o);
            total += size;
            if (byClass != null) {
                long[] c = byClass.computeIfAbsent(o.getClass().getName(), k -> new long[2]);
                c[0]++;
                c[1] += size;
            }
            Class<?> k = o.getClass();
            if (k.isArray()) {
                if (!k.getComponentType().isPrimitive()) {
                    for (Object e : (Object[]) o) visit(e, stop, seen, todo);
                }
                continue;
            }
            for (Field f : referenceFields(k)) visit(vm.getObject(o, vm.fieldOffset(f)), stop, seen, todo);
        }
        if (byClass != null) {
            byClass.forEach((name, c) -> detail.append(String.format("  %6d bytes in %4d x %s%n", c[1], c[0], name)));
        }
        return total;
    }

    private static void visit(Object e, Set<Object> stop, Set<Object> seen, ArrayDeque<Object> todo) {
        if (e == null || stop.contains(e) || e instanceof Class<?> || e instanceof Enum<?>) return;
        if (e instanceof String s && s == s.intern()) return;
        if (seen.add(e)) todo.add(e);
    }

    private static final Map<Class<?>, List<Field>> FIELDS = new java.util.concurrent.ConcurrentHashMap<>();

    private static List<Field> referenceFields(Class<?> k) {
        return FIELDS.computeIfAbsent(k, c -> {
            List<Field> out = new ArrayList<>();
            for (Class<?> x = c; x != null; x = x.getSuperclass()) {
                for (Field f : x.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) continue;
                    if (x == net.sloop.mem.Owner.class && (f.getName().equals("prev") || f.getName().equals("next"))) continue;
                    out.add(f);
                }
            }
            return out;
        });
    }
}
