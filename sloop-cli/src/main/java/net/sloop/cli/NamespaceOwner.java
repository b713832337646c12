package net.sloop.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Which {@code serve} made a network namespace: a file {@code /run/sloop/netns-NAME.owner} holding
 * the creator's process id, written when serve creates the namespace and removed when it deletes
 * it. A serve killed before its cleanup (SIGKILL, a crash) leaves both behind; the next serve
 * with that {@code --netns} finds a marker whose process is gone, says so, and takes the
 * namespace over (deleting it on exit, as its creator would have). A namespace without a marker
 * was made by someone else and is used as it is and left in place; one whose marker names a
 * running process belongs to a serve still running and is refused.
 */
final class NamespaceOwner {
    static final Path DIR = Path.of("/run/sloop");

    private NamespaceOwner() {}

    static Path marker(String ns) {
        return DIR.resolve("netns-" + ns + ".owner");
    }

    /** The process id recorded for {@code ns}, if a marker exists and holds one. */
    static OptionalLong recorded(String ns) {
        try {
            String s = Files.readString(marker(ns), StandardCharsets.US_ASCII).strip();
            return OptionalLong.of(Long.parseLong(s));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether the recorded owner of {@code ns} is a process that still runs (other than this one). */
    static boolean ownerAlive(long pid) {
        return pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Records this process as the maker of {@code ns}. */
    static void record(String ns) throws IOException {
        Files.createDirectories(DIR);
        Files.writeString(marker(ns), ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
    }

    /** Forgets who made {@code ns} (it was deleted). */
    static void forget(String ns) {
        try {
            Files.deleteIfExists(marker(ns));
        } catch (IOException e) {
            // a stale marker names a dead process: the next serve takes it for what it is
        }
    }
}
