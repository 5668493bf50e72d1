package dev.loopwatch.core.report;

import java.util.List;

/**
 * Where a stall's time went, as far as the watchdog could tell: the task's own work, the JVM loading and initialising
 * classes for it (sampled stacks), and the JVM stopping every thread (garbage collection, other safepoints: its
 * counters). {@code profile} breaks the stall down by what the loop's stack showed, largest first.
 *
 * @param taskNanos         the task's own work
 * @param classLoadingNanos loading, linking and initialising classes (a {@code <clinit>} on the stack counts)
 * @param gcNanos           garbage-collection pauses
 * @param safepointNanos    other safepoint pauses (and reaching safepoints)
 * @param profile           the sampled stacks, grouped: what ran and for how long; at most {@link #MAX_PROFILE}
 *                          entries, the rest summed as {@code "other"}
 */
public record StallTime(long taskNanos, long classLoadingNanos, long gcNanos, long safepointNanos,
                        List<Entry> profile) {
    /** Entries kept in a profile, the rest summed as "other": the log stays short, memory bounded. */
    public static final int MAX_PROFILE = 8;

    public StallTime {
        profile = List.copyOf(profile);
    }

    /** One line of a stall's profile: {@code what} (a frame, or the class being initialised) and its time. */
    public record Entry(String what, long nanos) {
    }

    /** What most of the time was: {@code task}, {@code class-loading}, {@code gc} or {@code safepoint}. */
    public String cause() {
        long most = Math.max(Math.max(taskNanos, classLoadingNanos), Math.max(gcNanos, safepointNanos));
        if (most == taskNanos) {
            return "task";
        }
        if (most == classLoadingNanos) {
            return "class-loading";
        }
        return most == gcNanos ? "gc" : "safepoint";
    }

    /**
     * Whether the JVM stopped every thread for most of the time (a GC or another safepoint): the loop stood still, but
     * not by the task's doing. Class loading is the task's thread's own work, so it does not count here.
     */
    public boolean pausedByJvm() {
        String cause = cause();
        return cause.equals("gc") || cause.equals("safepoint");
    }
}
