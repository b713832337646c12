package net.sloop.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.List;
import net.sloop.blocking.StackRunner;
import net.sloop.ftp.FtpStats;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.service.ServiceStats;
import net.sloop.stack.Stack;
import net.sloop.status.ByteSink;
import net.sloop.status.JsonReader;
import net.sloop.status.StatusText;
import net.sloop.status.StatusView;

/**
 * The control channel of a running {@code serve}: a Unix domain socket served by one host thread
 * ("sloop-status") with a selector. A client connects, sends one command line and reads the
 * answer until the server closes:
 * <ul>
 *   <li>{@code json}: the status document (docs/STATUS.md);
 *   <li>{@code csv}: the memory history;
 *   <li>{@code text}: the status as a table for people.
 * </ul>
 * Anything else is answered with one line starting {@code error:}. The thread takes the stack's
 * runner lock only to copy the figures into the view's snapshot and render them into a heap array
 * of its own (about 0.1 ms with the JSON and CSV, measured by StatusAllocationTest on a loaded machine); socket I/O is done without it. Once a second it also takes
 * the lock to sample the memory history and to read the counters whose growth the log reports
 * (allocation failures, services refusing). On {@link #requestSummary} (SIGUSR1) it prints the
 * table on the serve's standard output.
 *
 * <p>The socket file is made mode 0600 (the figures are the operator's) and removed on close.
 */
final class StatusChannel implements AutoCloseable {
    private static final int MAX_CLIENTS = 8;
    private static final long CLIENT_TIMEOUT_MS = 5_000;

    private final Path path;
    private final StackRunner runner;
    private final Stack stack;
    private final StatusView view;
    private final LiveLog log;
    private final PrintWriter out;
    private final List<ServiceStats> services;
    private final FtpStats ftp;
    private final ByteSink.Collect doc = new ByteSink.Collect();
    private ServerSocketChannel server;
    private Selector selector;
    private Thread thread;
    private volatile boolean stopping;
    private volatile boolean summaryWanted;
    private int clients;
    // Last figures the log compared against.
    private long lastFailures;
    private final long[] lastCategoryFailures = new long[Category.COUNT];
    private long[] lastRefused;

    StatusChannel(Path path, StackRunner runner, Stack stack, StatusView view, LiveLog log, PrintWriter out, List<ServiceStats> services,
            FtpStats ftp) {
        this.path = path;
        this.runner = runner;
        this.stack = stack;
        this.view = view;
        this.log = log;
        this.out = out;
        this.services = services;
        this.ftp = ftp;
    }

    /** Binds the socket (refusing one another process answers on; removing a stale one) and starts the thread. */
    void start() throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        if (Files.exists(path)) {
            if (answers(path)) throw new IOException("status socket " + path + " is in use by another process (pick another --status-socket)");
            Files.deleteIfExists(path);
        }
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: leave it
        }
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        runner.lock();
        try {
            lastFailures = stack.budget().failures();
            for (Category c : Category.values()) lastCategoryFailures[c.ordinal()] = stack.budget().failures(c);
            lastRefused = refusals();
            view.sampleIfDue(System.currentTimeMillis());
        } finally {
            runner.unlock();
        }
        thread = Thread.ofPlatform().daemon().name("sloop-status").start(this::loop);
    }

    private static boolean answers(Path p) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            return c.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    Path path() {
        return path;
    }

    /** Asks the thread to print the summary on standard output (safe from a signal handler). */
    void requestSummary() {
        summaryWanted = true;
        Selector s = selector;
        if (s != null) s.wakeup();
    }

    private static final class Client {
        final ByteBuffer in = ByteBuffer.allocate(128);
        ByteBuffer answer;
        final long deadline = System.currentTimeMillis() + CLIENT_TIMEOUT_MS;
    }

    private void loop() {
        long nextTick = System.currentTimeMillis() + 1000;
        while (!stopping) {
            try {
                long wait = Math.max(1, nextTick - System.currentTimeMillis());
                selector.select(wait);
                if (stopping) break;
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    try {
                        if (!k.isValid()) continue;
                        if (k.isAcceptable()) accept();
                        else if (k.isReadable()) read(k);
                        else if (k.isWritable()) write(k);
                    } catch (IOException e) {
                        drop(k);
                    }
                }
                long now = System.currentTimeMillis();
                if (summaryWanted) {
                    summaryWanted = false;
                    printSummary();
                }
                if (now >= nextTick) {
                    nextTick = now + 1000;
                    tick(now);
                    expire(now);
                }
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException | RuntimeException e) {
                if (!stopping) log.warning("status_error", "status channel: " + e);
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel c = server.accept();
        if (c == null) return;
        if (clients >= MAX_CLIENTS) {
            c.close();
            return;
        }
        clients++;
        c.configureBlocking(false);
        c.register(selector, SelectionKey.OP_READ, new Client());
    }

    private void read(SelectionKey k) throws IOException {
        Client cl = (Client) k.attachment();
        SocketChannel c = (SocketChannel) k.channel();
        int n = c.read(cl.in);
        String line = null;
        for (int i = 0; i < cl.in.position(); i++) {
            if (cl.in.get(i) == '\n') {
                line = new String(cl.in.array(), 0, i, StandardCharsets.US_ASCII).strip();
                break;
            }
        }
        if (line == null && n >= 0 && cl.in.hasRemaining()) return;
        if (line == null) line = new String(cl.in.array(), 0, cl.in.position(), StandardCharsets.US_ASCII).strip();
        cl.answer = ByteBuffer.wrap(answer(line));
        k.interestOps(SelectionKey.OP_WRITE);
        write(k);
    }

    private void write(SelectionKey k) throws IOException {
        Client cl = (Client) k.attachment();
        ((SocketChannel) k.channel()).write(cl.answer);
        if (!cl.answer.hasRemaining()) drop(k);
    }

    private void drop(SelectionKey k) {
        k.cancel();
        try {
            k.channel().close();
        } catch (IOException ignored) {
            // gone already
        }
        clients--;
    }

    private void expire(long now) {
        for (SelectionKey k : selector.keys()) {
            if (k.attachment() instanceof Client cl && now > cl.deadline) drop(k);
        }
    }

    /** The answer to one command. */
    byte[] answer(String command) {
        switch (command) {
            case "json":
                return render(true);
            case "csv":
                return render(false);
            case "text":
                return text().getBytes(StandardCharsets.UTF_8);
            default:
                return ("error: unknown command '" + command.replaceAll("[^ -~]", "?") + "' (json, csv, text)\n").getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The JSON document or the CSV history, rendered under the runner's lock into a heap array; an error line if the view is unavailable. */
    private byte[] render(boolean json) {
        return render(runner, view, doc, json);
    }

    static byte[] render(StackRunner runner, StatusView view, ByteSink.Collect doc, boolean json) {
        runner.lock();
        try {
            if (!view.available()) return ("error: " + StatusView.UNAVAILABLE + "\n").getBytes(StandardCharsets.UTF_8);
            doc.reset();
            if (json) view.json(System.currentTimeMillis(), doc);
            else view.writeCsv(doc);
            return doc.toByteArray();
        } finally {
            runner.unlock();
        }
    }

    String text() {
        return text(runner, view);
    }

    /** The status as a table (or the one line saying why there is none). */
    static String text(StackRunner runner, StatusView view) {
        String d = new String(render(runner, view, new ByteSink.Collect(), true), StandardCharsets.UTF_8);
        return d.startsWith("error: ") ? d.substring(7) : StatusText.render(JsonReader.object(d));
    }

    private void printSummary() {
        String t = text();
        StringBuilder b = new StringBuilder("sloop: summary (SIGUSR1; still serving)\n");
        for (String line : t.split("\n")) b.append("  ").append(line).append('\n');
        out.print(b);
        out.flush();
    }

    /** Once a second: the history sample, and the counters whose growth is logged. */
    private void tick(long now) {
        long failures, failuresDelta = 0;
        StringBuilder byCategory = new StringBuilder();
        long[] refused;
        runner.lock();
        try {
            view.sampleIfDue(now);
            Budget b = stack.budget();
            failures = b.failures();
            if (failures != lastFailures) {
                failuresDelta = failures - lastFailures;
                for (Category c : Category.values()) {
                    long d = b.failures(c) - lastCategoryFailures[c.ordinal()];
                    lastCategoryFailures[c.ordinal()] = b.failures(c);
                    if (d > 0) byCategory.append(byCategory.isEmpty() ? "" : ", ").append(c.name().toLowerCase()).append(' ').append(d);
                }
                lastFailures = failures;
            }
            refused = refusals();
        } finally {
            runner.unlock();
        }
        if (failuresDelta > 0) log.allocationFailures(failuresDelta, failures, byCategory.toString());
        reportRefusals(refused);
    }

    /** Per TCP service: refused (slots), refused for memory; then FTP's full, per-address, locked-out. */
    private long[] refusals() {
        long[] r = new long[2 * services.size() + 3];
        int i = 0;
        for (ServiceStats s : services) {
            r[i++] = s.udp() ? 0 : s.refused();
            r[i++] = s.udp() ? 0 : s.refusedNoMemory();
        }
        if (ftp != null) {
            r[i++] = ftp.refusedFull();
            r[i++] = ftp.refusedPerAddress();
            r[i] = ftp.refusedLockedOut();
        }
        return r;
    }

    private void reportRefusals(long[] now) {
        int i = 0;
        for (ServiceStats s : services) {
            String name = s.kind().serviceName();
            long slots = now[i] - lastRefused[i], mem = now[i + 1] - lastRefused[i + 1];
            if (slots > 0) log.serviceRefused(name, slots, "every slot taken (reset)");
            if (mem > 0) log.serviceRefused(name, mem, "no memory for the connection's guaranteed block (reset)");
            i += 2;
        }
        if (ftp != null) {
            String[] why = {"every session taken (421)", "too many sessions from one address (421)", "address locked out after failed logins (421)"};
            for (int j = 0; j < 3; j++) if (now[i + j] > lastRefused[i + j]) log.serviceRefused("ftp", now[i + j] - lastRefused[i + j], why[j]);
        }
        lastRefused = now;
    }

    /** Stops the thread, closes the socket and removes its file. The view is the caller's to close. */
    @Override
    public void close() {
        stopping = true;
        if (selector != null) selector.wakeup();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (selector != null) {
                for (SelectionKey k : selector.keys()) k.channel().close();
                selector.close();
            }
            if (server != null) server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

}
