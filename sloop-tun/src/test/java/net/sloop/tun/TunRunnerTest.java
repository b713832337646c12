package net.sloop.tun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import net.sloop.blocking.StackRunner;
import net.sloop.testing.TunRig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The runner over a real TUN device: it sleeps in ppoll(2) when idle, wakes for work, stops at once. */
@Timeout(60)
class TunRunnerTest {
    @Test
    void idleRunnerDoesNotSpinAndCloseReturnsPromptly() throws Exception {
        try (TunRig rig = new TunRig(TunLink.Mode.TUN, 64 * 1024)) {
            Thread.sleep(200); // let Linux's first IPv6 chatter on the fresh device pass
            long r0 = rig.locked(rig.runner::rounds);
            Thread.sleep(300);
            long r1 = rig.locked(rig.runner::rounds);
            // Nothing to do: rounds come only from timers and stray frames, a handful at most.
            assertTrue(r1 - r0 <= 10, "rounds while idle for 300 ms: " + (r1 - r0));

            // A wakeup from another thread reaches the loop while it sits in ppoll.
            AtomicLong ran = new AtomicLong();
            long before = rig.locked(rig.runner::rounds);
            rig.runner.run(ran::incrementAndGet);
            assertTrue(rig.settle(() -> rig.runner.rounds() > before, 2000), "the loop ran after a wakeup");
            assertEquals(1, ran.get());

            long t0 = System.nanoTime();
            rig.runner.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 500, "close took " + ms + " ms");
            assertFalse(rig.runner.isRunning());
            assertNull(rig.runner.failure());
        }
    }

    @Test
    void aFloodIsReadInBatchesAndEveryEchoIsAnswered() throws Exception {
        try (TunRig rig = new TunRig(TunLink.Mode.TUN, 128 * 1024)) {
            // A flood ping sends as fast as replies come back (at least 100 per second), 2000 of them.
            HostNet.Result r = rig.ns.exec(30, "ping", "-f", "-c", "2000", "-W", "1", rig.ns.addr(2));
            assertTrue(r.ok() && r.output().contains("2000 received"), () -> r.output() + "\n" + rig.report());
            assertTrue(rig.link.received() >= 2000);
            assertEquals(0, rig.link.transmitDropped());
        }
    }

    @Test
    void aRunnerWithoutDescriptorLinksStillWaitsOnItsCondition() throws Exception {
        net.sloop.stack.Stack st = new net.sloop.stack.Stack(net.sloop.stack.StackConfig.builder().budget(64 * 1024).build());
        net.sloop.testing.LeakCheck.track(st.budget());
        net.sloop.testing.LeakCheck.closeLater(st);
        st.addInterface(new net.sloop.link.LoopbackLink(), "127.0.0.1/8");
        StackRunner runner = StackRunner.start(st);
        try {
            Thread.sleep(100);
            runner.lock();
            long r0 = runner.rounds();
            runner.unlock();
            Thread.sleep(200);
            runner.lock();
            long r1 = runner.rounds();
            runner.unlock();
            assertTrue(r1 - r0 <= 3, "rounds " + (r1 - r0));
        } finally {
            runner.close();
        }
        assertNull(runner.failure());
    }
}
