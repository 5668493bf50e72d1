package dev.loopwatch.it;

/** The agent on a Vert.x 5.0 web server (Netty 4.2). */
class Vertx5IT extends VertxContract {
    Vertx5IT() {
        super("vertx-5", "vertx-5", "vertx-4", "netty-4.2");
    }
}
