package dev.loopwatch.bridge;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationHistogramTest {

    @Test
    void percentilesAreBucketBoundsAtMostAQuarterAboveTheTruth() {
        DurationHistogram h = new DurationHistogram();
        for (int i = 1; i <= 100; i++) {
            h.record(i * 1_000_000L); // 1..100 ms
        }
        assertEquals(100, h.count());
        assertEquals(100_000_000L, h.maxNanos());
        assertEquals(50_500_000L, h.meanNanos());
        assertEquals(5_050_000_000L, h.sumNanos());
        assertTrue(h.percentileNanos(0.5) >= 50_000_000L && h.percentileNanos(0.5) <= 62_500_000L,
                "p50 " + h.percentileNanos(0.5));
        assertTrue(h.percentileNanos(0.99) >= 99_000_000L && h.percentileNanos(0.99) <= 100_000_000L,
                "p99 " + h.percentileNanos(0.99) + ": never above the max");
    }

    @Test
    void everyDurationFallsInABucketWhoseBoundsHoldIt() {
        for (long micros = 1; micros < 10_000_000L; micros = micros * 3 / 2 + 1) {
            int index = DurationHistogram.index(micros);
            assertTrue(DurationHistogram.upperNanos(index) > micros * 1_000, micros + " us in bucket " + index);
            assertTrue(DurationHistogram.lowerNanos(index) <= micros * 1_000, micros + " us: its bucket starts below it");
            assertTrue(micros < 4 || DurationHistogram.upperNanos(index) <= micros * 1_000 * 5 / 4 + 1_000,
                    micros + " us: from 4 us on, its bucket ends at most a quarter above it");
        }
    }

    @Test
    void countsBelowAPowerOfTwoOfMicrosecondsAreExact() {
        DurationHistogram h = new DurationHistogram();
        h.record(500);           // under 1 us
        h.record(1_999);         // under 2 us
        h.record(2_000);         // 2 us: not under 2 us
        h.record(63_999);        // under 64 us
        h.record(64_000);        // 64 us
        h.record(3_000_000_000L); // 3 s
        assertEquals(0, h.countBelowPowerOfTwoMicros(0));
        assertEquals(2, h.countBelowPowerOfTwoMicros(1));
        assertEquals(4, h.countBelowPowerOfTwoMicros(6));
        assertEquals(5, h.countBelowPowerOfTwoMicros(7));
        assertEquals(5, h.countBelowPowerOfTwoMicros(21));
        assertEquals(6, h.countBelowPowerOfTwoMicros(22));
        assertEquals(6, h.countBelowPowerOfTwoMicros(64));
    }

    @Test
    void mergingAddsCountsAndSumsAndKeepsTheLargestMax() {
        DurationHistogram a = new DurationHistogram();
        DurationHistogram b = new DurationHistogram();
        for (int i = 0; i < 90; i++) {
            a.record(10_000); // 10 us
        }
        for (int i = 0; i < 10; i++) {
            b.record(5_000_000); // 5 ms
        }
        DurationHistogram all = new DurationHistogram();
        all.add(a);
        all.add(b);
        assertEquals(100, all.count());
        assertEquals(90 * 10_000L + 10 * 5_000_000L, all.sumNanos());
        assertEquals(5_000_000L, all.maxNanos());
        assertTrue(all.percentileNanos(0.5) >= 10_000 && all.percentileNanos(0.5) <= 12_500, "p50 " + all.percentileNanos(0.5));
        assertEquals(5_000_000L, all.percentileNanos(0.99));
        assertEquals(90, all.countBelowPowerOfTwoMicros(4));
        assertEquals(90, a.count(), "the merged histograms are left as they were");
    }

    /** One thread records, another merges meanwhile: every read is whole, and counts never go back. */
    @Test
    void aReaderMergingWhileTheWriterRecordsSeesCountsOnlyGrow() throws Exception {
        DurationHistogram loop = new DurationHistogram();
        int n = 2_000_000;
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            started.countDown();
            for (int i = 0; i < n; i++) {
                loop.record(1_000L + (i % 1_000) * 1_000L); // 1 us to 1 ms
            }
            done.set(true);
        });
        writer.start();
        started.await();
        long last = 0;
        long lastSum = 0;
        while (!done.get()) {
            DurationHistogram merged = new DurationHistogram();
            merged.add(loop);
            long count = merged.count();
            assertTrue(count >= last && count <= n, count + " after " + last);
            assertTrue(merged.sumNanos() >= lastSum, "the sum never goes back");
            assertTrue(merged.maxNanos() <= 1_000_000L);
            last = count;
            lastSum = merged.sumNanos();
        }
        writer.join();
        assertEquals(n, loop.count());
        assertEquals(1_000_000L, loop.maxNanos());
    }

    @Test
    void anEmptyHistogramSaysZero() {
        DurationHistogram h = new DurationHistogram();
        assertEquals(0, h.count());
        assertEquals(0, h.percentileNanos(0.99));
        assertEquals(0, h.meanNanos());
    }
}
