package net.sloop.tcp;

import net.sloop.stats.DropReason;

/**
 * Hears what TCP does that a log would report: connections opened and closed, SYNs refused, and
 * memory pressure entered and left. Set with {@link Tcp#observe}; without one, TCP only tests a
 * null field, so the hot paths allocate nothing and call nothing. Called on the stack's thread,
 * during processing: an observer must not call back into the stack, and should be quick (the
 * edge formats and writes its log line; the core does no I/O).
 *
 * <p>The {@link TcpInfo} passed is TCP's own, filled in place for the call: copy what you keep.
 */
public interface TcpObserver {
    /** {@code c} reached ESTABLISHED (or FIN_WAIT_1, closed during the handshake). */
    default void opened(long now, TcpInfo c) {}

    /**
     * {@code c}, once opened, ended: {@code error} is NONE for an orderly close (its state is then
     * TIME_WAIT or CLOSED), else why it was aborted (reset by the peer, timed out, closed by the
     * stack, reset by its application).
     */
    default void closed(long now, TcpInfo c, TcpError error) {}

    /**
     * A SYN to {@code laddr:lport} from {@code raddr:rport} was not answered, for {@code why}:
     * {@link DropReason#TCP_ADMISSION} (the budget cannot admit it without breaking a promise),
     * {@link DropReason#TCP_ACCEPT_QUEUE_FULL}, or {@link DropReason#TCP_NO_SOCKET} (no listener:
     * reset).
     */
    default void refused(long now, int laddr, int lport, int raddr, int rport, DropReason why) {}

    /**
     * Memory pressure entered ({@code entered}) or left: blocks used or committed went above the
     * pressure threshold ({@code TcpConfig.pressurePercent} of the budget beyond the receive
     * reserve), from when on connections grow only within a fair share; left when they are back
     * below seven eighths of it. {@code takenBytes} is what is used or committed now.
     */
    default void pressure(long now, boolean entered, long takenBytes, long thresholdBytes) {}
}
