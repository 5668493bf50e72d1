package dev.loopwatch.it;

import com.acme.work.Crunch;
import dev.loopwatch.core.LoopWatch;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The Netty HTTP server of the action=slice tests ({@link SliceActionContract}), run in a forked JVM: NIO, one worker
 * loop, so that every connection is served by the same loop thread and a request on one connection is interleaved
 * with the sliced work of another. Its work is {@link Crunch}'s (under {@code abort.include=com.acme.work.}).
 */
public final class SliceServer {
    private SliceServer() {
    }

    @SuppressWarnings("deprecation") // NioEventLoopGroup: deprecated in 4.2, the 4.1 API
    public static void main(String[] args) throws Exception {
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup(1);
        Channel channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        System.out.println("PORT=" + ((java.net.InetSocketAddress) channel.localAddress()).getPort());
        System.out.flush();
        channel.closeFuture().sync();
    }

    /** The answer to {@code path} with the query's {@code n}: the same for the Netty and the Vert.x slice servers. */
    static String answer(String path, long n) {
        switch (path) {
            case "/fast": return "ok";
            case "/crunch": return Long.toString(Crunch.crunch(n));
            case "/monitor": return Long.toString(Crunch.underMonitor(n));
            case "/monitor-enter": return Crunch.enterMonitor();
            case "/lock": return Long.toString(Crunch.underLock(n));
            case "/trylock": return Crunch.tryLock();
            case "/local": return Crunch.withLocal(n);
            case "/local-read": return Crunch.readLocal();
            case "/thread": return Thread.currentThread().getName();
            case "/status": {
                LoopWatch engine = LoopWatch.current();
                return engine == null ? "{\"running\":false}" : engine.status().toJson();
            }
            default: return "no such path";
        }
    }

    static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            long n = uri.parameters().containsKey("n") ? Long.parseLong(uri.parameters().get("n").get(0)) : 0;
            String body = answer(uri.path(), n);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response);
        }
    }
}
