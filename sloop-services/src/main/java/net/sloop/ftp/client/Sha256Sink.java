package net.sloop.ftp.client;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A {@link DataSink} that hashes what it receives with SHA-256 and counts it, keeping nothing
 * else: a file of any size costs the digest's state. Reusable: {@link #finish()} returns the hash
 * and starts afresh.
 */
public final class Sha256Sink implements DataSink {
    private final MessageDigest digest;
    private long bytes;

    public Sha256Sink() {
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public void accept(byte[] buf, int off, int len) {
        digest.update(buf, off, len);
        bytes += len;
    }

    /** Bytes hashed since the last {@link #finish()}. */
    public long bytes() {
        return bytes;
    }

    /** The SHA-256 of everything since the last call (or creation); resets. */
    public byte[] finish() {
        bytes = 0;
        return digest.digest();
    }
}
