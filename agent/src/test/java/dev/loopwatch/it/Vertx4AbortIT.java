package dev.loopwatch.it;

/** action=abort on a Vert.x 4.5 (Netty 4.1) web server: the endless loop is in a route handler's call. */
class Vertx4AbortIT extends VertxAbortContract {
    Vertx4AbortIT() {
        super("vertx-4");
    }
}
