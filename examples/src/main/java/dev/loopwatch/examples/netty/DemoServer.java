package dev.loopwatch.examples.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A small Netty 4.2 HTTP service on 127.0.0.1 with the two classic ways to stall an event loop:
 * <ul>
 *   <li>{@code GET /fast}: answers at once;</li>
 *   <li>{@code GET /sleep?ms=N}: {@code Thread.sleep(N)} on the event loop (a blocking call);</li>
 *   <li>{@code GET /spin?ms=N}: N ms of pure CPU on the event loop (no blocking call at all).</li>
 * </ul>
 * Run it under loopwatch to see both reported with their culprit frame:
 * <pre>
 * java -javaagent:agent/target/loopwatch-agent.jar=threshold=50ms \
 *      -cp 'examples/target/classes:examples/target/lib/*' dev.loopwatch.examples.netty.DemoServer 8080
 * </pre>
 * The port is the first argument, else the {@code PORT} environment variable, else 8080; {@code 0} takes
 * any free port. Prints {@code listening on http://127.0.0.1:<port>} once it accepts connections, and
 * shuts down gracefully on SIGTERM or Ctrl-C.
 * <p>
 * It has no compile dependency on loopwatch and runs as well without the agent.
 */
public final class DemoServer implements AutoCloseable {
    /** The only address the demo listens on: it is not meant to be reachable from elsewhere. */
    public static final String HOST = "127.0.0.1";
    static final int DEFAULT_PORT = 8080;

    private final EventLoopGroup acceptLoop;
    private final EventLoopGroup ioLoops;
    private final Channel serverChannel;

    private DemoServer(EventLoopGroup acceptLoop, EventLoopGroup ioLoops, Channel serverChannel) {
        this.acceptLoop = acceptLoop;
        this.ioLoops = ioLoops;
        this.serverChannel = serverChannel;
    }

    public static void main(String[] args) throws Exception {
        int port;
        try {
            port = port(args.length > 0 ? args[0] : System.getenv("PORT"));
        } catch (IllegalArgumentException e) {
            System.err.println("DemoServer: " + e.getMessage());
            System.err.println("usage: DemoServer [port]   (or PORT=<port>; default " + DEFAULT_PORT + ", 0 = any free port)");
            System.exit(2);
            return;
        }
        Metrics.installIfPresent();
        DemoServer server = start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.out.println("server stopped");
        }, "demo-server-shutdown"));
        System.out.println("listening on http://" + HOST + ":" + server.port());
        server.serverChannel.closeFuture().sync();
    }

    /** Starts the service on {@link #HOST}:{@code port} ({@code 0}: any free port) and returns once it listens. */
    public static DemoServer start(int port) throws InterruptedException {
        // Netty 4.2: one event-loop group class, with the transport given as an IoHandler factory.
        EventLoopGroup acceptLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("demo-accept"),
                NioIoHandler.newFactory());
        // -Ddemo.loops=1 (examples/slice.sh): every connection on one loop, the spinning one's and /fast's alike.
        EventLoopGroup ioLoops = new MultiThreadIoEventLoopGroup(Integer.getInteger("demo.loops", 2),
                new DefaultThreadFactory("demo-io"),
                NioIoHandler.newFactory());
        try {
            DemoHandler handler = new DemoHandler();
            Channel channel = new ServerBootstrap()
                    .group(acceptLoop, ioLoops)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024), handler);
                        }
                    })
                    .bind(HOST, port).sync().channel();
            return new DemoServer(acceptLoop, ioLoops, channel);
        } catch (RuntimeException | InterruptedException e) {
            acceptLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            ioLoops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The port it listens on (the one chosen when started with {@code 0}). */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting, lets requests in progress finish (up to 2 s), and stops the event loops. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        acceptLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        ioLoops.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptLoop.terminationFuture().syncUninterruptibly();
        ioLoops.terminationFuture().syncUninterruptibly();
    }

    static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a port: " + value);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        return port;
    }
}
