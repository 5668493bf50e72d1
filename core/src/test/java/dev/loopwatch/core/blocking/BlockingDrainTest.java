package dev.loopwatch.core.blocking;

import dev.loopwatch.core.StackAnalyzer;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.testapp.App;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** From a loop's ring to reports: named, culprit found, allow-listed ones dropped, every call in a count. */
class BlockingDrainTest {

    @Test
    void everyCallEndsUpInExactlyOneCount() throws Exception {
        BlockingCalls.names(new String[] {"java.lang.Thread.sleep", "java.io.FileInputStream.read"});
        List<Report> reports = new ArrayList<>();
        BlockingDrain drain = new BlockingDrain(new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64),
                AllowList.of(List.of(App.class.getName() + "#allowedCall")), reports::add,
                new AtomicLong());
        CountDownLatch recorded = new CountDownLatch(1);
        CountDownLatch drained = new CountDownLatch(1);
        Thread loop = new Thread(App.loop(recorded, drained), "test-loop");
        loop.start();
        recorded.await(10, TimeUnit.SECONDS);
        Thread.sleep(200);
        Instant drainedAt = Instant.now();
        drain.drainAll();
        assertEquals(8, reports.size(), "a burst of 8 stacks, the 12 calls after it credited: " + reports);
        Report first = reports.get(0);
        assertEquals("java.lang.Thread.sleep", first.call());
        assertEquals("test-loop", first.thread());
        assertEquals("recordedCall", first.culprit().getMethodName());
        assertEquals(App.class.getName(), first.culprit().getClassName());
        // The time a call ended, not the time it was drained: the JUnit extension attributes reports by it.
        assertTrue(first.time().isBefore(drainedAt.minusMillis(150)), first.time() + " vs drained at " + drainedAt);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(BlockingDrain.FLUSH_NANOS) + 100);
        drain.drainAll();
        drained.countDown();
        loop.join();
        assertEquals(9, reports.size(), "the credited calls, flushed at the last site: " + reports);
        assertEquals(12, reports.get(8).count());
        assertEquals("recordedCall", reports.get(8).culprit().getMethodName());
        long total = reports.stream().mapToLong(Report::count).sum();
        assertEquals(20, total, "the allow-listed call is in no report");
        assertTrue(BlockingCalls.allowed() >= 1);
    }
}
