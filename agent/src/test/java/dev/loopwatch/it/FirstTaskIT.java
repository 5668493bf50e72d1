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
 * The agent watches a service from its first task: every hook is in force before the application's {@code main}
 * runs. Each test starts a fresh service under the agent and sends its first request the moment the port opens
 * (the harness reads the port the fixture prints once it listens): the first task the loop ever runs for a
 * connection. Netty 4.1, Netty 4.2 (the Netty fixture) and Vert.x 5 (vertx-web).
 */
class FirstTaskIT {
    private static final int THRESHOLD_MS = 50;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static ActionServer fixture(String server) {
        return server.equals("vertx-5") ? ActionServer.vertx("vertx-5") : ActionServer.netty(server, "nio");
    }

    /**
     * The threshold is long enough for the cold request's own class loading (0.1-0.5 s here, a real stall that is
     * reported as such with a lower threshold) to be over when the report's stack is taken, inside the spin.
     */
    @ParameterizedTest
    @ValueSource(strings = {"netty-4.1", "netty-4.2", "vertx-5"})
    void aSpinInTheFirstRequestIsReportedWhileItRuns(String line) throws Exception {
        ActionServer fixture = fixture(line);
        try (ForkedServer server = fixture.builder().get().agentArgs("threshold=2s").start()) {
            long sent = System.nanoTime();
            CompletableFuture<HttpResponse<String>> answer = sendAsync(server, "/spin?ms=6000");
            // A cold service may stall before (Vert.x deploying its verticles loads classes for a second here): the
            // spin's own stall is the one whose culprit is the spin.
            List<JsonNode> stalls = server.awaitReports(0, r -> r.get("type").asText().equals("stall")
                    && r.get("culprit").asText().startsWith(fixture.spinFrame() + "("), 1, 5);
            double reportedAfterMs = (System.nanoTime() - sent) / 1e6;
            // The messages are suppliers: asking a busy server for its status waits for the spin to end.
            assertFalse(stalls.isEmpty(), () -> "no stall reported within 5 s of a 6 s spin in the first request: "
                    + server.diagnostics());
            assertFalse(answer.isDone(), () -> "the stall must be reported while the spin runs; it was reported after "
                    + reportedAfterMs + " ms; the answer: " + describe(answer) + "; reports: " + stalls);
            JsonNode stall = stalls.get(0);
            assertEquals(200, answer.get().statusCode());
            List<JsonNode> ends = server.awaitReports(0, r -> r.get("type").asText().equals("stall-end")
                    && r.get("id").asLong() == stall.get("id").asLong(), 1, 5);
            assertEquals(1, ends.size(), server.reports().toString());
            assertTrue(ends.get(0).get("elapsedMs").asDouble() >= 5900, ends.get(0).toString());
            server.assertAgentHealthy();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"netty-4.1", "netty-4.2", "vertx-5"})
    void anEndlessLoopInTheFirstRequestIsAborted(String line) throws Exception {
        ActionServer fixture = fixture(line);
        try (ForkedServer server = fixture.builder().get()
                .agentArgs("threshold=" + THRESHOLD_MS + "ms,action=abort,abort.include=com.acme.work.").start()) {
            long sent = System.nanoTime();
            HttpResponse<String> aborted = sendAsync(server, "/abort/forever").get();
            double answeredAfterMs = (System.nanoTime() - sent) / 1e6;
            assertEquals(500, aborted.statusCode(), aborted.body());
            assertTrue(aborted.body().contains("TaskTimeoutException"), aborted.body());
            assertTrue(answeredAfterMs < 5_000, "aborted after " + answeredAfterMs + " ms");
            // The abort report names what ran when the task crossed the threshold: in a cold JVM that may still be
            // the request's class loading, before the endless loop was reached; so it is matched by its loop.
            String thread = aborted.body().replaceAll("(?s).*loop thread (\\S+?)[,:;)].*", "$1");
            List<JsonNode> aborts = server.awaitReports(0, r -> r.get("type").asText().equals("abort")
                    && r.get("thread").asText().equals(thread), 1, 5);
            assertFalse(aborts.isEmpty(), thread + ": " + server.reports());
            assertEquals("ok", server.get("/fast"));
            server.assertAgentHealthy();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"netty-4.1", "netty-4.2", "vertx-5"})
    void blockingCallsInTheFirstRequestAreReported(String line) throws Exception {
        ForkedServer.Builder builder = ForkedServer.on(line, "nio").agentArgs("threshold=10s");
        if (line.equals("vertx-5")) {
            builder.mainClass(VertxFixture.class);
        }
        try (ForkedServer server = builder.start()) {
            assertEquals(200, sendAsync(server, "/block?kind=sleepThenFiles&ms=2").get().statusCode());
            for (String[] expected : List.of(new String[] {"java.lang.Thread.sleep", "sleep"},
                    new String[] {"java.nio.file.Files.readAllBytes", "files"})) {
                String culprit = Blocker.class.getName() + "." + expected[1] + "(";
                List<JsonNode> found = server.awaitReports(0, r -> r.get("type").asText().equals("blocking-call")
                        && r.get("call").asText().equals(expected[0]) && r.get("culprit").asText().startsWith(culprit),
                        1, 5);
                assertFalse(found.isEmpty(), () -> expected[0] + " at " + culprit + " in the first request: "
                        + server.diagnostics());
            }
            server.assertAgentHealthy();
        }
    }

    private static String describe(CompletableFuture<HttpResponse<String>> answer) {
        try {
            HttpResponse<String> r = answer.getNow(null);
            return r == null ? "none yet" : r.statusCode() + " " + r.body() + " " + r.headers().map();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    private CompletableFuture<HttpResponse<String>> sendAsync(ForkedServer server, String path) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
