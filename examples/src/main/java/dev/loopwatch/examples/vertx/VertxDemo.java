package dev.loopwatch.examples.vertx;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.TimeUnit;

/**
 * A small Vert.x 5 web service with the classic event-loop mistakes: {@code GET /fast}, {@code GET
 * /sleep?ms=300} (Thread.sleep on the event loop), {@code GET /spin?ms=300} (CPU on the event loop) and
 * {@code GET /blocking?ms=300} (the right way: executeBlocking, never reported). Port from the first
 * argument (default 8081). Run it with {@code examples/frameworks.sh vertx}.
 */
public final class VertxDemo {
    private VertxDemo() {
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8081;
        Vertx vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/fast").handler(ctx -> ctx.response().end("ok\n"));
        router.get("/sleep").handler(new SleepRoute());
        router.get("/spin").handler(new SpinRoute());
        router.get("/blocking").handler(ctx -> ctx.vertx().executeBlocking(() -> sleep(ms(ctx)))
                .onSuccess(ns -> ctx.response().end("slept off the loop\n")));
        vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1")
                .onSuccess(s -> System.out.println("Vert.x demo listening on http://127.0.0.1:" + s.actualPort()));
    }

    static final class SleepRoute implements Handler<RoutingContext> {
        @Override
        public void handle(RoutingContext ctx) {
            sleep(ms(ctx));
            ctx.response().end("slept on the event loop\n");
        }
    }

    static final class SpinRoute implements Handler<RoutingContext> {
        @Override
        public void handle(RoutingContext ctx) {
            spin(ms(ctx));
            ctx.response().end("spun on the event loop\n");
        }
    }

    static long ms(RoutingContext ctx) {
        String ms = ctx.request().getParam("ms");
        return ms == null ? 300 : Long.parseLong(ms);
    }

    static long sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ms;
    }

    static long spin(long ms) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        long x = 0;
        while (System.nanoTime() < deadline) {
            x += x * 31 + 7;
        }
        return x;
    }
}
