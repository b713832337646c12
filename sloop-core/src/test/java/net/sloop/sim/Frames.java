package net.sloop.sim;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import net.sloop.link.FrameReceiver;

/** Test frames numbered in bytes 14..17, and a receiver that records what arrives. */
final class Frames {
    private Frames() {}

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    /** A frame of {@code len} (at least 18) bytes carrying number {@code n} and a pattern derived from it. */
    static byte[] frame(int len, int n) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) b[i] = (byte) (n + i * 7);
        MemorySegment.ofArray(b).set(INT, 14, n);
        return b;
    }

    static int number(byte[] frame) {
        return MemorySegment.ofArray(frame).get(INT, 14);
    }

    /** Records every frame: its arrival time and a copy of its bytes. */
    static final class Recorder implements FrameReceiver {
        final List<Long> times = new ArrayList<>();
        final List<byte[]> frames = new ArrayList<>();

        @Override
        public void receive(long now, MemorySegment src, long off, int len) {
            times.add(now);
            frames.add(src.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
        }

        int size() {
            return frames.size();
        }

        List<Integer> numbers() {
            List<Integer> l = new ArrayList<>();
            for (byte[] f : frames) l.add(number(f));
            return l;
        }

        /** A hash of the whole delivered sequence: times and bytes. */
        long hash() {
            long h = 1;
            for (int i = 0; i < frames.size(); i++) {
                h = h * 1_000_003 + times.get(i);
                h = h * 31 + java.util.Arrays.hashCode(frames.get(i));
            }
            return h;
        }
    }
}
