package dev.loopwatch.benchmarks;

import java.time.Duration;
import java.time.Instant;

/**
 * Maps wall-clock instants (what a {@code Report} carries) onto the {@code System.nanoTime()} scale (what
 * the tasks record). Taken once, from the closest of many (nanoTime, Instant, nanoTime) readings, so the
 * mapping error is the width of that window (well under a microsecond) plus clock drift over the run.
 */
final class ClockAnchor {
    private final long nanos;
    private final Instant instant;
    private final long uncertaintyNanos;

    private ClockAnchor(long nanos, Instant instant, long uncertaintyNanos) {
        this.nanos = nanos;
        this.instant = instant;
        this.uncertaintyNanos = uncertaintyNanos;
    }

    static ClockAnchor take() {
        long bestWidth = Long.MAX_VALUE;
        long bestNanos = 0;
        Instant bestInstant = null;
        for (int i = 0; i < 10_000; i++) {
            long before = System.nanoTime();
            Instant now = Instant.now();
            long after = System.nanoTime();
            if (after - before < bestWidth) {
                bestWidth = after - before;
                bestNanos = before + (after - before) / 2;
                bestInstant = now;
            }
        }
        return new ClockAnchor(bestNanos, bestInstant, bestWidth);
    }

    /** The nanoTime at which the wall clock read {@code time}. */
    long toNanoTime(Instant time) {
        return nanos + Duration.between(instant, time).toNanos();
    }

    long uncertaintyNanos() {
        return uncertaintyNanos;
    }
}
