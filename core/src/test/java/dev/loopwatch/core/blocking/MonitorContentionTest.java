package dev.loopwatch.core.blocking;

import dev.loopwatch.core.StackAnalyzer;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.testapp.MonitorLoop;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A loop thread waiting to enter a monitor, as the watchdog's ticks see it. */
class MonitorContentionTest {
    @Test
    void aWaitSeenByTheTicksIsReportedWithTheMethodThatEntersTheMonitor() throws Exception {
        List<Report> reports = new ArrayList<>();
        BlockingDrain drain = new BlockingDrain(new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64),
                AllowList.of(List.of()), reports::add, new AtomicLong());
        MonitorContention monitors = new MonitorContention(drain);
        MonitorContention.Wait wait = new MonitorContention.Wait();
        MonitorLoop loop = new MonitorLoop();
        Thread thread = new Thread(loop, "test-loop");
        thread.start();
        while (loop.slot == null) {
            Thread.onSpinWait();
        }
        long last = System.nanoTime();
        synchronized (MonitorLoop.MONITOR) {
            loop.go.countDown();
            while (thread.getState() != Thread.State.BLOCKED) {
                Thread.onSpinWait();
            }
            for (int tick = 0; tick < 20; tick++) { // 20 ticks of 1 ms while the loop waits
                long now = System.nanoTime();
                monitors.check(loop.slot, wait, last, now);
                last = now;
                TimeUnit.MILLISECONDS.sleep(1);
            }
        }
        assertTrue(loop.done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(), reports, "nothing while it still waits");
        monitors.check(loop.slot, wait, last, System.nanoTime());
        assertEquals(1, reports.size(), reports.toString());
        Report r = reports.get(0);
        assertEquals("synchronized (java.lang.Object)", r.call());
        assertEquals("test-loop", r.thread());
        assertTrue(r.culpritFrame().startsWith(MonitorLoop.class.getName() + ".enter("), r.culpritFrame());
        assertTrue(r.elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(15), "waited about 20 ms: " + r.elapsedNanos());

        monitors.check(loop.slot, wait, last, System.nanoTime());
        assertEquals(1, reports.size(), "a loop that is not blocked adds nothing");
    }
}
