package net.sloop.ftp.client;

import java.util.ArrayDeque;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.mem.Owner;
import net.sloop.stack.Stack;

/**
 * Downloads a directory tree the way FileZilla does, the workload of seed report 000: every
 * directory is entered (CWD, PWD) and listed over a fresh passive data connection (PASV or EPSV,
 * then LIST or MLSD), every file is fetched over a fresh passive data connection of its own (PASV,
 * RETR), one after the other as fast as the replies come, optionally by several control sessions
 * in parallel that share the work. Directories are walked first (breadth-first), then files, as
 * FileZilla's queue does. Each file's bytes go through a {@link Sha256Sink} and only its size and
 * hash reach the {@link Listener}: nothing of the data is kept.
 *
 * <p>Memory: the mirror is charged CONTROL for itself and each session's hashing state ({@link
 * #BASE_BYTES}, {@link #SESSION_BYTES}), each session is an {@link FtpClient} charged on its own,
 * and every path waiting in the queue is charged ({@link #entryCharge}) until it is taken: the
 * queue of a tree is bounded by the budget. A path the budget cannot hold is counted ({@link
 * #outOfMemory()}) and not fetched. Everything is returned when the mirror finishes.
 *
 * <p>A session that fails (timeout, connection lost) is not reopened; the others go on. A file
 * or directory refused by the server, or whose data connection fails, is counted and skipped.
 * Runs on the stack's thread like {@link FtpClient}.
 */
public final class FtpMirror {
    /** CONTROL bytes charged for the mirror itself (object, queues' arrays, owner); see FtpClientChargeTest. */
    public static final int BASE_BYTES = 1024;
    /** CONTROL bytes charged per session beyond its FtpClient (worker, SHA-256 state); see FtpClientChargeTest. */
    public static final int SESSION_BYTES = 768;

    /** How directories are listed. */
    public enum Listing {
        /** LIST, parsed as Unix {@code ls -l} lines (every server has it). */
        LIST,
        /** MLSD (RFC 3659 §7): machine-readable facts, exact sizes and times. */
        MLSD
    }

    /** Hears the mirror's results on the stack's thread. */
    public interface Listener {
        /** A file was fetched whole: its path, size and SHA-256. */
        void file(String path, long size, byte[] sha256);

        /** Every session has ended: the mirror is over and its memory returned. */
        void finished(FtpMirror mirror);

        /** {@code path} could not be listed or fetched ({@code outcome} says why). */
        default void failed(String path, Outcome outcome) {}
    }

    private final Stack stack;
    private final Budget m;
    private final Owner owner = new Owner("ftp mirror", this);
    private final Listing listing;
    private final Listener listener;
    private final ArrayDeque<String> dirs = new ArrayDeque<>();
    private final ArrayDeque<Entry> files = new ArrayDeque<>();
    private final Worker[] workers;
    private final int charge;
    private long queuedCharge;
    private boolean over;
    private final long started;
    private long finishedAt = -1;
    private long filesDone, bytesDone, dirsListed, failures, outOfMemory;

    /** A file waiting to be fetched, with the size its listing gave. */
    private record Entry(String path, long size) {}

    private FtpMirror(Stack stack, int sessions, Listing listing, Listener listener) {
        this.stack = stack;
        this.m = stack.budget();
        this.listing = listing;
        this.listener = listener;
        this.workers = new Worker[sessions];
        this.charge = BASE_BYTES + sessions * SESSION_BYTES;
        this.started = stack.time();
    }

    /**
     * Starts mirroring {@code root} from {@code server}:{@code port} with {@code sessions} control
     * sessions. Returns null, having taken nothing, if the budget cannot hold the mirror or its
     * first session.
     *
     * @throws IllegalStateException if the stack has fewer application timer slots than sessions
     */
    public static FtpMirror start(Stack stack, int server, int port, FtpClientConfig cfg, int sessions, String root,
            Listing listing, Listener listener) {
        if (sessions < 1) throw new IllegalArgumentException("at least one session");
        FtpMirror mirror = new FtpMirror(stack, sessions, listing, listener);
        if (!mirror.m.charge(Category.CONTROL, mirror.owner, mirror.charge)) return null;
        if (!mirror.queueDir(root)) {
            mirror.m.uncharge(Category.CONTROL, mirror.owner, mirror.charge);
            return null;
        }
        int opened = 0;
        for (int i = 0; i < sessions; i++) {
            Worker w = mirror.new Worker();
            mirror.workers[i] = w;
            w.client = FtpClient.open(stack, server, port, cfg, w::opened);
            if (w.client != null) opened++;
        }
        if (opened == 0) {
            mirror.dirs.clear();
            mirror.m.uncharge(Category.CONTROL, mirror.owner, (int) mirror.queuedCharge + mirror.charge);
            mirror.queuedCharge = 0;
            return null;
        }
        return mirror;
    }

    // ------------------------------------------------------------------ figures

    public long files() { return filesDone; }
    public long bytes() { return bytesDone; }
    public long directories() { return dirsListed; }
    /** Paths that could not be listed or fetched, and sessions lost. */
    public long failures() { return failures; }
    /** Paths the budget could not queue. */
    public long outOfMemory() { return outOfMemory; }
    public boolean isFinished() { return over; }
    /** Simulated (stack) nanoseconds from start to finish, or so far. */
    public long elapsedNanos() { return (finishedAt >= 0 ? finishedAt : stack.time()) - started; }
    public Owner owner() { return owner; }

    /** Data connections the sessions opened so far. */
    public long dataConnections() {
        long n = 0;
        for (Worker w : workers) if (w != null && w.client != null) n += w.client.dataConnections();
        return n;
    }

    // ------------------------------------------------------------------ the queue

    /** CONTROL bytes a queued path of {@code path.length()} characters is charged (the String, its array, the queue's slot and record). */
    public static int entryCharge(String path) {
        return 96 + 2 * path.length();
    }

    private boolean queueDir(String path) {
        if (!chargeEntry(path)) return false;
        dirs.add(path);
        return true;
    }

    private void queueFile(String path, long size) {
        if (chargeEntry(path)) files.add(new Entry(path, size));
    }

    private boolean chargeEntry(String path) {
        int c = entryCharge(path);
        if (!m.charge(Category.CONTROL, owner, c)) {
            outOfMemory++;
            return false;
        }
        queuedCharge += c;
        return true;
    }

    private void uncharge(String path) {
        int c = entryCharge(path);
        m.uncharge(Category.CONTROL, owner, c);
        queuedCharge -= c;
    }

    private static String child(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    // ------------------------------------------------------------------ sessions

    /** One control session's part of the work. */
    private final class Worker {
        FtpClient client;
        final Sha256Sink sink = new Sha256Sink();
        /** The directory or file this session is on, or null while it waits. */
        String current;

        void opened(FtpClient c, Outcome o) {
            if (!o.ok()) {
                lost(o);
                return;
            }
            next();
        }

        /** Takes the next piece of work, waits for some, or ends the sessions if there is none left for anyone. */
        void next() {
            String d = dirs.poll();
            if (d != null) {
                uncharge(d);
                current = d;
                client.cwd(d, this::entered);
                return;
            }
            Entry f = files.poll();
            if (f != null) {
                uncharge(f.path);
                current = f.path;
                client.retr(f.path, sink, this::fetched);
                return;
            }
            current = null; // wait: a listing under way elsewhere may bring more work
            if (!anyWorking()) quitAll();
        }

        /** Opening, or holding a piece of work. */
        boolean working() {
            return client != null && (client.state() == FtpClient.State.OPENING || current != null && client.state() != FtpClient.State.CLOSED);
        }

        void entered(FtpClient c, Outcome o) {
            if (!o.ok()) {
                failed(o);
                return;
            }
            c.pwd(this::located);
        }

        void located(FtpClient c, Outcome o) {
            if (!o.ok()) {
                failed(o);
                return;
            }
            String dir = current;
            LineSink sinkOfLines = listing == Listing.MLSD ? line -> {
                MlsdEntry e = MlsdEntry.parse(line);
                if (e == null) return;
                if (e.isDirectory()) queueDir(child(dir, e.name()));
                else if (e.isFile()) queueFile(child(dir, e.name()), e.size());
            } : line -> {
                ListEntry e = ListEntry.parse(line);
                if (e == null || e.name().equals(".") || e.name().equals("..")) return;
                if (e.isDirectory()) queueDir(child(dir, e.name()));
                else if (e.isFile()) queueFile(child(dir, e.name()), e.size());
            };
            if (listing == Listing.MLSD) c.mlsd(null, sinkOfLines, this::listed);
            else c.list(null, sinkOfLines, this::listed);
        }

        void listed(FtpClient c, Outcome o) {
            if (!o.ok()) {
                failed(o);
                return;
            }
            dirsListed++;
            next();
            for (Worker w : workers) { // new work for sessions waiting
                if (dirs.isEmpty() && files.isEmpty()) break;
                if (w != this && w.current == null && w.client != null && w.client.isReady()) w.next();
            }
        }

        void fetched(FtpClient c, Outcome o) {
            long n = c.transferred();
            byte[] hash = sink.finish();
            if (!o.ok()) {
                failed(o);
                return;
            }
            filesDone++;
            bytesDone += n;
            listener.file(current, n, hash);
            next();
        }

        void failed(Outcome o) {
            failures++;
            listener.failed(current, o);
            if (client.state() == FtpClient.State.CLOSED) {
                lost(null);
            } else {
                next();
            }
        }

        void lost(Outcome o) {
            if (o != null) {
                failures++;
                listener.failed(current == null ? "(session)" : current, o);
            }
            current = null;
            ended();
        }

        void quit(FtpClient c, Outcome o) {
            ended();
        }
    }

    private boolean anyWorking() {
        for (Worker w : workers) if (w.working()) return true;
        return false;
    }

    private void quitAll() {
        for (Worker w : workers) if (w.client != null && w.client.isReady()) w.client.quit(w::quit);
    }

    /** A session ended: when all have, the mirror is over and returns what is left. */
    private void ended() {
        boolean open = false;
        for (Worker w : workers) if (w.client != null && w.client.state() != FtpClient.State.CLOSED) open = true;
        if (open) {
            if (anyWorking()) return;
            if (dirs.isEmpty() && files.isEmpty()) {
                quitAll();
            } else {
                for (Worker w : workers) if (w.client != null && w.client.isReady()) w.next();
            }
            return;
        }
        if (over) return;
        over = true;
        finishedAt = stack.time();
        // Paths still queued (every session failed) are returned.
        for (String d; (d = dirs.poll()) != null; ) uncharge(d);
        for (Entry f; (f = files.poll()) != null; ) uncharge(f.path);
        m.uncharge(Category.CONTROL, owner, charge);
        listener.finished(this);
    }

    /**
     * Stops now: every session is closed (its connections reset), what is queued is dropped and
     * all memory returned; the listener hears {@link Listener#finished}. Idempotent.
     */
    public void close() {
        if (over) return;
        for (Worker w : workers) if (w != null && w.client != null) w.client.close();
        ended();
    }

    public String report() {
        return String.format("ftp mirror: %d directories, %d files, %d bytes in %.3f s, %d data connections, %d failures, %d paths refused for memory",
                dirsListed, filesDone, bytesDone, elapsedNanos() / 1e9, dataConnections(), failures, outOfMemory);
    }
}
