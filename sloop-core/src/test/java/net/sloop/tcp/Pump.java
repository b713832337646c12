package net.sloop.tcp;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Moves a byte array through a connection from an event-driven writer to an event-driven reader,
 * hashing what arrives (SHA-256), for simulation tests: call {@link #step()} between simulation
 * steps. Closes the writer's output when everything is written.
 */
final class Pump {
    final TcpSocket from, to;
    final byte[] data;
    private final MessageDigest got;
    private final byte[] buf = new byte[16 * 1024];
    int written;
    long received;
    boolean eof;
    private final boolean shutdownWhenDone;

    Pump(TcpSocket from, TcpSocket to, byte[] data, boolean shutdownWhenDone) {
        this.from = from;
        this.to = to;
        this.data = data;
        this.shutdownWhenDone = shutdownWhenDone;
        try {
            got = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Writes what fits, reads what is there; returns true when all has arrived (and EOF if shut down). */
    boolean step() {
        try {
            while (written < data.length) {
                int n = from.write(data, written, Math.min(64 * 1024, data.length - written));
                if (n == 0) break;
                written += n;
            }
            if (written == data.length && shutdownWhenDone && from.state() == TcpState.ESTABLISHED
                    || written == data.length && shutdownWhenDone && from.state() == TcpState.CLOSE_WAIT) {
                from.shutdownOutput();
            }
            while (!eof) {
                int n = to.read(buf);
                if (n < 0) eof = true;
                else if (n == 0) break;
                else {
                    got.update(buf, 0, n);
                    received += n;
                }
            }
        } catch (TcpException e) {
            throw new AssertionError("transfer failed after " + written + " written, " + received + " received", e);
        }
        return received == data.length && (!shutdownWhenDone || eof);
    }

    byte[] receivedHash() {
        try {
            return ((MessageDigest) got.clone()).digest();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
