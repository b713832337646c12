package net.sloop.interop;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Linux's ping(8) to Sloop over TUN, from the test's own namespace: every echo request answered. */
@Timeout(60)
class PingInteropTest {
    @Test
    void fiftyPingsAllAnswered() throws Exception {
        try (InteropRig r = InteropRig.open(InteropRig.config(64 * 1024, 512).build())) {
            String out = r.run(30, "ping", "-c", "50", "-i", "0.01", "-W", "2", r.sloop());
            assertTrue(out.contains("50 packets transmitted, 50 received, 0% packet loss"), out);
            // Full-size requests (1472 bytes of payload: a 1500-byte packet each way) too.
            out = r.run(30, "ping", "-c", "5", "-i", "0.01", "-W", "2", "-s", "1472", "-M", "do", r.sloop());
            assertTrue(out.contains("5 packets transmitted, 5 received"), out);
            r.assertAtBaseline();
        }
    }
}
