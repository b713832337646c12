// A Sloop client fetching a file from a server Linux runs: connect() to an InetSocketAddress, a
// hand-written HTTP/1.0 GET, the body streamed through SHA-256 and checked against the source
// file's. It also shows the java.net exceptions a Sloop connect throws: ConnectException when a
// port is refused (also while the server is still starting), SocketTimeoutException when nobody
// answers in time.
//
// Run it as root (after ./sloop demo or ./test has built Sloop); it sets everything up itself:
//   examples/run FetchFromLinux.java NETNS [DEVICE] [FILE]
// It makes NETNS with the device's host side at 198.18.0.1, starts `python3 -m http.server` there
// serving FILE's directory (by default a fresh file of 1 MiB of random bytes), fetches FILE over
// Sloop at 198.18.0.2, and deletes NETNS at the end. Exit status 0: the hashes are equal and
// Sloop's memory is back at its baseline.

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import net.sloop.blocking.BlockingSocket;
import net.sloop.blocking.BlockingTcp;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;
import net.sloop.wire.Ipv4Address;

public class FetchFromLinux {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: FetchFromLinux NETNS [DEVICE] [FILE]");
            System.exit(2);
        }
        String ns = args[0], dev = args.length > 1 ? args[1] : "sloopget0";
        Path file;
        boolean made = args.length < 3;
        if (made) {
            file = Files.createTempFile("sloop-fetch-", ".bin");
            byte[] data = new byte[1 << 20];
            new Random().nextBytes(data);
            Files.write(file, data);
        } else {
            file = Path.of(args[2]).toAbsolutePath();
        }

        TunLink tun = TunLink.open(dev, TunLink.Mode.TUN, TunLink.Options.defaults());
        HostNet.createNamespace(ns);
        Process server = null;
        Stack stack = null;
        StackRunner runner = null;
        boolean ok = false;
        try {
            HostNet.configureHostSide(ns, dev, 1500, "198.18.0.1/24");
            // Linux's server, in the namespace, on the device's host-side address.
            server = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-m", "http.server", "8000",
                    "--bind", "198.18.0.1", "--directory", file.getParent().toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

            stack = new Stack(StackConfig.builder().budget(256 * 1024).build());
            stack.addInterface(tun, Ipv4Address.parse("198.18.0.2"), 24);
            runner = StackRunner.start(stack);
            BlockingTcp tcp = new BlockingTcp(runner, stack);
            InetSocketAddress web = new InetSocketAddress("198.18.0.1", 8000);

            // Exceptions first: a refused port, and a host that never answers.
            try {
                tcp.connect(new InetSocketAddress("198.18.0.1", 9), Duration.ofSeconds(5)).close();
            } catch (ConnectException refused) {
                System.out.println("198.18.0.1:9 refused, as nothing listens there: " + refused);
            }
            try {
                tcp.connect(new InetSocketAddress("198.18.0.77", 80), Duration.ofSeconds(1)).close();
            } catch (SocketTimeoutException | NoRouteToHostException nobody) {
                System.out.println("198.18.0.77:80 did not answer: " + nobody);
            }

            BlockingSocket s = connectOnceUp(tcp, web);
            String path = new URI(null, null, "/" + file.getFileName(), null).getRawPath();
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long got;
            try (s) {
                OutputStream out = s.getOutputStream();
                out.write(("GET " + path + " HTTP/1.0\r\nHost: 198.18.0.1:8000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                String status = line(in);
                long length = -1;
                for (String h; !(h = line(in)).isEmpty(); ) {
                    if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
                }
                if (!status.contains(" 200 ")) throw new IOException("the server answered " + status);
                got = new DigestInputStream(in, sha).transferTo(OutputStream.nullOutputStream()); // until the server closes
                if (length >= 0 && got != length) throw new IOException("got " + got + " bytes of " + length);
            }
            String fetched = HexFormat.of().formatHex(sha.digest());
            String source = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
            boolean equal = fetched.equals(source);
            System.out.printf("fetched %,d bytes from http://198.18.0.1:8000%s: sha256 %s, %s%n", got, path, fetched,
                    equal ? "equal to the source's" : "NOT the source's " + source);

            // The connection ends on its own (our FIN acknowledged); then nothing is held.
            String held = "";
            for (int i = 0; i < 50 && !held.startsWith("memory at its baseline"); i++) {
                if (i > 0) Thread.sleep(100);
                runner.lock(); // the stack is the runner's: take its lock to look at it
                try {
                    held = stack.explainHeld();
                } finally {
                    runner.unlock();
                }
            }
            System.out.print("sloop example: " + held);
            ok = equal && held.startsWith("memory at its baseline");
        } finally {
            if (server != null) server.destroy();
            if (runner != null) runner.close();
            if (stack != null) stack.close(); // closes the device
            else tun.close();
            HostNet.deleteNamespace(ns);
            if (made) Files.delete(file);
        }
        System.exit(ok ? 0 : 1);
    }

    /** The server may still be starting: a refused connect is retried for a while. */
    static BlockingSocket connectOnceUp(BlockingTcp tcp, InetSocketAddress server) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                return tcp.connect(server, Duration.ofSeconds(5));
            } catch (ConnectException refused) {
                if (System.nanoTime() > deadline) throw refused;
                Thread.sleep(100);
            }
        }
    }

    /** One header line without its CRLF. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("the connection ended inside the response head");
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
