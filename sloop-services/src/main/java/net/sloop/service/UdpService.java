package net.sloop.service;

import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;
import net.sloop.time.Time;
import net.sloop.udp.UdpSocket;

/**
 * One of the four services over UDP: a UDP socket whose queue is bounded in datagrams and bytes,
 * answering each datagram as it is queued, on the stack's thread. Echo (RFC 862 §2) sends the
 * datagram back; discard (RFC 863 §2) drops it; daytime (RFC 867 §2) answers with the daytime
 * line; chargen (RFC 864 §2) answers with 444 bytes, six whole lines of the pattern, carrying on
 * from where the previous answer stopped (the RFC asks for a random length of 0 to 512; a fixed
 * one is allowed by its "may").
 *
 * <p>Replies are limited to {@code udpRepliesPerSecond} (a token bucket, burst of the same size):
 * echo and chargen answer forged sources too, and must not become a flood. A datagram longer than
 * the scratch buffer is not echoed truncated: it is dropped and counted as refused.
 */
final class UdpService implements Runnable {
    /** CONTROL bytes charged for the service object, its owner and its figures; see ServiceChargeTest. */
    static final int CHARGE = 384;
    static final int CHARGEN_REPLY = 6 * Chargen.LINE_BYTES;

    final Services services;
    final ServiceKind kind;
    final Stack stack;
    final Owner owner;
    final ServiceStats stats;
    final UdpSocket socket;
    private final long replyInterval; // nanoseconds per reply token, 0: no limit
    private final long burst;
    private long tat; // theoretical arrival time of the next reply (GCRA)
    private int position;
    private boolean closed;

    UdpService(Services services, ServiceKind kind, ServiceConfig cfg) {
        this.services = services;
        this.kind = kind;
        this.stack = services.stack;
        this.owner = new Owner("service " + kind.serviceName() + "/udp", this);
        int port = cfg.port(kind);
        this.stats = new ServiceStats(kind, true, port);
        this.replyInterval = cfg.udpRepliesPerSecond() == 0 ? 0 : Time.SECONDS / cfg.udpRepliesPerSecond();
        this.burst = replyInterval * Math.max(1, cfg.udpRepliesPerSecond());
        if (!stack.budget().charge(Category.CONTROL, owner, CHARGE)) {
            throw new IllegalStateException("out of memory: the " + kind.serviceName() + " UDP service needs " + CHARGE + " bytes");
        }
        try {
            int datagrams = cfg.udpQueueDatagrams() > 0 ? cfg.udpQueueDatagrams() : stack.config().udpQueueDatagrams();
            int bytes = cfg.udpQueueBytes() > 0 ? cfg.udpQueueBytes() : stack.config().udpQueueBytes();
            this.socket = stack.udp().open(0, port, datagrams, Math.max(bytes, stack.budget().blockSize()));
        } catch (RuntimeException e) {
            stack.budget().uncharge(Category.CONTROL, owner, CHARGE);
            throw e;
        }
        socket.onReadable(this);
    }

    /** A datagram was queued: answer everything waiting. */
    @Override
    public void run() {
        Scratch sc = services.scratch;
        int cap = sc.bytes.length;
        while (!closed) {
            int n = socket.receive(sc.segment, 0, cap);
            if (n < 0) return;
            stats.served++;
            stats.bytesIn += n;
            int len;
            switch (kind) {
                case DISCARD -> { continue; }
                case ECHO -> {
                    if (n > cap) { // truncated into the scratch: do not answer with part of it
                        stats.refused++;
                        continue;
                    }
                    len = n;
                }
                case DAYTIME -> len = Daytime.format(services.wallClockMillis.getAsLong(), sc.bytes, 0);
                default -> {
                    len = CHARGEN_REPLY;
                    position = Chargen.fill(position, sc.bytes, 0, len);
                }
            }
            reply(sc, len);
        }
    }

    private void reply(Scratch sc, int len) {
        long now = stack.time();
        if (replyInterval > 0) {
            long t = Math.max(tat, now);
            if (t - now > burst - replyInterval) { // GCRA: the bucket is empty
                stats.refused++;
                return;
            }
            tat = t + replyInterval;
        }
        if (socket.send(now, socket.lastSource(), socket.lastSourcePort(), sc.segment, 0, len)) stats.bytesOut += len;
        else stats.refused++;
    }

    /** Closes the socket (freeing its queue) and returns the charge. Idempotent. */
    void close() {
        if (closed) return;
        closed = true;
        socket.close();
        stack.budget().uncharge(Category.CONTROL, owner, CHARGE);
    }
}
