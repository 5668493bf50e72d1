package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Spring Boot 4 WebFlux service (Reactor Netty on Netty 4.2) under the agent: a stall in a
 * controller method is reported with that method as task and its stall as culprit; a stall on Reactor's
 * {@code parallel-*} scheduler is reported as a {@code scheduler} thread; {@code boundedElastic-*} is not
 * watched.
 */
class WebFluxIT extends FrameworkContract {
    private static final String FIXTURE = "dev.loopwatch.fixtures.webflux.WebFluxFixture";
    private static final String CONTROLLER = FIXTURE + "$StallController";
    private static final String STALL = "dev.loopwatch.fixtures.app.Stall.";

    WebFluxIT() {
        super("webflux", FIXTURE);
    }

    @Test
    void nettyAndReactorLinesAreInstrumented() throws Exception {
        server.get("/parallel?ms=1"); // Reactor loads its task classes on first use
        JsonNode lines = server.status().get("instrumentations");
        assertTrue(lines.path("netty-4.2").asInt() >= 2, lines.toString());
        assertEquals(2, lines.path("reactor-3").asInt(), "thread factory and tasks: " + lines);
        assertTrue(lines.path("netty-4.1").isMissingNode() && lines.path("vertx-5").isMissingNode()
                && lines.path("micronaut-4").isMissingNode(), lines.toString());
    }

    @Test
    void spinningControllerMethodIsReported() throws Exception {
        assertStall("/spin?ms=300", STALL + "spin(", t -> t.endsWith(CONTROLLER + ".spin"),
                "... " + CONTROLLER + ".spin", "reactor-http-", "loop");
    }

    @Test
    void sleepingControllerMethodIsReported() throws Exception {
        assertStall("/sleep?ms=300", STALL + "sleep(", t -> t.endsWith(CONTROLLER + ".sleep"),
                "... " + CONTROLLER + ".sleep", "reactor-http-", "loop");
    }

    @Test
    void spinOnParallelSchedulerIsReportedAsSchedulerThread() throws Exception {
        JsonNode stall = assertStall("/parallel?ms=300", STALL + "spin(",
                t -> t.equals("task " + CONTROLLER + ".lambda$parallel$0"),
                "task " + CONTROLLER + ".lambda$parallel$0", "parallel-", "scheduler");
        assertTrue(stall.get("thread").asText().startsWith("parallel-"), stall.toString());
    }

    @Test
    void sleepOnBoundedElasticIsNotReported() throws Exception {
        assertNoStall("/elastic?ms=300", FIXTURE);
    }

    @Test
    void fastRequestsProduceNoReport() throws Exception {
        assertFastRequestsAreSilent(2000);
    }
}
