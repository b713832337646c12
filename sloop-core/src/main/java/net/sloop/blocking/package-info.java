/**
 * Blocking sockets for application threads (virtual threads are the intended use):
 * {@link net.sloop.blocking.BlockingSocket}, {@link net.sloop.blocking.BlockingServerSocket},
 * {@link net.sloop.blocking.BlockingUdpSocket}, with {@code java.net} addresses and exceptions. A
 * {@link net.sloop.blocking.StackRunner} drives the stacks in real time on one thread and owns the lock
 * every other thread takes to use them.
 */
package net.sloop.blocking;
