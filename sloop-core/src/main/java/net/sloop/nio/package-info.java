/**
 * {@code java.nio.channels} on Sloop: {@link net.sloop.nio.SloopProvider}, a
 * {@link java.nio.channels.spi.SelectorProvider} whose selectors, socket, server socket and
 * datagram channels and pipes run on one {@link net.sloop.stack.Stack} driven by a
 * {@link net.sloop.blocking.StackRunner}, so that code written against NIO runs on Sloop
 * unchanged.
 *
 * <pre>{@code
 * StackRunner runner = StackRunner.start(stack);
 * SloopProvider provider = SloopProvider.of(stack, runner);      // for code that takes a provider
 * try (Selector selector = provider.openSelector();
 *      ServerSocketChannel server = provider.openServerSocketChannel()) {
 *     server.bind(new InetSocketAddress(7)).configureBlocking(false);
 *     server.register(selector, SelectionKey.OP_ACCEPT);
 *     while (selector.select() >= 0) { ... }
 * }
 *
 * SloopProvider.installDefault(stack, runner);                     // for code that uses the JVM's default
 * HttpServer http = HttpServer.create(new InetSocketAddress(80), 0);
 * }</pre>
 *
 * <p>Every call takes the runner's lock; waits (a blocking read, a selection) are on conditions of
 * that lock which the stack's events signal. Data stays in the connections' own queues, charged
 * to the budget; channels keep no buffers. Addresses are IPv4 {@code InetSocketAddress}es, errors
 * {@code java.net}'s and {@code java.nio.channels}'.
 */
package net.sloop.nio;
