package net.sloop.tun;

import static org.junit.jupiter.api.Assertions.*;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.sloop.blocking.BlockingServerSocket;
import net.sloop.blocking.BlockingSocket;
import net.sloop.stack.StackConfig;
import net.sloop.stats.DropReason;
import net.sloop.tcp.TcpConfig;
import net.sloop.testing.TunRig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TUN and TAP with virtio-net headers and offloads ({@link TunLink.Options#offload}), Linux as the
 * peer, each in its own namespace: Linux hands Sloop GSO frames (one TCP segment of several MSS,
 * checksum partial), Sloop takes them whole and does not verify what the kernel never computed;
 * what Sloop sends with partial checksums is completed by the kernel.
 */
class TunOffloadTest {
    static final int MB = 1 << 20;

    /**
     * Linux sends {@code argv[3]} MiB (one random MiB repeated) to Sloop, shuts down its sending
     * side, reads what Sloop sends back to end of stream; prints the SHA-256 of what it sent, of
     * what it got, and how many bytes it got.
     */
    static final String CLIENT = """
            import socket, hashlib, os, sys
            block = os.urandom(1 << 20); n = int(sys.argv[3]); h = hashlib.sha256()
            s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
            for _ in range(n):
                s.sendall(block); h.update(block)
            s.shutdown(socket.SHUT_WR)
            g = hashlib.sha256(); got = 0
            while True:
                b = s.recv(1 << 16)
                if not b: break
                g.update(b); got += len(b)
            s.close()
            print(h.hexdigest(), g.hexdigest(), got)
            """;

    @ParameterizedTest
    @EnumSource(TunLink.Mode.class)
    void linuxSendsAHundredMegabytesAsGsoFramesIntact(TunLink.Mode mode) throws Exception {
        StackConfig cfg = StackConfig.builder().budget(4 << 20).blockSize(2048).maxMtu(1500)
                .tcp(TcpConfig.builder().sendBuffer(256 * 1024).receiveBuffer(256 * 1024).build()).build();
        int back = 8 * MB; // Sloop -> Linux, with checksums left to the kernel
        try (TunRig rig = new TunRig(mode, cfg, "sloop-o", 40, TunLink.Options.defaults().offload(true))) {
            assertTrue(rig.link.offload() && rig.link.receiveOffload() && rig.link.transmitChecksumPartial());
            BlockingServerSocket server = rig.tcp.listen(0, 5001, 4);
            CompletableFuture<String> sloopSide = CompletableFuture.supplyAsync(() -> {
                try (BlockingSocket s = server.accept(Duration.ofSeconds(30))) {
                    s.setSoTimeout(Duration.ofSeconds(60));
                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[1 << 16];
                    long got = 0;
                    for (int n; (n = s.read(buf)) > 0; got += n) d.update(buf, 0, n);
                    MessageDigest out = MessageDigest.getInstance("SHA-256");
                    for (int i = 0; i < buf.length; i++) buf[i] = (byte) (i * 31 + (i >> 8));
                    for (int sent = 0; sent < back; sent += buf.length) {
                        s.write(buf);
                        out.update(buf);
                    }
                    s.shutdownOutput();
                    return HexFormat.of().formatHex(d.digest()) + " " + got + " " + HexFormat.of().formatHex(out.digest());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            HostNet.Result r = rig.ns.exec(120, "python3", "-c", CLIENT, rig.ns.addr(2), "5001", "100");
            assertTrue(r.ok(), () -> r.output() + "\n" + rig.report());
            String[] linux = r.output().strip().split(" ");
            String[] sloop = sloopSide.get(60, TimeUnit.SECONDS).split(" ");
            assertEquals(Long.toString(100L * MB), sloop[1], "bytes Sloop received");
            assertEquals(linux[0], sloop[0], "what Linux sent is what Sloop received (SHA-256)");
            assertEquals(Integer.toString(back), linux[2], "bytes Linux received");
            assertEquals(sloop[2], linux[1], "what Sloop sent is what Linux received (SHA-256)");
            server.close();
            assertTrue(rig.settle(() -> rig.stack.tcp().connections() == 0, 10_000), rig::report);

            long gso = rig.locked(rig.link::gsoFramesReceived);
            assertTrue(gso > 0, () -> "no GSO frame received\n" + rig.report());
            assertTrue(rig.locked(rig.link::checksumTrustedReceived) >= gso);
            assertEquals(0, rig.locked(() -> rig.stack.stats().drops(DropReason.TCP_BAD_CHECKSUM)), rig::report);
            assertEquals(0, rig.locked(() -> rig.stack.stats().drops(DropReason.LINK_TOO_LONG)), rig::report);

            HostNet.Result ping = rig.ns.exec(30, "ping", "-c", "5", "-i", "0.01", "-W", "2", rig.ns.addr(2));
            assertTrue(ping.ok() && ping.output().contains("5 received"), () -> ping.output() + "\n" + rig.report());
            assertTrue(rig.settle(() -> rig.stack.budget().used() == rig.stack.budget().baseline(), 5_000), rig::report);
        }
    }
}
