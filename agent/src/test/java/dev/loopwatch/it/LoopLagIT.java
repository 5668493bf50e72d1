package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A probe task queued on each busy loop every lag interval measures how long the loop keeps its events waiting; a loop
 * idle since the last probe is left asleep.
 */
class LoopLagIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"netty-4.1", "netty-4.2"})
    void everyLoopIsProbedAndAStallShowsAsItsLag(String line) throws Exception {
        try (ForkedServer server = ForkedServer.on(line, "nio").agentArgs("threshold=50ms,lag=10ms").start()) {
            server.warmUp();
            long until = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < until) {
                server.get("/fast"); // a loop busy serving is probed every 10 ms
            }
            JsonNode busy = JSON.readTree(server.get("/lag"));
            long mostSamples = 0;
            for (JsonNode loop : busy) {
                mostSamples = Math.max(mostSamples, loop.get(0).asLong());
            }
            assertTrue(mostSamples >= 10, "the serving loop is probed every 10 ms: " + busy);
            server.get("/spin?ms=300");
            Thread.sleep(100);
            JsonNode after = JSON.readTree(server.get("/lag"));
            long worst = 0;
            for (JsonNode loop : after) {
                worst = Math.max(worst, loop.get(1).asLong());
            }
            assertTrue(worst >= 250_000_000L, "the probe queued behind the 300 ms spin waited for it: " + after);
            server.assertAgentHealthy();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"off"})
    void lagOffQueuesNoProbe(String lag) throws Exception {
        try (ForkedServer server = ForkedServer.on("netty-4.2", "nio").agentArgs("lag=" + lag).start()) {
            server.warmUp();
            assertEquals("{}", server.get("/lag"));
        }
    }
}
