package dev.loopwatch.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopwatch.fixtures.app.Waits;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * action=interrupt on a real server in a forked JVM ({@link ActionServer}: Netty, Vert.x web): waiting tasks
 * (a Netty handler's, a Vert.x route handler's) end early, a task in channel I/O is left alone (its channel
 * stays open), and no interrupt flag reaches the next task on the loop: each waiting endpoint queues a task
 * behind itself on its loop that records the flag and opens a FileChannel.
 */
abstract class InterruptActionContract extends SharedServerContract {
    private final ActionServer fixture;

    InterruptActionContract(ActionServer fixture) {
        this.fixture = fixture;
    }

    @Override
    ForkedServer start() throws Exception {
        return fixture.builder().get().agentArgs("threshold=50ms,action=interrupt").start();
    }

    @Override
    void prepare() throws Exception {
        server.warmUp();
    }

    @Test
    void sleepingTaskEndsEarly() throws Exception {
        assertEndsEarly("/wait/sleep?ms=60000", "");
    }

    @Test
    void waitingTaskEndsEarly() throws Exception {
        assertEndsEarly("/wait/wait?ms=60000", "");
    }

    @Test
    void parkedTaskEndsEarlyAndItsFlagIsClearedBeforeTheNextTask() throws Exception {
        // park returns early and leaves the flag set: the task itself still sees it...
        assertEndsEarly("/wait/park?ms=60000", " flag=true");
    }

    @Test
    void futureGetEndsEarly() throws Exception {
        assertEndsEarly("/wait/future?ms=60000", "");
    }

    @Test
    void interruptIsReportedWithTheWaitingFrame() throws Exception {
        long lastStall = server.lastStallId();
        int before = server.reports().size();
        server.get("/wait/sleep?ms=60000");
        List<JsonNode> reports = server.awaitReports(before, r -> isType(r, "interrupt") && r.path("id").asLong() > lastStall, 1, 5);
        assertEquals(1, reports.size(), server.reports().toString());
        assertTrue(reports.get(0).get("culprit").asText().startsWith(Waits.class.getName() + ".sleep("), reports.toString());
    }

    @Test
    void shortWaitIsNotInterrupted() throws Exception {
        assertTrue(server.get("/wait/sleep?ms=20").startsWith("completed"));
    }

    @Test
    void taskInFileChannelIoIsNotInterruptedAndItsChannelStaysOpen() throws Exception {
        Path dir = Files.createTempDirectory("loopwatch-fifo");
        Path fifo = dir.resolve("fifo");
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            assertEquals(0, mkfifo.waitFor());
            long lastStall = server.lastStallId();
            int before = server.reports().size();
            CompletableFuture<HttpResponse<String>> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.send("/wait/file?path=" + fifo);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The loop thread now blocks in FileChannel.open/read of the FIFO, far past the threshold.
            Thread.sleep(400);
            try (OutputStream out = Files.newOutputStream(fifo)) {
                out.write("hello".getBytes(StandardCharsets.US_ASCII));
            }
            HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().startsWith("read 5 after "), response.body());
            assertTrue(response.body().endsWith(" open=true flag=false"), response.body());
            assertNextTaskClean();
            // The task's stall-end is written after any interrupt report of its stall.
            List<JsonNode> ends = server.awaitReports(before, r -> isType(r, "stall-end") && r.path("id").asLong() > lastStall, 1, 5);
            assertEquals(1, ends.size(), "the task's stall ended: " + server.reports());
            List<JsonNode> reports = server.awaitReports(before, r -> r.path("id").asLong() > lastStall, 1, 0);
            assertTrue(reports.stream().noneMatch(r -> isType(r, "interrupt")), reports.toString());
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void cpuBoundTaskIsReportedOnceAsNotInterruptible() throws Exception {
        long lastStall = server.lastStallId();
        int before = server.reports().size();
        server.get("/spin?ms=150");
        server.get("/spin?ms=150");
        List<JsonNode> ends = server.awaitReports(before, r -> isType(r, "stall-end") && r.path("id").asLong() > lastStall, 2, 5);
        assertEquals(2, ends.size(), server.reports().toString());
        List<JsonNode> notInterrupted = server.awaitReports(before,
                r -> r.get("type").asText().equals("not-interrupted"), 1, 1);
        assertTrue(notInterrupted.size() <= 1, notInterrupted.toString());
        // Said once per culprit in this JVM: by an earlier test of this class, or here.
        assertTrue(server.reports().stream().anyMatch(r -> r.get("type").asText().equals("not-interrupted")
                && r.get("culprit").asText().startsWith(fixture.spinFrame() + "(")));
        List<JsonNode> after = server.awaitReports(before, r -> r.path("id").asLong() > lastStall, 1, 0);
        assertTrue(after.stream().noneMatch(r -> isType(r, "interrupt")), after.toString());
    }

    private static boolean isType(JsonNode report, String type) {
        return report.get("type").asText().equals(type);
    }

    private void assertEndsEarly(String path, String suffix) throws Exception {
        long start = System.nanoTime();
        String body = server.get(path);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(body.startsWith("interrupted after "), body);
        assertTrue(body.endsWith(suffix), body);
        assertTrue(tookMs < 5_000, "answered after " + tookMs + " ms");
        assertNextTaskClean();
    }

    /** ...but the task queued behind it on the same loop sees no flag, and its FileChannel works. */
    private void assertNextTaskClean() throws Exception {
        String next = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            next = server.get("/wait/next");
            if (!next.equals("pending")) {
                break;
            }
            Thread.sleep(10);
        }
        assertEquals("flag=false channel=ok", next);
    }
}
