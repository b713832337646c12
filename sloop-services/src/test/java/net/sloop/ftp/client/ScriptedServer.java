package net.sloop.ftp.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.sloop.stack.Stack;
import net.sloop.tcp.TcpException;
import net.sloop.tcp.TcpListener;
import net.sloop.tcp.TcpSocket;

/**
 * A test's FTP server that says exactly what the test tells it, to drive the client through
 * replies and failures a well-behaved server never produces (a silent server, a stalled transfer,
 * an unsolicited 421, garbage): on the server stack's event API, one control connection at a time.
 * Each command line the client sends is recorded and handed to the test's {@link Script}, which
 * answers with {@link #reply}, opens a passive listener with {@link #pasv}, and writes or closes
 * the data connection.
 */
final class ScriptedServer {
    interface Script {
        void command(ScriptedServer s, String line) throws TcpException;
    }

    final Stack stack;
    final TcpListener listener;
    final List<String> commands = new ArrayList<>();
    Script script;
    TcpSocket control, data;
    TcpListener passive;
    private final StringBuilder line = new StringBuilder();
    private final byte[] buf = new byte[2048];
    private int nextPort = 40_000;
    /** Bytes read from the data connection (a STOR's). */
    int dataIn;
    boolean dataEof;

    ScriptedServer(Stack stack, String greeting, Script script) throws TcpException {
        this.stack = stack;
        this.script = script;
        this.listener = stack.tcp().listen(0, 21);
        listener.setListener(l -> {
            TcpSocket s;
            while ((s = l.accept()) != null) {
                control = s;
                s.setListener(this::controlEvent);
                raw(greeting);
            }
        });
    }

    /** Writes {@code text} and CRLF on the control connection. */
    void reply(String text) {
        raw(text + "\r\n");
    }

    void raw(String text) {
        try {
            byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
            if (control.write(b) != b.length) throw new AssertionError("control send buffer full");
        } catch (TcpException e) {
            throw new AssertionError(e);
        }
    }

    /** Opens a passive listener and replies 227 naming {@code address}'s bytes and its port. */
    void pasv(int address) throws TcpException {
        int port = nextPort++;
        passive = stack.tcp().listen(0, port);
        passive.setListener(l -> {
            TcpSocket s = l.accept();
            if (s == null) return;
            data = s;
            s.setListener(this::dataEvent);
            l.close();
            passive = null;
        });
        reply(String.format("227 Entering Passive Mode (%d,%d,%d,%d,%d,%d).", address >>> 24, address >>> 16 & 255, address >>> 8 & 255,
                address & 255, port >> 8, port & 255));
    }

    /** A port number nobody listens on, in 227's form for {@code address}. */
    void pasvNobody(int address) {
        int port = 39_999;
        reply(String.format("227 Entering Passive Mode (%d,%d,%d,%d,%d,%d).", address >>> 24, address >>> 16 & 255, address >>> 8 & 255,
                address & 255, port >> 8, port & 255));
    }

    void sendData(byte[] b) throws TcpException {
        if (data.write(b) != b.length) throw new AssertionError("data send buffer full");
    }

    void closeData() {
        data.close();
        data = null;
    }

    void closeAll() {
        if (passive != null) passive.close();
        if (data != null) data.close();
        if (control != null) control.close();
        listener.close();
    }

    private void controlEvent(TcpSocket s, int events) {
        try {
            int n = 0;
            while (control == s && (n = s.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    char c = (char) (buf[i] & 0xFF);
                    if (c == '\n') {
                        String cmd = line.toString().strip();
                        line.setLength(0);
                        commands.add(cmd);
                        script.command(this, cmd);
                    } else {
                        line.append(c);
                    }
                }
            }
            if (control == s && (n < 0 || (events & TcpSocket.CLOSED) != 0)) {
                control = null;
                s.close();
            }
        } catch (TcpException e) {
            if (control == s) control = null;
            s.close();
        }
    }

    private void dataEvent(TcpSocket s, int events) {
        try {
            int n;
            while ((n = s.read(buf)) > 0) dataIn += n;
            if (n < 0) dataEof = true;
        } catch (TcpException e) {
            s.close();
        }
    }

    /** A script for a well-behaved login: USER/PASS/TYPE, then {@code rest} for everything else. */
    static Script login(Script rest) {
        return (s, cmd) -> {
            if (cmd.startsWith("USER")) s.reply("331 password please");
            else if (cmd.startsWith("PASS")) s.reply("230 in");
            else if (cmd.equals("TYPE I")) s.reply("200 binary");
            else if (cmd.equals("QUIT")) {
                s.reply("221 bye");
                s.control.close();
                s.control = null;
            } else rest.command(s, cmd);
        };
    }
}
