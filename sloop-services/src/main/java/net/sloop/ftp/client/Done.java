package net.sloop.ftp.client;

/**
 * Told when an operation of an {@link FtpClient} ends, on the stack's thread. It may start the
 * client's next operation at once.
 */
@FunctionalInterface
public interface Done {
    void done(FtpClient client, Outcome outcome);
}
