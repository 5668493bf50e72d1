package dev.loopwatch.it;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;

import java.util.concurrent.TimeUnit;

/**
 * {@link FixtureServer} with one more handler in each channel's pipeline, run on a Netty
 * {@code DefaultEventExecutorGroup} (threads {@code defaultEventExecutorGroup-*}) rather than the I/O loop,
 * as applications do to take slow handlers off the loops. It answers {@code /offloaded/spin?ms=n} itself,
 * on the group's thread; every other request goes on to the fixture's handler on the loop, so
 * {@code /execute}, {@code /status}... work as in {@link FixtureServer}. Same arguments, same {@code PORT=}.
 */
public final class ExecutorGroupServer {
    private static final EventExecutorGroup GROUP = new DefaultEventExecutorGroup(1);

    private ExecutorGroupServer() {
    }

    public static void main(String[] args) throws Exception {
        FixtureServer.serve(args, pipeline -> pipeline.addLast(GROUP, "offloaded", new OffloadedHandler()));
    }

    /** Runs on the executor group: answers {@code /offloaded/spin}, passes everything else on. */
    static final class OffloadedHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof FullHttpRequest)) {
                ctx.fireChannelRead(msg);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(((FullHttpRequest) msg).uri());
            if (!uri.path().equals("/offloaded/spin")) {
                ctx.fireChannelRead(msg);
                return;
            }
            long ms = Long.parseLong(uri.parameters().get("ms").get(0));
            ReferenceCountUtil.release(msg);
            // The answer names the thread, so the test knows the spin ran on the group, not a loop.
            FixtureServer.Handler.respond(ctx, spin(ms) + " " + Thread.currentThread().getName());
        }

        /** Burns CPU for {@code ms} (the culprit frame); returns the nanoseconds it took. */
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
    }
}
