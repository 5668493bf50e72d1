package dev.loopwatch.core;

import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.report.StallTime;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StallProfileTest {
    private static final long MS = 1_000_000L;
    private static final StackAnalyzer ANALYZER = new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64);
    private static final StackTraceElement DISPATCH =
            new StackTraceElement("io.netty.channel.nio.NioEventLoop", "processSelectedKeys", null, 1);
    private static final StackTraceElement HANDLER =
            new StackTraceElement("com.acme.Handler", "channelRead", "Handler.java", 20);
    private static final StackTraceElement SPIN = new StackTraceElement("com.acme.Handler", "spin", "Handler.java", 42);
    private static final StackTraceElement CLINIT =
            new StackTraceElement("com.acme.Tables", "<clinit>", "Tables.java", 7);
    private static final StackTraceElement LOAD =
            new StackTraceElement("java.lang.ClassLoader", "loadClass", "ClassLoader.java", 520);

    @Test
    void eachSampleStandsForTheTimeSinceTheOneBefore() {
        StallProfile profile = new StallProfile(null, 0, 0, 0, 10 * MS);
        profile.sample(50 * MS, new StackTraceElement[] {SPIN, CLINIT, HANDLER, DISPATCH}, ANALYZER);
        profile.sample(100 * MS, new StackTraceElement[] {SPIN, HANDLER, DISPATCH}, ANALYZER);
        StallTime time = profile.end(150 * MS);
        assertEquals(50 * MS, time.classLoadingNanos());
        assertEquals(100 * MS, time.taskNanos());
        assertEquals("task", time.cause());
        assertEquals(List.of(new StallTime.Entry("com.acme.Handler.spin(Handler.java:42)", 100 * MS),
                new StallTime.Entry("initialising com.acme.Tables", 50 * MS)), time.profile());
    }

    /** A GC pause often ends a short task before the watchdog, stopped too, can walk its stack. */
    @Test
    void aStallNeverSampledStillHasItsGcTimeSplitOff() {
        JvmCounters counters = JvmCounters.open();
        long start = System.nanoTime();
        StallProfile profile = new StallProfile(counters, start, counters.pauseNanos(), counters.gcNanos(), 10 * MS);
        byte[][] garbage = new byte[20_000][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[1024];
        }
        System.gc();
        long end = System.nanoTime();
        StallTime time = profile.end(end);
        assertTrue(time.gcNanos() > 0, "the GC's pause is the GC's: " + time + " (" + garbage.length + ")");
        assertEquals(end - start, time.taskNanos() + time.gcNanos() + time.safepointNanos());
        assertTrue(time.profile().stream().anyMatch(e -> e.what().equals("garbage collection")), time.toString());
        assertTrue(time.profile().stream().anyMatch(e -> e.what().equals(StallProfile.NOT_SAMPLED)), time.toString());
    }

    @Test
    void classesLoadedForTheTaskAreClassLoading() {
        StallProfile profile = new StallProfile(null, 0, 0, 0, 10 * MS);
        profile.sample(60 * MS, new StackTraceElement[] {LOAD, HANDLER, DISPATCH}, ANALYZER);
        StallTime time = profile.end(80 * MS);
        assertEquals("class-loading", time.cause());
        assertEquals(80 * MS, time.classLoadingNanos());
        assertEquals("loading classes at com.acme.Handler.channelRead(Handler.java:20)", time.profile().get(0).what());
    }

    @Test
    void theProfileKeepsItsLargestEntriesAndSumsTheRest() {
        StallProfile profile = new StallProfile(null, 0, 0, 0, MS);
        int places = 40;
        for (int i = 1; i <= places; i++) {
            StackTraceElement at = new StackTraceElement("com.acme.Place" + i, "run", "P.java", i);
            profile.sample(i * i * MS, new StackTraceElement[] {at, HANDLER, DISPATCH}, ANALYZER);
        }
        StallTime time = profile.end(places * places * MS);
        assertEquals(StallTime.MAX_PROFILE, time.profile().size());
        assertEquals("other", time.profile().get(StallTime.MAX_PROFILE - 1).what());
        assertEquals((long) places * places * MS, time.profile().stream().mapToLong(StallTime.Entry::nanos).sum());
    }

    @Test
    void samplesThinOutAsAStallGoesOn() {
        StallProfile profile = new StallProfile(null, 0, 0, 0, MS);
        long now = 0;
        for (int i = 0; i < StallProfile.SAMPLES_PER_DOUBLING; i++) {
            now += MS;
            profile.sample(now, new StackTraceElement[] {SPIN, HANDLER, DISPATCH}, ANALYZER);
        }
        assertEquals(false, profile.due(now + MS));
        assertEquals(true, profile.due(now + 2 * MS));
    }
}
