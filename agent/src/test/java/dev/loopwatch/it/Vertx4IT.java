package dev.loopwatch.it;

/** The agent on a Vert.x 4.5 web server (Netty 4.1). */
class Vertx4IT extends VertxContract {
    Vertx4IT() {
        super("vertx-4", "vertx-4", "vertx-5", "netty-4.1");
    }
}
