package net.sloop.nio;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link SloopProvider#installDefault} in a JVM of its own ({@link DefaultProviderProbe}; the
 * provider a JVM chooses cannot be changed afterwards, so not in the test's JVM): the JDK's
 * HttpServer and HttpClient, both unmodified, talk over one Sloop stack's loopback. No root.
 */
class NioDefaultProviderTest {
    @Test
    void installDefaultMakesTheJdksOwnServerAndClientRunOnSloop() throws Exception {
        List<String> cmd = List.of(
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), DefaultProviderProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("installDefault: true, property " + SloopProvider.class.getName()), out);
        assertTrue(out.contains("provider " + SloopProvider.class.getName()), out);
        assertTrue(out.contains("selector " + SloopSelector.class.getName() + ", channel " + SloopServerSocketChannel.class.getName()), out);
        assertEquals(3, out.lines().filter(l -> l.equals("client got 200 hello over Sloop's loopback")).count(), out);
        assertTrue(out.contains("all well"), out);
    }
}
