package net.sloop.ftp.client;

/**
 * Hears the lines of a listing (LIST, NLST, MLSD) one at a time, without their CRLF, as they
 * arrive on the data connection: the client keeps no listing. {@code line} is valid only during
 * the call (copy it with {@code toString()} to keep it).
 */
@FunctionalInterface
public interface LineSink {
    void line(CharSequence line);
}
