package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent attached to a running service ({@code attach <pid>}, the JUnit extension's fallback): it retransforms
 * the loaded classes, adopts the loops already inside their {@code run()}, and a loop that is in the middle of a
 * long task when the agent arrives is reported like any other, while the task runs; its later tasks are timed as
 * usual.
 */
class LateAttachIT {
    private static final String SPIN = FixtureServer.class.getName() + "$Handler.spin(";

    @ParameterizedTest
    @ValueSource(strings = {"netty-4.1", "netty-4.2"})
    void aTaskRunningWhenTheAgentArrivesIsReported(String line) throws Exception {
        try (ForkedServer server = ForkedServer.on(line, "nio").withoutAgent()
                .jvmArg("-XX:+EnableDynamicAgentLoading").start()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertEquals(200, http.send(request(server, "/fast"), HttpResponse.BodyHandlers.ofString()).statusCode());
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request(server, "/spin?ms=10000"),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500); // the spin is under way (attaching takes a few seconds on a busy machine: it has 10)
            server.attachAgent("threshold=50ms");
            List<JsonNode> stalls = server.awaitReports(0, r -> r.get("type").asText().equals("stall"), 1, 5);
            // A supplier: asking the busy server for its status would wait for the spin to end.
            assertFalse(stalls.isEmpty(), () -> "the task the agent arrived in was not reported: " + server.diagnostics());
            assertFalse(answer.isDone(), "reported only after the task ended");
            JsonNode stall = stalls.get(0);
            assertTrue(stall.get("culprit").asText().startsWith(SPIN), stall.toString());
            assertEquals(200, answer.get().statusCode());
            List<JsonNode> ends = server.awaitReports(0, r -> r.get("type").asText().equals("stall-end")
                    && r.get("id").asLong() == stall.get("id").asLong(), 1, 5);
            assertEquals(1, ends.size(), "the adopted task's end: " + server.reports());

            // The loop goes on being watched: its next tasks begin and end through the new advice.
            int before = server.reports().size();
            server.get("/spin?ms=200");
            List<JsonNode> next = server.awaitReports(before, r -> r.get("type").asText().startsWith("stall"), 2, 5);
            assertEquals(List.of("stall", "stall-end"), next.stream().map(r -> r.get("type").asText()).toList(),
                    server.reports().toString());
            assertTrue(next.get(0).get("culprit").asText().startsWith(SPIN), next.toString());
            server.assertAgentHealthy();
            assertTrue(server.status().get("instrumented").asBoolean());
        }
    }

    private static HttpRequest request(ForkedServer server, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).build();
    }
}
