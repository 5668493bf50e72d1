package dev.loopwatch.it;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.TimeUnit;

/**
 * A real Vert.x 5 HTTP server (its event loops are Netty 4.2 loops) run in a forked JVM under the agent:
 * the same endpoints as {@link FixtureServer}, with {@code /block-plain} on a Vert.x worker thread
 * ({@code executeBlocking}). Prints {@code PORT=n} once it listens on 127.0.0.1.
 */
public final class VertxFixture {
    private VertxFixture() {
    }

    public static void main(String[] args) throws Exception {
        Blocker.prepare();
        Vertx vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> handle(vertx, request))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        System.out.println("PORT=" + server.actualPort());
        System.out.flush();
        Thread.currentThread().join();
    }

    static void handle(Vertx vertx, HttpServerRequest request) {
        String kind = request.getParam("kind");
        long ms = request.getParam("ms") == null ? 0 : Long.parseLong(request.getParam("ms"));
        String body;
        try {
            switch (request.path()) {
                case "/fast": body = "ok"; break;
                case "/block": body = Blocker.run(kind, ms); break;
                case "/block-allowed": body = Blocker.Allowed.run(kind, ms); break;
                case "/block-plain":
                    vertx.executeBlocking(() -> Blocker.run(kind, ms)).onComplete(done ->
                            request.response().end(done.succeeded() ? done.result() : done.cause().toString()));
                    return;
                case "/status": body = FixtureServer.Handler.status(); break;
                default: body = "no such path";
            }
        } catch (Exception e) {
            body = e.toString();
        }
        request.response().end(body);
    }
}
