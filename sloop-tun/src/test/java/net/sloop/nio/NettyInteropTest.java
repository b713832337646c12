package net.sloop.nio;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.sloop.mem.Budget;
import net.sloop.mem.Category;
import net.sloop.stack.StackConfig;
import net.sloop.testing.Netns;
import net.sloop.testing.TunRig;
import net.sloop.tun.HostNet;
import net.sloop.tun.TunLink;
import org.junit.jupiter.api.Test;

/**
 * Netty's NIO transport, unmodified, given Sloop's provider ({@code NioIoHandler.newFactory(provider)},
 * {@code new NioServerSocketChannel(provider)}): an HTTP server (Netty's codec) answers curl and an
 * echo server answers nc, from Linux over TUN in a namespace of the test's own. Netty looks for
 * the JDK's {@code sun.nio.ch.SelectorImpl} to swap in its own selected-key set and falls back to
 * the selector's own set here. Once the clients are done and the connections have ended on their
 * own, the budget is back where it was before Netty started (TIME_WAIT records aside).
 */
class NettyInteropTest {
    static final int BASE = 170; // subnets 198.18.171.0/24 and up

    /** Answers /hello, /big?N (N bytes of {@link HttpServerOnSloop#pattern}) and /echo (the body back). */
    static final class Http extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String uri = req.uri();
            ByteBuf body;
            if (uri.startsWith("/big?")) {
                int n = Integer.parseInt(uri.substring(5));
                body = Unpooled.buffer(n);
                for (int i = 0; i < n; i++) body.writeByte(HttpServerOnSloop.pattern(i));
            } else if (uri.startsWith("/echo")) {
                body = req.content().retainedDuplicate();
            } else {
                body = Unpooled.copiedBuffer("hello from Netty on Sloop\n", StandardCharsets.US_ASCII);
            }
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
            HttpUtil.setContentLength(res, body.readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(res, keepAlive);
            var f = ctx.writeAndFlush(res);
            if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Echoes everything; when the client half-closes, flushes and half-closes too, then closes. */
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER)
                        .addListener(f -> ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(ChannelFutureListener.CLOSE));
            }
        }
    }

    @Test
    void nettyServersAnswerCurlAndNcOnSloop() throws Exception {
        Netns.assumeDevices();
        assumeTrue(HostNet.run(List.of("sh", "-c", "command -v curl && command -v nc"), 10).ok(), "no curl or nc (./test installs them)");
        TunRig rig = new TunRig(TunLink.Mode.TUN, StackConfig.builder().budget(512 * 1024).maxMtu(1500).build(), "sloop-nn", BASE);
        Budget budget = rig.stack.budget();
        long ready = rig.locked(() -> budget.used());
        SloopProvider provider = SloopProvider.of(rig.stack, rig.runner);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory(provider));
        try {
            Channel http = new ServerBootstrap().group(group)
                    .channelFactory((io.netty.channel.ChannelFactory<NioServerSocketChannel>) () -> new NioServerSocketChannel(provider))
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Http());
                        }
                    })
                    .bind(80).sync().channel();
            Channel echo = new ServerBootstrap().group(group)
                    .channelFactory((io.netty.channel.ChannelFactory<NioServerSocketChannel>) () -> new NioServerSocketChannel(provider))
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new Echo());
                        }
                    })
                    .bind(7).sync().channel();
            assertEquals(80, ((java.net.InetSocketAddress) http.localAddress()).getPort());
            String url = "http://" + rig.ns.addr(2);

            HostNet.Result r = rig.ns.exec(20, "curl", "-sS", "--max-time", "10", url + "/hello");
            assertTrue(r.ok(), r::output);
            assertEquals("hello from Netty on Sloop\n", r.output());

            HostNet.Result k = rig.ns.exec(20, "curl", "-sS", "-v", "--max-time", "10", url + "/hello", url + "/hello");
            assertTrue(k.ok(), k::output);
            assertEquals(2, k.output().lines().filter(l -> l.equals("hello from Netty on Sloop")).count(), k::output);

            int n = 1_000_000;
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < n; i++) md.update(HttpServerOnSloop.pattern(i));
            String want = HexFormat.of().formatHex(md.digest());
            HostNet.Result big = rig.ns.exec(60, "sh", "-c",
                    "for i in 1 2 3; do curl -sS --max-time 50 '" + url + "/big?" + n + "' | sha256sum & done; wait");
            assertTrue(big.ok(), big::output);
            assertEquals(3, big.output().lines().filter(l -> l.startsWith(want)).count(), big::output);

            HostNet.Result speed = rig.ns.exec(60, "curl", "-sS", "-o", "/dev/null", "--max-time", "50", "-w", "%{speed_download}", url + "/big?" + 3 * n);
            assertTrue(speed.ok(), speed::output);
            System.out.printf("interop: Netty on Sloop (512 KiB budget) sent %d bytes to curl at %.1f MB/s%n", 3 * n,
                    Double.parseDouble(speed.output().trim()) / 1e6);

            HostNet.Result post = rig.ns.exec(60, "sh", "-c",
                    "head -c 300000 /dev/urandom > /tmp/sloop-netty-$$ && curl -sS --max-time 50 --data-binary @/tmp/sloop-netty-$$ " + url
                            + "/echo | cmp - /tmp/sloop-netty-$$ && echo same; rm -f /tmp/sloop-netty-$$");
            assertTrue(post.ok(), post::output);
            assertEquals("same\n", post.output());

            HostNet.Result nc = rig.ns.exec(60, "sh", "-c",
                    "head -c 500000 /dev/urandom > /tmp/sloop-netty-nc-$$ && nc -N " + rig.ns.addr(2) + " 7 < /tmp/sloop-netty-nc-$$"
                            + " | cmp - /tmp/sloop-netty-nc-$$ && echo same; rm -f /tmp/sloop-netty-nc-$$");
            assertTrue(nc.ok(), nc::output);
            assertEquals("same\n", nc.output());

            // The clients are done: every connection ends on its own (no abort) before the check.
            assertTrue(rig.settle(() -> rig.stack.tcp().connections() == 0, 10_000), rig::report);
            http.close().sync();
            echo.close().sync();
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        rig.runner.lock();
        try {
            assertEquals(ready, budget.used() - budget.used(Category.TIME_WAIT), rig.stack::report);
            assertEquals(0, budget.committedBlocks(), rig.stack::report);
        } finally {
            rig.runner.unlock();
        }
        rig.close(); // drains, checks the budget against the stack's own baseline, deletes the namespace
    }
}
