package dev.loopwatch.bridge;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A histogram of durations, in buckets four to each power of two of microseconds (each bucket's bounds within 25 % of
 * each other, from 1 us to centuries): fixed memory, nothing allocated as it records. The one bucketing of loopwatch:
 * loop lag (a probe's wait), the tasks the watchdog timed, and, with {@code task.histogram=exact}, every task a loop
 * ran (one histogram per loop, in its {@link LoopSlot}), merged per group by {@link #add(DurationHistogram)}.
 *
 * <p>One writer ({@link #record}, {@link #add}): a loop thread, or the watchdog. No lock, no compare-and-set: each
 * count is the writer's own, stored with an opaque store (a plain {@code mov} on x86, but never torn nor held back by
 * the JIT), so that any other thread reads each count, the sum and the max whole, with opaque loads. A reader may see
 * a task in its bucket and not yet in the sum (or the reverse); the next read sees both.
 */
public final class DurationHistogram {
    /** Buckets per power of two of microseconds. */
    private static final int SUB = 4;
    /** How many buckets: every power of two a {@code long} of microseconds has. */
    public static final int BUCKETS = 64 * SUB;
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SUM;
    private static final VarHandle MAX;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SUM = lookup.findVarHandle(DurationHistogram.class, "sum", long.class);
            MAX = lookup.findVarHandle(DurationHistogram.class, "max", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] counts = new long[BUCKETS];
    private long sum;
    private long max;

    /** Records one duration (the writer only). */
    public void record(long nanos) {
        long n = Math.max(0, nanos); // System.nanoTime is monotonic; a negative duration is a caller's bug, kept out
        int i = index(Math.max(1, n / 1_000));
        COUNTS.setOpaque(counts, i, counts[i] + 1); // the writer reads its own counts plainly
        SUM.setOpaque(this, sum + n);
        if (n > max) {
            MAX.setOpaque(this, n);
        }
    }

    /** Adds {@code other}'s durations to this one (the writer of this one only; {@code other} may be written meanwhile). */
    public void add(DurationHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            long c = (long) COUNTS.getOpaque(other.counts, i);
            if (c != 0) {
                COUNTS.setOpaque(counts, i, counts[i] + c);
            }
        }
        SUM.setOpaque(this, sum + other.sumNanos());
        long otherMax = other.maxNanos();
        if (otherMax > max) {
            MAX.setOpaque(this, otherMax);
        }
    }

    /** How many durations were recorded. */
    public long count() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += (long) COUNTS.getOpaque(counts, i);
        }
        return total;
    }

    /** Their sum. */
    public long sumNanos() {
        return (long) SUM.getOpaque(this);
    }

    /** The longest. */
    public long maxNanos() {
        return (long) MAX.getOpaque(this);
    }

    /** Their mean; 0 when none. */
    public long meanNanos() {
        long n = count();
        return n == 0 ? 0 : sumNanos() / n;
    }

    /**
     * The {@code p} quantile (0 to 1): the upper bound of the bucket it falls in, so at most 25 % above the truth (and
     * never above the max); 0 when none.
     */
    public long percentileNanos(double p) {
        long[] copy = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            copy[i] = (long) COUNTS.getOpaque(counts, i);
            total += copy[i];
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += copy[i];
            if (seen >= rank) {
                return Math.min(upperNanos(i), Math.max(maxNanos(), lowerNanos(i)));
            }
        }
        return upperNanos(BUCKETS - 1);
    }

    /**
     * How many durations were shorter than {@code 2^power} microseconds: a bucket bound, so the count is exact (the
     * durations {@code Prometheus} would count under {@code le}).
     */
    public long countBelowPowerOfTwoMicros(int power) {
        long below = 0;
        for (int i = 0; i < Math.min(BUCKETS, power * SUB); i++) {
            below += (long) COUNTS.getOpaque(counts, i);
        }
        return below;
    }

    /** The bucket of {@code micros} (at least 1): its power of two, and which quarter of it. */
    static int index(long micros) {
        int power = 63 - Long.numberOfLeadingZeros(micros);
        int quarter = power < 2 ? 0 : (int) ((micros >> (power - 2)) & (SUB - 1)); // under 4 us: one bucket a power
        return Math.min(BUCKETS - 1, power * SUB + quarter);
    }

    /** The upper bound (exclusive) of bucket {@code index}, in nanoseconds. */
    static long upperNanos(int index) {
        int power = index / SUB;
        if (power < 2) {
            return (1L << (power + 1)) * 1_000; // one bucket for the whole power
        }
        int quarter = index % SUB;
        double upper = (1L << power) * (1 + (quarter + 1) / (double) SUB);
        return (long) (upper * 1_000);
    }

    /** The lower bound (inclusive) of bucket {@code index}, in nanoseconds. */
    static long lowerNanos(int index) {
        return index == 0 ? 0 : upperNanos(index - 1);
    }
}
