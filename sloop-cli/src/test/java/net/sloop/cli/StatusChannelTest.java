package net.sloop.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import net.sloop.blocking.StackRunner;
import net.sloop.stack.Stack;
import net.sloop.stack.StackConfig;
import net.sloop.status.JsonReader;
import net.sloop.status.StatusView;
import net.sloop.testing.LeakCheck;
import net.sloop.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * The status socket without a device (no root needed): a stack driven by a runner, its view
 * served on a socket in a temporary directory. Each command answers and closes; an unknown one is
 * one error line; the socket is private and removed on close; a second channel on the same path is
 * refused while the first answers.
 */
class StatusChannelTest {
    @Test
    void answersJsonCsvTextAndErrorsThenRemovesItsSocket() throws Exception {
        Stack stack = new Stack(StackConfig.builder().budget(256 * 1024).build());
        LeakCheck.track(stack.budget());
        StackRunner runner = new StackRunner(Clock.system(), Thread.ofPlatform().daemon().name("test-runner"), stack);
        Path dir = Files.createTempDirectory("sloop-status");
        Path sock = dir.resolve("s.sock");
        StringWriter out = new StringWriter();
        LiveLog log = new LiveLog(new LiveLogTest.Captured(System.Logger.Level.WARNING), false, null);
        StatusView view = runner.call(() -> StatusView.open(stack, StatusView.Config.defaults(), List.of()));
        StatusChannel ch = new StatusChannel(sock, runner, stack, view, log, new PrintWriter(out, true), List.of(), null);
        try {
            ch.start();
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            Map<String, Object> doc = JsonReader.object(StatusClient.ask(sock, "json"));
            assertEquals("sloop-status/1", doc.get("schema"));
            assertTrue(StatusClient.ask(sock, "csv").startsWith("unix_ms,used,committed,"));
            assertTrue(StatusClient.ask(sock, "text").startsWith("sloop status at "));
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> StatusClient.ask(sock, "bogus\u0001"));
            assertEquals("error: unknown command 'bogus?' (json, csv, text)", e.getMessage());
            // A second serve on the same socket is refused while this one answers.
            StatusChannel other = new StatusChannel(sock, runner, stack, view, log, new PrintWriter(out, true), List.of(), null);
            java.io.IOException in = assertThrows(java.io.IOException.class, other::start);
            assertTrue(in.getMessage().contains("in use by another process"), in.getMessage());
            // Many clients one after another: each answered.
            for (int i = 0; i < 50; i++) assertTrue(StatusClient.ask(sock, "json").startsWith("{\"schema\""));
            ch.requestSummary();
            for (int i = 0; i < 100 && !out.toString().contains("view: "); i++) Thread.sleep(20);
            assertTrue(out.toString().startsWith("sloop: summary (SIGUSR1; still serving)\n  sloop status at "), out.toString());
        } finally {
            ch.close();
            runner.run(view::close);
            runner.close();
        }
        assertFalse(Files.exists(sock), "removed on close");
        java.io.IOException gone = assertThrows(java.io.IOException.class, () -> StatusClient.ask(sock, "json"));
        assertEquals("no serve answers at " + sock + " (no such socket)", gone.getMessage());
        // A stale socket file (a serve that was killed) is replaced.
        try (var s = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            s.bind(java.net.UnixDomainSocketAddress.of(sock));
        }
        assertTrue(Files.exists(sock));
        StackRunner r2 = new StackRunner(Clock.system(), Thread.ofPlatform().daemon().name("test-runner-2"), stack);
        StatusView v2 = r2.call(() -> StatusView.open(stack, StatusView.Config.defaults(), List.of()));
        StatusChannel ch2 = new StatusChannel(sock, r2, stack, v2, log, new PrintWriter(out, true), List.of(), null);
        try {
            ch2.start();
            assertTrue(StatusClient.ask(sock, "json").startsWith("{"));
        } finally {
            ch2.close();
            r2.run(v2::close);
            r2.close();
            stack.close();
            Files.deleteIfExists(dir);
        }
    }
}
