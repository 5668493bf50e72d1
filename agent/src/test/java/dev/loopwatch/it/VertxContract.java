package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Vert.x web server (the it-fixtures VertxFixture, one source compiled for each Vert.x line) under
 * the agent: event-loop stalls are reported with the route and handler in {@code task}; worker threads
 * (executeBlocking, worker verticles) are never reported; only this Vert.x line's instrumentation is on.
 */
abstract class VertxContract extends FrameworkContract {
    static final String FIXTURE = "dev.loopwatch.fixtures.vertx.VertxFixture";
    private static final String STALL = "dev.loopwatch.fixtures.app.Stall.";

    private final String line;
    private final String otherLine;
    private final String nettyLine;

    VertxContract(String module, String line, String otherLine, String nettyLine) {
        super(module, FIXTURE);
        this.line = line;
        this.otherLine = otherLine;
        this.nettyLine = nettyLine;
    }

    @Test
    void onlyThisVertxLineIsInstrumented() throws Exception {
        JsonNode status = server.status();
        JsonNode lines = status.get("instrumentations");
        assertEquals(2, lines.path(line).asInt(), line + " (RouteState, HandlerRegistration): " + lines);
        assertTrue(lines.path(otherLine).isMissingNode(), otherLine + " must stay off: " + lines);
        assertTrue(lines.path(nettyLine).asInt() >= 2, nettyLine + " times the loops: " + lines);
        assertEquals(0, status.get("errors").asLong());
    }

    @Test
    void spinningRouteHandlerIsReportedWithRouteAndHandler() throws Exception {
        String task = "GET /spin (" + FIXTURE + "$SpinHandler)";
        assertStall("/spin?ms=300", STALL + "spin(", task::equals, task, "vert.x-eventloop-thread-", "loop");
    }

    @Test
    void sleepingRouteHandlerIsReportedWithRouteAndHandler() throws Exception {
        String task = "GET /sleep (" + FIXTURE + "$SleepHandler)";
        assertStall("/sleep?ms=300", STALL + "sleep(", task::equals, task, "vert.x-eventloop-thread-", "loop");
    }

    @Test
    void blockingCallInRouteHandlerNamesTheRoute() throws Exception {
        assertBlockingCallTask("/sleep?ms=20", STALL + "sleep(", "GET /sleep (" + FIXTURE + "$SleepHandler)");
    }

    @Test
    void spinningEventBusConsumerIsReportedWithItsAddress() throws Exception {
        String task = "event bus 'fixture.spin' (" + FIXTURE + "$BusSpinner)";
        assertStall("/bus?ms=300", STALL + "spin(", task::equals, task, "vert.x-eventloop-thread-", "loop");
    }

    @Test
    void stallInVerticleStartNamesTheVerticle() throws Exception {
        String verticle = FIXTURE + "$SpinningStartVerticle";
        String task = "verticle " + verticle + " (" + verticle + ".start)";
        assertStall("/deploy?ms=300", STALL + "spin(", task::equals, task, "vert.x-eventloop-thread-", "loop");
    }

    @Test
    void stallInTimerSetByVerticleNamesTheVerticle() throws Exception {
        String task = "verticle " + FIXTURE + "$CallbackVerticle (" + FIXTURE + "$TimerSpin.handle)";
        assertStall("/timer?ms=300", STALL + "spin(", task::equals, task, "vert.x-eventloop-thread-", "loop");
    }

    @Test
    void stallInRunOnContextCallbackOfVerticleNamesTheVerticle() throws Exception {
        String task = "verticle " + FIXTURE + "$CallbackVerticle (" + FIXTURE + "$LaterSpin.handle)";
        assertStall("/later?ms=300", STALL + "spin(", task::equals, task, "vert.x-eventloop-thread-", "loop");
    }

    @Test
    void executeBlockingIsNotALoopStall() throws Exception {
        assertNoStall("/blocking?ms=300", FIXTURE);
    }

    @Test
    void workerVerticleIsNotALoopStall() throws Exception {
        assertNoStall("/worker?ms=300", FIXTURE);
    }

    @Test
    void fastRequestsProduceNoReport() throws Exception {
        assertFastRequestsAreSilent(2000);
    }
}
