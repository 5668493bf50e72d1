package dev.loopwatch.core.report.jfr;

import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Each report type to its event and fields, in this JVM (the agent's bootstrap-loader case is in JfrEventsIT). */
class JfrSinkTest {
    private static final StackTraceElement SPIN = new StackTraceElement("com.acme.Spin", "spin", "Spin.java", 101);
    private static final StackTraceElement HANDLER = new StackTraceElement("com.acme.Handler", "read", "Handler.java", 7);
    private static final Instant SEEN = Instant.parse("2026-11-25T14:25:53.077Z");

    @Test
    void eachReportBecomesItsEventWhileARecordingRuns() throws Exception {
        JfrSink sink = new JfrSink();
        Path file = Files.createTempFile("loopwatch", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("loopwatch.Stall");
            recording.enable("loopwatch.StallEnd");
            recording.enable("loopwatch.BlockingCall");
            recording.start();
            sink.accept(new Report(ReportType.STALL, 7, SEEN, "loop-1", 52_000_000, 50_000_000,
                    "I/O com.acme.Handler.read", SPIN, List.of(SPIN, HANDLER)));
            sink.accept(new Report(ReportType.STALL_END, 7, SEEN, "loop-1", 301_000_000, 50_000_000,
                    "I/O com.acme.Handler.read", SPIN, List.of()));
            sink.accept(new Report(ReportType.BLOCKING_CALL, 1, SEEN, "loop-2", 2_100_000, 0, "task com.acme.Handler.read",
                    HANDLER, List.of(HANDLER), "java.lang.Thread.sleep", 3));
            sink.accept(new Report(ReportType.ABORT, 7, SEEN, "loop-1", 60_000_000, 50_000_000, "t", SPIN, List.of()));
            recording.stop();
            recording.dump(file);
        }
        assertTrue(sink.registered());
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("loopwatch.")).collect(Collectors.toList());
        Files.delete(file);
        assertEquals(List.of("loopwatch.Stall", "loopwatch.StallEnd", "loopwatch.BlockingCall"),
                events.stream().map(e -> e.getEventType().getName()).collect(Collectors.toList()));

        RecordedEvent stall = events.get(0);
        assertEquals("loop-1", stall.getString("loopThread"));
        assertEquals("loop", stall.getString("threadKind"));
        assertEquals("I/O com.acme.Handler.read", stall.getString("task"));
        assertEquals("com.acme.Spin.spin(Spin.java:101)", stall.getString("culprit"));
        assertEquals("com.acme.Spin.spin(Spin.java:101)\ncom.acme.Handler.read(Handler.java:7)", stall.getString("stack"));
        assertEquals(SEEN, stall.getInstant("seenAt"));
        assertEquals(7, stall.getLong("stallId"));
        assertEquals(Duration.ofMillis(52), stall.getDuration("elapsed"));
        assertEquals(Duration.ofMillis(50), stall.getDuration("threshold"));
        assertNull(stall.getStackTrace());
        assertEquals(List.of("loopwatch"), stall.getEventType().getCategoryNames());

        RecordedEvent end = events.get(1);
        assertEquals(7, end.getLong("stallId"));
        assertEquals(Duration.ofMillis(301), end.getDuration("elapsed"));
        assertEquals("", end.getString("stack"));

        RecordedEvent call = events.get(2);
        assertEquals("java.lang.Thread.sleep", call.getString("call"));
        assertEquals(Duration.ofNanos(2_100_000), call.getDuration("elapsed"));
        assertEquals(3, call.getLong("count"));
        assertEquals("loop-2", call.getString("loopThread"));
    }

    @Test
    void aReportWithoutJfrRunningRegistersNothing() throws Exception {
        assumeFalse(FlightRecorder.isInitialized(), "JFR was started in this JVM by an earlier test");
        JfrSink sink = new JfrSink();
        sink.accept(new Report(ReportType.STALL, 1, SEEN, "loop-1", 52_000_000, 50_000_000, "t", SPIN, List.of(SPIN)));
        assertFalse(sink.registered());
        assertFalse(FlightRecorder.isInitialized(), "the sink started JFR");
    }
}
