/**
 * TCP (RFC 9293 and the RFCs it builds on) and its event-driven face.
 *
 * <p>{@link net.sloop.tcp.Tcp} is the protocol instance of a stack; {@link net.sloop.tcp.TcpSocket} and
 * {@link net.sloop.tcp.TcpListener} are what an application holds; {@link net.sloop.tcp.TcpConfig} sets
 * buffers, timers and limits; {@link net.sloop.tcp.TcpInfo} is a connection's figures in the spirit of
 * Linux's {@code tcp_info}, and {@link net.sloop.tcp.TcpObserver} hears connections open, close and be
 * refused. Memory follows one rule ({@link net.sloop.tcp.TcpAdmission}): a small guaranteed minimum per
 * connection, windows backed by committed blocks on demand under a fair share, commitments taken back
 * under pressure. The rest (sender, receiver, timers, SACK scoreboard, congestion control, SYN cookies,
 * TIME_WAIT table) is the engine, public for tests and figures.
 */
package net.sloop.tcp;
