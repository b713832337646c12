package net.sloop.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import net.sloop.fs.FileSystem;
import net.sloop.fs.HostFs;
import net.sloop.fs.MemoryFs;
import net.sloop.ftp.FtpConfig;
import net.sloop.ftp.FtpUsers;

/**
 * What {@code ./sloop serve --ftp-*} asked for, validated by {@link #of}: the FTP server on port
 * 21 over a host directory ({@code --ftp-root}) or an in-memory file system
 * ({@code --ftp-memfs SIZE}). Every message of the {@link IllegalArgumentException}s it throws is
 * one line starting with the option it is about.
 *
 * @param root the host directory served (null with memfs)
 * @param memfsBytes the in-memory file system's limit (0 with a root)
 * @param users the users file's contents (none: only anonymous)
 * @param passiveLow lowest passive port
 * @param passiveHigh highest passive port
 * @param readOnly refuse every change
 * @param anonymous allow anonymous (read-only) logins
 * @param maxSessions control connections at once
 * @param idleTimeoutSeconds idle control connections are closed after this long
 * @param dataBuffer send and receive buffer of each data connection
 */
record FtpServeOptions(Path root, long memfsBytes, FtpUsers users, int passiveLow, int passiveHigh, boolean readOnly, boolean anonymous,
        int maxSessions, long idleTimeoutSeconds, int dataBuffer) {

    /** Validates; returns null if neither {@code --ftp-root} nor {@code --ftp-memfs} was given (and no other --ftp option was). */
    static FtpServeOptions of(Path root, String memfs, Path usersFile, String passivePorts, boolean readOnly, boolean noAnonymous, int maxSessions,
            long idleTimeoutSeconds, String dataBuffer, boolean anyOther) {
        if (root == null && memfs == null) {
            if (anyOther || usersFile != null) throw new IllegalArgumentException("--ftp-*: give --ftp-root DIR or --ftp-memfs SIZE to serve FTP");
            return null;
        }
        if (root != null && memfs != null) throw new IllegalArgumentException("--ftp-root and --ftp-memfs: give one, not both");
        long mem = 0;
        if (root != null) {
            if (!Files.isDirectory(root)) throw new IllegalArgumentException("--ftp-root " + root + ": not a directory");
        } else {
            try {
                mem = Sizes.parse(memfs);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--ftp-memfs: " + e.getMessage());
            }
            if (mem < 1 || mem > (1L << 34)) throw new IllegalArgumentException("--ftp-memfs " + memfs + ": must be between 1 byte and 16 GiB");
        }
        FtpUsers users = FtpUsers.none();
        if (usersFile != null) {
            try {
                users = FtpUsers.load(usersFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("--ftp-users " + usersFile + ": cannot read it (" + e.getClass().getSimpleName() + ")");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--ftp-users " + usersFile + ": " + e.getMessage());
            }
        }
        int lo, hi;
        String[] p = passivePorts.split("-", -1);
        try {
            if (p.length != 2) throw new NumberFormatException();
            lo = Integer.parseInt(p[0].trim());
            hi = Integer.parseInt(p[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ftp-passive-ports " + passivePorts + ": expected LOW-HIGH, for example 50000-50999");
        }
        if (lo < 1024 || hi > 65535 || lo > hi) throw new IllegalArgumentException("--ftp-passive-ports " + passivePorts + ": must be a range within 1024-65535");
        if (noAnonymous && users.size() == 0) throw new IllegalArgumentException("--ftp-no-anonymous: no one could log in; give --ftp-users FILE");
        if (maxSessions < 1 || maxSessions > 1024) throw new IllegalArgumentException("--ftp-max-sessions " + maxSessions + ": must be 1..1024");
        if (idleTimeoutSeconds < 1 || idleTimeoutSeconds > 86_400) throw new IllegalArgumentException("--ftp-idle-timeout " + idleTimeoutSeconds + ": must be 1..86400 seconds");
        long buf;
        try {
            buf = Sizes.parse(dataBuffer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ftp-data-buffer: " + e.getMessage());
        }
        if (buf < 1024 || buf > (16 << 20)) throw new IllegalArgumentException("--ftp-data-buffer " + dataBuffer + ": must be 1k..16m");
        return new FtpServeOptions(root, mem, users, lo, hi, readOnly, !noAnonymous, maxSessions, idleTimeoutSeconds, (int) buf);
    }

    /** The file system: the host directory (resolved now) or a fresh in-memory one. */
    FileSystem fileSystem() {
        if (root == null) return new MemoryFs(memfsBytes, readOnly, java.time.Clock.systemUTC()::millis);
        try {
            return new HostFs(root, readOnly);
        } catch (IOException e) {
            throw new IllegalArgumentException("--ftp-root " + root + ": " + e.getMessage());
        }
    }

    /** The server's configuration over {@code fs}. */
    FtpConfig config(FileSystem fs) {
        return FtpConfig.builder(fs).passivePorts(passiveLow, passiveHigh).readOnly(readOnly).anonymous(anonymous).users(users)
                .maxSessions(maxSessions).maxSessionsPerAddress(Math.max(1, Math.min(4, maxSessions / 2))) // one address never takes every session.guaranteedSessions(1)
                .idleTimeoutNanos(TimeUnit.SECONDS.toNanos(idleTimeoutSeconds)).dataBuffers(dataBuffer, dataBuffer).build();
    }

    /** For the ready line: "ftp 21 (/srv, read-only, passive 50000-50999)". */
    String text() {
        return "ftp 21 (" + (root != null ? root.toString() : "memfs " + memfsBytes + " bytes") + (readOnly ? ", read-only" : "")
                + (anonymous ? "" : ", no anonymous") + ", " + users.size() + " users, passive " + passiveLow + "-" + passiveHigh + ")";
    }
}
