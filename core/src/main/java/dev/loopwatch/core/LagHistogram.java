package dev.loopwatch.core;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of waits, in buckets four to each power of two of microseconds (so each bucket's bounds are within 25 %
 * of each other, from 4 us to centuries): fixed memory, no allocation as it records, readable from any thread.
 * Written by one loop thread; read by whoever asks for the lag.
 */
final class LagHistogram {
    private static final int SUB = 4;
    private static final int BUCKETS = 64 * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private volatile long max;
    private volatile long count;
    private volatile long sum;

    void record(long nanos) {
        long micros = Math.max(1, nanos / 1_000);
        counts.incrementAndGet(index(micros));
        if (nanos > max) {
            max = nanos;
        }
        sum += nanos; // one writer: the loop thread
        count++;
    }

    /** The bucket of {@code micros}: its power of two, and which quarter of it. */
    static int index(long micros) {
        int power = 63 - Long.numberOfLeadingZeros(micros);
        int quarter = power < 2 ? 0 : (int) ((micros >> (power - 2)) & (SUB - 1)); // under 4 us: one bucket a power
        return Math.min(BUCKETS - 1, power * SUB + quarter);
    }

    /** The upper bound of bucket {@code index}, in nanoseconds. */
    static long upperNanos(int index) {
        int power = index / SUB;
        int quarter = index % SUB;
        double upper = (1L << power) * (1 + (quarter + 1) / (double) SUB);
        return (long) (upper * 1_000);
    }

    Lag snapshot(String thread) {
        long n = count;
        long[] copy = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = counts.get(i);
            total += copy[i];
        }
        return new Lag(thread, n, n == 0 ? 0 : sum / n, percentile(copy, total, 0.5),
                percentile(copy, total, 0.99), max);
    }

    private static long percentile(long[] counts, long total, double p) {
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upperNanos(i);
            }
        }
        return upperNanos(counts.length - 1);
    }
}
