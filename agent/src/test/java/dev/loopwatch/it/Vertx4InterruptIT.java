package dev.loopwatch.it;

/** action=interrupt on a Vert.x 4.5 (Netty 4.1) web server: the waits are in route handlers. */
class Vertx4InterruptIT extends InterruptActionContract {
    Vertx4InterruptIT() {
        super(ActionServer.vertx("vertx-4"));
    }
}
