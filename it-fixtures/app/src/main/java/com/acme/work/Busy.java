package com.acme.work;

import dev.loopwatch.TaskTimeoutException;

/**
 * Application code under {@code abort.include=com.acme.work.}: CPU loops that never end by themselves.
 * The forked fixture servers (the Netty one of the agent tests, the Vert.x ones) call them from their handlers.
 */
public final class Busy {
    /** Bumped by the finally block of {@link #foreverWithCleanup()}: it must run although the task was aborted. */
    public static volatile int cleanups;
    /** Static state written by the loops, so C2 cannot remove them. */
    public static volatile long sink;
    /** System.nanoTime when the last loop started (for the time from threshold to the exception). */
    public static volatile long startedAt;

    private Busy() {
    }

    /** An infinite CPU loop without any call in it: only an injected back-edge check can stop it. */
    public static long forever() {
        startedAt = System.nanoTime();
        long x = 1;
        while (true) {
            x = x * 31 + 7;
            if (x == 42) {
                sink = x;
            }
        }
    }

    /** Catches the abort by its type, as application code may. */
    public static String foreverCaught() {
        try {
            forever();
            return "never";
        } catch (TaskTimeoutException e) {
            return "caught " + e.getClass().getName() + " from " + e.getClass().getClassLoader() + ": " + e.getMessage();
        }
    }

    /** Its finally block calls checked code and must still complete. */
    public static long foreverWithCleanup() {
        try {
            return forever();
        } finally {
            cleanup();
        }
    }

    private static void cleanup() {
        for (int i = 0; i < 1000; i++) {
            sink += i;
        }
        cleanups++;
    }

    /** Nested loops, the inner a counted loop over an array (left without a check): still stopped by the outer one. */
    public static long foreverOverArrays() {
        startedAt = System.nanoTime();
        int[] a = new int[1024];
        long sum = 0;
        while (true) {
            for (int i = 0; i < a.length; i++) {
                sum += a[i] + i;
            }
            a[(int) (sum & 1023)]++;
        }
    }

    /** Recursion without loops: stopped at a method entry. */
    public static long recurse(long depth) {
        startedAt = startedAt == 0 ? System.nanoTime() : startedAt;
        return depth <= 0 ? 1 : recurse(depth - 1) + recurse(depth - 1);
    }

    /** Spins {@code ms} and returns normally: a task under the threshold that must never be aborted. */
    public static long spin(long ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < deadline) {
            x += x * 31 + 7;
        }
        sink = x;
        return x;
    }
}
