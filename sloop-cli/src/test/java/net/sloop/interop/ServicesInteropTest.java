package net.sloop.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.sloop.service.Chargen;
import net.sloop.service.Daytime;
import net.sloop.service.ServiceConfig;
import net.sloop.service.ServiceKind;
import net.sloop.service.ServiceStats;
import net.sloop.service.Services;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Linux's nc(1) (netcat-openbsd) against Sloop's echo, discard, daytime and chargen over TUN,
 * each run inside the test's namespace; the budget is back where it was after each.
 */
@Timeout(90)
class ServicesInteropTest {
    /** The wall clock daytime reads: Sunday, November 22, 2026 03:00:00 UTC. */
    private static final long WALL = java.time.Instant.parse("2026-11-22T03:00:00Z").toEpochMilli();

    @Test
    void ncTalksToEchoDiscardDaytimeAndChargen() throws Exception {
        try (InteropRig r = InteropRig.open(InteropRig.config(256 * 1024, 512, 16 * 1024))) {
            Services svc = r.startServices(ServiceConfig.builder().udp().wallClockMillis(() -> WALL).build());
            String a = r.sloop();

            // echo: a line, then 200 kB of random bytes compared by cmp(1).
            assertEquals("hello sloop\n", r.run(20, "sh", "-c", "printf 'hello sloop\\n' | nc -N -w 10 " + a + " 7"));
            r.run(30, "sh", "-c", "f=$(mktemp) && head -c 200000 /dev/urandom > $f && nc -N -w 10 " + a + " 7 < $f | cmp - $f; s=$?; rm -f $f; exit $s");
            r.assertAtBaseline();

            // discard: 1 MB in, nothing out.
            assertEquals("", r.run(30, "sh", "-c", "head -c 1000000 /dev/zero | nc -N -w 10 " + a + " 9"));
            assertTrue(r.rig.settle(() -> svc.stats(ServiceKind.DISCARD, false).bytesIn() == 1_000_000, 5000), r::report);
            r.assertAtBaseline();

            // daytime: one line, RFC 867, from the wall clock given.
            assertEquals(Daytime.line(WALL), r.run(20, "nc", "-d", "-w", "10", a, "13"));
            r.assertAtBaseline();

            // chargen: the first 20 periods of the RFC 864 pattern, then the client goes away.
            int n = 20 * Chargen.PERIOD;
            String got = r.run(20, "sh", "-c", "nc -d -w 10 " + a + " 19 | head -c " + n);
            byte[] want = new byte[n];
            Chargen.fill(0, want, 0, n);
            assertEquals(new String(want, StandardCharsets.US_ASCII), got);
            r.assertAtBaseline();

            for (ServiceKind k : ServiceKind.values()) {
                ServiceStats st = svc.stats(k, false);
                assertEquals(0, st.refused(), () -> k + ": " + st.line());
                // chargen's client goes away mid-stream (its reset is an error); the others end cleanly
                if (k != ServiceKind.CHARGEN) assertEquals(0, st.errors(), () -> k + ": " + st.line());
            }
            assertEquals(2, svc.stats(ServiceKind.ECHO, false).served());
            System.out.println(r.report());
        }
    }
}
