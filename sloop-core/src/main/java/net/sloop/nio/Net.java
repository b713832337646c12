package net.sloop.nio;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;
import net.sloop.wire.Ipv4Address;

/**
 * What a provider's channels and selectors run on: one {@link Stack} and the {@link StackRunner}
 * that drives it. Every channel call takes the runner's lock for its whole length, as the blocking
 * sockets do; a call that must wait awaits a {@link Condition} of that lock (releasing it), and
 * the stack's events, delivered on the runner's thread under the lock, signal it.
 */
record Net(Stack stack, StackRunner runner) {
    Net {
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(runner, "runner");
    }

    void lock() {
        runner.lock();
    }

    void unlock() {
        runner.unlock();
    }

    Condition newCondition() {
        return runner.newCondition();
    }

    /** Wakes the runner (the caller holds the lock): what a call queued goes out now. */
    void kick() {
        runner.wakeupLocked();
    }

    /** A channel's option for a socket view: what the JDK's views throw ({@link SocketException}) instead of any IOException. */
    static <T> void setOption(NetworkChannel ch, SocketOption<T> name, T value) throws SocketException {
        try {
            ch.setOption(name, value);
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    /** As {@link #setOption}, reading the option. */
    static <T> T option(NetworkChannel ch, SocketOption<T> name) throws SocketException {
        try {
            return ch.getOption(name);
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    /** {@code a} as an IPv4 socket address: null stays null, names must be resolved, IPv6 is refused. */
    static InetSocketAddress inet(SocketAddress a) {
        if (a == null) return null;
        if (!(a instanceof InetSocketAddress i)) throw new UnsupportedAddressTypeException();
        if (i.isUnresolved()) throw new UnresolvedAddressException();
        if (!(i.getAddress() instanceof java.net.Inet4Address) && !i.getAddress().isAnyLocalAddress()) {
            throw new UnsupportedAddressTypeException(); // Sloop speaks IPv4
        }
        return i;
    }

    /** The int form of {@code a}'s address; 0 for the wildcard. */
    static int address(InetSocketAddress a) {
        InetAddress x = a.getAddress();
        return x.isAnyLocalAddress() ? 0 : Ipv4Address.of(x);
    }

    static InetSocketAddress socketAddress(int address, int port) {
        return new InetSocketAddress(Ipv4Address.toInet(address), port);
    }
}
