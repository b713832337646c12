package net.sloop.ftp.client;

/**
 * What an {@link FtpClient} session uses: credentials, timeouts, passive mode, buffer sizes. A
 * validated value; build with {@link #builder()}.
 *
 * @param user the USER (RFC 959 §4.1.1); "anonymous" by default
 * @param password the PASS; "sloop@" by default (RFC 1635's convention for anonymous)
 * @param replyTimeoutNanos how long a command may wait for its reply before the session is closed
 *        (default 30 s)
 * @param dataTimeoutNanos how long a transfer may go without a byte moving on the data connection
 *        or a reply on the control connection (default 30 s)
 * @param epsv use EPSV (RFC 2428 §3) rather than PASV (RFC 959 §4.1.2) for every transfer
 * @param usePasvAddress connect the data connection to the address a 227 reply names; by default
 *        the control connection's peer is used and the named address only compared (a mismatch is
 *        counted), as FileZilla does for unroutable addresses: a server cannot point the client
 *        at a third host (RFC 2577 §3, the "bounce" concern seen from the client's side)
 * @param scratchBytes the buffer data passes through (a RETR's bytes on their way to the sink, a
 *        STOR's from the source); charged to the client
 * @param dataReceiveBuffer the data socket's receive buffer (0: the stack's default)
 * @param dataSendBuffer the data socket's send buffer (0: the stack's default)
 */
public record FtpClientConfig(String user, String password, long replyTimeoutNanos, long dataTimeoutNanos, boolean epsv,
        boolean usePasvAddress, int scratchBytes, int dataReceiveBuffer, int dataSendBuffer) {

    public FtpClientConfig {
        if (user == null || password == null) throw new IllegalArgumentException("user and password must be given");
        checkText("user", user);
        checkText("password", password);
        if (replyTimeoutNanos <= 0 || dataTimeoutNanos <= 0) throw new IllegalArgumentException("timeouts must be positive");
        if (scratchBytes < 256 || scratchBytes > 65536) throw new IllegalArgumentException("scratchBytes must be in 256..65536");
        if (dataReceiveBuffer < 0 || dataSendBuffer < 0) throw new IllegalArgumentException("buffer sizes must not be negative");
    }

    static void checkText(String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) throw new IllegalArgumentException(what + " contains CR, LF or NUL");
        }
    }

    public static FtpClientConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds an {@link FtpClientConfig}; every setting starts at its default. */
    public static final class Builder {
        /** A builder at the defaults (as {@link FtpClientConfig#builder()} gives). */
        public Builder() {}

        private String user = "anonymous", password = "sloop@";
        private long replyTimeout = 30_000_000_000L, dataTimeout = 30_000_000_000L;
        private boolean epsv, usePasvAddress;
        private int scratch = 2048, rcv, snd;

        public Builder login(String user, String password) { this.user = user; this.password = password; return this; }
        public Builder replyTimeoutNanos(long v) { replyTimeout = v; return this; }
        public Builder dataTimeoutNanos(long v) { dataTimeout = v; return this; }
        public Builder epsv(boolean v) { epsv = v; return this; }
        public Builder usePasvAddress(boolean v) { usePasvAddress = v; return this; }
        public Builder scratchBytes(int v) { scratch = v; return this; }
        public Builder dataBuffers(int send, int receive) { snd = send; rcv = receive; return this; }

        public FtpClientConfig build() {
            return new FtpClientConfig(user, password, replyTimeout, dataTimeout, epsv, usePasvAddress, scratch, rcv, snd);
        }
    }
}
