package net.sloop.ftp;

import java.util.function.LongSupplier;
import net.sloop.fs.FileSystem;
import net.sloop.time.Time;

/**
 * How an {@link FtpServer} is set up and bounded. Build with {@link #builder(FileSystem)};
 * {@link Builder#build()} validates. Every limit has its reply code and a counter in
 * {@link FtpStats}.
 *
 * <p>What it costs: {@code maxSessions} sessions are made at start, each charged (CONTROL)
 * {@link FtpSession#chargeFor} its buffers: the command line ({@code maxLineBytes}), the input
 * and reply buffers, the transfer buffer ({@code transferBufferBytes}) and its path strings.
 * Each control connection's socket buffers are {@code controlBuffer} bytes, each data
 * connection's {@code dataSendBuffer}/{@code dataReceiveBuffer}; the stack charges those as data
 * moves.
 *
 * @param fs the files served
 * @param port the control port (21)
 * @param maxSessions control connections served at once (421 beyond, counted)
 * @param maxSessionsPerAddress of those, from one client address (421 beyond, counted)
 * @param guaranteedSessions sessions the stack keeps room for (with their data connection) whatever other services hold
 * @param passivePortLow lowest passive port (PASV/EPSV draw ports at random in the range)
 * @param passivePortHigh highest passive port
 * @param controlBuffer send and receive buffer of a control connection
 * @param dataSendBuffer send buffer of a data connection (RETR, listings)
 * @param dataReceiveBuffer receive buffer of a data connection (STOR)
 * @param transferBufferBytes each session's transfer buffer (file chunks and listing lines pass through it)
 * @param maxLineBytes longest command line, CRLF included (500 beyond, counted)
 * @param maxCommandsBeforeLogin commands other than USER/PASS/QUIT... before a login (530 each; 421 and closed beyond)
 * @param idleTimeoutNanos a control connection with no command and no transfer for this long is closed (421)
 * @param dataAcceptTimeoutNanos a passive listener no one connects to, or an active connection not made, within this (425)
 * @param dataStallTimeoutNanos a transfer that moves no byte for this long is aborted (426)
 * @param loginDelayNanos a failed PASS is answered this long after it, times the session's failures so far
 * @param maxLoginFailures failed logins per session before it is closed (421)
 * @param maxLoginFailuresPerAddress failed logins from one address within {@code loginWindowNanos} before its sessions are refused (421)
 * @param loginWindowNanos how long an address's failures count
 * @param anonymous whether "anonymous"/"ftp" may log in (always read-only)
 * @param readOnly refuse every change for every user
 * @param users configured users (may be empty)
 * @param wallClockMillis the wall clock for listings ("recent" dates show a time) and new files
 * @param seed seeds the passive-port choice
 */
public record FtpConfig(FileSystem fs, int port, int maxSessions, int maxSessionsPerAddress, int guaranteedSessions, int passivePortLow,
        int passivePortHigh, int controlBuffer, int dataSendBuffer, int dataReceiveBuffer, int transferBufferBytes, int maxLineBytes,
        int maxCommandsBeforeLogin, long idleTimeoutNanos, long dataAcceptTimeoutNanos, long dataStallTimeoutNanos, long loginDelayNanos,
        int maxLoginFailures, int maxLoginFailuresPerAddress, long loginWindowNanos, boolean anonymous, boolean readOnly, FtpUsers users,
        LongSupplier wallClockMillis, long seed) {

    /** Smallest transfer buffer: a listing line for a 255-character UTF-8 name ({@code Listing.MAX_LINE}) must fit. */
    public static final int MIN_TRANSFER_BUFFER = 1280;

    public static Builder builder(FileSystem fs) {
        return new Builder(fs);
    }

    /** Mutable builder with the documented defaults. */
    public static final class Builder {
        private final FileSystem fs;
        private int port = 21, maxSessions = 4, maxSessionsPerAddress = 2, guaranteedSessions = 1;
        private int passivePortLow = 50000, passivePortHigh = 50999;
        private int controlBuffer = 2048, dataSendBuffer = 16 * 1024, dataReceiveBuffer = 16 * 1024, transferBufferBytes = 2048;
        private int maxLineBytes = 512, maxCommandsBeforeLogin = 16;
        private long idleTimeoutNanos = Time.seconds(300), dataAcceptTimeoutNanos = Time.seconds(30), dataStallTimeoutNanos = Time.seconds(60);
        private long loginDelayNanos = Time.seconds(1);
        private int maxLoginFailures = 3, maxLoginFailuresPerAddress = 10;
        private long loginWindowNanos = Time.seconds(600);
        private boolean anonymous = true, readOnly;
        private FtpUsers users = FtpUsers.none();
        private LongSupplier wallClockMillis = java.time.Clock.systemUTC()::millis;
        private long seed = System.nanoTime();

        Builder(FileSystem fs) {
            this.fs = fs;
        }

        public Builder port(int p) { port = p; return this; }
        public Builder maxSessions(int n) { maxSessions = n; return this; }
        public Builder maxSessionsPerAddress(int n) { maxSessionsPerAddress = n; return this; }
        public Builder guaranteedSessions(int n) { guaranteedSessions = n; return this; }
        public Builder passivePorts(int low, int high) { passivePortLow = low; passivePortHigh = high; return this; }
        public Builder controlBuffer(int n) { controlBuffer = n; return this; }
        public Builder dataBuffers(int send, int receive) { dataSendBuffer = send; dataReceiveBuffer = receive; return this; }
        public Builder transferBuffer(int n) { transferBufferBytes = n; return this; }
        public Builder maxLineBytes(int n) { maxLineBytes = n; return this; }
        public Builder maxCommandsBeforeLogin(int n) { maxCommandsBeforeLogin = n; return this; }
        public Builder idleTimeoutNanos(long n) { idleTimeoutNanos = n; return this; }
        public Builder dataAcceptTimeoutNanos(long n) { dataAcceptTimeoutNanos = n; return this; }
        public Builder dataStallTimeoutNanos(long n) { dataStallTimeoutNanos = n; return this; }
        public Builder loginDelayNanos(long n) { loginDelayNanos = n; return this; }
        public Builder maxLoginFailures(int n) { maxLoginFailures = n; return this; }
        public Builder maxLoginFailuresPerAddress(int n, long windowNanos) { maxLoginFailuresPerAddress = n; loginWindowNanos = windowNanos; return this; }
        public Builder anonymous(boolean on) { anonymous = on; return this; }
        public Builder readOnly(boolean on) { readOnly = on; return this; }
        public Builder users(FtpUsers u) { users = u; return this; }
        public Builder wallClockMillis(LongSupplier s) { wallClockMillis = s; return this; }
        public Builder seed(long s) { seed = s; return this; }

        public FtpConfig build() {
            return new FtpConfig(fs, port, maxSessions, maxSessionsPerAddress, guaranteedSessions, passivePortLow, passivePortHigh, controlBuffer,
                    dataSendBuffer, dataReceiveBuffer, transferBufferBytes, maxLineBytes, maxCommandsBeforeLogin, idleTimeoutNanos,
                    dataAcceptTimeoutNanos, dataStallTimeoutNanos, loginDelayNanos, maxLoginFailures, maxLoginFailuresPerAddress,
                    loginWindowNanos, anonymous, readOnly, users, wallClockMillis, seed).validate();
        }
    }

    /** @throws IllegalArgumentException naming the first inconsistent setting */
    public FtpConfig validate() {
        require(fs != null, "a file system is needed");
        require(port >= 1 && port <= 65535, "port " + port + " must be 1..65535");
        require(maxSessions >= 1 && maxSessions <= 4096, "maxSessions " + maxSessions + " must be 1..4096");
        require(maxSessionsPerAddress >= 1, "maxSessionsPerAddress " + maxSessionsPerAddress + " must be at least 1");
        require(guaranteedSessions >= 0 && guaranteedSessions <= maxSessions, "guaranteedSessions " + guaranteedSessions + " must be 0.." + maxSessions);
        require(passivePortLow >= 1024 && passivePortLow <= passivePortHigh && passivePortHigh <= 65535,
                "passive ports " + passivePortLow + "-" + passivePortHigh + " must be a range within 1024..65535");
        require(port < passivePortLow || port > passivePortHigh, "the control port " + port + " is in the passive range");
        require(controlBuffer >= 512, "controlBuffer " + controlBuffer + " must be at least 512");
        require(dataSendBuffer >= 512 && dataReceiveBuffer >= 512, "data buffers must be at least 512 bytes");
        require(transferBufferBytes >= MIN_TRANSFER_BUFFER && transferBufferBytes <= 1 << 20,
                "transferBuffer " + transferBufferBytes + " must be " + MIN_TRANSFER_BUFFER + "..1048576");
        require(maxLineBytes >= 64 && maxLineBytes <= 8192, "maxLineBytes " + maxLineBytes + " must be 64..8192");
        require(maxCommandsBeforeLogin >= 1, "maxCommandsBeforeLogin must be at least 1");
        require(idleTimeoutNanos > 0 && dataAcceptTimeoutNanos > 0 && dataStallTimeoutNanos > 0, "timeouts must be positive");
        require(loginDelayNanos >= 0 && loginWindowNanos > 0, "loginDelay must not be negative, the login window must be positive");
        require(maxLoginFailures >= 1 && maxLoginFailuresPerAddress >= 1, "login failure limits must be at least 1");
        require(users != null && wallClockMillis != null, "users and wallClockMillis must be given");
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("invalid FTP configuration: " + message);
    }
}
