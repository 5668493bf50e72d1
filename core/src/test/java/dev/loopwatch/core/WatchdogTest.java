package dev.loopwatch.core;

import dev.loopwatch.bridge.LoopSlot;
import dev.loopwatch.bridge.Loops;
import dev.loopwatch.core.config.LoopWatchConfig;
import dev.loopwatch.core.report.Report;
import dev.loopwatch.core.report.ReportType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watchdog against real threads that mark their tasks through the bridge, as instrumented Netty
 * would. Timing bounds are loose (a shared 2-core CI machine); precision is measured in the benchmarks.
 */
class WatchdogTest {
    private final List<Report> reports = new CopyOnWriteArrayList<>();
    private final Watchdog watchdog = new Watchdog(TimeUnit.MILLISECONDS.toNanos(40), TimeUnit.MILLISECONDS.toNanos(1),
            new StackAnalyzer(LoopWatchConfig.DEFAULT_EXCLUDES, 64), reports::add);
    private final Thread watchdogThread = new Thread(watchdog, "test-watchdog");

    /** Starts the watchdog and waits until it runs (so that a registering loop wakes this one). */
    private void startWatchdog() {
        watchdogThread.start();
        assertTrue(watchdog.awaitTicks(1, TimeUnit.SECONDS.toNanos(5)));
    }

    @AfterEach
    void stop() throws InterruptedException {
        watchdog.stop();
        watchdogThread.join(2000);
    }

    /** Runs {@code task} as one loop task on a fresh thread registered as a loop; returns its nanos. */
    private static long runAsLoopTask(Runnable task, boolean registered) throws InterruptedException {
        long[] took = new long[1];
        CountDownLatch done = new CountDownLatch(1);
        Thread loop = new Thread(() -> {
            LoopSlot own = registered ? Loops.enterLoop(WatchdogTest.class) : null;
            try {
                LoopSlot slot = Loops.beginTask();
                long start = System.nanoTime();
                task.run();
                took[0] = System.nanoTime() - start;
                if (slot != null) {
                    slot.end();
                }
            } finally {
                Loops.exitLoop(own);
                done.countDown();
            }
        }, "test-loop");
        loop.start();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        return took[0];
    }

    static void spin(long ms) {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void longTaskIsReportedWhileRunningThenEndsWithItsTotal() throws Exception {
        startWatchdog();
        long took = runAsLoopTask(() -> spin(150), true);
        Thread.sleep(50);
        assertEquals(2, reports.size(), reports.toString());
        Report stall = reports.get(0);
        Report end = reports.get(1);
        assertEquals(ReportType.STALL, stall.type());
        assertEquals(ReportType.STALL_END, end.type());
        assertEquals(stall.id(), end.id());
        assertEquals("test-loop", stall.thread());
        assertEquals("spin", stall.culprit() == null ? stall.toString() : stall.culprit().getMethodName());
        assertEquals(WatchdogTest.class.getName(), stall.culprit().getClassName());
        assertTrue(stall.elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(40)
                && stall.elapsedNanos() < TimeUnit.MILLISECONDS.toNanos(140), "seen while running: " + stall);
        assertTrue(Math.abs(end.elapsedNanos() - took) < took / 10, end.elapsedNanos() + " vs " + took);
    }

    /** Every task is counted; one that ran past a tick is timed, to about a tick. */
    @Test
    void tasksAreCountedPerGroupAndThoseSeenRunningTimed() throws Exception {
        startWatchdog();
        runAsLoopTask(() -> spin(80), true);
        assertTrue(watchdog.awaitTicks(3, TimeUnit.SECONDS.toNanos(5)));
        GroupTasks group = watchdog.taskSnapshot().stream().filter(g -> g.group().equals("test-loop")).findFirst()
                .orElseThrow(() -> new AssertionError("no group test-loop: " + watchdog.taskSnapshot()));
        assertEquals(1, group.tasks(), group.toString());
        assertEquals(1, group.timed(), group.toString());
        assertTrue(group.maxNanos() >= TimeUnit.MILLISECONDS.toNanos(50) // from when first seen: a new loop wakes the watchdog
                && group.maxNanos() <= TimeUnit.MILLISECONDS.toNanos(200), group.toString());
    }

    @Test
    void shortTasksAndUnregisteredThreadsAreNotReported() throws Exception {
        startWatchdog();
        for (int i = 0; i < 5; i++) {
            runAsLoopTask(() -> spin(20), true);
        }
        runAsLoopTask(() -> spin(100), false);
        Thread.sleep(50);
        assertEquals(List.of(), reports);
    }

    @Test
    void nestedDispatchDoesNotBreakTheCount() throws Exception {
        startWatchdog();
        runAsLoopTask(() -> {
            LoopSlot nested = Loops.beginTask();
            assertNull(nested, "a dispatch inside a task is part of that task");
            spin(80);
        }, true);
        Thread.sleep(50);
        assertEquals(2, reports.size(), reports.toString());
    }

    @Test
    void startEstimateIsTheMiddleOfATickButNeverEarlierThanHalfATick() {
        long tick = TimeUnit.MILLISECONDS.toNanos(1);
        assertEquals(10_500_000L, watchdog.startEstimate(10_000_000L, 11_000_000L));
        // After a 20 ms gap the middle would be 10 ms early: a 50 ms threshold would fire at 40 ms.
        assertEquals(30_000_000L - tick / 2, watchdog.startEstimate(10_000_000L, 30_000_000L));
    }

    @Test
    void threadLeavingItsLoopIsForgotten() throws Exception {
        int before = Loops.live().length;
        runAsLoopTask(() -> { }, true);
        assertEquals(before, Loops.live().length);
    }

    @Test
    void taskThatMayHaveCrossedTheThresholdDuringAWatchdogGapIsCountedNotReported() throws Exception {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        try (ScriptedLoop loop = new ScriptedLoop()) {
            long t = System.nanoTime();
            watchdog.scan(t);
            loop.step(() -> loop.slot = Loops.beginTask());
            watchdog.scan(t + ms); // seen running: 0.5 ms old
            watchdog.scan(t + 2 * ms);
            loop.step(() -> loop.slot.end());
            watchdog.scan(t + 60 * ms); // a 58 ms gap: it ran 1-59 ms, the threshold is 40 ms
            assertEquals(1, watchdog.unobserved());

            // The same with ticks on time: a 10 ms task is neither reported nor counted.
            loop.step(() -> loop.slot = Loops.beginTask());
            watchdog.scan(t + 61 * ms);
            loop.step(() -> loop.slot.end());
            watchdog.scan(t + 71 * ms);
            assertEquals(1, watchdog.unobserved());

            // A whole task between two ticks 50 ms apart: it may have run for up to 50 ms.
            loop.wholeTasks(1);
            watchdog.scan(t + 121 * ms);
            assertEquals(2, watchdog.unobserved());

            // The same in a gap shorter than the threshold cannot hide a stall.
            loop.wholeTasks(1);
            watchdog.scan(t + 150 * ms);
            assertEquals(2, watchdog.unobserved());

            // Three whole tasks in a 90 ms gap: at most two of them can have run 40 ms.
            loop.wholeTasks(3);
            watchdog.scan(t + 240 * ms);
            assertEquals(4, watchdog.unobserved());

            // First seen after a 60 ms gap: its start is taken as late as possible (no false report), so it
            // looks 0.5 ms old; but it may have started 60 ms before, and it ends a tick later.
            loop.step(() -> loop.slot = Loops.beginTask());
            watchdog.scan(t + 300 * ms);
            loop.step(() -> loop.slot.end());
            watchdog.scan(t + 301 * ms);
            assertEquals(5, watchdog.unobserved());
        }
        assertEquals(List.of(), reports);
        assertEquals(0, watchdog.stalls());
    }

    /** After a stall, the tasks that fit in a gap before the tick that sees its end are counted too. */
    @Test
    void wholeTasksInAGapAfterAStallAreCountedNotReported() throws Exception {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        try (ScriptedLoop loop = new ScriptedLoop()) {
            long t = System.nanoTime();
            watchdog.scan(t);
            loop.step(() -> loop.slot = Loops.beginTask());
            watchdog.scan(t + ms);
            watchdog.scan(t + 42 * ms); // a stall
            assertEquals(1, watchdog.stalls());
            loop.step(() -> loop.slot.end());
            loop.wholeTasks(1);
            watchdog.scan(t + 142 * ms); // a 100 ms gap: the stall's end, and a whole task that may have run 40 ms
            assertEquals(1, watchdog.unobserved());
        }
        assertEquals(List.of(ReportType.STALL, ReportType.STALL_END),
                reports.stream().map(Report::type).collect(java.util.stream.Collectors.toList()));
    }

    /** A loop that leaves right after tasks the watchdog never saw: they are counted as at any tick. */
    @Test
    void wholeTasksBeforeALoopLeavesAreCountedAsUnobserved() throws Exception {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        long t = System.nanoTime();
        try (ScriptedLoop loop = new ScriptedLoop()) {
            watchdog.scan(t);
            loop.wholeTasks(2);
        }
        watchdog.scan(t + 100 * ms); // the loop is gone: two whole tasks in a 100 ms gap may each have run 40 ms
        assertEquals(2, watchdog.unobserved());
        assertEquals(List.of(), reports);
    }

    /**
     * A loop that registers between two scans and runs whole tasks before the first one that sees it: they are
     * counted from its registration on. A loop already there at the first scan is not (nothing says when it began).
     */
    @Test
    void tasksOfANewLoopBeforeTheWatchdogFirstSeesItAreCounted() throws Exception {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        try (ScriptedLoop old = new ScriptedLoop("old-loop")) {
            old.wholeTasks(3);
            watchdog.scan(System.nanoTime());
            try (ScriptedLoop loop = new ScriptedLoop()) {
                loop.wholeTasks(2);
                watchdog.scan(loop.registered.registeredAt() + 100 * ms); // two whole tasks in the 100 ms since it registered
                assertEquals(2, watchdog.unobserved(), "the new loop's two tasks; not the old loop's three");
            }
        }
        assertEquals(List.of(), reports);
    }

    @Test
    void idleLoopsLetTheWatchdogSleepLongAndStampTheirTasksStarts() throws Exception {
        long ms = TimeUnit.MILLISECONDS.toNanos(1);
        try (ScriptedLoop loop = new ScriptedLoop()) {
            watchdog.scan(System.nanoTime()); // first sight of the loop: its counter "moved"
            watchdog.pace();
            assertFalse(watchdog.quietPace());
            watchdog.scan(System.nanoTime()); // a whole tick with every loop idle
            watchdog.pace();
            assertTrue(watchdog.quietPace());
            assertEquals(10 * ms, watchdog.quietParkNanos(), "a quarter of the 40 ms threshold");

            long before = System.nanoTime();
            loop.step(() -> loop.slot = Loops.beginTask());
            long after = System.nanoTime();
            long stamped = loop.slot.stampedStart(loop.slot.seq());
            assertTrue(stamped - before >= 0 && after - stamped >= 0, "the loop stamped its start");
            watchdog.scan(after + 9 * ms); // the long sleep ends: the start is the stamp, not the middle of 9 ms
            watchdog.pace();
            assertFalse(watchdog.quietPace(), "a counter moved: back to the tick");
            watchdog.scan(stamped + 40 * ms - 1);
            assertEquals(List.of(), reports);
            watchdog.scan(stamped + 40 * ms);
            assertEquals(1, reports.size(), reports.toString());
            assertEquals(40 * ms, reports.get(0).elapsedNanos(), "reported at the threshold, measured from the stamp");
            loop.step(() -> loop.slot.end());

            loop.step(() -> loop.slot = Loops.beginTask());
            assertEquals(Long.MIN_VALUE, loop.slot.stampedStart(loop.slot.seq()), "stamps are off at the tick's pace");
            loop.step(() -> loop.slot.end());
        }
        assertEquals(0, watchdog.unobserved());
    }
}
