package dev.loopwatch.it;

import java.util.function.Supplier;

/**
 * The server that the action contracts ({@link AbortActionContract}, {@link InterruptActionContract}) fork:
 * the Netty {@link FixtureServer} on one line and transport, or a Vert.x web fixture. Each serves the same
 * endpoints ({@code /abort/*}, {@code /untouched/spin}, {@code /wait/*}, {@code /spin}, {@code /thread},
 * {@code /loops}, {@code /bytes}, {@code /fast}, {@code /status}) over the same application code
 * (it-fixtures/app: {@code com.acme.work.Busy}, {@code com.acme.other.Untouched}, the waits), and answers an
 * exception that escapes a handler with a 500 naming it; what differs between them is named here.
 *
 * @param builder      a builder for the forked server, its agent options still to be set
 * @param handlerClass a class of the server's own request handling: outside abort.include, so never touched
 * @param spinFrame    the method that {@code /spin?ms=} burns CPU in (the culprit of a CPU-bound stall)
 */
record ActionServer(Supplier<ForkedServer.Builder> builder, String handlerClass, String spinFrame) {

    /** The Netty fixture server on {@code line} ("netty-4.1", "netty-4.2") and {@code transport}. */
    static ActionServer netty(String line, String transport) {
        String handler = FixtureServer.class.getName() + "$Handler";
        return new ActionServer(() -> ForkedServer.on(line, transport), handler, handler + ".spin");
    }

    /** The Vert.x web fixture of the it-fixtures module {@code module} ("vertx-4", "vertx-5"). */
    static ActionServer vertx(String module) {
        return new ActionServer(() -> ForkedServer.fixture(module, VertxContract.FIXTURE),
                VertxContract.FIXTURE + "$ActionHandler", "dev.loopwatch.fixtures.app.Stall.spin");
    }
}
