package dev.loopwatch.core;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting for one of loopwatch's own threads to get a step further (the JUnit extension's flush, once per
 * test): the thread is woken at once rather than waited for at its own pace, and polled briefly, so a
 * flush costs tens of microseconds, not a tick.
 */
public final class Await {
    /** How often the waiting thread looks again at the latest, if no step wakes it first. */
    static final long POLL_NANOS = 200_000;
    /** The thread waiting now (one flush at a time in practice; another waiter just polls). */
    private static volatile Thread waiter;

    private Await() {
    }

    /**
     * Waits until {@code progress} has moved {@code steps} past its value now, waking {@code worker} (may be
     * null) each time; false on timeout or when {@code alive} turns false.
     */
    public static boolean steps(LongSupplier progress, int steps, Thread worker, BooleanSupplier alive,
                                long timeoutNanos) {
        long target = progress.getAsLong() + steps;
        return until(() -> progress.getAsLong() >= target, alive, timeoutNanos, worker);
    }

    /**
     * Waits until {@code done}, waking the {@code workers} (null ones are skipped) each time, all at once so
     * that they work side by side; false on timeout or when {@code alive} turns false.
     */
    public static boolean until(BooleanSupplier done, BooleanSupplier alive, long timeoutNanos, Thread... workers) {
        long deadline = System.nanoTime() + timeoutNanos;
        waiter = Thread.currentThread();
        try {
            return awaitUntil(done, workers, alive, deadline);
        } finally {
            waiter = null;
        }
    }

    /**
     * Called by loopwatch's threads after each step (a watchdog tick, a drain pass, a delivered report):
     * wakes a waiting flush at once. One volatile read when nobody waits.
     */
    public static void stepped() {
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    private static boolean awaitUntil(BooleanSupplier done, Thread[] workers, BooleanSupplier alive, long deadline) {
        while (!done.getAsBoolean()) {
            if (!alive.getAsBoolean() || System.nanoTime() - deadline > 0) {
                return false;
            }
            for (Thread worker : workers) {
                if (worker != null) {
                    LockSupport.unpark(worker);
                }
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return true;
    }
}
