package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instrumentation is installed in the background: a service whose loops were already running by
 * then (their {@code run()} entered before the advice existed) is still watched, its loops adopted by
 * their stacks.
 */
class LateLoopIT {

    @ParameterizedTest
    @ValueSource(strings = {"netty-4.1", "netty-4.2"})
    void loopsStartedBeforeTheInstrumentationAreWatched(String line) throws Exception {
        try (ForkedServer server = ForkedServer.on(line, "nio").agentArgs("threshold=50ms").noWait().start()) {
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!server.status().get("instrumented").asBoolean() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int before = server.reports().size();
            server.get("/execute?ms=150");
            List<JsonNode> ends = server.awaitReports(before, r -> r.get("type").asText().equals("stall-end"), 1, 5);
            assertEquals(1, ends.size(), "reports: " + server.reports());
            assertTrue(ends.get(0).get("task").asText().endsWith("$StallingTask.run"), ends.get(0).toString());
            assertEquals(0, server.status().get("errors").asLong());
        }
    }
}
