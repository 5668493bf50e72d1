package dev.loopwatch.benchmarks;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The service {@code benchmarks/netty-throughput.sh} loads: a plain Netty 4.2 NIO HTTP/1.1 server on 127.0.0.1
 * answering "hello" to every request on its loop, with keep-alive. It exists beside {@link HttpServerMain}
 * (one request per connection, no aggregator, no logging) to have the shape of a real service: full requests
 * through {@link HttpObjectAggregator}, persistent connections, and SLF4J with a real backend, so what the JVM
 * loads and compiles in its first seconds is a service's, not a toy's. Argument: the port. Runs until killed.
 */
public final class NettyHelloService {
    private static final Logger LOG = LoggerFactory.getLogger(NettyHelloService.class);

    private NettyHelloService() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        Channel server;
        try {
            server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                    new HelloHandler());
                        }
                    })
                    .bind("127.0.0.1", port).sync().channel();
        } catch (Exception e) {
            // Exit instead of leaving the (non-daemon) loop threads running a service that never listened.
            LOG.error("cannot listen on 127.0.0.1:{}: {}", port, e.toString());
            System.exit(1);
            return;
        }
        LOG.info("listening on 127.0.0.1:{}", port);
        server.closeFuture().sync();
    }

    /** Answers every request on the loop; closes the connection only when the client asks. */
    private static final class HelloHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final byte[] BODY = "hello\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(BODY));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            if (keepAlive) {
                if (!request.protocolVersion().isKeepAliveDefault()) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                }
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A client resetting its connection is routine (wrk resets all of its connections when it stops):
            // a line for each would put 50 log lines at the start of every measured window.
            if (!(cause instanceof IOException)) {
                LOG.warn("closing {}: {}", ctx.channel(), cause.toString());
            }
            ctx.close();
        }
    }
}
