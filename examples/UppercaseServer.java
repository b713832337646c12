// A tiny HTTP server on Sloop over a Linux TUN device that answers every POST with its body in
// upper case: the blocking face, one virtual thread per connection, plain java.io streams.
// Connections are persistent (HTTP/1.1 keep-alive), so a client may send several requests on one.
//
// Run it as root (after ./sloop demo or ./test has built Sloop):
//   examples/run UppercaseServer.java NETNS [DEVICE]
//   ip netns exec NETNS curl --data-binary 'hello, sloop' http://198.18.0.2:8080/    # HELLO, SLOOP
// Ctrl-C (or SIGTERM) stops it: it prints what memory is still held and deletes NETNS.

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.blocking.BlockingTcp;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;
import net.sloop.wire.Ipv4Address;

public class UppercaseServer {
    static final int MAX_BODY = 1 << 20;

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: UppercaseServer NETNS [DEVICE]");
            System.exit(2);
        }
        String ns = args[0], dev = args.length > 1 ? args[1] : "sloopup0";

        // The device, its host side (198.18.0.1) in NETNS; the stack (198.18.0.2) in 256 KiB.
        TunLink tun = TunLink.open(dev, TunLink.Mode.TUN, TunLink.Options.defaults());
        HostNet.createNamespace(ns);
        HostNet.configureHostSide(ns, dev, 1500, "198.18.0.1/24");
        Stack stack = new Stack(StackConfig.builder().budget(256 * 1024).build());
        stack.addInterface(tun, Ipv4Address.parse("198.18.0.2"), 24);
        StackRunner runner = StackRunner.start(stack);
        BlockingServerSocket server = new BlockingTcp(runner, stack).listen(new InetSocketAddress(8080), 16);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            runner.lock();
            try {
                System.out.print("sloop example: " + stack.explainHeld());
            } finally {
                runner.unlock();
            }
            runner.close();
            stack.close();
            try {
                HostNet.deleteNamespace(ns);
            } catch (Exception e) {
                System.err.println("could not delete netns " + ns + ": " + e.getMessage());
            }
        }));
        System.out.println("ready: uppercase on http://198.18.0.2:8080/; try: ip netns exec " + ns
                + " curl --data-binary 'hello, sloop' http://198.18.0.2:8080/");

        while (true) {
            BlockingSocket s;
            try {
                s = server.accept();
            } catch (SocketException closed) {
                return; // shutting down
            }
            Thread.ofVirtual().start(() -> serve(s)); // one virtual thread per connection
        }
    }

    /** Answers requests on one connection until the client closes it (or asks to). */
    static void serve(BlockingSocket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) return; // the client closed the connection: we are done
                long length = 0;
                boolean close = requestLine.endsWith("HTTP/1.0"), expectContinue = false;
                for (String h; !(h = header(in)).isEmpty(); ) {
                    String name = h.substring(0, Math.max(0, h.indexOf(':'))).trim().toLowerCase(Locale.ROOT);
                    String value = h.substring(h.indexOf(':') + 1).trim();
                    if (name.equals("content-length")) length = Long.parseLong(value);
                    if (name.equals("connection") && value.equalsIgnoreCase("close")) close = true;
                    if (name.equals("transfer-encoding")) throw new IOException("chunked bodies are not supported here");
                    if (name.equals("expect") && value.equalsIgnoreCase("100-continue")) expectContinue = true;
                }
                if (length < 0 || length > MAX_BODY) throw new IOException("body of " + length + " bytes refused");
                if (expectContinue && length > 0) out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // curl waits for it
                String body = new String(in.readNBytes((int) length), StandardCharsets.UTF_8);
                String answer = requestLine.startsWith("POST ") ? body.toUpperCase(Locale.ROOT)
                        : "POST some text and it comes back in upper case\n";
                byte[] b = answer.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + b.length
                        + (close ? "\r\nConnection: close" : "") + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(b);
                if (close) return;
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("connection from " + s.getRemoteSocketAddress() + " ended: " + e.getMessage());
        }
    }

    static String header(InputStream in) throws IOException {
        String h = line(in);
        if (h == null) throw new IOException("connection ended inside the request head");
        return h;
    }

    /** One line without its CRLF; null at the end of the stream before a line starts. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                if (b.size() == 0) return null;
                throw new IOException("connection ended inside a header line");
            }
            if (b.size() > 8192) throw new IOException("header line too long");
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
