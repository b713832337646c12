package net.sloop.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import net.sloop.wire.Checksum;
import org.openjdk.jmh.annotations.*;

/** The Internet checksum over one segment's payload in the arena (off-heap): Sloop's against the byte-swapping loop it replaced. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED"})
@State(Scope.Thread)
public class ChecksumBench {
    @Param({"1460", "65495"})
    public int len;
    MemorySegment seg;
    static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    @Setup
    public void setup() {
        seg = Arena.global().allocate(70_000, 64);
        for (int i = 0; i < 70_000; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 131));
    }

    @Benchmark
    public long sloop() {
        return Checksum.add(0, seg, 20, len);
    }

    @Benchmark
    public long bigEndianLoop() {
        long acc = 0, p = 20, end = 20 + len;
        while (end - p >= 8) {
            long w = seg.get(BE64, p);
            acc += (w >>> 32) + (w & 0xFFFF_FFFFL);
            p += 8;
        }
        return acc;
    }
}
