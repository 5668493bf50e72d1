package dev.loopwatch.it;

import dev.loopwatch.core.LoopWatch;
import dev.loopwatch.fixtures.app.BytesAgent;
import dev.loopwatch.fixtures.app.Waits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real Netty HTTP server run in a forked JVM under the agent by the integration tests. Compiled against
 * the Netty 4.1 API, which Netty 4.2 keeps, so the same class runs on either line's jars.
 * Prints {@code PORT=n} on standard output once it listens on 127.0.0.1.
 */
public final class FixtureServer {
    private static final ExecutorService PLAIN_POOL = Executors.newSingleThreadExecutor();

    private FixtureServer() {
    }

    public static void main(String[] args) throws Exception {
        serve(args, pipeline -> { });
    }

    /**
     * Serves until the JVM is stopped. {@code beforeHandler} may add handlers between the HTTP codec and
     * {@link Handler} (another fixture's, on an executor group of its own: {@link ExecutorGroupServer}).
     */
    @SuppressWarnings("deprecation") // NioEventLoopGroup/EpollEventLoopGroup: deprecated in 4.2, the 4.1 API
    static void serve(String[] args, Consumer<ChannelPipeline> beforeHandler) throws Exception {
        // Netty itself would initialise SLF4J when it is on the class path (printing SLF4J's "no
        // providers" notice when there is no provider); the tests must see only what loopwatch does.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        boolean epoll = args.length > 0 && args[0].equals("epoll");
        Blocker.prepare();
        if (Boolean.getBoolean("fixture.meters")) {
            MetersFixture.install();
        }
        EventLoopGroup boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        EventLoopGroup workers = epoll ? new EpollEventLoopGroup(2) : new NioEventLoopGroup(2);
        Channel channel = new ServerBootstrap()
                .group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16));
                        beforeHandler.accept(ch.pipeline());
                        ch.pipeline().addLast(new Handler());
                    }
                })
                .bind("127.0.0.1", 0).sync().channel();
        System.out.println("PORT=" + ((java.net.InetSocketAddress) channel.localAddress()).getPort());
        System.out.flush();
        channel.closeFuture().sync();
    }

    /** The HTTP handler: every endpoint's work is in a method of its own, so it is the culprit frame. */
    static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws Exception {
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            long ms = uri.parameters().containsKey("ms") ? Long.parseLong(uri.parameters().get("ms").get(0)) : 0;
            String body;
            switch (uri.path()) {
                case "/fast": body = "ok"; break;
                case "/spin": body = Long.toString(spin(ms)); break;
                case "/sleep": body = Long.toString(sleep(ms)); break;
                case "/execute":
                    ctx.channel().eventLoop().execute(new StallingTask(ms));
                    body = "queued";
                    break;
                case "/schedule":
                    ctx.channel().eventLoop().schedule(new ScheduledStall(ms), 5, TimeUnit.MILLISECONDS);
                    body = "scheduled";
                    break;
                case "/executor":
                    PLAIN_POOL.submit(new StallingTask(ms));
                    body = "submitted";
                    break;
                case "/block": body = Blocker.run(uri.parameters().get("kind").get(0), ms); break;
                case "/block-allowed": body = Blocker.Allowed.run(uri.parameters().get("kind").get(0), ms); break;
                case "/block-plain":
                    // On an ordinary thread, answering from there (Netty hands the write to the loop).
                    String kind = uri.parameters().get("kind").get(0);
                    PLAIN_POOL.execute(() -> {
                        String answer;
                        try {
                            answer = Blocker.run(kind, ms);
                        } catch (Exception e) {
                            answer = e.toString();
                        }
                        respond(ctx, answer);
                    });
                    return;
                case "/storm":
                    // On a thread of its own: the storm's loops are its own, this loop stays free to answer.
                    int seconds = Integer.parseInt(uri.parameters().get("seconds").get(0));
                    int loops = Integer.parseInt(uri.parameters().get("loops").get(0));
                    PLAIN_POOL.execute(() -> {
                        String answer;
                        try {
                            answer = Storm.run(seconds, loops);
                        } catch (Exception e) {
                            answer = e.toString();
                        }
                        respond(ctx, answer);
                    });
                    return;
                case "/loop-shutdown":
                    // A loop of its own, shut down gracefully: in the quiet period Netty sleeps on it (confirmShutdown).
                    PLAIN_POOL.execute(() -> respond(ctx, shutDownALoop()));
                    return;
                case "/status": body = status(); break;
                case "/lag": body = lag(); break;
                case "/meters": body = MetersFixture.dump(); break;
                case "/jvm/live-set": body = JvmWork.liveSet(); break;
                case "/jvm/gc": body = JvmWork.ownWorkDuringGc(ms); break;
                case "/jvm/clinit": body = JvmWork.SlowInit.VALUE; break;
                case "/jvm/two-places": body = JvmWork.twoPlaces(ms); break;
                // action=abort: com.acme.work is included, com.acme.other is not
                case "/abort/forever": body = Long.toString(com.acme.work.Busy.forever()); break;
                case "/abort/caught": body = com.acme.work.Busy.foreverCaught(); break;
                case "/abort/cleanup": body = Long.toString(com.acme.work.Busy.foreverWithCleanup()); break;
                case "/abort/arrays": body = Long.toString(com.acme.work.Busy.foreverOverArrays()); break;
                case "/abort/recurse": body = Long.toString(com.acme.work.Busy.recurse(62)); break;
                case "/abort/short": body = Long.toString(com.acme.work.Busy.spin(ms)); break;
                case "/abort/cleanups": body = Integer.toString(com.acme.work.Busy.cleanups); break;
                case "/untouched/spin": body = Long.toString(com.acme.other.Untouched.spin(ms)); break;
                // action=interrupt: each waiting task queues a task behind it that reports the flag
                case "/wait/sleep": Waits.next = "pending"; ctx.channel().eventLoop().execute(new Waits.NextTask()); body = Waits.sleep(ms); break;
                case "/wait/wait": Waits.next = "pending"; ctx.channel().eventLoop().execute(new Waits.NextTask()); body = Waits.await(ms); break;
                case "/wait/park": Waits.next = "pending"; ctx.channel().eventLoop().execute(new Waits.NextTask()); body = Waits.park(ms); break;
                case "/wait/future": Waits.next = "pending"; ctx.channel().eventLoop().execute(new Waits.NextTask()); body = Waits.futureGet(ms); break;
                case "/wait/file":
                    Waits.next = "pending"; ctx.channel().eventLoop().execute(new Waits.NextTask());
                    body = Waits.fileRead(java.nio.file.Path.of(uri.parameters().get("path").get(0)));
                    break;
                case "/wait/next": body = Waits.next; break;
                case "/thread": body = threadName(); break;
                case "/bytes": body = BytesAgent.compare(Class.forName(uri.parameters().get("class").get(0))); break;
                case "/loops": body = loopThreads(); break;
                default: body = "no such path";
            }
            respond(ctx, body);
        }

        static void respond(ChannelHandlerContext ctx, String body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response);
        }

        /**
         * What the tests see of an exception in a handler (a TaskTimeoutException under action=abort, or an
         * InterruptedException): a 500 answer naming it, the loop thread, and the ms since the aborted loop
         * started; the connection and the loop go on serving.
         */
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            long sinceStart = (System.nanoTime() - com.acme.work.Busy.startedAt) / 1000;
            String body = "error " + cause.getClass().getName() + ": " + cause.getMessage() + "\nthread=" + threadName()
                    + "\nsinceStartUs=" + sinceStart;
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.INTERNAL_SERVER_ERROR, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response);
        }

        @SuppressWarnings("deprecation") // NioEventLoopGroup: deprecated in 4.2, the 4.1 API
        static String shutDownALoop() {
            EventLoopGroup group = new NioEventLoopGroup(1);
            try {
                group.submit(() -> { }).sync();
                group.shutdownGracefully(300, 3_000, TimeUnit.MILLISECONDS).sync();
                return "shut";
            } catch (Exception e) {
                return e.toString();
            }
        }

        @SuppressWarnings("deprecation") // Thread.getId: threadId() only exists from JDK 19
        static String threadName() {
            return Thread.currentThread().getName() + "#" + Thread.currentThread().getId();
        }

        @SuppressWarnings("deprecation")
        static String loopThreads() {
            java.util.TreeSet<String> names = new java.util.TreeSet<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().contains("EventLoop")) {
                    names.add(t.getName() + "#" + t.getId());
                }
            }
            return String.join(",", names);
        }

        /** Burns CPU for {@code ms} without any blocking call; returns the nanoseconds it took. */
        static long spin(long ms) {
            long start = System.nanoTime();
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(ms);
            long x = 0;
            while (System.nanoTime() < deadline) {
                x += x * 31 + 7;
            }
            if (x == 42) {
                System.out.print("");
            }
            return System.nanoTime() - start;
        }

        /** Sleeps {@code ms} on the calling thread; returns the nanoseconds it took. */
        static long sleep(long ms) throws InterruptedException {
            long start = System.nanoTime();
            Thread.sleep(ms);
            return System.nanoTime() - start;
        }

        static String status() {
            LoopWatch engine = LoopWatch.current();
            return engine == null ? "{\"running\":false}" : engine.status().toJson();
        }

        /** Each loop's lag: {"thread": [samples, maxNanos, p99Nanos], ...}. */
        static String lag() {
            StringBuilder b = new StringBuilder("{");
            for (dev.loopwatch.core.Lag lag : LoopWatch.current().lag()) {
                b.append(b.length() > 1 ? "," : "").append('"').append(lag.thread()).append("\":[").append(lag.samples())
                        .append(',').append(lag.maxNanos()).append(',').append(lag.p99Nanos()).append(']');
            }
            return b.append('}').toString();
        }
    }

    /** A Runnable that stalls whichever thread runs it. */
    static final class StallingTask implements Runnable {
        private final long ms;

        StallingTask(long ms) {
            this.ms = ms;
        }

        @Override
        public void run() {
            Handler.spin(ms);
        }
    }

    /** A scheduled task that stalls its loop. */
    static final class ScheduledStall implements Runnable {
        private final long ms;

        ScheduledStall(long ms) {
            this.ms = ms;
        }

        @Override
        public void run() {
            Handler.spin(ms);
        }
    }
}
