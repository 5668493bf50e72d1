package dev.loopwatch.it;

/**
 * Blocking calls on Vert.x 4.5 event loops (Netty 4.1); in {@code executeBlocking} they run on Vert.x worker
 * threads, which are no loops, and are not reported. The fixture is {@link VertxFixture}, compiled against
 * Vert.x 5 but using only API that 4.5 has in the same form, run on the it-fixtures/vertx-4 jars.
 */
class BlockingCallsVertx4IT extends BlockingCallsContract {
    BlockingCallsVertx4IT() {
        super("vertx-4", "nio", VertxFixture.class, "I/O " + VertxFixture.class.getName());
    }

    @Override
    ForkedServer.Builder serverOn(String line, String transport) {
        return ForkedServer.onFixtureLibs(line, transport);
    }
}
