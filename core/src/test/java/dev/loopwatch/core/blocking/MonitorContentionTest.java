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
    private final List<Report> reports = new ArrayList<>();
    private final MonitorContention monitors = new MonitorContention(new BlockingDrain(
            new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64), AllowList.of(List.of()), reports::add,
            new AtomicLong()));

    @Test
    void aWaitSeenByTheTicksIsReportedWithTheMethodThatEntersTheMonitor() throws Exception {
        contend(new MonitorContention.Wait());
        assertEquals(1, reports.size(), reports.toString());
        Report r = reports.get(0);
        assertTrue(r.call().startsWith("synchronized"), r.call());
        assertEquals("test-loop", r.thread());
        assertTrue(r.culpritFrame().startsWith(MonitorLoop.class.getName() + ".enter("), r.culpritFrame());
        assertTrue(r.elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(15), "waited about 20 ms: " + r.elapsedNanos());

        // The first wait had the JDK's thread bean made, off the watchdog: from then on the monitor's class is named.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threadNamed("loopwatch-monitors") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        contend(new MonitorContention.Wait());
        assertEquals(2, reports.size(), reports.toString());
        assertEquals("synchronized (java.lang.Object)", reports.get(1).call());
    }

    /** One loop thread waits about 20 ms for the monitor, looked at every millisecond; then one more look. */
    private void contend(MonitorContention.Wait wait) throws Exception {
        MonitorLoop loop = new MonitorLoop();
        Thread thread = new Thread(loop, "test-loop");
        thread.start();
        while (loop.slot == null) {
            Thread.onSpinWait();
        }
        int before = reports.size();
        long last = System.nanoTime();
        synchronized (MonitorLoop.MONITOR) {
            loop.go.countDown();
            while (thread.getState() != Thread.State.BLOCKED) {
                Thread.onSpinWait();
            }
            for (int tick = 0; tick < 20; tick++) {
                long now = System.nanoTime();
                monitors.check(loop.slot, wait, last, now);
                last = now;
                TimeUnit.MILLISECONDS.sleep(1);
            }
        }
        assertTrue(loop.done.await(10, TimeUnit.SECONDS));
        assertEquals(before, reports.size(), "nothing while it still waits");
        monitors.check(loop.slot, wait, last, System.nanoTime());
        monitors.check(loop.slot, wait, last, System.nanoTime());
        assertEquals(before + 1, reports.size(), "one report, and a loop that is not blocked adds nothing");
    }

    private static boolean threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
