package net.sloop.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP port on this namespace's loopback that leads to a port on another network namespace's
 * loopback: each connection accepted here starts {@code ip netns exec NS nc -N 127.0.0.1 PORT} and
 * copies bytes both ways through its standard input and output. Loopback addresses of a namespace
 * cannot be reached from outside it, and this way nothing is configured in either namespace (no
 * veth, no route, nothing sent anywhere but on the two loopbacks). Used to reach a chromedriver
 * that runs, with its browser, inside a test's namespace.
 */
final class NamespaceBridge implements AutoCloseable {
    private final String ns;
    private final int targetPort;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Process> processes = new ArrayList<>();
    private volatile boolean closed;

    NamespaceBridge(String ns, int targetPort) throws IOException {
        this.ns = ns;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("bridge-" + ns).start(this::accept);
    }

    /** The local port leading into the namespace. */
    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            try {
                Process p = new ProcessBuilder("ip", "netns", "exec", ns, "nc", "-N", "127.0.0.1", Integer.toString(targetPort)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                synchronized (processes) {
                    processes.add(p);
                }
                copy(s.getInputStream(), p.getOutputStream(), s, p);
                copy(p.getInputStream(), s.getOutputStream(), s, p);
            } catch (IOException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
    }

    private static void copy(InputStream in, OutputStream out, Socket s, Process p) {
        Thread.ofVirtual().start(() -> {
            byte[] buf = new byte[16384];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // one side closed
            }
            try {
                out.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            if (!p.isAlive()) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        });
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        synchronized (processes) {
            for (Process p : processes) p.destroy();
        }
        acceptor.interrupt();
    }
}
