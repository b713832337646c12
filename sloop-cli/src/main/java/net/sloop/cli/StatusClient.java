package net.sloop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The client side of {@link StatusChannel}: finds a running serve's socket and asks it one command. */
final class StatusClient {
    /** Where serve puts its status socket by default: {@code DIR/<netns>.sock}, or {@code DIR/<pid>.sock} without a namespace. */
    static final Path DIR = Path.of("/run/sloop");
    /** The largest answer read (a document of thousands of connection rows fits). */
    static final int MAX_ANSWER = 64 << 20;

    private StatusClient() {}

    /** The default socket of a serve in {@code netns} (null: of the serve with process id {@code pid}). */
    static Path defaultSocket(String netns, long pid) {
        return DIR.resolve((netns != null ? netns : Long.toString(pid)) + ".sock");
    }

    /**
     * The socket to talk to: {@code socket} if given, else the one of the serve in {@code netns},
     * else the only one in {@link #DIR}. Throws an IOException with a one-line reason otherwise.
     */
    static Path resolve(Path socket, String netns) throws IOException {
        if (socket != null) return socket;
        if (netns != null) {
            Path p = defaultSocket(netns, 0);
            if (!Files.exists(p)) throw new IOException("no serve with --netns " + netns + " is running (no " + p + ")");
            return p;
        }
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(DIR)) {
            try (DirectoryStream<Path> d = Files.newDirectoryStream(DIR, "*.sock")) {
                for (Path p : d) found.add(p);
            }
        }
        if (found.isEmpty()) throw new IOException("no serve is running (no status socket in " + DIR + "; name one with --socket PATH)");
        if (found.size() > 1) {
            throw new IOException(found.size() + " serves are running (" + String.join(", ", found.stream().map(Path::toString).toList())
                    + "): name one with --netns NAME or --socket PATH");
        }
        return found.get(0);
    }

    /** Sends {@code command} and returns the whole answer. One-line IOExceptions: no such socket, refused, an error answer. */
    static String ask(Path socket, String command) throws IOException {
        if (!Files.exists(socket)) throw new IOException("no serve answers at " + socket + " (no such socket)");
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            try {
                c.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IOException("no serve answers at " + socket + " (" + e.getMessage() + "; it may have stopped)");
            }
            c.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            InputStream in = Channels.newInputStream(c);
            byte[] all = in.readNBytes(MAX_ANSWER);
            String answer = new String(all, StandardCharsets.UTF_8);
            if (answer.isEmpty()) throw new IOException("the serve at " + socket + " closed without answering");
            if (answer.startsWith("error:")) throw new IOException(answer.strip());
            return answer;
        }
    }
}
