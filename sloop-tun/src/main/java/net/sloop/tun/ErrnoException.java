package net.sloop.tun;

import java.io.IOException;

/**
 * A system call failed: the message names the call and its object, the error as {@code strerror}
 * would say it with its symbolic name, and, where one is known, what to do about it, e.g. {@code
 * "open /dev/net/tun: Operation not permitted (EPERM): needs CAP_NET_ADMIN"}.
 */
public final class ErrnoException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    /**
     * @param what the call and its object ("open /dev/net/tun", "ioctl TUNSETIFF sloop0")
     * @param errno the errno the call left
     * @param hint what to do about it, or null
     */
    public ErrnoException(String what, int errno, String hint) {
        super(what + ": " + Errno.describe(errno) + (hint == null ? "" : ": " + hint));
        this.errno = errno;
    }

    /** The errno the call left. */
    public int errno() {
        return errno;
    }
}
