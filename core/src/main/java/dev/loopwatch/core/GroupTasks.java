package dev.loopwatch.core;

/**
 * A loop group's tasks since loopwatch started, as the watchdog saw them (see {@code LoopWatch.tasks()}).
 *
 * @param group       the group, from its threads' names ({@code nioEventLoopGroup-3})
 * @param tasks       every task its loops ran (exact)
 * @param timed       of those, the tasks seen running at a watchdog tick, and so timed (to a tick); the others ran
 *                    shorter than a tick
 * @param p50Nanos    median of the timed tasks
 * @param p99Nanos    99th percentile of the timed tasks
 * @param maxNanos    the longest
 */
public record GroupTasks(String group, long tasks, long timed, long p50Nanos, long p99Nanos, long maxNanos) {
}
