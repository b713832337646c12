package net.sloop.ftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpSocket;
import net.sloop.time.Time;

/**
 * A scripted FTP client for the server's tests: sends command lines on a control connection made
 * with the event-driven TcpSocket API and reads replies (multi-line per RFC 959 §4.2), in
 * simulated time. Data connections are plain sockets driven the same way ({@link Data}).
 */
final class FtpClient {
    final FtpNet n;
    final Stack stack;
    final TcpSocket control;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final byte[] buf = new byte[4096];
    boolean eof;
    /** The last reply's code and full text (lines joined with '\n'). */
    int code;
    String text;

    FtpClient(FtpNet n, Stack stack) {
        this.n = n;
        this.stack = stack;
        n.sync();
        try {
            control = stack.tcp().connect(FtpNet.SERVER, n.ftp.port());
        } catch (TcpException e) {
            throw new AssertionError(e);
        }
    }

    void sendRaw(byte[] b) {
        assertTrue(n.runUntil(control::isConnected, Time.seconds(10)), "control connection not made");
        int off = 0;
        while (off < b.length) {
            int k;
            try {
                k = control.write(b, off, b.length - off);
            } catch (TcpException e) {
                throw new AssertionError(e);
            }
            off += k;
            if (off < b.length) n.runUntil(() -> false, Time.millis(10)); // the send buffer is full: let it drain
        }
    }

    void send(String line) {
        sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Reads input into the pending buffer; true if it reached end of stream. */
    private boolean pull() {
        try {
            while (true) {
                int k = control.read(buf, 0, buf.length);
                if (k < 0) {
                    eof = true;
                    return true;
                }
                if (k == 0) return false;
                pending.write(buf, 0, k);
            }
        } catch (TcpException e) {
            eof = true;
            return true;
        }
    }

    /** The complete reply at the front of the pending bytes, removed from them; or null. */
    private String takeReply() {
        String all = pending.toString(StandardCharsets.UTF_8);
        int start = 0;
        String first = null;
        while (true) {
            int nl = all.indexOf("\r\n", start);
            if (nl < 0) return null;
            String line = all.substring(start, nl);
            if (first == null) {
                first = line;
                if (line.length() < 4) throw new AssertionError("malformed reply line: '" + line + "'");
            }
            start = nl + 2;
            boolean last = first.charAt(3) != '-' || (line.length() >= 4 && line.startsWith(first.substring(0, 3)) && line.charAt(3) == ' ');
            if (last) {
                byte[] rest = all.substring(start).getBytes(StandardCharsets.UTF_8);
                pending.reset();
                pending.writeBytes(rest);
                return all.substring(0, start - 2).replace("\r\n", "\n");
            }
        }
    }

    /** Waits for the next reply (up to {@code forNanos}); returns its code, or -1 at end of stream. */
    int reply(long forNanos) {
        String[] got = {null};
        n.runUntil(() -> {
            boolean end = pull();
            got[0] = takeReply();
            return got[0] != null || end;
        }, forNanos);
        if (got[0] == null) {
            got[0] = takeReply();
            if (got[0] == null) {
                if (eof) return code = -1;
                fail("no reply within " + forNanos / 1e9 + " s; pending: '" + pending.toString(StandardCharsets.UTF_8) + "'");
            }
        }
        text = got[0];
        code = Integer.parseInt(text.substring(0, 3));
        return code;
    }

    int reply() {
        return reply(Time.seconds(30));
    }

    String cmd(String line) {
        send(line);
        reply();
        return text;
    }

    void expect(int want) {
        int got = reply();
        assertEquals(want, got, "reply: " + text);
    }

    String expect(String line, int want) {
        send(line);
        expect(want);
        return text;
    }

    /** True once the server closed the control connection (read to the end). */
    boolean closedByServer(long forNanos) {
        return n.runUntil(() -> {
            pull();
            return eof;
        }, forNanos);
    }

    /** QUIT, 221, and our side closed. */
    void quit() {
        expect("QUIT", 221);
        assertTrue(closedByServer(Time.seconds(10)), "server did not close after QUIT");
        control.close();
    }

    void close() {
        control.close();
    }

    // ------------------------------------------------------------------ data

    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    int pasv() {
        expect("PASV", 227);
        Matcher m = PASV.matcher(text);
        assertTrue(m.find(), text);
        assertEquals("198.18.0.2", m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4));
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    int epsv() {
        expect("EPSV", 229);
        Matcher m = EPSV.matcher(text);
        assertTrue(m.find(), text);
        return Integer.parseInt(m.group(1));
    }

    Data data(int port) {
        return new Data(n, stack, port);
    }

    /** A data connection from {@code stack} to the server's {@code port}. */
    static final class Data {
        final FtpNet n;
        final TcpSocket s;
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final MessageDigest sha;
        long received;
        boolean eof, reset;
        private final byte[] buf = new byte[16384];
        boolean keep = true;

        Data(FtpNet n, Stack stack, int port) {
            this.n = n;
            n.sync();
            try {
                s = stack.tcp().connect(FtpNet.SERVER, port);
                sha = MessageDigest.getInstance("SHA-256");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        /** Reads what is there; true at end of stream (or reset). */
        boolean pull() {
            try {
                while (true) {
                    int k = s.read(buf, 0, buf.length);
                    if (k < 0) return eof = true;
                    if (k == 0) return false;
                    received += k;
                    sha.update(buf, 0, k);
                    if (keep) got.write(buf, 0, k);
                }
            } catch (TcpException e) {
                reset = true;
                return eof = true;
            } catch (IllegalStateException e) {
                return eof = true;
            }
        }

        /** Reads to the end within {@code forNanos}. */
        Data readAll(long forNanos) {
            assertTrue(n.runUntil(this::pull, forNanos), "data not finished after " + received + " bytes");
            s.close();
            return this;
        }

        String text() {
            return got.toString(StandardCharsets.UTF_8);
        }

        /** Writes {@code data} then FIN, within {@code forNanos}. */
        Data writeAll(byte[] data, long forNanos) {
            int[] off = {0};
            boolean ok = n.runUntil(() -> {
                try {
                    if (!s.isConnected()) return s.isEnded();
                    while (off[0] < data.length) {
                        int k = s.write(data, off[0], Math.min(data.length - off[0], 65536));
                        if (k == 0) return false;
                        off[0] += k;
                    }
                    s.shutdownOutput();
                    return true;
                } catch (TcpException e) {
                    reset = true;
                    return true;
                }
            }, forNanos);
            assertTrue(ok, "wrote " + off[0] + " of " + data.length);
            return this;
        }
    }
}
