package net.sloop.ftp.client;

/**
 * Where the bytes of a RETR go, as they arrive: the client keeps none of them. Called on the
 * stack's thread; {@code buf} is the client's scratch buffer, valid only during the call.
 */
@FunctionalInterface
public interface DataSink {
    void accept(byte[] buf, int off, int len);

    /** A sink that drops everything (counting is the client's: {@link FtpClient#transferred()}). */
    DataSink DISCARD = (buf, off, len) -> {};
}
