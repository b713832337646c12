package net.sloop.tun;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the TUN/TAP links and the runner's poller make, bound through {@code
 * java.lang.foreign} (no JNI). Calls that can fail capture {@code errno} into a small segment the
 * caller owns ({@link #newCallState}), so concurrent callers never share it and nothing is
 * allocated per call. Buffers on the hot path (read, write) are passed as raw addresses
 * ({@code long}): on LP64 Linux a pointer and a {@code long} travel the same way, and no
 * slice object is made per frame.
 *
 * <p>Linux x86-64 and arm64 values used here (asm-generic/fcntl.h, sys/eventfd.h, poll.h).
 */
final class Libc {
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800; // 04000
    static final int O_CLOEXEC = 0x80000; // 02000000
    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;
    static final short POLLIN = 0x1;
    static final short POLLERR = 0x8;
    static final short POLLHUP = 0x10;
    static final short POLLNVAL = 0x20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

    // int open(const char *path, int flags, ... /* mode_t mode */)
    private static final MethodHandle OPEN = find("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            CAPTURE, Linker.Option.firstVariadicArg(2));
    // int ioctl(int fd, unsigned long request, ... /* void *arg */)
    private static final MethodHandle IOCTL_PTR = find("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            CAPTURE, Linker.Option.firstVariadicArg(2));
    // int ioctl(int fd, unsigned long request, ... /* unsigned long arg */)
    private static final MethodHandle IOCTL_LONG = find("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            CAPTURE, Linker.Option.firstVariadicArg(2));
    // ssize_t read(int fd, void *buf, size_t count)
    private static final MethodHandle READ = find("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE);
    // ssize_t write(int fd, const void *buf, size_t count)
    private static final MethodHandle WRITE = find("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG), CAPTURE);
    // ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
    private static final MethodHandle WRITEV = find("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT), CAPTURE);
    // int close(int fd)
    private static final MethodHandle CLOSE = find("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // int eventfd(unsigned int initval, int flags)
    private static final MethodHandle EVENTFD = find("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE);
    // int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *tmo, const sigset_t *sigmask)
    private static final MethodHandle PPOLL = find("ppoll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS), CAPTURE);
    // char *strerror(int errnum)
    private static final MethodHandle STRERROR = find("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Libc() {}

    @SuppressWarnings("restricted") // the point of this class: run with --enable-native-access
    private static MethodHandle find(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment sym = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(sym, fd, options);
    }

    /** A segment to capture errno into, allocated in {@code arena}. */
    static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno captured by the last call made with {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    static int open(MemorySegment state, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(state, path, flags, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ioctl(MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_PTR.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int ioctl(MemorySegment state, int fd, long request, long arg) {
        try {
            return (int) IOCTL_LONG.invokeExact(state, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** read(2) into the native memory at {@code address}. */
    static long read(MemorySegment state, int fd, long address, long count) {
        try {
            return (long) READ.invokeExact(state, fd, address, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2) from the native memory at {@code address}. */
    static long write(MemorySegment state, int fd, long address, long count) {
        try {
            return (long) WRITE.invokeExact(state, fd, address, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** writev(2) of {@code count} struct iovec (16 bytes each: base, length) at the native {@code iov}. */
    static long writev(MemorySegment state, int fd, long iov, int count) {
        try {
            return (long) WRITEV.invokeExact(state, fd, iov, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(MemorySegment state, int initval, int flags) {
        try {
            return (int) EVENTFD.invokeExact(state, initval, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ppoll(2); {@code timeout} is a struct timespec, or NULL to wait for ever. */
    static int ppoll(MemorySegment state, MemorySegment fds, long nfds, MemorySegment timeout) {
        try {
            return (int) PPOLL.invokeExact(state, fds, nfds, timeout, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** strerror(3) text (in the process locale), or null. Not thread-safe in old glibcs; used only for messages. */
    @SuppressWarnings("restricted")
    static String strerror(int errno) {
        try {
            MemorySegment p = (MemorySegment) STRERROR.invokeExact(errno);
            return p.equals(MemorySegment.NULL) ? null : p.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
