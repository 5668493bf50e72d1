package dev.loopwatch.it;

/**
 * Blocking calls on Vert.x 5 event loops; the same calls in {@code executeBlocking} run on Vert.x worker
 * threads, which are no loops (Netty {@code FastThreadLocalThread}s all the same), and are not reported.
 */
class BlockingCallsVertx5IT extends BlockingCallsContract {
    BlockingCallsVertx5IT() {
        super("vertx-5", "nio", VertxFixture.class, "I/O " + VertxFixture.class.getName()); // the handler lambda
    }
}
