package dev.loopwatch.it;

/** action=interrupt on a Vert.x 5.0 (Netty 4.2) web server: the waits are in route handlers. */
class Vertx5InterruptIT extends InterruptActionContract {
    Vertx5InterruptIT() {
        super(ActionServer.vertx("vertx-5"));
    }
}
