package dev.loopwatch.examples.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The demo's HTTP endpoints, one instance for every connection. Each endpoint's work is a method of its own,
 * run on the loop that read the request: when it stalls the loop, that method is the culprit in the report.
 */
@ChannelHandler.Sharable
final class DemoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The longest {@code ms} accepted: one minute (examples/actions.sh asks for {@code /spin?ms=60000}). */
    static final long MAX_MS = 60_000;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = awaitingAnswer(ctx, request);
        if (!HttpMethod.GET.equals(request.method())) {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n");
            return;
        }
        try {
            switch (uri.path()) {
                case "/fast":
                    respond(ctx, request, HttpResponseStatus.OK, answerFast());
                    break;
                case "/sleep":
                    respond(ctx, request, HttpResponseStatus.OK, sleepOnEventLoop(millis(uri)));
                    break;
                case "/spin":
                    respond(ctx, request, HttpResponseStatus.OK, spinOnEventLoop(millis(uri)));
                    break;
                case "/metrics":
                    respond(ctx, request, HttpResponseStatus.OK, Metrics.scrapeLoopwatch());
                    break;
                default:
                    respond(ctx, request, HttpResponseStatus.NOT_FOUND, "no such path; try /fast, /sleep?ms=N, /spin?ms=N or /metrics\n");
            }
        } catch (RuntimeException e) { // a bad ms (400), or loopwatch's action=abort stopped the endpoint (503)
            answerError(ctx, request, e);
        }
    }

    /** {@code /fast}: what every handler on an event loop should be: quick. */
    static String answerFast() {
        return "fast\n";
    }

    /**
     * {@code /sleep?ms=N}: the classic mistake, a blocking call on the event loop. Every other connection served
     * by this loop waits until it returns, or until an interrupt ends it early ("interrupted after N ms").
     */
    static String sleepOnEventLoop(long ms) {
        long start = System.nanoTime();
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) { // under loopwatch's action=interrupt, past the threshold: answer now
            return "interrupted after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms\n";
        }
        return "slept " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms on the event loop\n";
    }

    /**
     * {@code /spin?ms=N}: N ms of pure computation on the event loop. No blocking call that a "blocking
     * call detector" could catch; the loop is stalled all the same.
     */
    static String spinOnEventLoop(long ms) {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(ms);
        long x = 1;
        long rounds = 0;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 1_000; i++) {
                x = x * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L;
            }
            rounds++;
        }
        return "spun " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms on the event loop ("
                + rounds + " rounds, checksum " + Long.toHexString(x) + ")\n";
    }

    // The lines above keep their numbers: README.md and docs/ show DemoHandler.java:27, :48, :70 and :87 as demo.sh's
    // reports print them. Add code below this point.

    /** The {@code ms} query parameter: 0 to {@link #MAX_MS}, default 100. */
    static long millis(QueryStringDecoder uri) {
        var values = uri.parameters().get("ms");
        if (values == null || values.isEmpty()) {
            return 100;
        }
        long ms;
        try {
            ms = Long.parseLong(values.get(0));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ms must be a number of milliseconds: " + values.get(0));
        }
        if (ms < 0 || ms > MAX_MS) {
            throw new IllegalArgumentException("ms must be between 0 and " + MAX_MS + ": " + ms);
        }
        return ms;
    }

    /**
     * Notes on the channel that {@code request} awaits its answer, so that {@link #exceptionCaught} can still
     * give one if its endpoint throws; and decodes its URI.
     */
    private static QueryStringDecoder awaitingAnswer(ChannelHandlerContext ctx, FullHttpRequest request) {
        ctx.channel().attr(AWAITING).set(new Awaiting(request.protocolVersion(), HttpUtil.isKeepAlive(request)));
        return new QueryStringDecoder(request.uri());
    }

    /**
     * {@code ms} out of range or not a number: {@code 400}. Under loopwatch's {@code action=abort}, an endpoint
     * that ran past the threshold (here {@code /spin}) throws {@code dev.loopwatch.TaskTimeoutException} out
     * of its loop: {@code 503}, with the exception's message, on a connection that stays open. Anything else
     * goes on to {@link #exceptionCaught}.
     * <p>
     * Caught here, where it lands, and not only in {@link #exceptionCaught}: loopwatch asks a task that still
     * runs 10 ms after its abort request to stop again, at the next check in {@code abort.include} code. The
     * way through Netty to {@code exceptionCaught} can take longer than that (a fresh JVM, a loaded machine):
     * the second exception is then thrown at {@code exceptionCaught}'s own entry, where nothing answers it.
     */
    private static void answerError(ChannelHandlerContext ctx, FullHttpRequest request, RuntimeException e) {
        if (e instanceof IllegalArgumentException) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
        } else if (e.getClass().getName().equals(TASK_TIMEOUT)) {
            respond(ctx, request, HttpResponseStatus.SERVICE_UNAVAILABLE, e + "\n");
        } else {
            throw e;
        }
    }

    /** What answering a request needs once the request itself is released: its version, and keep-alive. */
    private record Awaiting(HttpVersion version, boolean keepAlive) {
    }

    /** The request on the channel that has no answer yet, or null. */
    private static final AttributeKey<Awaiting> AWAITING = AttributeKey.valueOf(DemoHandler.class, "awaiting");

    /** The exception loopwatch's {@code action=abort} throws, by name: the demo does not depend on loopwatch. */
    static final String TASK_TIMEOUT = "dev.loopwatch.TaskTimeoutException";

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                String body) {
        respond(ctx, request.protocolVersion(), HttpUtil.isKeepAlive(request), status, body);
    }

    private static void respond(ChannelHandlerContext ctx, HttpVersion version, boolean keepAlive,
                                HttpResponseStatus status, String body) {
        ctx.channel().attr(AWAITING).set(null);
        FullHttpResponse response = new DefaultFullHttpResponse(version, status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * An exception no endpoint caught. A {@code dev.loopwatch.TaskTimeoutException} thrown outside
     * {@link #answerError}'s reach is still answered {@code 503}: the task that read a request ran past the
     * threshold before the endpoint began (a fresh JVM's first requests load classes on the loop: the check at
     * {@code channelRead0}'s entry throws), or loopwatch asked it again while it was answering. Anything
     * else (a broken connection) closes the connection: there is nothing to answer.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Awaiting awaiting = ctx.channel().attr(AWAITING).getAndSet(null);
        if (cause.getClass().getName().equals(TASK_TIMEOUT)) {
            // Not noted yet (stopped at channelRead0's entry): HTTP/1.1, and close after the answer.
            respond(ctx, awaiting != null ? awaiting.version() : HttpVersion.HTTP_1_1,
                    awaiting != null && awaiting.keepAlive(), HttpResponseStatus.SERVICE_UNAVAILABLE, cause + "\n");
        } else {
            ctx.close();
        }
    }
}
