package dev.loopwatch.core;

import java.util.List;

/** What the watchdog remembers of one loop; touched by the watchdog thread only. */
final class Watch {
    long seq = -1;
    /** The loop's wait for a monitor, as the ticks see it (see {@link dev.loopwatch.core.blocking.MonitorContention}). */
    final dev.loopwatch.core.blocking.MonitorContention.Wait monitorWait =
            new dev.loopwatch.core.blocking.MonitorContention.Wait();
    long lastSeen;
    long start;
    /** The tick before the current task was first seen: it cannot have started earlier. */
    long earliestStart;
    long stallId;
    /** The JVM's safepoint and GC time before the task began (see {@link JvmCounters}). */
    long pauseAtStart;
    long gcAtStart;
    /** The loop's group in {@link TaskTimes}, once looked up. */
    TaskTimes.Group taskGroup;
    /** Where the stall's time goes, sampled while it lasts; null when no stall. */
    StallProfile profile;
    String task;
    StackTraceElement culprit;
    List<StackTraceElement> stack;

    // What the stall action (StallAction) did during this task; reset when the task ends.
    /** The task asked to abort (its odd seq), or 0; and when it was last asked. */
    long abortSeq;
    long abortAt;
    /** When the loop thread was last interrupted during this stall (0: not yet). */
    long interruptAt;
    /** When a stack was last taken to decide on an interrupt: at most one per REPEAT_NANOS. */
    long interruptLookedAt;
    /** action=slice: the task last asked to yield, and when. */
    long yieldSeq;
    long yieldAt;
}
