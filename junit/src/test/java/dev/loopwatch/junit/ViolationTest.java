package dev.loopwatch.junit;

import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import dev.loopwatch.core.report.StallTime;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which stalls fail a test: the task's, not a GC pause that stopped every thread while a short task ran. */
class ViolationTest {
    private static final long MS = 1_000_000L;
    private static final Instant TEST_START = Instant.parse("2026-12-07T10:00:00Z");
    private static final Settings SETTINGS = new Settings(true, 50 * MS, true, List.of());
    private static final StackTraceElement CULPRIT = new StackTraceElement("com.acme.H", "h", "H.java", 1);

    @Test
    void aStallThatWasMostlyAGcPauseIsNotTheTestsFault() {
        StallTime gc = new StallTime(10 * MS, 0, 300 * MS, 0, List.of());
        assertEquals(List.of(), Violation.of(stall(310, gc), TEST_START, MS, SETTINGS));
    }

    @Test
    void aStallOfTheTasksOwnWorkIsOneEvenWithAGcInIt() {
        StallTime mixed = new StallTime(120 * MS, 0, 200 * MS, 0, List.of());
        assertEquals(1, Violation.of(stall(320, mixed), TEST_START, MS, SETTINGS).size());
        StallTime classLoading = new StallTime(5 * MS, 150 * MS, 0, 0, List.of());
        assertEquals(1, Violation.of(stall(155, classLoading), TEST_START, MS, SETTINGS).size());
    }

    private static List<Report> stall(long totalMs, StallTime end) {
        Instant seen = TEST_START.plusMillis(60);
        return List.of(report(ReportType.STALL, seen, 55 * MS, null),
                report(ReportType.STALL_END, seen.plusMillis(totalMs - 55), totalMs * MS, end));
    }

    private static Report report(ReportType type, Instant time, long elapsed, StallTime stallTime) {
        return new Report(type, 1, time, "loop-1", elapsed, 50 * MS, "I/O com.acme.H.h", CULPRIT, List.of(CULPRIT),
                "loop", null, 0, stallTime);
    }
}
