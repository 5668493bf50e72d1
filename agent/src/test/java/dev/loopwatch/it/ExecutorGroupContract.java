package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The opt-in watch of Netty's {@code DefaultEventExecutorGroup} threads, in forked JVMs on one Netty line:
 * a real HTTP server ({@link ExecutorGroupServer}) whose pipeline runs a handler on such a group. The same
 * 300 ms spin in that handler is reported, as {@code "kind":"executor"}, by an agent with
 * {@code executors=on}, and not at all by one without it (which still reports a loop stall).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ExecutorGroupContract {
    private static final String OFFLOADED = ExecutorGroupServer.class.getName() + "$OffloadedHandler";
    private static final String GROUP_THREAD = "defaultEventExecutorGroup-";
    private static final double THRESHOLD_MS = 50;
    private static final Predicate<JsonNode> STALLS = r -> r.get("type").asText().startsWith("stall");

    private final String line;
    private ForkedServer watched;
    private ForkedServer unwatched;

    ExecutorGroupContract(String line) {
        this.line = line;
    }

    @BeforeAll
    void startServers() throws Exception {
        // Both JVMs start and warm up side by side: the class's time is mostly theirs.
        CompletableFuture<ForkedServer> on = CompletableFuture.supplyAsync(() -> started("threshold=50ms,executors=on"));
        CompletableFuture<ForkedServer> off = CompletableFuture.supplyAsync(() -> started("threshold=50ms"));
        try {
            watched = on.join();
        } finally {
            unwatched = off.join();
        }
    }

    private ForkedServer started(String agentArgs) {
        try {
            ForkedServer server = ForkedServer.on(line, "nio").mainClass(ExecutorGroupServer.class)
                    .agentArgs(agentArgs).start();
            server.warmUp();
            // The group's thread starts with its first task; its first spin runs interpreted and loads classes.
            server.get("/offloaded/spin?ms=1");
            return server;
        } catch (Exception e) {
            throw new IllegalStateException(agentArgs, e);
        }
    }

    @AfterAll
    void stopServers() throws Exception {
        if (watched != null) {
            watched.close();
        }
        if (unwatched != null) {
            unwatched.close();
        }
    }

    @AfterEach
    void agentsHadNoError() throws Exception {
        for (ForkedServer server : new ForkedServer[] {watched, unwatched}) {
            server.assertAgentHealthy();
        }
    }

    @Test
    void executorInstrumentationIsOnlyOnWithTheOption() throws Exception {
        JsonNode on = watched.status().get("instrumentations");
        assertEquals(1, on.path("netty-executors").asInt(), "DefaultEventExecutor with executors=on: " + on);
        assertTrue(on.path(line).asInt() >= 2, line + ": " + on);
        JsonNode off = unwatched.status().get("instrumentations");
        assertTrue(off.path("netty-executors").isMissingNode(), "executors is off by default: " + off);
    }

    @Test
    void stallInHandlerOnExecutorGroupIsReportedAsExecutorWithOption() throws Exception {
        int before = watched.reports().size();
        String[] answer = watched.get("/offloaded/spin?ms=300").split(" ");
        double actualMs = Long.parseLong(answer[0]) / 1e6;
        String thread = answer[1];
        assertTrue(thread.startsWith(GROUP_THREAD), "the handler ran on the group: " + thread);
        List<JsonNode> reports = watched.awaitReports(before, STALLS, 2, 5);
        assertEquals(2, reports.size(), () -> "one stall and one stall-end: " + reports + watched.diagnostics());
        JsonNode stall = reports.get(0);
        JsonNode end = reports.get(1);
        assertEquals("stall", stall.get("type").asText());
        assertEquals("stall-end", end.get("type").asText());
        assertEquals(stall.get("id"), end.get("id"));
        for (JsonNode r : reports) {
            assertEquals("executor", r.get("kind").asText(), r.toString());
            assertEquals(thread, r.get("thread").asText(), r.toString());
            assertTrue(r.get("culprit").asText().startsWith(OFFLOADED + ".spin("), "culprit: " + r);
            // Netty hands the read to the group as a task (AbstractChannelHandlerContext's Runnable): the task
            // is the handler method that it called.
            assertEquals("task " + OFFLOADED + ".channelRead", r.get("task").asText(), r.toString());
            assertEquals(THRESHOLD_MS, r.get("thresholdMs").asDouble());
        }
        double seenAt = stall.get("elapsedMs").asDouble();
        assertTrue(seenAt >= THRESHOLD_MS && seenAt < actualMs, "stall seen at " + seenAt + " ms, while running");
        double total = end.get("elapsedMs").asDouble();
        assertTrue(total >= actualMs * 0.9 && total <= actualMs + 600,
                "total " + total + " ms vs " + actualMs + " ms measured by the handler");
    }

    @Test
    void stallInHandlerOnExecutorGroupIsNotReportedByDefault() throws Exception {
        int before = unwatched.reports().size();
        String thread = unwatched.get("/offloaded/spin?ms=300").split(" ")[1];
        assertTrue(thread.startsWith(GROUP_THREAD), "the handler ran on the group: " + thread);
        Thread.sleep(300);
        List<JsonNode> fromGroup = after(unwatched, before).stream()
                .filter(r -> r.get("thread").asText().startsWith(GROUP_THREAD)
                        || r.get("kind").asText().equals("executor")
                        || r.get("culprit").asText().startsWith(OFFLOADED)
                        || r.get("task").asText().contains(OFFLOADED))
                .collect(Collectors.toList());
        assertEquals(List.of(), fromGroup, "a DefaultEventExecutorGroup thread is not watched by default");
        // The same agent reports a loop stall, so the silence above is not a dead agent. (300 ms: on a loaded
        // machine the watchdog may sample a shorter one only after it ended, as an "unknown task".)
        unwatched.get("/execute?ms=300");
        String loopSpin = FixtureServer.class.getName() + "$Handler.spin(";
        List<JsonNode> ends = unwatched.awaitReports(before,
                r -> r.get("type").asText().equals("stall-end") && r.get("culprit").asText().startsWith(loopSpin), 1, 5);
        assertEquals(1, ends.size(), () -> "stall-end reports: " + ends + unwatched.diagnostics());
        assertEquals("loop", ends.get(0).get("kind").asText(), ends.get(0).toString());
        assertTrue(ends.get(0).get("thread").asText().contains("EventLoop"), ends.get(0).toString());
    }

    private static List<JsonNode> after(ForkedServer server, int before) throws Exception {
        List<JsonNode> all = server.reports();
        return all.subList(Math.min(before, all.size()), all.size());
    }
}
