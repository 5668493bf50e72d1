package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared by the framework tests (Vert.x, WebFlux, gRPC): one forked fixture server per test class, under
 * {@code threshold=50ms}, driven by a real client on 127.0.0.1, its reports read back from the JSON lines.
 */
abstract class FrameworkContract extends SharedServerContract {
    static final double THRESHOLD_MS = 50;

    private final String module;
    private final String mainClass;

    FrameworkContract(String module, String mainClass) {
        this.module = module;
        this.mainClass = mainClass;
    }

    @Override
    ForkedServer start() throws Exception {
        return ForkedServer.fixture(module, mainClass).agentArgs("threshold=50ms").start();
    }

    @Override
    void prepare() throws Exception {
        // Class loading and JIT make the first requests slow for real: warm up, then count only our own.
        for (int i = 0; i < 200; i++) {
            server.get("/fast");
        }
        Thread.sleep(300);
    }

    /**
     * Requests {@code path} (a 300 ms stall) and checks the stall and stall-end reports: the culprit frame,
     * the task, the thread, the thread kind; returns the stall report.
     */
    JsonNode assertStall(String path, String culpritPrefix, Predicate<String> task, String taskWanted,
                         String threadPart, String kind) throws Exception {
        warm(path);
        int before = server.reports().size();
        double actualMs = Long.parseLong(server.get(path).trim()) / 1e6;
        // A sleeping handler's Thread.sleep is also a blocking-call report (see BlockingCallsIT): stalls only here.
        List<JsonNode> reports = server.awaitReports(before,
                r -> r.get("type").asText().startsWith("stall") && culpritOf(r).startsWith(culpritPrefix), 2, 5);
        assertEquals(2, reports.size(), "one stall and one stall-end with culprit " + culpritPrefix + ": "
                + after(before));
        JsonNode stall = reports.get(0);
        JsonNode end = reports.get(1);
        assertEquals("stall", stall.get("type").asText());
        assertEquals("stall-end", end.get("type").asText());
        assertEquals(stall.get("id"), end.get("id"));
        for (JsonNode r : reports) {
            assertTrue(task.test(r.get("task").asText()), "task: want " + taskWanted + ", got " + r);
            assertTrue(r.get("thread").asText().contains(threadPart), "thread: " + r.get("thread").asText());
            assertEquals(kind, r.get("kind").asText(), r.toString());
            assertEquals(THRESHOLD_MS, r.get("thresholdMs").asDouble());
        }
        double seenAt = stall.get("elapsedMs").asDouble();
        assertTrue(seenAt >= THRESHOLD_MS && seenAt < actualMs, "stall seen at " + seenAt + " ms, while running");
        double total = end.get("elapsedMs").asDouble();
        // Both bounds leave room for the watchdog thread being descheduled on a loaded 2-core machine: the upper one
        // for a late look at the end; the lower one for a late first look at the task, which is its start when the
        // loop did not stamp it (LoopSlot: the watchdog's estimate is never early, and late by as long as it was off
        // the CPU, tens of milliseconds).
        assertTrue(total >= actualMs - 100 && total <= actualMs + 600,
                "total " + total + " ms vs " + actualMs + " ms measured by the handler");
        return stall;
    }

    /**
     * Requests {@code path} (a sleep shorter than the threshold, so no stall) and checks that the
     * {@code Thread.sleep} blocking-call report at {@code culpritPrefix} names its task as a stall would.
     */
    void assertBlockingCallTask(String path, String culpritPrefix, String task) throws Exception {
        int before = server.reports().size();
        server.get(path);
        List<JsonNode> reports = server.awaitReports(before, r -> r.get("type").asText().equals("blocking-call")
                && r.get("call").asText().equals("java.lang.Thread.sleep") && culpritOf(r).startsWith(culpritPrefix), 1, 5);
        assertFalse(reports.isEmpty(), "a blocking-call report at " + culpritPrefix + ": " + after(before));
        for (JsonNode r : reports) {
            assertEquals(task, r.get("task").asText(), r.toString());
        }
    }

    /**
     * Asks for {@code path} once briefly ({@code ms=1}): the first request of a path loads its classes, a real stall
     * of tens of milliseconds on a busy machine (one report, named after what ran at the threshold), which is not
     * what the tests are about.
     */
    void warm(String path) throws Exception {
        server.get(path.replaceAll("ms=\\d+", "ms=1"));
    }

    /**
     * Requests {@code path} (300 ms of work off the loops): no report may name the fixture's code. Then a sentinel, a
     * spin on a loop ({@code /spin}), must be reported: the silence is the worker's, not that of an agent gone quiet.
     */
    void assertNoStall(String path, String fixturePackage) throws Exception {
        warm(path);
        int before = server.reports().size();
        Instant since = Instant.now();
        server.get(path);
        Thread.sleep(300);
        Predicate<JsonNode> fixtures = r -> culpritOf(r).startsWith(fixturePackage)
                || r.get("task").asText().contains(fixturePackage);
        List<JsonNode> mine = after(before).stream().filter(ForkedServer.madeSince(since)).filter(fixtures)
                .collect(java.util.stream.Collectors.toList());
        assertEquals(List.of(), mine, path + " does not run on a loop");

        int sentinelBefore = server.reports().size();
        Instant sentinelSince = Instant.now();
        server.get("/spin?ms=150");
        Thread.sleep(300);
        assertTrue(after(sentinelBefore).stream().filter(ForkedServer.madeSince(sentinelSince)).filter(fixtures)
                .anyMatch(r -> r.get("type").asText().equals("stall")), "the sentinel, 150 ms of spin on a loop after "
                + path + ", is reported: " + after(sentinelBefore));
    }

    void assertFastRequestsAreSilent(int count) throws Exception {
        int before = server.reports().size();
        Instant since = Instant.now();
        for (int i = 0; i < count; i++) {
            server.get("/fast");
        }
        Thread.sleep(200);
        // On a shared, loaded 2-core machine a GC, a class load or the scheduler may hold a loop for real
        // (such reports name no application frame, or no task at all); none may be the fixture's code. Where the
        // task is named for the whole request (a Micronaut route), such a stall names the fixture's route: its
        // cause then says it was the JVM's time (safepoints, GC, class loading), not the task's own work.
        List<JsonNode> mine = after(before).stream().filter(ForkedServer.madeSince(since))
                .filter(r -> !r.has("cause") || r.get("cause").asText().equals("task"))
                .filter(r -> culpritOf(r).startsWith("dev.loopwatch.fixtures")
                        || r.get("task").asText().contains("dev.loopwatch.fixtures"))
                .collect(java.util.stream.Collectors.toList());
        assertEquals(List.of(), mine, "fast requests");
    }

    static String culpritOf(JsonNode r) {
        return r.get("culprit").isNull() ? "" : r.get("culprit").asText();
    }

    List<JsonNode> after(int before) throws Exception {
        List<JsonNode> all = server.reports();
        return all.subList(Math.min(before, all.size()), all.size());
    }
}
