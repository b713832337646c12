package net.sloop.udp;

import java.lang.foreign.MemorySegment;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Chains;
import net.sloop.mem.Owner;

/**
 * A UDP socket, event-driven face: non-blocking calls in the stack's time, readiness callbacks.
 * Its receive queue is bounded both in datagrams and in budget bytes; datagrams stay in the
 * blocks they arrived in (charged to the socket as {@link Category#SOCKET_RECEIVE}) until read.
 *
 * <p>Calls must be made on the stack's thread (or under its lock). Closing is idempotent; any
 * other call after close throws {@link IllegalStateException}.
 */
public final class UdpSocket implements AutoCloseable {
    /** Heap bytes charged for a socket, plus {@link #BYTES_PER_SLOT} per queue slot (measured: see ChargeSizeTest). */
    public static final int BASE_BYTES = 160;
    public static final int BYTES_PER_SLOT = 12;

    /** A received datagram, copied out (convenience for tests and tools; allocates). */
    public record Datagram(int source, int sourcePort, byte[] data) {}

    /** Told when an ICMP error arrives about a datagram this socket sent. */
    @FunctionalInterface
    public interface ErrorListener {
        void error(long now, int type, int code, int remote, int remotePort);
    }

    final Udp udp;
    final Owner owner;
    final int localAddress;
    final int localPort;
    UdpSocket nextInBucket;
    private int remote;
    private int remotePort;
    private final int[] qHead;
    private final int[] qSource;
    private final int[] qPort;
    private final int[] qLength;
    private int qStart;
    private int qCount;
    private int qBytes;
    private final int maxBytes;
    private Runnable readable;
    private ErrorListener errorListener;
    private int lastSource;
    private int lastSourcePort;
    private int lastErrorType = -1;
    private int lastErrorCode;
    private long errors;
    private boolean closed;

    UdpSocket(Udp udp, int localAddress, int localPort, int queueDatagrams, int queueBytes) {
        this.udp = udp;
        this.owner = new Owner("udp", this);
        this.localAddress = localAddress;
        this.localPort = localPort;
        this.qHead = new int[queueDatagrams];
        this.qSource = new int[queueDatagrams];
        this.qPort = new int[queueDatagrams];
        this.qLength = new int[queueDatagrams];
        this.maxBytes = queueBytes;
    }

    static int chargeFor(int queueDatagrams) {
        return BASE_BYTES + Owner.HEAP_BYTES + queueDatagrams * (BYTES_PER_SLOT + 4);
    }

    int queueSlots() {
        return qHead.length;
    }

    public int localPort() {
        return localPort;
    }

    public int localAddress() {
        return localAddress;
    }

    public Owner owner() {
        return owner;
    }

    /** Receives only from {@code address:port} from now on, and makes them the default destination. */
    public void connect(int address, int port) {
        open();
        remote = address;
        remotePort = port;
    }

    /** Called (on the stack's thread) when a datagram has been queued. */
    public void onReadable(Runnable r) {
        readable = r;
    }

    public void onError(ErrorListener l) {
        errorListener = l;
    }

    /**
     * Sends one datagram of {@code len} bytes from {@code data[off..]}. Returns false (the stack
     * counts why) if it could not be sent: no route, too big, no memory on the way out.
     */
    public boolean send(long now, int dst, int port, MemorySegment data, long off, int len) {
        open();
        return udp.send(now, this, dst, port, data, off, len);
    }

    public boolean send(long now, int dst, int port, byte[] data) {
        return send(now, dst, port, MemorySegment.ofArray(data), 0, data.length);
    }

    /** Sends to the connected peer. */
    public boolean send(long now, byte[] data) {
        open();
        if (remotePort == 0) throw new IllegalStateException("socket is not connected");
        return send(now, remote, remotePort, data);
    }

    /** Datagrams waiting to be read. */
    public int queued() {
        return qCount;
    }

    /** Budget bytes (whole blocks) the queue holds. */
    public int queuedBytes() {
        return qBytes;
    }

    /**
     * Copies the next datagram into {@code dst[off..off+capacity)} and removes it from the queue.
     * A datagram longer than {@code capacity} is truncated, as recvfrom does. Returns the
     * datagram's full length, or -1 if none is waiting (would block). {@link #lastSource()} and
     * {@link #lastSourcePort()} then say where it came from.
     */
    public int receive(MemorySegment dst, long off, int capacity) {
        open();
        if (qCount == 0) return -1;
        int i = qStart;
        int head = qHead[i];
        int length = qLength[i];
        Budget m = udp.budget();
        if (length > 0) Chains.copyOut(m, head, 0, dst, off, Math.min(capacity, length));
        lastSource = qSource[i];
        lastSourcePort = qPort[i];
        dequeue();
        return length;
    }

    /** The next datagram, copied into a new array, or null if none is waiting. */
    public Datagram receive() {
        open();
        if (qCount == 0) return null;
        byte[] data = new byte[qLength[qStart]];
        receive(MemorySegment.ofArray(data), 0, data.length);
        return new Datagram(lastSource, lastSourcePort, data);
    }

    public int lastSource() {
        return lastSource;
    }

    public int lastSourcePort() {
        return lastSourcePort;
    }

    /** ICMP errors received about this socket's datagrams. */
    public long errors() {
        return errors;
    }

    /** Type of the last ICMP error, or -1 if none. */
    public int lastErrorType() {
        return lastErrorType;
    }

    public int lastErrorCode() {
        return lastErrorCode;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Frees the queue and the socket's charge at once. Calling it again does nothing. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        while (qCount > 0) dequeue();
        udp.closed(this);
    }

    // ---- called by Udp on the stack's thread

    boolean accepts(int src, int srcPort) {
        return remotePort == 0 || (src == remote && srcPort == remotePort);
    }

    boolean full(int bytes) {
        return qCount == qHead.length || qBytes + bytes > maxBytes;
    }

    void enqueue(int head, int length, int bytes, int src, int srcPort) {
        int i = (qStart + qCount) % qHead.length;
        qHead[i] = head;
        qLength[i] = length;
        qSource[i] = src;
        qPort[i] = srcPort;
        qCount++;
        qBytes += bytes;
        if (readable != null) readable.run();
    }

    void error(long now, int type, int code, int dst, int dstPort) {
        errors++;
        lastErrorType = type;
        lastErrorCode = code;
        if (errorListener != null) errorListener.error(now, type, code, dst, dstPort);
    }

    private void dequeue() {
        int i = qStart;
        Budget m = udp.budget();
        qBytes -= Chains.blocks(m, qHead[i]) * m.blockSize();
        Chains.free(m, qHead[i]);
        qHead[i] = -1;
        qStart = (i + 1) % qHead.length;
        qCount--;
    }

    private void open() {
        if (closed) throw new IllegalStateException("UDP socket on port " + localPort + " is closed");
    }

    @Override
    public String toString() {
        return ":" + localPort;
    }
}
