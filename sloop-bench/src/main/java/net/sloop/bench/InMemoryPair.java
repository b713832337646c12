package net.sloop.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import net.sloop.link.PairLink;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tcp.TcpConfig;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;
import net.sloop.wire.Ipv4Address;

/**
 * Two stacks, A (10.0.0.1) and B (10.0.0.2), joined by a {@link PairLink} in memory and driven on
 * the caller's thread with the real clock ({@link System#nanoTime}). {@link #pump} polls both
 * stacks until no frame is waiting on either side. The link offloads checksums (as Linux's
 * {@code lo} does) unless the system property {@code sloop.checksumOffload} is {@code false}.
 */
public final class InMemoryPair implements AutoCloseable {
    public static final int A = Ipv4Address.parse("10.0.0.1");
    public static final int B = Ipv4Address.parse("10.0.0.2");
    public static final int PORT = 5201;

    public final PairLink[] link;
    public final Stack a, b;
    public final TcpListener listener;

    /**
     * @param mtu link and stack MTU
     * @param budgetBytes each stack's budget
     * @param blockSize each stack's block size
     * @param bufferBytes TCP send and receive buffer limits
     */
    public InMemoryPair(int mtu, long budgetBytes, int blockSize, int bufferBytes) {
        this(StackConfig.builder().budget(budgetBytes).blockSize(blockSize).maxMtu(mtu).timerCapacity(1024)
                .tcp(TcpConfig.builder().sendBuffer(bufferBytes).receiveBuffer(bufferBytes).timeWaitRecords(256).build())
                .build(), mtu);
    }

    public InMemoryPair(StackConfig config, int mtu) {
        // -Dsloop.checksumOffload=false: checksums filled and verified, as on a link that can corrupt.
        link = PairLink.pair("pair", mtu, 8 * 1024 * 1024, !"false".equals(System.getProperty("sloop.checksumOffload")));
        a = new Stack(config);
        b = new Stack(config);
        a.addInterface(link[0], A, 24);
        b.addInterface(link[1], B, 24);
        try {
            listener = b.tcp().listen(0, PORT);
        } catch (TcpException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Polls both stacks at the current time until neither has a frame waiting. */
    public void pump() {
        do {
            long now = System.nanoTime();
            a.poll(now);
            b.poll(now);
        } while (link[0].pending() || link[1].pending());
    }

    /** Opens a connection from A to B and returns {client, server} once both are established. */
    public TcpSocket[] connect() throws TcpException {
        a.advance(System.nanoTime());
        TcpSocket c = a.tcp().connect(B, PORT);
        TcpSocket s = null;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (s == null || !c.isConnected()) {
            pump();
            if (s == null) s = listener.accept();
            if (System.nanoTime() > deadline) throw new IllegalStateException("handshake did not complete: " + c.state());
        }
        return new TcpSocket[] {c, s};
    }

    /** Segments sent by both stacks so far. */
    public long segmentsSent() {
        return a.tcp().counters().segmentsSent + b.tcp().counters().segmentsSent;
    }

    /**
     * Moves {@code total} bytes from {@code w} to {@code r}, writing from {@code src} and reading
     * into {@code dst} (both off-heap so that the loop allocates nothing).
     */
    public void transfer(TcpSocket w, TcpSocket r, long total, MemorySegment src, MemorySegment dst) throws TcpException {
        long sent = 0, received = 0;
        int srcLen = (int) src.byteSize(), dstLen = (int) dst.byteSize();
        long idleSince = 0;
        while (received < total) {
            if (sent < total) {
                a.advance(System.nanoTime());
                sent += w.write(src, 0, (int) Math.min(srcLen, total - sent));
            }
            pump();
            int n;
            boolean progress = false;
            b.advance(System.nanoTime());
            while ((n = r.read(dst, 0, dstLen)) > 0) {
                received += n;
                progress = true;
            }
            if (n < 0) throw new IllegalStateException("stream ended early");
            if (progress) idleSince = 0;
            else if (idleSince == 0) idleSince = System.nanoTime();
            else if (System.nanoTime() - idleSince > 10_000_000_000L) throw new IllegalStateException("no progress for 10 s");
        }
    }

    /** Off-heap buffer for application data. */
    public static MemorySegment buffer(int bytes) {
        MemorySegment m = Arena.global().allocate(bytes, 64);
        for (int i = 0; i < bytes; i++) m.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 31));
        return m;
    }

    /** One connection's whole life: connect, accept, client closes, server closes, both ended (client in TIME_WAIT). */
    public void connectAndClose() throws TcpException {
        TcpSocket[] p = connect();
        p[0].close();
        pump();
        p[1].close();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!p[0].isEnded() || !p[1].isEnded()) {
            pump();
            if (System.nanoTime() > deadline) throw new IllegalStateException("close did not complete: " + p[0].state() + "/" + p[1].state());
        }
    }

    @Override
    public void close() {
        listener.close();
        pump();
        a.close();
        b.close();
    }
}
