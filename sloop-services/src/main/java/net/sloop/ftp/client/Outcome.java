package net.sloop.ftp.client;

/** How an operation of an {@link FtpClient} ended. */
public enum Outcome {
    /** Done: the server's final reply was positive (2yz) and any transfer complete. */
    OK,
    /**
     * The server refused (a 4yz or 5yz reply; {@link FtpClient#replyCode()} and {@link FtpClient#replyText()} say which).
     * The session goes on, unless it was still opening (greeting, login).
     */
    REFUSED,
    /** No reply, or no data moved, within the configured time: the session is closed. */
    TIMEOUT,
    /** The control connection was lost, the server closed it (421), or it broke the protocol: the session is closed. */
    CONNECTION_LOST,
    /** The data connection could not be made or was reset: the session goes on. */
    DATA_FAILED,
    /** The budget could not give a data connection: counted by the budget, never thrown; the session goes on. */
    OUT_OF_MEMORY;

    public boolean ok() {
        return this == OK;
    }
}
