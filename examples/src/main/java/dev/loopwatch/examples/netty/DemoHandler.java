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
import io.netty.handler.codec.http.QueryStringDecoder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo's HTTP endpoints. Every endpoint's work is a method of its own, run on the event loop that
 * read the request: when it stalls the loop, that method is the culprit frame in loopwatch's report.
 * Stateless, so one instance serves every connection.
 */
@ChannelHandler.Sharable
final class DemoHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    /** The longest {@code ms} accepted: a demo should not hold a loop for minutes. */
    static final long MAX_MS = 10_000;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
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
                default:
                    respond(ctx, request, HttpResponseStatus.NOT_FOUND, "no such path; try /fast, /sleep?ms=N or /spin?ms=N\n");
            }
        } catch (IllegalArgumentException e) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
        }
    }

    /** {@code /fast}: what every handler on an event loop should be: quick. */
    static String answerFast() {
        return "fast\n";
    }

    /**
     * {@code /sleep?ms=N}: the classic mistake, a blocking call on the event loop. Every other connection
     * served by this loop waits until it returns.
     */
    static String sleepOnEventLoop(long ms) {
        long start = System.nanoTime();
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

    /** The {@code ms} query parameter: 0 to {@link #MAX_MS}, default 100. */
    static long millis(QueryStringDecoder uri) {
        List<String> values = uri.parameters().get("ms");
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

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus status,
                                String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // a broken connection or a malformed request: nothing to answer
    }
}
