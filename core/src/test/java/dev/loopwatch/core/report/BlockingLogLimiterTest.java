package dev.loopwatch.core.report;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BlockingLogLimiterTest {
    static final StackTraceElement CULPRIT = new StackTraceElement("com.acme.Settings", "load", "Settings.java", 40);

    static Report report(long count, StackTraceElement culprit) {
        return new Report(ReportType.BLOCKING_CALL, 1, Instant.now(), "loop-1", 2_100_000, 0, "I/O com.acme.H.read",
                culprit, List.of(culprit), "java.io.FileInputStream.read", count);
    }

    @Test
    void firstCallOfASiteIsLoggedThenOneLinePerIntervalWithExactCounts() {
        BlockingLogLimiter limiter = new BlockingLogLimiter((b, stack) -> { });
        long t = 0;
        String first = limiter.admit(report(1, CULPRIT), t);
        assertTrue(first.startsWith("blocking call on loop loop-1: java.io.FileInputStream.read took 2.1 ms\n"), first);
        assertTrue(first.contains("culprit: com.acme.Settings.load(Settings.java:40)"), first);
        assertNull(limiter.admit(report(1, CULPRIT), t + 1_000_000));
        assertNull(limiter.admit(report(5, CULPRIT), t + 2_000_000), "credited calls count too");
        String other = limiter.admit(report(1, new StackTraceElement("com.acme.Other", "x", "Other.java", 1)), t + 3_000_000);
        assertTrue(other.startsWith("blocking call on loop"), "another site is logged at once");
        String next = limiter.admit(report(1, CULPRIT), t + BlockingLogLimiter.INTERVAL_NANOS + 1);
        assertTrue(next.contains("(6 more from here in the last 10 s)"), next);
    }
}
