package dev.loopwatch.it;

/** action=slice on Vert.x 5 (vertx-web, Netty 4.2 NIO), one event loop. */
class Vertx5SliceIT extends SliceActionContract {
    Vertx5SliceIT() {
        super(() -> ForkedServer.fixture("vertx-5", "dev.loopwatch.fixtures.vertx.SliceFixture"));
    }
}
