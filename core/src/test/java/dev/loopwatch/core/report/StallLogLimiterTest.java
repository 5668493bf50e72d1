package dev.loopwatch.core.report;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class StallLogLimiterTest {
    private static final long MS = 1_000_000L;
    private static final StackTraceElement SPIN = new StackTraceElement("com.acme.H", "spin", "H.java", 9);
    private static final StackTraceElement PARSE = new StackTraceElement("com.acme.H", "parse", "H.java", 20);

    @Test
    void repeatsOfOnePlaceAreCountedAndSaidWithTheNextOneLogged() {
        StallLogLimiter limiter = new StallLogLimiter();
        long t = 0;
        assertEquals("", limiter.admit(report(ReportType.STALL, 1, SPIN, 60), t));
        assertEquals("", limiter.admit(report(ReportType.STALL_END, 1, SPIN, 80), t + 20 * MS));
        for (int id = 2; id <= 4; id++) {
            assertNull(limiter.admit(report(ReportType.STALL, id, SPIN, 60), t + id * 100 * MS));
            assertNull(limiter.admit(report(ReportType.ABORT, id, SPIN, 61), t + id * 100 * MS));
            assertNull(limiter.admit(report(ReportType.STALL_END, id, SPIN, 70 + id), t + id * 100 * MS + 20 * MS));
        }
        assertEquals("", limiter.admit(report(ReportType.STALL, 5, PARSE, 60), t + 500 * MS), "another place: logged");
        String note = limiter.admit(report(ReportType.STALL, 6, SPIN, 60), t + StallLogLimiter.INTERVAL_NANOS + MS);
        assertEquals(" [3 more stalls of this task and culprit in the last 10 s, longest 74 ms; all in the JSON lines]",
                note);
        assertEquals("", limiter.admit(report(ReportType.STALL_END, 6, SPIN, 90), t + StallLogLimiter.INTERVAL_NANOS + 30 * MS));
    }

    private static Report report(ReportType type, long id, StackTraceElement culprit, long elapsedMs) {
        return new Report(type, id, Instant.EPOCH, "loop-1", elapsedMs * MS, 50 * MS, "I/O com.acme.H.channelRead",
                culprit, List.of(culprit));
    }
}
