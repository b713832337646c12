package net.sloop.nio;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;

/**
 * A {@link SelectorProvider} whose channels and selectors run on a Sloop {@link Stack}, so code
 * written against {@code java.nio.channels} (Netty's NIO transport, the JDK's
 * {@code com.sun.net.httpserver.HttpServer}) serves and connects over Sloop unchanged.
 *
 * <p>Two ways to use it:
 * <ul>
 *   <li><b>Given to code that takes a provider</b>: {@link #of(Stack, StackRunner)}, then for
 *       example {@code provider.openServerSocketChannel()}, or Netty's
 *       {@code NioIoHandler.newFactory(provider)} and {@code new NioServerSocketChannel(provider)}.</li>
 *   <li><b>As the JVM's default</b>, for code that calls {@code ServerSocketChannel.open()},
 *       {@code Selector.open()} and so {@link SelectorProvider#provider()}: start the JVM with
 *       {@code -Djava.nio.channels.spi.SelectorProvider=net.sloop.nio.SloopProvider} (the JDK
 *       then makes one with the public no-arg constructor, on the first call to {@code
 *       provider()}), and call {@link #installDefault(Stack, StackRunner)} before the first
 *       channel is opened. {@code installDefault} also sets that property itself when the JVM has
 *       not chosen its provider yet, so a program that calls it first needs no {@code -D}.</li>
 * </ul>
 * A provider made by the no-arg constructor looks up the installed stack each time it opens a
 * channel or selector; with none installed, opening throws an {@link IOException} saying so.
 *
 * <p>Channels are IPv4 only (Sloop's protocol family): {@code INET6} and {@code UNIX} are
 * refused with {@link UnsupportedOperationException}. Selectors take only channels of a provider
 * on the same stack and runner.
 *
 * <p>{@link #openPipe()} makes a {@link SloopPipe}, not the platform's: a platform pipe could not
 * be registered with a Sloop selector (and the JDK offers no way to reach the platform provider
 * once another is the default), while code that pairs {@code Pipe.open()} with {@code
 * Selector.open()} expects the two to work together. Its small ring is charged to the stack's
 * budget. {@link #inheritedChannel()} is null: Sloop's channels are never inherited from a parent
 * process.
 */
public class SloopProvider extends SelectorProvider {
    /** The system property that names the JVM's default provider class. */
    public static final String PROPERTY = "java.nio.channels.spi.SelectorProvider";

    private static volatile Net installed;

    private final Net fixed; // null: the installed default, looked up at each open

    /**
     * A provider bound to the stack installed with {@link #installDefault}, looked up at each
     * open. The JDK calls this when the system property {@value #PROPERTY} names this class.
     */
    public SloopProvider() {
        this.fixed = null;
    }

    private SloopProvider(Net net) {
        this.fixed = net;
    }

    /**
     * A provider whose channels run on {@code stack}, which {@code runner} drives.
     *
     * @param stack the stack the channels and selectors use
     * @param runner the runner that drives {@code stack} (its lock guards every call)
     * @return a provider bound to them
     */
    public static SloopProvider of(Stack stack, StackRunner runner) {
        return new SloopProvider(new Net(stack, runner));
    }

    /**
     * Makes {@code stack} (driven by {@code runner}) the stack of providers made by the no-arg
     * constructor, in particular the JVM's default provider when the system property {@value
     * #PROPERTY} names this class. If the property is not set and {@link SelectorProvider#provider()}
     * has not been called yet, sets it, so that the JDK picks this class. Channels opened before
     * a later call keep the stack they were opened on.
     *
     * @param stack the stack for the default provider's channels and selectors
     * @param runner the runner that drives {@code stack}
     * @return true if the JVM's default provider is now a {@code SloopProvider} (so
     *     {@code ServerSocketChannel.open()}, {@code Selector.open()} run on Sloop); false if the
     *     JVM had already chosen another (then only code given a provider uses Sloop)
     */
    public static boolean installDefault(Stack stack, StackRunner runner) {
        install(stack, runner);
        if (System.getProperty(PROPERTY) == null) System.setProperty(PROPERTY, SloopProvider.class.getName());
        return SelectorProvider.provider() instanceof SloopProvider;
    }

    /** Binds providers made by the no-arg constructor to {@code stack}, leaving the JVM's choice of provider alone. */
    static void install(Stack stack, StackRunner runner) {
        installed = new Net(stack, runner);
    }

    /** Forgets the installed stack: providers made by the no-arg constructor refuse to open channels until the next {@link #installDefault}. */
    public static void uninstallDefault() {
        installed = null;
    }

    /**
     * The stack this provider's channels run on now.
     *
     * @return the stack (for a provider made by the no-arg constructor: the one installed), or null if none is installed
     */
    public Stack stack() {
        Net n = fixed != null ? fixed : installed;
        return n == null ? null : n.stack();
    }

    Net net() throws IOException {
        Net n = fixed != null ? fixed : installed;
        if (n == null) {
            throw new IOException("no Sloop stack installed for the default provider: call SloopProvider.installDefault(stack, runner) before opening channels");
        }
        return n;
    }

    private static void inet(ProtocolFamily family) {
        if (family != StandardProtocolFamily.INET) throw new UnsupportedOperationException("Sloop channels are IPv4 only (INET), not " + family);
    }

    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return new SloopDatagramChannel(this, net());
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        inet(family);
        return openDatagramChannel();
    }

    @Override
    public Pipe openPipe() throws IOException {
        return SloopPipe.open(this, net());
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        return new SloopSelector(this, net());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return new SloopServerSocketChannel(this, net());
    }

    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        inet(family);
        return openServerSocketChannel();
    }

    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return new SloopSocketChannel(this, net());
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        inet(family);
        return openSocketChannel();
    }

    @Override
    public java.nio.channels.Channel inheritedChannel() {
        return null;
    }

    @Override
    public String toString() {
        return "SloopProvider[" + (fixed != null ? fixed.stack() : "installed default") + "]";
    }
}
