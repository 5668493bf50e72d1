package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Micronaut 4.10 service (micronaut-http-server-netty on Netty 4.2) under the agent. Its controller methods
 * run on the event loop (Micronaut 4's default thread selection): a stall there is reported with the route and the
 * controller method as task ({@code GET /orders/{id} (...OrderController.get)}: the template, not the path), also
 * when the work is a {@code Mono} that Micronaut subscribes to after the method returned; a
 * contended {@code synchronized} is reported with that task; logging through the application's Logback console
 * appender is no blocking call; {@code @ExecuteOn(BLOCKING)} methods are not watched; and the first request's cold
 * stall, if there is one, names the static initialiser it waits for, not a JFR frame.
 */
class MicronautIT extends FrameworkContract {
    private static final String PACKAGE = "dev.loopwatch.fixtures.micronaut.";
    private static final String STALLS = PACKAGE + "StallController";
    private static final String ORDERS = PACKAGE + "OrderController";
    private static final String STALL = "dev.loopwatch.fixtures.app.Stall.";
    private static final String LOOP = "default-eventLoopGroup-";

    /** The reports made by the server's start and its first request, before any warm-up. */
    private List<JsonNode> coldReports = List.of();

    MicronautIT() {
        super("micronaut", PACKAGE + "MicronautFixture");
    }

    @Override
    void prepare() throws Exception {
        server.get("/fast");
        Thread.sleep(1500); // a cold stall's end is reported when the task ends; give the reporter time
        coldReports = server.reports();
        super.prepare();
    }

    @Test
    void nettyAndMicronautLinesAreInstrumented() throws Exception {
        JsonNode lines = server.status().get("instrumentations");
        assertTrue(lines.path("netty-4.2").asInt() >= 2, lines.toString());
        assertEquals(2, lines.path("micronaut-4").asInt(), "RouteExecutor, NettyRequestLifecycle: " + lines);
        assertTrue(lines.path("netty-4.1").isMissingNode() && lines.path("vertx-4").isMissingNode(), lines.toString());
    }

    @Test
    void controllerMethodsRunOnTheLoopAndWorkersDoNot() throws Exception {
        assertTrue(server.get("/thread").startsWith(LOOP), "a plain controller method runs on the loop");
        assertFalse(server.get("/worker/thread").startsWith(LOOP), "@ExecuteOn(BLOCKING) runs on an executor");
    }

    @Test
    void spinningControllerMethodIsReportedWithItsRoute() throws Exception {
        String task = "GET /spin (" + STALLS + ".spin)";
        assertStall("/spin?ms=300", STALL + "spin(", task::equals, task, LOOP, "loop");
    }

    @Test
    void pathVariableRouteIsNamedByItsTemplate() throws Exception {
        String task = "GET /orders/{id} (" + ORDERS + ".get)";
        assertStall("/orders/4711?ms=300", STALL + "spin(", task::equals, task, LOOP, "loop");
    }

    /** The Mono's work runs when Micronaut subscribes to the response, after the controller method returned. */
    @Test
    void deferredReactiveBodyIsReportedWithItsRoute() throws Exception {
        String task = "GET /mono (" + STALLS + ".mono)";
        assertStall("/mono?ms=300", STALL + "spin(", task::equals, task, LOOP, "loop");
    }

    @Test
    void sleepingControllerMethodIsReportedWithItsRoute() throws Exception {
        String task = "GET /sleep (" + STALLS + ".sleep)";
        assertStall("/sleep?ms=300", STALL + "sleep(", task::equals, task, LOOP, "loop");
    }

    @Test
    void blockingCallInControllerMethodNamesTheRoute() throws Exception {
        assertBlockingCallTask("/sleep?ms=20", STALL + "sleep(", "GET /sleep (" + STALLS + ".sleep)");
    }

    @Test
    void contendedMonitorIsReportedWithTheRoute() throws Exception {
        warm("/contended?ms=1");
        int before = server.reports().size();
        server.get("/contended?ms=200");
        // The holder keeps the monitor 200 ms; the ticks see the wait for most of that, however busy the machine. The
        // warm-up's own short wait may be reported after `before` was read, and dated up to a late tick after it
        // ended: the length tells the two apart.
        List<JsonNode> reports = server.awaitReports(before, r -> r.get("type").asText().equals("blocking-call")
                && r.get("call").asText().startsWith("synchronized") && r.get("durationMs").asDouble() >= 50
                && culpritOf(r).startsWith("dev.loopwatch.fixtures.app.Monitors.enterHeldMonitor("), 1, 5);
        assertFalse(reports.isEmpty(), "a contended-monitor report of about 200 ms: " + after(before));
        JsonNode wait = reports.get(0);
        assertEquals("GET /contended (" + STALLS + ".contended)", wait.get("task").asText(), wait.toString());
    }

    @Test
    void loggingEveryRequestThroughLogbackIsNoBlockingCall() throws Exception {
        int before = server.reports().size();
        Instant since = Instant.now();
        for (int i = 0; i < 300; i++) {
            server.get("/logged");
        }
        // A short sleep on the loop after them must be reported, so that the silence is not a dead agent.
        server.get("/sleep?ms=3");
        assertFalse(server.awaitReports(before, r -> r.get("type").asText().equals("blocking-call")
                && culpritOf(r).startsWith(STALL + "sleep("), 1, 5).isEmpty(), "sentinel: " + after(before));
        Thread.sleep(1500); // blocking calls under the stack budget are flushed within a second
        assertTrue(server.stdout().contains("served /logged on " + LOOP), "the endpoint logged, on the loop");
        List<JsonNode> logging = after(before).stream().filter(ForkedServer.madeSince(since))
                .filter(r -> r.get("type").asText().equals("blocking-call"))
                .filter(r -> r.toString().contains("ch.qos.logback") || r.get("task").asText().contains(".logged)")
                        || culpritOf(r).startsWith(STALLS))
                .collect(Collectors.toList());
        assertEquals(List.of(), logging, "no blocking call from logging through Logback's console appender");
    }

    @Test
    void workerMethodsAreNotReported() throws Exception {
        assertNoStall("/worker/spin?ms=300", PACKAGE);
        assertNoStall("/worker/sleep?ms=300", PACKAGE);
    }

    @Test
    void fastRequestsProduceNoReport() throws Exception {
        assertFastRequestsAreSilent(1000);
    }

    /**
     * Netty 4.2's first allocation initialises {@code io.netty.buffer.AllocateChunkEvent}, which registers a JFR
     * event: 100-200 ms on the loop, with or without the agent, every frame the JDK's or Netty's. Such a cold
     * stall must name the static initialiser the task set off (the outermost {@code <clinit>} on its stack, which
     * the reports cut at the dispatch), never a JFR internal, on top or in a JDK initialiser nested in Netty's.
     * A start without any cold stall passes too.
     */
    @Test
    void coldStallNamesTheInitialiserItWaitsFor() {
        List<String> wrong = new ArrayList<>();
        for (JsonNode r : coldReports) {
            if (!r.get("type").asText().startsWith("stall")) {
                continue;
            }
            String culprit = culpritOf(r);
            if (culprit.startsWith("jdk.jfr.")) {
                wrong.add("a JFR frame: " + r);
            }
            String clinit = outermostClinit(r.get("stack"));
            if (clinit != null && !hasApplicationFrame(r.get("stack")) && !culprit.equals(clinit)) {
                wrong.add("not the initialiser " + clinit + ": " + r);
            }
        }
        assertEquals(List.of(), wrong, "cold stalls");
    }

    private static String outermostClinit(JsonNode stack) {
        String outermost = null;
        for (JsonNode frame : stack) {
            if (frame.asText().contains(".<clinit>(")) {
                outermost = frame.asText();
            }
        }
        return outermost;
    }

    private static boolean hasApplicationFrame(JsonNode stack) {
        for (JsonNode frame : stack) {
            if (frame.asText().startsWith("dev.loopwatch.fixtures.")) {
                return true;
            }
        }
        return false;
    }
}
