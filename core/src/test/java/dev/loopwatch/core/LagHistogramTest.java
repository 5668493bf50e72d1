package dev.loopwatch.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LagHistogramTest {

    @Test
    void percentilesAreBucketBoundsAtMostAQuarterAboveTheTruth() {
        LagHistogram h = new LagHistogram();
        for (int i = 1; i <= 100; i++) {
            h.record(i * 1_000_000L); // 1..100 ms
        }
        Lag lag = h.snapshot("loop");
        assertEquals(100, lag.samples());
        assertEquals(100_000_000L, lag.maxNanos());
        assertEquals(50_500_000L, lag.meanNanos());
        assertTrue(lag.p50Nanos() >= 50_000_000L && lag.p50Nanos() <= 62_500_000L, "p50 " + lag.p50Nanos());
        assertTrue(lag.p99Nanos() >= 99_000_000L && lag.p99Nanos() <= 124_000_000L, "p99 " + lag.p99Nanos());
    }

    @Test
    void everyWaitFallsInABucketWhoseBoundsHoldIt() {
        for (long micros = 1; micros < 10_000_000L; micros = micros * 3 / 2 + 1) {
            int index = LagHistogram.index(micros);
            assertTrue(LagHistogram.upperNanos(index) >= micros * 1_000, micros + " us in bucket " + index);
            assertTrue(index == 0 || LagHistogram.upperNanos(index - 1) <= micros * 1_000 + 1_000,
                    micros + " us: the bucket before ends below it");
        }
    }

    @Test
    void anEmptyHistogramSaysZero() {
        Lag lag = new LagHistogram().snapshot("loop");
        assertEquals(0, lag.samples());
        assertEquals(0, lag.p99Nanos());
    }
}
