package dev.loopwatch.core;

import dev.loopwatch.bridge.DurationHistogram;

/**
 * One loop's lag since loopwatch started: how long the probe tasks queued on it waited before it ran them (see the
 * {@code lag} option). Percentiles are bucket bounds, at most 25 % above the true value.
 *
 * @param thread      the loop thread
 * @param samples     probes that ran
 * @param meanNanos   their mean wait
 * @param p50Nanos    median wait
 * @param p99Nanos    99th percentile
 * @param maxNanos    the longest wait
 */
public record Lag(String thread, long samples, long meanNanos, long p50Nanos, long p99Nanos, long maxNanos) {

    /** The lag that {@code waits} holds. */
    static Lag of(String thread, DurationHistogram waits) {
        return new Lag(thread, waits.count(), waits.meanNanos(), waits.percentileNanos(0.5), waits.percentileNanos(0.99),
                waits.maxNanos());
    }
}
