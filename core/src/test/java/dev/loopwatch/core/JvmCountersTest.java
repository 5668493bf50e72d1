package dev.loopwatch.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmCountersTest {

    @Test
    void aFullGcShowsAsGcTimeWithinTheSafepointTime() {
        JvmCounters counters = JvmCounters.open();
        assertNotNull(counters, "the surefire run exports jdk.internal.perf as the agent does");
        long pause = counters.pauseNanos();
        long gc = counters.gcNanos();
        byte[][] garbage = new byte[20_000][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[1024];
        }
        System.gc();
        long gcAfter = counters.gcNanos();
        long pauseAfter = counters.pauseNanos();
        assertTrue(gcAfter > gc, "GC time grows: " + gc + " -> " + gcAfter);
        assertTrue(pauseAfter - pause >= gcAfter - gc, "the GC's pause is within the safepoint time: safepoint +"
                + (pauseAfter - pause) + " ns, GC +" + (gcAfter - gc) + " ns (" + garbage.length + ")");
    }
}
