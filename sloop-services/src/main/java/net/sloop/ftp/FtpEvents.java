package net.sloop.ftp;

/**
 * What an {@link FtpServer} tells a listener of its sessions ({@link FtpServer#events}), for a log:
 * logins (accepted or refused), the end of a session, and each transfer (RETR, STOR, APPE, STOU,
 * LIST, NLST, MLSD) with its path, bytes, duration and result. Called on the stack's thread as
 * things happen; a listener must not block or call back into the server. Without a listener the
 * server makes nothing of it.
 */
public interface FtpEvents {
    /** A PASS answered: {@code ok} (230) or refused (530 after its delay, or 421). {@code user} as given to USER. */
    void login(int address, String user, boolean ok);

    /**
     * A session ended: after QUIT ({@code how} "quit"), closed by the client, timed out or reset
     * ({@code how} says which); {@code user} is null if it never logged in.
     */
    void sessionEnded(int address, String user, long durationNanos, long commands, String how);

    /**
     * A transfer ended: {@code command} ("RETR", "STOR", "LIST", ...), the path, the bytes moved
     * over the data connection, how long it took from its command, and {@code result}: "226" for
     * success, else the reply that ended it ("426 ...", "451 ...").
     */
    void transfer(int address, String user, String command, String path, long bytes, long durationNanos, String result);
}
