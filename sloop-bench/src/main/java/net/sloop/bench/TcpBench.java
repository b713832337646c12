package net.sloop.bench;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import org.openjdk.jmh.annotations.*;

/**
 * JMH benchmarks of two Sloop stacks in memory on one thread. Bulk: one op moves {@link #CHUNK}
 * bytes A to B over one established connection (bytes/s = ops/s x CHUNK). Connections: one op is
 * a connection's whole life (connect, accept, close both, client to TIME_WAIT).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xmx1g", "--enable-native-access=ALL-UNNAMED"})
public class TcpBench {
    public static final int CHUNK = 4 * 1024 * 1024;

    @State(Scope.Thread)
    public static class Bulk {
        @Param({"1500", "9000", "65535"})
        public int mtu;
        @Param({"1048576"})
        public int buffer;
        @Param({"4096"})
        public int blockSize;

        InMemoryPair pair;
        TcpSocket c, s;
        MemorySegment src, dst;
        long segmentsAtStart;
        long opsDone;

        @Setup(Level.Trial)
        public void setup() throws TcpException {
            pair = new InMemoryPair(mtu, 32L * 1024 * 1024, blockSize, buffer);
            TcpSocket[] p = pair.connect();
            c = p[0];
            s = p[1];
            src = InMemoryPair.buffer(256 * 1024);
            dst = InMemoryPair.buffer(256 * 1024);
            segmentsAtStart = pair.segmentsSent();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            long segs = pair.segmentsSent() - segmentsAtStart;
            System.out.printf("%n[bulk mtu=%d] segments per op (both directions): %.1f%n", mtu, (double) segs / Math.max(1, opsDone));
            c.abort();
            s.abort();
            pair.close();
        }
    }

    @Benchmark
    public void bulk(Bulk st) throws TcpException {
        st.pair.transfer(st.c, st.s, CHUNK, st.src, st.dst);
        st.opsDone++;
    }

    @State(Scope.Thread)
    public static class Conns {
        InMemoryPair pair;

        @Setup(Level.Trial)
        public void setup() {
            pair = new InMemoryPair(1500, 8L * 1024 * 1024, 2048, 16 * 1024);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pair.close();
        }
    }

    @Benchmark
    public void connections(Conns st) throws TcpException {
        st.pair.connectAndClose();
    }
}
