package net.sloop.nio;

import java.util.AbstractSet;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.nio.channels.SelectionKey;

/**
 * A selector's selected-key set: keys may be removed (by the application, as the JDK allows) but
 * not added, except by a selection. An array with each key's place kept in the key, so adding,
 * finding and removing a key are O(1) and allocate nothing. Not thread-safe, like the JDK's.
 */
final class SelectedKeys extends AbstractSet<SelectionKey> {
    private SloopKey[] keys = new SloopKey[16];
    private int size;
    private int modCount;

    /** Adds {@code k} (a selection does this). */
    void put(SloopKey k) {
        if (k.selectedIndex >= 0) return;
        if (size == keys.length) keys = java.util.Arrays.copyOf(keys, size * 2);
        k.selectedIndex = size;
        keys[size++] = k;
        modCount++;
    }

    boolean has(SloopKey k) {
        return k.selectedIndex >= 0;
    }

    @Override
    public boolean add(SelectionKey k) {
        throw new UnsupportedOperationException("keys are added to the selected-key set only by a selection");
    }

    @Override
    public boolean contains(Object o) {
        return o instanceof SloopKey k && k.selectedIndex >= 0 && k.selectedIndex < size && keys[k.selectedIndex] == k;
    }

    @Override
    public boolean remove(Object o) {
        if (!contains(o)) return false;
        removeAt(((SloopKey) o).selectedIndex);
        return true;
    }

    private void removeAt(int i) {
        SloopKey k = keys[i];
        SloopKey last = keys[--size];
        keys[i] = last;
        last.selectedIndex = i;
        keys[size] = null;
        k.selectedIndex = -1;
        modCount++;
    }

    @Override
    public void clear() {
        for (int i = 0; i < size; i++) {
            keys[i].selectedIndex = -1;
            keys[i] = null;
        }
        size = 0;
        modCount++;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Iterator<SelectionKey> iterator() {
        return new Iterator<>() {
            // Walks from the end, so that removing the current key (which moves the last key into
            // its place) never skips or repeats one.
            int next = size - 1;
            int current = -1;
            int expected = modCount;

            @Override
            public boolean hasNext() {
                return next >= 0;
            }

            @Override
            public SelectionKey next() {
                if (expected != modCount) throw new ConcurrentModificationException();
                if (next < 0) throw new NoSuchElementException();
                current = next--;
                return keys[current];
            }

            @Override
            public void remove() {
                if (current < 0) throw new IllegalStateException();
                if (expected != modCount) throw new ConcurrentModificationException();
                removeAt(current);
                current = -1;
                expected = modCount;
            }
        };
    }

    @Override
    public boolean removeIf(java.util.function.Predicate<? super SelectionKey> filter) {
        Objects.requireNonNull(filter);
        boolean any = false;
        for (int i = size - 1; i >= 0; i--) {
            if (filter.test(keys[i])) {
                removeAt(i);
                any = true;
            }
        }
        return any;
    }
}
