package com.acme.other;

/** Application code outside {@code abort.include}: never instrumented, so never aborted. */
public final class Untouched {
    public static volatile long sink;

    private Untouched() {
    }

    /** Spins {@code ms} without any blocking call. */
    public static long spin(long ms) {
        long start = System.nanoTime();
        long deadline = start + ms * 1_000_000L;
        long x = 0;
        while (System.nanoTime() < deadline) {
            x += x * 31 + 7;
        }
        sink = x;
        return System.nanoTime() - start;
    }
}
