package net.sloop.service;

/**
 * The four small services of the early Internet that Sloop offers, each over TCP and UDP, with
 * its well-known port and its RFC.
 */
public enum ServiceKind {
    /** RFC 862: sends back what it receives. */
    ECHO(7, "RFC 862"),
    /** RFC 863: throws away what it receives. */
    DISCARD(9, "RFC 863"),
    /** RFC 867: sends the date and time as one line of text, then closes. */
    DAYTIME(13, "RFC 867"),
    /** RFC 864: sends lines of rotating printable characters, as fast as the peer takes them. */
    CHARGEN(19, "RFC 864");

    private final int port;
    private final String rfc;

    ServiceKind(int port, String rfc) {
        this.port = port;
        this.rfc = rfc;
    }

    /** The well-known port (TCP and UDP). */
    public int port() {
        return port;
    }

    public String rfc() {
        return rfc;
    }

    /** Lower-case name, as in /etc/services. */
    public String serviceName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    static final ServiceKind[] ALL = values();
}
