package dev.loopwatch.core.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportFormatTest {
    private static final StackTraceElement CULPRIT =
            new StackTraceElement("app", null, null, "com.acme.Spin", "spin", "Spin.java", 17);
    private static final Report STALL = new Report(ReportType.STALL, 7, Instant.parse("2026-11-25T10:15:30.123456Z"),
            "nioEventLoopGroup-3-1", 52_340_000, 50_000_000, "I/O com.acme.Handler.channelRead0", CULPRIT,
            List.of(CULPRIT, new StackTraceElement("java.lang.Thread", "sleep", null, -2),
                    new StackTraceElement("io.netty.Foo", "bar", null, -1)));

    @Test
    void jsonLineHasEveryDocumentedField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/r.jsonl");
        try (JsonLinesSink sink = new JsonLinesSink(file, line -> { })) {
            sink.accept(STALL);
            sink.accept(STALL);
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        JsonNode n = new ObjectMapper().readTree(lines.get(0));
        assertEquals("stall", n.get("type").asText());
        assertEquals(7, n.get("id").asInt());
        assertEquals("2026-11-25T10:15:30.123Z", n.get("time").asText());
        assertEquals("nioEventLoopGroup-3-1", n.get("thread").asText());
        assertEquals(52.3, n.get("elapsedMs").asDouble());
        assertEquals(50.0, n.get("thresholdMs").asDouble());
        assertEquals("I/O com.acme.Handler.channelRead0", n.get("task").asText());
        assertEquals("com.acme.Spin.spin(Spin.java:17)", n.get("culprit").asText());
        assertEquals("java.lang.Thread.sleep(Native Method)", n.get("stack").get(1).asText());
        assertEquals("io.netty.Foo.bar(Unknown Source)", n.get("stack").get(2).asText());
    }

    @Test
    void jsonEscapesWhatItMust() throws Exception {
        Report odd = new Report(ReportType.STALL_END, 1, Instant.EPOCH, "loop \"1\"\n\\", 1, 1, "t\u0001", null, List.of());
        JsonNode n = new ObjectMapper().readTree(JsonLinesSink.toJson(odd));
        assertEquals("loop \"1\"\n\\", n.get("thread").asText());
        assertEquals("t\u0001", n.get("task").asText());
        assertTrue(n.get("culprit").isNull());
    }

    @Test
    void logMessageShowsTaskCulpritAndApplicationFrames() {
        LogSink sink = new LogSink(() -> null, System.err, c -> c.startsWith("java.") || c.startsWith("io.netty."));
        String message = sink.stallMessage(STALL);
        assertEquals("loop nioEventLoopGroup-3-1 stalled: running 52 ms (threshold 50 ms)\n"
                + "    task:    I/O com.acme.Handler.channelRead0\n"
                + "    culprit: com.acme.Spin.spin(Spin.java:17)\n"
                + "        at com.acme.Spin.spin(Spin.java:17)\n"
                + "        ... 2 framework frames", message);
        assertEquals("loop nioEventLoopGroup-3-1 resumed after 52 ms (threshold 50 ms): "
                + "I/O com.acme.Handler.channelRead0 at com.acme.Spin.spin(Spin.java:17)", LogSink.endMessage(STALL));
    }

    /** A stall's end breaks its time down when it was not all the task's, in one place; crumbs do not count. */
    @Test
    void stallEndBreaksTheTimeDownWhenItWasNotAllTheTasksInOnePlace() {
        long ms = 1_000_000L;
        StallTime mostlyClassLoading = new StallTime(100 * ms, 140 * ms, 0, 5 * ms, List.of(
                new StallTime.Entry("initialising jdk.jfr.internal.MetadataRepository", 140 * ms),
                new StallTime.Entry("com.acme.Spin.spin(Spin.java:17)", 100 * ms),
                new StallTime.Entry("safepoints", 5 * ms)));
        assertEquals("loop nioEventLoopGroup-3-1 resumed after 245 ms (threshold 50 ms): I/O com.acme.Handler.channelRead0"
                + " at com.acme.Spin.spin(Spin.java:17)\n"
                + "    time:    the task's own work 100 ms, class loading and initialisation 140 ms, JVM safepoint pauses 5.0 ms\n"
                + "        140 ms  initialising jdk.jfr.internal.MetadataRepository\n"
                + "        100 ms  com.acme.Spin.spin(Spin.java:17)\n"
                + "        5.0 ms  safepoints", LogSink.endMessage(end(245 * ms, mostlyClassLoading)));
        StallTime taskWithCrumbs = new StallTime(240 * ms, 0, 0, 5 * ms, List.of(
                new StallTime.Entry("com.acme.Spin.spin(Spin.java:17)", 240 * ms), new StallTime.Entry("safepoints", 5 * ms)));
        assertFalse(LogSink.endMessage(end(245 * ms, taskWithCrumbs)).contains("\n"));
    }

    private static Report end(long elapsed, StallTime time) {
        return new Report(ReportType.STALL_END, 7, STALL.time(), STALL.thread(), elapsed, STALL.thresholdNanos(),
                STALL.task(), STALL.culprit(), STALL.stack(), "loop", null, 0, time);
    }
}
