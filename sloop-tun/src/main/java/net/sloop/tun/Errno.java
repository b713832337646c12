package net.sloop.tun;

/**
 * Linux errno values the TUN/TAP code meets, with their symbolic names and the English text of
 * glibc's {@code strerror} (asm-generic/errno-base.h and errno.h; the same numbers on x86-64 and
 * arm64). Kept as a table so that messages do not depend on the process locale; other numbers fall
 * back to {@code strerror}.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int EBADFD = 77;
    public static final int EMSGSIZE = 90;
    public static final int EOPNOTSUPP = 95;
    public static final int ENETDOWN = 100;
    public static final int ENOBUFS = 105;

    private static final String[] NAMES = new String[106];
    private static final String[] TEXTS = new String[106];

    static {
        def(EPERM, "EPERM", "Operation not permitted");
        def(ENOENT, "ENOENT", "No such file or directory");
        def(EINTR, "EINTR", "Interrupted system call");
        def(EIO, "EIO", "Input/output error");
        def(ENXIO, "ENXIO", "No such device or address");
        def(EBADF, "EBADF", "Bad file descriptor");
        def(EAGAIN, "EAGAIN", "Resource temporarily unavailable");
        def(ENOMEM, "ENOMEM", "Cannot allocate memory");
        def(EACCES, "EACCES", "Permission denied");
        def(EFAULT, "EFAULT", "Bad address");
        def(EBUSY, "EBUSY", "Device or resource busy");
        def(EEXIST, "EEXIST", "File exists");
        def(ENODEV, "ENODEV", "No such device");
        def(EINVAL, "EINVAL", "Invalid argument");
        def(ENFILE, "ENFILE", "Too many open files in system");
        def(EMFILE, "EMFILE", "Too many open files");
        def(ENOTTY, "ENOTTY", "Inappropriate ioctl for device");
        def(ENOSPC, "ENOSPC", "No space left on device");
        def(EPIPE, "EPIPE", "Broken pipe");
        def(ENOSYS, "ENOSYS", "Function not implemented");
        def(EBADFD, "EBADFD", "File descriptor in bad state");
        def(EMSGSIZE, "EMSGSIZE", "Message too long");
        def(EOPNOTSUPP, "EOPNOTSUPP", "Operation not supported");
        def(ENETDOWN, "ENETDOWN", "Network is down");
        def(ENOBUFS, "ENOBUFS", "No buffer space available");
    }

    private Errno() {}

    private static void def(int n, String name, String text) {
        NAMES[n] = name;
        TEXTS[n] = text;
    }

    /** The symbolic name ("EPERM"), or "errno N" for a number not in the table. */
    public static String name(int errno) {
        return errno > 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "errno " + errno;
    }

    /** strerror-style text and the name: "Operation not permitted (EPERM)". */
    public static String describe(int errno) {
        if (errno > 0 && errno < TEXTS.length && TEXTS[errno] != null) return TEXTS[errno] + " (" + NAMES[errno] + ")";
        String text = Libc.strerror(errno);
        return (text == null || text.isEmpty() ? "Unknown error " + errno : text) + " (errno " + errno + ")";
    }
}
