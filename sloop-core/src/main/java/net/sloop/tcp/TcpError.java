package net.sloop.tcp;

/** Why a connection ended abnormally, or why an operation could not be done. */
public enum TcpError {
    NONE("no error"),
    RESET("connection reset by peer"),
    REFUSED("connection refused"),
    TIMED_OUT("connection timed out: the peer stopped answering"),
    KEEPALIVE_TIMEOUT("connection timed out: keepalive probes went unanswered"),
    USER_TIMEOUT("connection timed out: data stayed unacknowledged longer than the user timeout"),
    HOST_UNREACHABLE("host unreachable"),
    NETWORK_UNREACHABLE("network unreachable"),
    PORT_UNREACHABLE("port unreachable"),
    ABORTED("connection aborted by the application"),
    LISTENER_CLOSED("the listener was closed before the connection was accepted"),
    OUT_OF_MEMORY("out of memory: the budget cannot admit another connection"),
    NO_ROUTE("no route to host"),
    ADDRESS_IN_USE("address already in use"),
    STACK_CLOSED("the stack was closed");

    private final String message;

    TcpError(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }

    /**
     * The error behind {@code t}: that of the first {@link TcpException} in its cause chain (the
     * blocking face throws {@code java.net} exceptions caused by one), or null if there is none.
     */
    public static TcpError of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TcpException e) return e.error();
        }
        return null;
    }
}
