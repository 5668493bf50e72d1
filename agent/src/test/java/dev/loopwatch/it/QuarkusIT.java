package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Quarkus 3.33 REST service (quarkus-rest, i.e. RESTEasy Reactive, on Vert.x 4.5 and Netty 4.1), run as
 * Quarkus services run ({@code java -jar target/quarkus-app/quarkus-run.jar}) under the agent: a stall in a
 * resource method on the event loop is reported with the method in {@code task}, its path as the template; Quarkus's
 * console logging on a loop, a worker ({@code @Blocking}) method and fast requests report nothing; a contended
 * {@code synchronized} is reported with its task; the service's cold start names what explains its stalls.
 */
class QuarkusIT extends FrameworkContract {
    private static final String FIXTURES = "dev.loopwatch.fixtures.quarkus.";
    private static final String STALLS = FIXTURES + "StallResource";
    private static final String ORDERS = FIXTURES + "OrderResource";
    private static final String STALL = "dev.loopwatch.fixtures.app.Stall.";
    private static final String LOOP = "vert.x-eventloop-thread-";
    private static final double WAIT_SECONDS = 10;

    /** When the warm-up ended: stalls before it are the service's start and its first requests. */
    private Instant warmedUp;

    QuarkusIT() {
        super("quarkus", null);
    }

    @Override
    ForkedServer start() throws Exception {
        return ForkedServer.jar("quarkus", "target/quarkus-app/quarkus-run.jar").agentArgs("threshold=50ms").start();
    }

    @Override
    void prepare() throws Exception {
        super.prepare();
        warmedUp = Instant.now();
    }

    @Test
    void nettyVertxAndResteasyReactiveLinesAreInstrumented() throws Exception {
        JsonNode lines = server.status().get("instrumentations");
        assertTrue(lines.path("netty-4.1").asInt() >= 2, lines.toString());
        assertTrue(lines.path("vertx-4").asInt() >= 1, "vertx-web's route dispatch at least: " + lines);
        assertEquals(1, lines.path("resteasy-reactive").asInt(), lines.toString());
        assertTrue(lines.path("netty-4.2").isMissingNode() && lines.path("vertx-5").isMissingNode(), lines.toString());
    }

    @Test
    void spinningResourceMethodIsReportedWithTheMethodAsTask() throws Exception {
        String task = "GET /spin (" + STALLS + ".spin)";
        assertStall("/spin?ms=300", STALL + "spin(", task::equals, task, LOOP, "loop");
    }

    @Test
    void sleepingResourceMethodIsReportedWithTheMethodAsTask() throws Exception {
        String task = "GET /sleep (" + STALLS + ".sleep)";
        assertStall("/sleep?ms=300", STALL + "sleep(", task::equals, task, LOOP, "loop");
    }

    /** The template, not the path asked: every order is one task. A method returning Uni runs on the loop. */
    @Test
    void pathParameterEndpointIsNamedByItsTemplate() throws Exception {
        String task = "GET /orders/{id} (" + ORDERS + ".get)";
        assertStall("/orders/42?ms=300", STALL + "spin(", task::equals, task, LOOP, "loop");
    }

    @Test
    void shortSleepIsABlockingCallOfTheResourceMethod() throws Exception {
        assertBlockingCallTask("/sleep?ms=3", STALL + "sleep(", "GET /sleep (" + STALLS + ".sleep)");
    }

    /**
     * Quarkus logs through JBoss LogManager to the console: on a loop that is a write to stdout per line, which the
     * built-in allow-list covers. A short sleep on the loop after them must be reported, so the silence is not a dead
     * agent.
     */
    @Test
    void loggingOnTheLoopIsNotABlockingCall() throws Exception {
        server.get("/log?n=0");
        int before = server.reports().size();
        Instant since = Instant.now();
        int count = 500;
        for (int i = 1; i <= count; i++) {
            assertEquals("logged", server.get("/log?n=" + i));
        }
        assertTrue(server.stdout().contains("request " + count + " served on " + LOOP), "the lines reached the console");
        server.get("/sleep?ms=3");
        Predicate<JsonNode> sentinel = r -> isBlocking(r) && culpritOf(r).startsWith(STALL + "sleep(");
        assertFalse(server.awaitReports(before, sentinel, 1, WAIT_SECONDS).isEmpty(), "sentinel: " + after(before));
        Thread.sleep(1_500); // the drain's flush of calls over the stack budget
        List<JsonNode> logging = after(before).stream().filter(ForkedServer.madeSince(since)).filter(QuarkusIT::isBlocking)
                .filter(r -> r.get("stack").toString().contains("org.jboss.logmanager")
                        || r.get("task").asText().contains(STALLS + ".log"))
                .collect(Collectors.toList());
        assertEquals(List.of(), logging, "blocking calls of the logging");
    }

    /**
     * Another thread holds a monitor for 200 ms while the loop tries to enter it: a blocking call
     * {@code synchronized ...} named with its task, which the watchdog takes from the loop's slot.
     *
     * <p>Not its culprit: the watchdog samples the loop's state each tick, and when it was itself kept off the CPU
     * (a loaded CI machine) a brief wait of the same task just before (seen: in Netty's header decoding) and this
     * one were one wait to it, reported with the first one's stack, 208 ms long.
     */
    @Test
    void contendedMonitorOnTheLoopIsReportedWithItsTask() throws Exception {
        warm("/contended?ms=200");
        int before = server.reports().size();
        assertEquals("contended", server.get("/contended?ms=200"));
        String task = "GET /contended (" + STALLS + ".contended)";
        List<JsonNode> found = server.awaitReports(before, r -> isBlocking(r)
                && r.get("call").asText().startsWith("synchronized") && r.get("task").asText().equals(task)
                && r.get("durationMs").asDouble() >= 100, 1, WAIT_SECONDS);
        assertFalse(found.isEmpty(), "a contended-monitor report of " + task + ": " + after(before) + server.diagnostics());
        JsonNode r = found.get(0);
        assertTrue(r.get("thread").asText().startsWith(LOOP), r.toString());
    }

    /** A {@code @Blocking} method runs on a worker thread: 300 ms of sleep and 300 ms of spin, and no report. */
    @Test
    void workerEndpointIsNotReported() throws Exception {
        assertNoStall("/worker?ms=300", "dev.loopwatch.fixtures");
    }

    @Test
    void fastRequestsProduceNoReport() throws Exception {
        assertFastRequestsAreSilent(2000);
    }

    /**
     * The service's start and first requests load classes and link call sites on the loops, real stalls of tens of
     * milliseconds, or none on a fast machine. Each such stall's culprit must explain it: a frame of the code that
     * runs (the application's, Quarkus's or Vert.x's), or a static initialiser; never a frame inside the JDK's own
     * machinery, which names nothing the user can act on.
     */
    @Test
    void coldStallsNameAFrameThatExplainsThem() throws Exception {
        Thread.sleep(500); // a stall-end of the warm-up's last request
        List<JsonNode> cold = server.reports().stream()
                .filter(r -> r.get("type").asText().startsWith("stall"))
                .filter(r -> Instant.parse(r.get("time").asText()).isBefore(warmedUp))
                .collect(Collectors.toList());
        for (JsonNode r : cold) {
            String culprit = culpritOf(r);
            assertFalse(culprit.isEmpty(), r.toString());
            assertTrue(culprit.contains(".<clinit>(") || !isJdk(culprit), "a cold stall's culprit: " + r);
        }
    }

    private static boolean isJdk(String frame) {
        return frame.startsWith("java.") || frame.startsWith("jdk.") || frame.startsWith("sun.")
                || frame.startsWith("com.sun.");
    }

    private static boolean isBlocking(JsonNode r) {
        return r.get("type").asText().equals("blocking-call");
    }
}
