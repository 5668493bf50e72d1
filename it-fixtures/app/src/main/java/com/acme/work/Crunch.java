package com.acme.work;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Application code under {@code abort.include=com.acme.work.} for {@code action=slice}: CPU work that never yields by
 * itself and has a result to check, alone and inside each hazard a suspension must not break (a monitor, a lock, a
 * thread-local). The handlers of the forked fixture servers call it; an interleaved request on the same loop probes
 * the hazard ({@link #enterMonitor()}, {@link #tryLock()}, {@link #readLocal()}).
 */
public final class Crunch {
    /** Entered by {@link #underMonitor(long)}. */
    public static final Object MONITOR = new Object();
    public static final ReentrantLock LOCK = new ReentrantLock();
    public static final ThreadLocal<String> LOCAL = new ThreadLocal<>();
    /** True only inside {@link #underLock(long)}'s critical section. */
    private static boolean inside;

    private Crunch() {
    }

    /**
     * {@code rounds} steps of a 64-bit LCG with a xor-shift: about 1 ns a step, and a result that tells whether every
     * step ran exactly once. A {@code long} counter: the loop keeps its injected check (an {@code int}-counted loop
     * over a bound would not get one).
     */
    public static long crunch(long rounds) {
        long x = 0x9E3779B97F4A7C15L;
        long i = 0;
        while (i < rounds) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            x ^= x >>> 29;
            i++;
        }
        return x;
    }

    /** {@link #crunch} holding {@link #MONITOR} throughout. */
    public static long underMonitor(long rounds) {
        synchronized (MONITOR) {
            return crunch(rounds);
        }
    }

    /** What an interleaved task does: enter the monitor (blocks the loop for ever if it is held by a suspended task). */
    public static String enterMonitor() {
        synchronized (MONITOR) {
            return "entered";
        }
    }

    /** {@link #crunch} holding {@link #LOCK} throughout. */
    public static long underLock(long rounds) {
        LOCK.lock();
        try {
            inside = true;
            long x = crunch(rounds);
            inside = false;
            return x;
        } finally {
            LOCK.unlock();
        }
    }

    /**
     * What an interleaved task does: {@code tryLock}. The loop thread owns the lock while a task inside it is
     * suspended, so a (reentrant) {@code tryLock} on that thread would succeed inside the critical section.
     */
    public static String tryLock() {
        if (!LOCK.tryLock()) {
            return "busy";
        }
        try {
            return inside ? "broken: got the lock inside another task's critical section" : "got it";
        } finally {
            LOCK.unlock();
        }
    }

    /** {@link #crunch} with {@link #LOCAL} set (as a logging MDC would be) throughout; returns what it saw at the end. */
    public static String withLocal(long rounds) {
        LOCAL.set("request-A");
        try {
            long x = crunch(rounds);
            return LOCAL.get() + " " + x;
        } finally {
            LOCAL.remove();
        }
    }

    /** What an interleaved task sees of {@link #LOCAL}: "null" unless a suspended task's value leaked. */
    public static String readLocal() {
        return String.valueOf(LOCAL.get());
    }
}
