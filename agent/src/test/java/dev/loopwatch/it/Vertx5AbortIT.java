package dev.loopwatch.it;

/** action=abort on a Vert.x 5.0 (Netty 4.2) web server: the endless loop is in a route handler's call. */
class Vertx5AbortIT extends VertxAbortContract {
    Vertx5AbortIT() {
        super("vertx-5");
    }
}
