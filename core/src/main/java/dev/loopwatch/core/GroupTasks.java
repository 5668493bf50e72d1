package dev.loopwatch.core;

import dev.loopwatch.bridge.DurationHistogram;

import java.util.Arrays;

/**
 * A loop group's tasks since loopwatch started (see {@code LoopWatch.tasks()}). Percentiles are bucket bounds, at most
 * 25 % above the true value.
 *
 * @param group        the group, from its threads' names ({@code nioEventLoopGroup-3})
 * @param tasks        every task its loops ran (exact)
 * @param timed        of those, the tasks timed: with {@code task.histogram=exact}, every one; else those seen
 *                     running at a watchdog tick, timed to a tick (the others ran shorter than a tick)
 * @param p50Nanos     median of the timed tasks
 * @param p99Nanos     99th percentile of the timed tasks
 * @param maxNanos     the longest
 * @param exact        whether the loops timed every task ({@code task.histogram=exact})
 * @param timedNanos   the timed tasks' total time
 * @param timedBelow   {@code timedBelow[k]}: how many timed tasks were shorter than {@link #boundNanos(int) boundNanos(k)}
 *                     ({@code 2^(k+1)} microseconds, 2 us to 16.8 s), for {@code k} below {@link #BOUNDS}
 */
public record GroupTasks(String group, long tasks, long timed, long p50Nanos, long p99Nanos, long maxNanos,
                         boolean exact, long timedNanos, long[] timedBelow) {
    /** How many bounds {@link #timedBelow()} has. */
    public static final int BOUNDS = 24;

    public GroupTasks {
        timedBelow = timedBelow.clone();
    }

    /** The bound {@code k} of {@link #timedBelow()}: {@code 2^(k+1)} microseconds, a bound of the histogram's buckets. */
    public static long boundNanos(int k) {
        return (1L << (k + 1)) * 1_000;
    }

    @Override
    public long[] timedBelow() {
        return timedBelow.clone();
    }

    /** How many timed tasks were shorter than {@link #boundNanos(int) boundNanos(k)}. */
    public long timedBelow(int k) {
        return timedBelow[k];
    }

    /** The group's tasks, {@code timed} as {@code durations} holds them. */
    static GroupTasks of(String group, long tasks, boolean exact, DurationHistogram durations) {
        long[] below = new long[BOUNDS];
        for (int k = 0; k < BOUNDS; k++) {
            below[k] = durations.countBelowPowerOfTwoMicros(k + 1);
        }
        return new GroupTasks(group, tasks, durations.count(), durations.percentileNanos(0.5),
                durations.percentileNanos(0.99), durations.maxNanos(), exact, durations.sumNanos(), below);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupTasks g && group.equals(g.group) && tasks == g.tasks && timed == g.timed
                && p50Nanos == g.p50Nanos && p99Nanos == g.p99Nanos && maxNanos == g.maxNanos && exact == g.exact
                && timedNanos == g.timedNanos && Arrays.equals(timedBelow, g.timedBelow);
    }

    @Override
    public int hashCode() {
        return group.hashCode() * 31 + Long.hashCode(tasks);
    }

    @Override
    public String toString() {
        return "GroupTasks[group=" + group + ", tasks=" + tasks + ", timed=" + timed + ", p50Nanos=" + p50Nanos
                + ", p99Nanos=" + p99Nanos + ", maxNanos=" + maxNanos + ", exact=" + exact + ", timedNanos=" + timedNanos
                + ", timedBelow=" + Arrays.toString(timedBelow) + "]";
    }
}
