package net.sloop.status;

import java.util.Locale;
import net.sloop.mem.Category;
import net.sloop.stats.Counter;
import net.sloop.stats.DropReason;
import net.sloop.stats.Proto;
import net.sloop.tcp.TcpInfo;
import net.sloop.tcp.TcpState;

/**
 * Writes a {@link StatusSnapshot} as the JSON document {@code docs/STATUS.md} describes (schema
 * {@value #SCHEMA}). Every name is a constant, so writing allocates nothing.
 */
public final class StatusJson {
    /** The schema's name and version, the document's first member. */
    public static final String SCHEMA = "sloop-status/1";

    static final String[] CATEGORY_NAMES = lower(Category.values());
    static final String[] PROTO_NAMES = lower(Proto.values());
    static final String[] COUNTER_NAMES = lower(Counter.values());
    static final String[] DROP_NAMES = lower(DropReason.values());
    static final String[] STATE_NAMES = lower(TcpState.values());

    private StatusJson() {}

    private static String[] lower(Enum<?>[] values) {
        String[] out = new String[values.length];
        for (Enum<?> e : values) out[e.ordinal()] = e.name().toLowerCase(Locale.ROOT).intern();
        return out;
    }

    /** Writes the whole document for {@code s} (start/finish are the caller's). */
    public static void write(StatusSnapshot s, JsonWriter w) {
        w.beginObject();
        w.field("schema", SCHEMA);
        w.field("sequence", s.sequence);
        w.name("time").beginObject().field("stack_ns", s.stackNanos).field("unix_ms", s.unixMillis).endObject();

        w.name("budget").beginObject()
                .field("capacity", s.capacity).field("block_size", s.blockSize).field("blocks", s.blocks)
                .field("used", s.used).field("free", s.free).field("committed", s.committed).field("uncommitted_free", s.uncommittedFree)
                .field("reserve", s.reserve).field("peak", s.peak).field("peak_taken", s.peakTaken).field("min_free", s.minFree)
                .field("min_uncommitted_free", s.minUncommittedFree).field("failures", s.failures).field("reserve_uses", s.reserveUses)
                .field("baseline", s.baseline).field("control_charged", s.charged).field("metadata_heap", s.metadataBytes)
                .endObject();

        w.name("categories").beginObject();
        for (Category c : Enums.CATEGORIES) {
            int i = c.ordinal();
            w.name(CATEGORY_NAMES[i]).beginObject().field("used", s.categoryUsed[i]).field("peak", s.categoryPeak[i])
                    .field("failures", s.categoryFailures[i]).endObject();
        }
        w.endObject();

        w.name("tcp").beginObject()
                .field("connections", s.connections).field("in_table", s.connectionsInTable).field("orphans", s.orphans)
                .field("max_orphans", s.maxOrphans).field("time_wait", s.timeWait).field("time_wait_blocks", s.timeWaitBlocks)
                .field("half_open", s.halfOpen).field("guaranteed_connections", s.guaranteedConnections)
                .field("promised_to_listeners", s.promisedToListeners).field("headroom", s.headroomBytes)
                .field("connection_charge", s.connectionChargeBytes).field("pressure", s.pressure);
        w.name("listeners").beginArray();
        for (int i = 0; i < s.listenerCount; i++) {
            w.beginObject().name("address").address(s.listenerAddress[i], -1).field("port", s.listenerPort[i])
                    .field("pending", s.listenerPending[i]).field("held", s.listenerHeld[i]).field("guaranteed", s.listenerGuaranteed[i])
                    .field("backlog", s.listenerBacklog[i]).endObject();
        }
        w.endArray().field("listeners_more", s.listenersMore);
        w.name("counters").beginObject();
        for (int i = 0; i < s.tcpCounters.length; i++) w.field(StatusSnapshot.TCP_COUNTER_NAMES[i], s.tcpCounters[i]);
        w.endObject();
        w.endObject();

        w.name("connections").beginArray();
        for (int i = 0; i < s.connectionCount; i++) connection(s.rows[i], w);
        w.endArray();
        w.field("connections_more", s.connectionsMore);

        w.field("udp_sockets", s.udpSockets);

        w.name("protocols").beginObject();
        for (Proto p : Enums.PROTOS) {
            w.name(PROTO_NAMES[p.ordinal()]).beginObject();
            for (Counter c : Enums.COUNTERS) w.field(COUNTER_NAMES[c.ordinal()], s.protocolCounters[p.ordinal() * Counter.COUNT + c.ordinal()]);
            w.endObject();
        }
        w.endObject();

        w.name("drops").beginObject();
        for (DropReason r : Enums.DROPS) w.field(DROP_NAMES[r.ordinal()], s.drops[r.ordinal()]);
        w.endObject();

        w.name("services").beginArray();
        for (int i = 0; i < s.sourceCount; i++) {
            w.beginObject().field("name", s.sourceName[i]).field("transport", s.sourceTransport[i]).field("port", s.sourcePort[i]);
            w.name("figures").beginObject();
            for (int j = 0; j < s.sourceValues[i].length; j++) w.field(s.sourceFigureNames[i][j], s.sourceValues[i][j]);
            w.endObject().endObject();
        }
        w.endArray();

        w.name("view").beginObject().field("charged", s.viewChargedBytes).field("connection_rows", s.rowCapacity())
                .field("connection_rows_wanted", s.rowsWanted).field("history_samples", s.historyCapacity)
                .field("history_samples_wanted", s.historyWanted).field("history_held", s.historySize).field("degraded", s.degraded).field("reclaimed", s.reclaimed)
                .endObject();
        w.endObject();
    }

    private static void connection(TcpInfo c, JsonWriter w) {
        w.beginObject();
        w.name("local").address(c.localAddress, c.localPort);
        w.name("remote").address(c.remoteAddress, c.remotePort);
        w.field("state", STATE_NAMES[c.state.ordinal()]).field("passive", c.passive).field("orphan", c.orphan)
                .field("receive_shut", c.receiveShut)
                .field("send_queue", c.sendQueue).field("unacked", c.unacknowledged).field("receive_queue", c.receiveQueue)
                .field("out_of_order", c.outOfOrderBytes)
                .field("send_blocks", c.sendBlocks).field("receive_blocks", c.receiveBlocks)
                .field("send_committed", c.sendCommitted).field("receive_committed", c.receiveCommitted)
                .field("memory", c.memoryBytes).field("memory_peak", c.memoryPeakBytes)
                .field("receive_window", c.receiveWindow).field("receive_window_earned", c.receiveWindowEarned)
                .field("receive_buffer", c.receiveBuffer).field("send_window", c.sendWindow).field("send_buffer", c.sendBuffer)
                .field("cwnd", c.cwnd).field("ssthresh", c.ssthresh).field("mss", c.mss)
                .field("rtt_us", c.srttNanos / 1000).field("rttvar_us", c.rttvarNanos / 1000).field("rto_ms", c.rtoNanos / 1_000_000)
                .field("retransmits", c.retransmits).field("bytes_acked", c.bytesAcked).field("bytes_received", c.bytesReceived);
        w.name("timers").beginObject();
        if ((c.timers & TcpInfo.TIMER_RETRANSMIT) != 0) w.field("retransmit_ms", c.retransmitInNanos / 1_000_000);
        if ((c.timers & TcpInfo.TIMER_PERSIST) != 0) w.field("persist_ms", c.retransmitInNanos / 1_000_000);
        if ((c.timers & TcpInfo.TIMER_DELAYED_ACK) != 0) w.field("delayed_ack_ms", c.delayedAckInNanos / 1_000_000);
        if ((c.timers & TcpInfo.TIMER_KEEPALIVE) != 0) w.field("keepalive_ms", c.keepaliveInNanos / 1_000_000);
        if ((c.timers & TcpInfo.TIMER_FIN_WAIT_2) != 0) w.field("fin_wait_2_ms", c.finWait2InNanos / 1_000_000);
        if ((c.timers & TcpInfo.TIMER_ORPHAN_END) != 0) w.field("orphan_end_ms", c.finWait2InNanos / 1_000_000);
        w.endObject();
        w.endObject();
    }
}
