package dev.loopwatch.bridge;

/**
 * The check that {@code action=abort} (and {@code action=slice}, which suspends the task here: {@link Slices}) injects at method entries and loop back-edges of the classes named by
 * {@code abort.include}: {@code INVOKESTATIC dev/loopwatch/bridge/Abort.check()V}.
 *
 * <p>Its fast path is one volatile read of a static int that is zero unless the watchdog has asked some
 * loop's overrunning task to stop: C2 inlines it into a load, a test and a never-taken branch, on loop and
 * other threads alike. The read must not be plain: C2 hoists a plain field out of a loop, and a
 * {@code while (true)} would never see it (FACTS.md). Only while a request is pending does a check look
 * the current thread's slot up and compare the request with the task that runs now.
 */
public final class Abort {
    /** Number of loops with an abort request outstanding; written by the watchdog only. */
    private static volatile int pending;

    private Abort() {
    }

    /** The injected check: throws {@link dev.loopwatch.TaskTimeoutException} into an overrunning task. */
    public static void check() {
        if (pending != 0) {
            slowPath();
        }
    }

    private static void slowPath() {
        LoopSlot slot = Loops.slotOf(Thread.currentThread());
        if (slot != null) {
            slot.abortIfRequested();
            if (Slices.enabled) {
                Slices.yieldIfRequested(slot);
            }
        }
    }

    /**
     * A loop thread took up its request (action=slice): the count goes down at once rather than at the watchdog's next
     * scan, so that for the rest of that tick every check, on every loop, is back on its fast path. Measured: left
     * until the scan (up to a tick, 1 ms, after each of a task's 5 ms slices), the slow path of every check slowed the
     * sliced tasks by about a fifth. A race with the watchdog raising the count for another loop only delays that
     * request to its next scan.
     */
    static void taken() {
        int p = pending;
        if (p > 0) {
            pending = p - 1;
        }
    }

    /** Sets how many loops have a request outstanding (watchdog only). */
    public static void pending(int loops) {
        if (pending != loops) {
            pending = loops;
        }
    }
}
