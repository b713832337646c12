/**
 * The real-network edge: Linux TUN and TAP devices as links ({@link net.sloop.tun.TunLink}),
 * bound to libc through {@code java.lang.foreign} (no JNI), with errno in every error ({@link
 * net.sloop.tun.ErrnoException}); the ppoll(2) + eventfd(2) waiter the runner uses for links with
 * descriptors ({@link net.sloop.tun.FdPoller}); and the host side, configured with iproute2
 * ({@link net.sloop.tun.HostNet}: namespaces, moving a device, address, MTU, up). This package
 * does I/O and is used only by the edges (runner, CLI), never by the protocol core.
 */
package net.sloop.tun;
